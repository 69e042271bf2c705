"""The sandbox's images, built from Debian packages without any registry, and cached by their build inputs.

- The node image: a debootstrapped Debian with dockerd, python3 and the docker SDK, imported with `dockerd` as its
  command: the fast path, an engine that answers as soon as the container starts. Its tag is
  swarmops/sandbox-node:<suite>-<hash of the recipe below>; the suite is bookworm (Engine 20.10, SDK 5.0.3, the
  oldest the collection supports) or trixie (Engine 26.1).
- The bare node image: a fresh host, debootstrapped Debian with systemd as PID 1, apt and python3 but no Docker
  (swarmops/sandbox-bare-node:<suite>-<hash>). Its apt goes through the sandbox host's apt-cacher-ng, and a unit
  that docker.service pulls in loads the service images from the directory the sandbox mounts, once an engine is
  installed.
- The service images swarmops/web:1 and swarmops/web:2: Debian's busybox-static serving /www/index.html
  ("swarmops/web:<version> on <hostname>") with `busybox httpd` on port 80. They differ only in that page and the
  label io.swarmops.web.version, so tests can roll a service from one to the other.

- The monitoring images, built only on request (`swarm-sandbox images --monitoring`, for the Molecule scenario
  monitoring): swarmops/prometheus, swarmops/node-exporter and swarmops/alertmanager, tagged with the upstream version
  of Debian's prometheus, prometheus-node-exporter and prometheus-alertmanager packages. Each holds the package's
  programs (and Alertmanager's notification templates), the C library's loader and libc.so.6 (they are linked against
  it) and busybox, and has the program as its entrypoint, as the upstream prom/* images do. Debian has no Grafana and
  no cAdvisor: swarmops/grafana-stand-in and swarmops/cadvisor-stand-in are busybox httpd answering on their ports
  (3000: /api/health, and /api/org behind Grafana's admin login; 8080: /metrics).

Each image carries the hash of its build inputs in the label io.swarmops.sandbox.inputs; an image whose label
matches is reused, anything else is built again. Builds hold a file lock, so two sandboxes starting at the same time
build once.
"""

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker

from .apt_sources import host_debian_mirror
from .paths import BUILD_DIR, CACHE_DIR

log = logging.getLogger(__name__)

INPUTS_LABEL = "io.swarmops.sandbox.inputs"

