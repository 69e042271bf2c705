#!/usr/bin/env bash
# Prepares a machine for the sandbox and the tests: a Docker engine that answers, debootstrap (the node images are
# built without a registry), apt-cacher-ng in front of Debian's mirror (the bare nodes install their engines through
# it, so six nodes download each package once), promtool, the project's .venv, and the in-tree collection path that
# ansible.cfg points at.
# Idempotent and silent when there is nothing to do, so every sandbox command can run it first.
# With --oldest it also prepares .venv-oldest: the oldest ansible-core the collection claims, on Python 3.11.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_dir="$repo_root/.sandbox"
dockerd_log="/var/log/dockerd.log"
dockerd_timeout_seconds=60

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "$1 needs root; run this as root"
}

# Installs the Debian package of every "command:package" pair whose command is missing.
install_missing_commands() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    need_root "installing ${missing[*]}"
    say "installing ${missing[*]} with apt-get"
    mkdir -p "$state_dir"
    local apt_log="$state_dir/bootstrap-apt.log"
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
        >"$apt_log" 2>&1; then
        tail -n 20 "$apt_log" >&2
        die "apt-get failed; full log in $apt_log"
    fi
}

# There is no systemd on these machines: dockerd runs as a plain background process.
ensure_docker_engine() {
    docker info >/dev/null 2>&1 && return 0
    need_root "starting dockerd"
    say "starting dockerd (log: $dockerd_log)"
    # setsid detaches it from this shell, so it outlives the script and the caller's terminal.
    setsid dockerd >>"$dockerd_log" 2>&1 </dev/null &
    local waited
    for ((waited = 0; waited < dockerd_timeout_seconds; waited++)); do
        docker info >/dev/null 2>&1 && return 0
        sleep 1
    done
    die "dockerd did not answer within ${dockerd_timeout_seconds}s; see $dockerd_log"
}

# The bare sandbox nodes' apt goes through this caching proxy (sandbox/images.py points them at it). It runs with a
# configuration of the project's own under .sandbox/, not the package's: that one remaps Debian's archive to a
# mirror of its choosing, while this one fetches each URL from the mirror the node asked for (the host's own, which is
# known to answer), and the system's configuration stays untouched. It listens on every address, so the sandbox
# networks' gateways too; there is no systemd here, so it runs as a background daemon, like dockerd.
apt_cache_port=3142
apt_cache_dir="$state_dir/apt-cacher-ng"

apt_cache_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$apt_cache_port") 2>/dev/null
}

ensure_apt_cache() {
    apt_cache_answers && return 0
    need_root "starting apt-cacher-ng"
    say "starting apt-cacher-ng on port $apt_cache_port (log: $apt_cache_dir/log)"
    mkdir -p "$apt_cache_dir/log" "$state_dir/cache/apt-cacher-ng"
    printf '%s\n' "CacheDir: $state_dir/cache/apt-cacher-ng" "LogDir: $apt_cache_dir/log" \
        "SupportDir: /usr/lib/apt-cacher-ng" "Port: $apt_cache_port" "ReportPage: acng-report.html" \
        >"$apt_cache_dir/acng.conf"
    apt-cacher-ng -c "$apt_cache_dir" ForeGround=0 pidfile="$apt_cache_dir/pid" SocketPath="$apt_cache_dir/socket" \
        </dev/null >>"$apt_cache_dir/log/start.log" 2>&1
    local waited
    for ((waited = 0; waited < 30; waited++)); do
        apt_cache_answers && return 0
        sleep 1
    done
    die "apt-cacher-ng did not answer on port $apt_cache_port within 30s; see $apt_cache_dir/log"
}

# The newest Python this machine has (pyenv's 3.13: the newest ansible-core needs 3.12+), else python3.
newest_python() {
    local prefix
    if prefix="$(pyenv prefix 3.13.0 2>/dev/null)"; then
        echo "$prefix/bin/python3"
    else
        command -v python3
    fi
}

# The oldest ansible-core the collection claims (2.17) runs on Python 3.11.
python_3_11() {
    local prefix
    if prefix="$(pyenv prefix 3.11.7 2>/dev/null)"; then
        echo "$prefix/bin/python3"
    else
        command -v python3.11 || command -v python3
    fi
}

# ensure_venv DIR PYTHON REQUIREMENTS_FILE...: the last file is installed; the hash of all of them is stored in the
# venv, so an unchanged venv costs one sha256sum and no pip run.
ensure_venv() {
    local venv="$repo_root/$1" python="$2"
    shift 2
    local install="${*: -1}"
    local stamp="$venv/.requirements.sha256"
    local wanted
    wanted="$(cd "$repo_root" && cat "$@" | sha256sum | cut -d' ' -f1)"
    if [ ! -x "$venv/bin/python" ]; then
        say "creating $(basename "$venv") with $python"
        "$python" -m venv "$venv"
    fi
    [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ] && return 0
    say "installing $install into $(basename "$venv")"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$repo_root/$install"
    echo "$wanted" >"$stamp"
}

# ansible.cfg's collections_path is ./.ansible/collections: this link makes the working tree that collection.
ensure_collection_link() {
    local link="$repo_root/.ansible/collections/ansible_collections/swarmops/swarm"
    local target="../../../.."
    [ "$(readlink "$link" 2>/dev/null)" = "$target" ] && return 0
    if [ -e "$link" ] && [ ! -L "$link" ]; then
        die "$link exists and is not a symlink; move it away"
    fi
    mkdir -p "$(dirname "$link")"
    ln -sfn "$target" "$link"
}

# promtool checks and tests the monitoring role's alert rules (scripts/lint.sh, tests/unit/roles). It ships in
# Debian's prometheus package, whose server would start as a daemon (port 9090) wherever the host lets packages
# start their services: only promtool is unpacked from the package, into .sandbox/tools.
ensure_promtool() {
    local tools="$state_dir/tools"
    [ -x "$tools/promtool" ] && return 0
    say "unpacking promtool from Debian's prometheus package into $tools"
    local work apt_log="$state_dir/bootstrap-apt.log"
    work="$(mktemp -d)"
    mkdir -p "$tools"
    if ! (cd "$work" && { apt-get download -q prometheus || { need_root "updating apt's lists" &&
        apt-get update -q && apt-get download -q prometheus; }; }) >"$apt_log" 2>&1; then
        tail -n 20 "$apt_log" >&2
        rm -rf "$work"
        die "downloading the prometheus package failed; full log in $apt_log"
    fi
    dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
    install -m 0755 "$work/root/usr/bin/promtool" "$tools/promtool"
    rm -rf "$work"
}

main() {
    install_missing_commands dockerd:docker.io debootstrap:debootstrap apt-cacher-ng:apt-cacher-ng
    ensure_promtool
    ensure_docker_engine
    ensure_apt_cache
    ensure_venv .venv "$(newest_python)" requirements.txt requirements-test.txt
    if [ "${1:-}" = "--oldest" ]; then
        ensure_venv .venv-oldest "$(python_3_11)" requirements-oldest.txt
    fi
    ensure_collection_link
}

main "$@"
