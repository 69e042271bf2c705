#!/usr/bin/env bash
# Runs ansible-test (sanity, units) on this checkout, offline-safe:
#   scripts/ansible-test.sh sanity [ansible-test options]
#   scripts/ansible-test.sh units  [ansible-test options]
# ansible-test must run inside .../ansible_collections/<namespace>/<name>, so the tracked files are copied into
# a folder of that shape outside this git checkout first (inside it, ansible-test would list files with git,
# which ignores .ansible/). Its pip bootstrap script is normally downloaded from an Ansible server this machine
# cannot reach; ansible-test first looks for a cached copy, so one that bootstraps pip with ensurepip is put there.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
"$repo_root/scripts/bootstrap.sh"

python="$repo_root/.venv/bin/python"
ansible_test_package="$("$python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
pip_version="$(grep -oP "pip='\K[^']+" "$ansible_test_package/_internal/python_requirements.py" | head -n1)"
get_pip="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$get_pip")"
cat >"$get_pip" <<'PYTHON'
# Stand-in for get-pip.py (written by swarmops.swarm's scripts/ansible-test.sh): ensurepip, then pip itself
# installs what ansible-test asked for (pip comes from PyPI, which is reachable). Like get-pip.py, the arguments
# are those of `pip install`, plus get-pip's own --no-setuptools and --no-wheel.
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + arguments))
PYTHON

# A folder of this checkout's own (named by its path), so two checkouts on one machine do not share one.
checkout_key="$(printf '%s' "$repo_root" | sha256sum | cut -c1-12)"
tree="${TMPDIR:-/tmp}/swarmops-ansible-test-$checkout_key/ansible_collections/swarmops/swarm"
rm -rf "$tree"
mkdir -p "$tree"
# bench/ is a measuring harness outside the collection (never shipped); ruff lints it.
git ls-files -z --cached --others --exclude-standard -- . ':!bench' | xargs -0 cp --parents -t "$tree"
# The tools bootstrap.sh unpacks (promtool, for swarm_monitoring's alert rule tests) are untracked: the units need them.
if [ -d .sandbox/tools ]; then
    mkdir -p "$tree/.sandbox"
    cp -a .sandbox/tools "$tree/.sandbox/"
fi
cd "$tree"
exec "$repo_root/.venv/bin/ansible-test" "$@"