NODE_REPOSITORY = "swarmops/sandbox-node"
BARE_NODE_REPOSITORY = "swarmops/sandbox-bare-node"
# bookworm's docker.io 20.10 and python3-docker 5.0.3 are the oldest engine and SDK the modules support; trixie's
# docker.io 26.1 speaks a current Engine API (1.45).
NODE_SUITES = ("bookworm", "trixie")
DEFAULT_NODE_SUITE = "bookworm"
NODE_PACKAGES = (
    "python3",
    "python3-docker",
    "python3-yaml",
    # Not for swarmops.swarm: community.docker's docker_stack, the benchmark's contender, needs it on the node.
    "python3-jsondiff",
    "docker.io",
    "iproute2",
    "iptables",
    "procps",
    "ca-certificates",
)
# trixie ships the Docker CLI in a package of its own, which docker.io only recommends (debootstrap installs no
# recommends); tests and operators use the CLI on the nodes.
NODE_SUITE_PACKAGES = {"bookworm": (), "trixie": ("docker-cli",)}
# The node's volume is mounted on /var/lib/docker, where overlay2 works (the container's own root would force vfs).
# Engine 26 and newer fail every container start when they cannot turn IPv6 off on its interface, and a node's
# /proc/sys is read-only here (no --privileged); this variable is the engine's own way around it. A real host has no
# such problem, so only the sandbox sets it: in the image for engine nodes, and as a drop-in for bare nodes'
# docker.service, waiting for the engine that the swarm_engine role installs.
ENGINE_SANDBOX_ENVIRONMENT = "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1"
# The node's own bridge networks (docker0, docker_gwbridge) come from a pool that no network of the host's engine
# takes (its defaults are 172.17-31.0.0/16 and 192.168.0.0/16): from the engine's default pools, a node cut off from
# the sandbox network (the fault tests disconnect one) may create a bridge on the sandbox's own subnet, and then it
# cannot be connected again ("conflicts with existing route").
NODE_ADDRESS_POOL = "base=10.209.0.0/16,size=24"
NODE_CHANGES = (
    'CMD ["dockerd", "--host=unix:///var/run/docker.sock", "--storage-driver=overlay2", '
    f'"--default-address-pool={NODE_ADDRESS_POOL}"]',
    f"ENV {ENGINE_SANDBOX_ENVIRONMENT}",
)
# A bare node is a fresh host: systemd as PID 1, apt and python3 for Ansible, and no Docker at all (installing it is
# the swarm_engine role's job). iptables is there because the firewall role needs it on a host without Docker too.
BARE_NODE_PACKAGES = (
    "systemd",
    "systemd-sysv",
    "dbus",
    "python3",
    "iproute2",
    "iptables",
    "procps",
    "ca-certificates",
)
# systemd stops on SIGRTMIN+3, not SIGTERM; the sandbox passes that stop signal when it starts the container, as
# docker import of Engine 20.10 refuses a STOPSIGNAL change.
BARE_NODE_CHANGES = ('CMD ["/sbin/init"]', "ENV container=docker")
# The host name that the nodes' apt proxy setting names; the sandbox maps it to its network's gateway, where the
# host's apt-cacher-ng listens (sandbox/apt_cache.py).
APT_CACHE_HOST = "apt-cache"
APT_CACHE_PORT = 3142
# Where a bare node finds the service images the sandbox saved for it: there is no registry, so once the swarm_engine
# role has installed and started the engine, a unit pulled in by docker.service loads them, as if they were pulled.
NODE_IMAGES_DIR = "/swarmops-images"
# Loads the archives through the Engine API on the node's socket: the Docker CLI is a package of its own on some
# releases (trixie's docker-cli), and the loader must not depend on which packages the role under test installed.
IMAGE_LOADER = f"""import glob, http.client, os, socket, sys

class EngineConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect("/run/docker.sock")

for archive in sorted(glob.glob("{NODE_IMAGES_DIR}/*.tar")):
    engine = EngineConnection("localhost")
    with open(archive, "rb") as stream:
        headers = {{"Content-Type": "application/x-tar", "Content-Length": str(os.path.getsize(archive))}}
        engine.request("POST", "/images/load?quiet=1", body=stream, headers=headers)
        response = engine.getresponse()
        answer = response.read()
    if response.status != 200 or b'"error"' in answer:
        sys.exit(f"loading {{archive}} failed: {{response.status}} {{answer[:500]!r}}")
    print(f"loaded {{archive}}")
"""
BARE_NODE_FILES = {
    "etc/apt/apt.conf.d/01swarmops-sandbox-proxy": f'Acquire::http::Proxy "http://{APT_CACHE_HOST}:{APT_CACHE_PORT}";\n',
    "usr/local/lib/swarmops-sandbox/load-images.py": IMAGE_LOADER,
    "etc/systemd/system/swarmops-sandbox-images.service": f"""[Unit]
Description=Load the swarmops sandbox's service images into the engine (the sandbox has no registry)
After=docker.service
PartOf=docker.service
ConditionDirectoryNotEmpty={NODE_IMAGES_DIR}

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/python3 /usr/local/lib/swarmops-sandbox/load-images.py

[Install]
WantedBy=docker.service
""",
    "etc/systemd/system/docker.service.d/swarmops-sandbox.conf": f"[Service]\nEnvironment={ENGINE_SANDBOX_ENVIRONMENT}\n",
    # Each container gets a machine ID of its own at boot instead of the one debootstrap wrote.
    "etc/machine-id": "",
}
BARE_NODE_LINKS = {
    # A container cannot load kernel modules (the host has loaded what Docker needs): masked, the unit does not fail
    # at every boot.
    "etc/systemd/system/systemd-modules-load.service": "/dev/null",
    "etc/systemd/system/docker.service.wants/swarmops-sandbox-images.service": (
        "/etc/systemd/system/swarmops-sandbox-images.service"
    ),
}
# Nothing in a node reads these; dropping them shrinks the import.
NODE_TRIMMED_DIRS = ("usr/share/doc", "usr/share/man", "usr/share/locale", "var/lib/apt/lists", "var/cache/apt")

WEB_REPOSITORY = "swarmops/web"
WEB_VERSIONS = ("1", "2")
WEB_PACKAGE = "busybox-static"


