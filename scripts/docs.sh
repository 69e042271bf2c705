#!/usr/bin/env bash
# Builds the collection's documentation site with antsibull-docs and Sphinx (what docs.ansible.com renders for
# collections) into .sandbox/docsite/build/html, failing on any documentation error or Sphinx warning. Run by
# scripts/lint.sh; `scripts/docs.sh` alone builds the site to read locally.
#
# Offline, Sphinx cannot fetch the intersphinx inventories of docs.ansible.com and docs.python.org: the site is
# built without them, and references into those sites (the generated pages' links to "common return values", to
# ansible.builtin modules, ...) render as plain text instead of links. That is the one class of warning left out
# (Sphinx's ref.ref); references between this collection's own pages are checked by `antsibull-docs
# lint-collection-docs` first.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
scripts/bootstrap.sh
bin="$repo_root/.venv/bin"
export PATH="$bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$repo_root/.ansible/collections"

site="$repo_root/.sandbox/docsite"
rm -rf "$site"
mkdir -p "$site"

"$bin/antsibull-docs" lint-collection-docs --plugin-docs --skip-rstcheck .ansible/collections/ansible_collections/swarmops/swarm
"$bin/antsibull-docs" sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$site" \
    --title "swarmops.swarm" swarmops.swarm >/dev/null
cat >>"$site/conf.py" <<'PYTHON'

# Written by scripts/docs.sh: no inventories offline, and references into docs.ansible.com stay plain text.
intersphinx_mapping = {}
suppress_warnings = ['ref.ref']
PYTHON
"$site/build.sh"
echo "docs: $site/build/html/index.html"