MONITORING_REPOSITORY = "swarmops"
# image name -> (Debian package, the files of the package the image keeps, entrypoint, empty directories it needs)
MONITORING_PACKAGES = {
    "prometheus": ("prometheus", ("usr/bin/prometheus",), "/usr/bin/prometheus", ("prometheus", "etc/prometheus")),
    "node-exporter": (
        "prometheus-node-exporter",
        ("usr/bin/prometheus-node-exporter",),
        "/usr/bin/prometheus-node-exporter",
        (),
    ),
    # Debian's Alertmanager reads its notification templates from files instead of embedding them.
    "alertmanager": (
        "prometheus-alertmanager",
        (
            "usr/bin/prometheus-alertmanager",
            "usr/share/prometheus/alertmanager/default.tmpl",
            "usr/share/prometheus/alertmanager/email.tmpl",
        ),
        "/usr/bin/prometheus-alertmanager",
        ("alertmanager", "etc/alertmanager"),
    ),
}
LIBC_PACKAGE = "libc6"
# The files of libc6 that a program linked only against libc needs: the dynamic loader and libc itself.
LIBC_FILE_PATTERN = re.compile(r"(^|/)(ld-linux[^/]*|libc\.so\.6)$")
# Grafana's admin login, as Grafana sets it up from its environment (admin/admin without one), guarding /api/org as
# Grafana does: a test can then tell whether the password it was given is the one Grafana would check.
GRAFANA_LOGIN = (
    'password=admin; [ -n "$GF_SECURITY_ADMIN_PASSWORD__FILE" ] && password="$(cat "$GF_SECURITY_ADMIN_PASSWORD__FILE")"; '
    'printf \'/api/org:%s:%s\\n\' "${GF_SECURITY_ADMIN_USER:-admin}" "$password" >/tmp/httpd.conf'
)
# image name -> (port, files served: path -> content, shell that writes /tmp/httpd.conf or ""). The tag stays
# STAND_IN_VERSION; the inputs label tells a stale one.
STAND_INS = {
    "grafana-stand-in": (
        3000,
        {"api/health": '{"database": "ok", "version": "stand-in"}', "api/org": '{"id": 1, "name": "Main Org."}'},
        GRAFANA_LOGIN,
    ),
    "cadvisor-stand-in": (
        8080,
        {"metrics": '# TYPE cadvisor_version_info gauge\ncadvisor_version_info{cadvisorVersion="stand-in"} 1'},
        "",
    ),
}
STAND_IN_VERSION = "1"


class ImageBuildError(Exception):
    pass


@dataclass(frozen=True)
class SandboxImages:
    node: str  # the image the node containers run
    services: tuple  # the images loaded into every node's engine


def ensure_images(client, suite=DEFAULT_NODE_SUITE, bare=False):
    """Builds whatever image is missing or stale and returns the tags to use.

    suite is the nodes' Debian release (NODE_SUITES); bare nodes have systemd and no Docker engine.
    """
    if suite not in NODE_SUITES:
        raise ValueError(f"node suite {suite!r} is not one of {', '.join(NODE_SUITES)}")
    with _build_lock():
        _remove_leftover_build_dirs()
        node = _ensure_node_image(client, _node_recipe(suite, bare))
        return SandboxImages(node=node, services=_ensure_web_images(client))


def ensure_monitoring_images(client):
    """Builds the monitoring stack's images if missing or stale; returns {image name: tag}, e.g. prometheus."""
    with _build_lock():
        _remove_leftover_build_dirs()
        busybox_deb = _cached_deb(WEB_PACKAGE)
        busybox = _busybox_binary(busybox_deb)
        tags = {}
        for name, (package, kept, entrypoint, directories) in MONITORING_PACKAGES.items():
            tags[name] = _ensure_packaged_image(client, name, package, kept, entrypoint, directories, busybox)
        for name, (port, files, httpd_conf) in STAND_INS.items():
            tags[name.removesuffix("-stand-in")] = _ensure_stand_in_image(
                client, name, port, files, httpd_conf, busybox
            )
        return tags


def _node_recipe(suite, bare):
    """Everything a node image is built from: its tag is the hash of it, so a change of any part rebuilds it."""
    recipe = {
        "suite": suite,
        "variant": "minbase",
        "packages": BARE_NODE_PACKAGES if bare else NODE_PACKAGES + NODE_SUITE_PACKAGES[suite],
        "changes": BARE_NODE_CHANGES if bare else NODE_CHANGES,
        "trimmed": NODE_TRIMMED_DIRS,
    }
    if bare:
        recipe.update(files=BARE_NODE_FILES, links=BARE_NODE_LINKS)
    return recipe


def node_image_repository(bare):
    return BARE_NODE_REPOSITORY if bare else NODE_REPOSITORY


def _ensure_node_image(client, recipe):
    bare = "files" in recipe
    inputs = _digest(recipe)
    tag = f"{node_image_repository(bare)}:{recipe['suite']}-{inputs}"
    if _image_inputs(client, tag) == inputs:
        return tag
    mirror = host_debian_mirror()
    log.info("building %s: debootstrap %s from %s (about 1-2 minutes)", tag, recipe["suite"], mirror)
    with _scratch_dir("node-rootfs-") as rootfs:
        _debootstrap(rootfs, mirror, recipe["suite"], recipe["packages"])
        for trimmed in recipe["trimmed"]:
            _empty_dir(rootfs / trimmed)
        for path, content in recipe.get("files", {}).items():
            (rootfs / path).parent.mkdir(parents=True, exist_ok=True)
            (rootfs / path).write_text(content)
        for path, target in recipe.get("links", {}).items():
            (rootfs / path).parent.mkdir(parents=True, exist_ok=True)
            (rootfs / path).unlink(missing_ok=True)
            (rootfs / path).symlink_to(target)
        log.info("importing %s", tag)
        _import_rootfs_dir(client, rootfs, tag, tuple(recipe["changes"]) + (f"LABEL {INPUTS_LABEL}={inputs}",))
    return tag


def _debootstrap(rootfs, mirror, suite, packages):
    # Keeping the .debs makes a rebuild after a recipe change download only what changed; one cache per release, as
    # two releases' packages of the same name and version can differ.
    deb_cache = CACHE_DIR / f"debootstrap-{suite}"
    deb_cache.mkdir(parents=True, exist_ok=True)
    _run(
        [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(packages)}",
            f"--cache-dir={deb_cache}",
            suite,
            str(rootfs),
            mirror,
        ]
    )


def _import_rootfs_dir(client, rootfs, tag, changes):
    # tar streams the tree (device nodes, owners and all) straight into the engine, without a file on disk.
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "--numeric-owner", "-c", "."], stdout=subprocess.PIPE)
    try:
        chunks = iter(lambda: tar.stdout.read(1 << 20), b"")
        repository, _colon, version = tag.rpartition(":")
        client.api.import_image_from_stream(chunks, repository=repository, tag=version, changes=list(changes))
    finally:
        tar.stdout.close()
        tar.wait()
    if tar.returncode != 0:
        # The engine may have imported the truncated stream: drop it, or its label would mark it as good.
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(tag, force=True)
        raise ImageBuildError(f"tar of {rootfs} failed with exit code {tar.returncode}")


def _ensure_web_images(client):
    busybox_deb = _cached_deb(WEB_PACKAGE)
    deb_digest = hashlib.sha256(busybox_deb.read_bytes()).hexdigest()
    rootfs_tar = None
    tags = []
    for version in WEB_VERSIONS:
        changes = _web_changes(version)
        inputs = _digest({"deb": deb_digest, "changes": changes})
        tag = f"{WEB_REPOSITORY}:{version}"
        tags.append(tag)
        if _image_inputs(client, tag) == inputs:
            continue
        log.info("building %s from %s", tag, busybox_deb.name)
        rootfs_tar = rootfs_tar or _busybox_rootfs_tar(busybox_deb)
        client.api.import_image_from_data(
            rootfs_tar,
            repository=WEB_REPOSITORY,
            tag=version,
            changes=list(changes) + [f"LABEL {INPUTS_LABEL}={inputs}"],
        )
    return tuple(tags)


def _web_changes(version):
    page = f"swarmops/web:{version} on $(hostname)"
    # httpd as PID 1 would ignore SIGTERM and every task stop would wait out the grace period: the shell stays
    # PID 1 and exits on SIGTERM, as a well-behaved service does.
    script = f'echo "{page}" >/www/index.html; httpd -f -p 80 -h /www & trap "exit 0" TERM INT; wait'
    return (
        f"CMD {json.dumps(['/bin/sh', '-c', script])}",
        f"LABEL io.swarmops.web.version={version}",
        "EXPOSE 80",
    )


def _ensure_packaged_image(client, name, package, kept, entrypoint, directories, busybox):
    deb = _cached_deb(package)
    libc_deb = _cached_deb(LIBC_PACKAGE)
    changes = (f"ENTRYPOINT {json.dumps([entrypoint])}",)
    inputs = _digest(
        {
            "debs": [_file_digest(deb), _file_digest(libc_deb), busybox.digest],
            "kept": kept,
            "directories": directories,
            "changes": changes,
        }
    )
    tag = f"{MONITORING_REPOSITORY}/{name}:{upstream_version(_deb_version(deb))}"
    if _image_inputs(client, tag) == inputs:
        return tag
    log.info("building %s from %s", tag, deb.name)
    with _scratch_dir(f"{name}-") as extracted:
        _run(["dpkg-deb", "-x", str(deb), str(extracted)])
        _run(["dpkg-deb", "-x", str(libc_deb), str(extracted)])
        libc_files = [
            path.relative_to(extracted).as_posix()
            for path in sorted(extracted.rglob("*"))
            if LIBC_FILE_PATTERN.search(path.as_posix()) and (path.is_file() or path.is_symlink())
        ]
        rootfs_tar = _minimal_rootfs_tar(
            busybox.data,
            busybox.applets,
            directories=directories,
            files=_tree_members(extracted, list(kept) + libc_files) + _merged_usr_links(extracted),
        )
    client.api.import_image_from_data(
        rootfs_tar,
        repository=tag.rpartition(":")[0],
        tag=tag.rpartition(":")[2],
        changes=list(changes) + [f"LABEL {INPUTS_LABEL}={inputs}"],
    )
    return tag


def _ensure_stand_in_image(client, name, port, files, httpd_conf, busybox):
    writes = "; ".join(
        f"mkdir -p /www/{Path(path).parent}; printf '%s\\n' '{content}' >/www/{path}" for path, content in files.items()
    )
    httpd = f"httpd -f -p {port} -h /www -c /tmp/httpd.conf" if httpd_conf else f"httpd -f -p {port} -h /www"
    # As with the web images: the shell stays PID 1 and exits on SIGTERM; arguments given to it are ignored, so the
    # real image's command line (cAdvisor's flags) can stay in the service.
    script = "; ".join(part for part in (writes, httpd_conf, f"{httpd} & trap 'exit 0' TERM INT; wait") if part)
    changes = (f"ENTRYPOINT {json.dumps(['/bin/sh', '-c', script, name])}", f"EXPOSE {port}")
    inputs = _digest({"deb": busybox.digest, "changes": changes})
    tag = f"{MONITORING_REPOSITORY}/{name}:{STAND_IN_VERSION}"
    if _image_inputs(client, tag) == inputs:
        return tag
    log.info("building %s", tag)
    client.api.import_image_from_data(
        _minimal_rootfs_tar(busybox.data, busybox.applets),
        repository=f"{MONITORING_REPOSITORY}/{name}",
        tag=STAND_IN_VERSION,
        changes=list(changes) + [f"LABEL {INPUTS_LABEL}={inputs}"],
    )
    return tag


def upstream_version(debian_version):
    """The upstream part of a Debian version, as an image tag: 1:2.42.0+ds-5+deb12u1 -> 2.42.0."""
    without_epoch = debian_version.partition(":")[2] or debian_version
    match = re.match(r"[0-9][0-9.]*[0-9]|[0-9]", without_epoch)
    if not match:
        raise ImageBuildError(f"no upstream version in the Debian version {debian_version!r}")
    return match.group()


def _deb_version(deb):
    return _run(["dpkg-deb", "--field", str(deb), "Version"]).strip()


def _file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_members(root, relative_paths):
    """(path, kind, mode, data, link target) of each path under root, its parent directories first, once each."""
    members = {}
    for relative in relative_paths:
        parts = Path(relative).parts
        for depth in range(1, len(parts)):
            members.setdefault("/".join(parts[:depth]), (tarfile.DIRTYPE, 0o755, b"", ""))
        path = root / relative
        if path.is_symlink():
            members[relative] = (tarfile.SYMTYPE, 0o777, b"", str(path.readlink()))
        else:
            members[relative] = (tarfile.REGTYPE, path.stat().st_mode & 0o7777, path.read_bytes(), "")
    return [(name, *member) for name, member in members.items()]


def _merged_usr_links(root):
    # Debian 13's libc6 ships its loader under usr/lib64 only, but programs ask for /lib64/ld-linux-x86-64.so.2.
    return [
        (top, tarfile.SYMTYPE, 0o777, b"", f"usr/{top}")
        for top in ("lib", "lib64")
        if (root / "usr" / top).is_dir() and not (root / top).exists()
    ]


def _cached_deb(package):
    """The package's .deb for this host's release, downloaded once into the cache."""
    cache = CACHE_DIR / package
    cache.mkdir(parents=True, exist_ok=True)
    debs = sorted(cache.glob(f"{package}_*.deb"))
    if debs:
        return debs[-1]
    download = ["apt-get", "download", "-q", package]
    if subprocess.run(download, cwd=cache, check=False, capture_output=True).returncode != 0:
        # A machine where apt-get update never ran has no package lists to download from.
        _run(["apt-get", "update", "-q"])
        _run(download, cwd=cache)
    return sorted(cache.glob(f"{package}_*.deb"))[-1]


@dataclass(frozen=True)
class _Busybox:
    data: bytes
    applets: tuple
    digest: str  # of its .deb


def _busybox_binary(busybox_deb):
    with _scratch_dir("busybox-") as extracted:
        _run(["dpkg-deb", "-x", str(busybox_deb), str(extracted)])
        # bookworm ships /bin/busybox, trixie (merged /usr) /usr/bin/busybox.
        binary = next(path for path in (extracted / "bin/busybox", extracted / "usr/bin/busybox") if path.is_file())
        applets = tuple(_run([str(binary), "--list"]).split())
        return _Busybox(data=binary.read_bytes(), applets=applets, digest=_file_digest(busybox_deb))


def _busybox_rootfs_tar(busybox_deb):
    busybox = _busybox_binary(busybox_deb)
    return _minimal_rootfs_tar(busybox.data, busybox.applets)


def _minimal_rootfs_tar(busybox, applets, directories=(), files=()):
    """/bin/busybox with a symlink per applet, an empty /www and /tmp, more empty directories and further files.

    files are (path, tar member type, mode, data, link target). Owners and times are fixed, so the same inputs always
    give the same layer (web:1 and web:2 share it).
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for directory, mode in (("bin", 0o755), ("www", 0o755), ("tmp", 0o1777)):
            _add_tar_member(tar, directory, tarfile.DIRTYPE, mode)
        _add_tar_member(tar, "bin/busybox", tarfile.REGTYPE, 0o755, data=busybox)
        for applet in sorted(set(applets) - {"busybox"}):
            _add_tar_member(tar, f"bin/{applet}", tarfile.SYMTYPE, 0o777, linkname="busybox")
        for directory in directories:
            _add_tar_member(tar, directory, tarfile.DIRTYPE, 0o755)
        for name, kind, mode, data, linkname in files:
            _add_tar_member(tar, name, kind, mode, data=data, linkname=linkname)
    return buffer.getvalue()


def _add_tar_member(tar, name, kind, mode, data=b"", linkname=""):
    member = tarfile.TarInfo(name)
    member.type, member.mode, member.size, member.linkname = kind, mode, len(data), linkname
    tar.addfile(member, io.BytesIO(data) if data else None)


def _image_inputs(client, tag):
    try:
        return client.images.get(tag).labels.get(INPUTS_LABEL)
    except docker.errors.ImageNotFound:
        return None


def _digest(inputs):
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:12]


def _run(command, cwd=None):
    result = subprocess.run(command, cwd=cwd, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        tail = "\n".join(output[-20:])
        raise ImageBuildError(f"{' '.join(command)} failed with exit code {result.returncode}:\n{tail}")
    return result.stdout


@contextlib.contextmanager
def _build_lock():
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(BUILD_DIR / ".lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield


def _remove_leftover_build_dirs():
    # Under the build lock no other build is running: any directory here is what an interrupted build left.
    for path in BUILD_DIR.iterdir():
        if path.is_dir():
            _remove_tree(path)


@contextlib.contextmanager
def _scratch_dir(prefix):
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=BUILD_DIR))
    try:
        yield path
    finally:
        _remove_tree(path)


def _remove_tree(path):
    # An interrupted debootstrap can leave /proc or /sys mounted inside the root filesystem: unmount before deleting.
    for mount_point in sorted(_mount_points_under(path), reverse=True):
        subprocess.run(["umount", "--lazy", mount_point], check=False)
    shutil.rmtree(path)


def _mount_points_under(path):
    with open("/proc/mounts") as mounts:
        mount_points = [line.split()[1] for line in mounts]
    return [point for point in mount_points if point.startswith(f"{path}/")]


def _empty_dir(path):
    if path.is_dir():
        shutil.rmtree(path)
        path.mkdir()
