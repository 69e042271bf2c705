"""A multi-node Docker Swarm test bed: Docker-in-Docker containers on one bridge network of the host engine.

The nodes are engines in no swarm (forming a swarm is the job of the modules under test), each with its own volume
on /var/lib/docker, a fixed address on the sandbox network and the service images loaded. Bare nodes (bare=True) are
fresh hosts instead: systemd as PID 1 and no Docker, which the swarm_engine role installs; their apt goes through the
host's apt-cacher-ng, and the service images wait in a mounted directory until an engine loads them.

Calls to the host engine go through the docker SDK. Commands inside a node go through the CLI's `docker exec`:
the SDK's exec_run cannot feed a command's standard input, which `docker load` needs, and one way of running
every command keeps them all alike.
"""

import functools
import logging
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker
from docker.types import IPAMConfig, IPAMPool

from . import layout
from .images import (
    APT_CACHE_HOST,
    DEFAULT_NODE_SUITE,
    NODE_IMAGES_DIR,
    ensure_images,
    ensure_monitoring_images,
)
from .inventory import render_inventory
from .layout import BARE_LABEL, GROUP_LABEL, NODE_LABEL, Node
from .paths import STATE_DIR

log = logging.getLogger(__name__)

ENGINE_TIMEOUT_SECONDS = 90
# An image import or the removal of a busy node can take longer than the SDK's default 60 s read timeout.
DOCKER_CLIENT_TIMEOUT_SECONDS = 600

# Docker-in-Docker without --privileged, which fails on these machines (no CAP_SYS_RESOURCE in the bounding set).
DIND_OPTIONS = {
    "cap_add": ["ALL"],
    "cap_drop": ["SYS_RESOURCE"],
    "security_opt": ["seccomp=unconfined", "apparmor=unconfined"],
    "tmpfs": {"/run": "", "/tmp": ""},
    # tini as PID 1 forwards stop signals to dockerd and reaps the containerd shims orphaned to it.
    "init": True,
}
# A bare node runs systemd as PID 1 instead of tini: it needs its own /run/lock, and stops on SIGRTMIN+3. It comes
# back after a `systemctl reboot` inside it (which stops the container) as a rebooted host would.
BARE_OPTIONS = {
    **{key: value for key, value in DIND_OPTIONS.items() if key != "init"},
    "tmpfs": {"/run": "", "/run/lock": "", "/tmp": ""},
    "stop_signal": "SIGRTMIN+3",
    "environment": {"container": "docker"},
    "restart_policy": {"Name": "unless-stopped"},
}
BOOT_TIMEOUT_SECONDS = 90
# No registry is reachable and the network rule forbids trying: a pull by mistake (a service deployed without
# --no-resolve-image, say) fails at once on loopback instead of going out.
REGISTRY_BLACKHOLE = {host: "127.0.0.1" for host in ("registry-1.docker.io", "index.docker.io", "auth.docker.io")}

# Leaves any swarm and removes what tasks and tests left behind, so the node is a bare engine again (images stay).
RESET_SCRIPT = """
docker swarm leave --force >/dev/null 2>&1 || true
containers=$(docker ps --all --quiet)
[ -z "$containers" ] || docker rm --force $containers >/dev/null
docker network prune --force >/dev/null
docker volume prune --force >/dev/null
test "$(docker info --format '{{.Swarm.LocalNodeState}}')" = inactive
"""


class SandboxError(Exception):
    pass


@dataclass(frozen=True)
class NodeStatus:
    node: Node
    container_state: str  # the node container's state on the host engine: running, exited...
    swarm_state: str  # the inner engine's swarm membership: inactive, manager, worker...


class Sandbox:
    """One sandbox on the host engine; every name it owns is derived from name_prefix.

    managers and workers are what up() creates; nodes, exec() and the rest work on whatever nodes of this prefix
    exist, so a Sandbox can also attach to one that `swarm-sandbox up` started.
    """

    def __init__(
        self,
        managers=3,
        workers=3,
        name_prefix=layout.DEFAULT_PREFIX,
        network=None,
        subnet=None,
        inventory_path=None,
        monitoring=False,
        bare=False,
        suite=DEFAULT_NODE_SUITE,
        worker_suite=None,
    ):
        layout.node_names(managers, workers)  # fails early on impossible counts
        self.managers = managers
        self.workers = workers
        self.prefix = layout.validate_prefix(name_prefix)
        self.network = network or layout.network_name(self.prefix)
        self.subnet = subnet  # None: the engine picks a free one
        self.inventory_path = Path(inventory_path or STATE_DIR / layout.inventory_filename(self.prefix))
        self.monitoring = monitoring  # also load the monitoring stack's images, and set the role's inventory vars
        self.bare = bare  # fresh hosts with systemd and no Docker, instead of nodes whose engine runs already
        self.suite = suite  # the nodes' Debian release (sandbox.images.NODE_SUITES)
        # The workers' release when it differs: a cluster in the middle of an engine upgrade.
        self.worker_suite = worker_suite or suite

    @functools.cached_property
    def client(self):
        return host_engine()

    def up(self):
        """Starts the sandbox from scratch (anything of this prefix is removed first) and returns its nodes."""
        started = time.monotonic()
        images = ensure_images(self.client, self.suite, self.bare)
        node_images = {layout.MANAGERS: images.node, layout.WORKERS: images.node}
        if self.worker_suite != self.suite:
            node_images[layout.WORKERS] = ensure_images(self.client, self.worker_suite, self.bare).node
        monitoring_images = ensure_monitoring_images(self.client) if self.monitoring else {}
        self.down()
        subnet = self._create_network()
        nodes = layout.plan_nodes(self.prefix, self.managers, self.workers, subnet)
        loaded = list(images.services) + sorted(monitoring_images.values())
        suites = (
            self.suite if self.worker_suite == self.suite else f"{self.suite} managers, {self.worker_suite} workers"
        )
        kind = f"bare hosts, {suites}" if self.bare else f"engines, {suites}"
        log.info("starting %d nodes (%s) on network %s (%s)", len(nodes), kind, self.network, subnet)
        if self.bare:
            # There is no engine to load them into yet: the nodes find them in a directory of the host.
            log.info("saving %s for the nodes' engines to load once installed", ", ".join(loaded))
            self._save_images(loaded, self._images_dir / "service-images.tar")
            gateway = layout.gateway_address(subnet)
            _parallel(lambda node: self._start_bare_node_container(node, node_images[node.group], gateway), nodes)
            _parallel(self._wait_for_boot, nodes)
        else:
            _parallel(lambda node: self._start_node_container(node, node_images[node.group]), nodes)
            _parallel(self._wait_for_engine, nodes)
            log.info("loading %s into every node", ", ".join(loaded))
            self._load_images(nodes, loaded)
        self.inventory_path.parent.mkdir(parents=True, exist_ok=True)
        self.inventory_path.write_text(render_inventory(nodes, monitoring_images, bare=self.bare))
        log.info("sandbox %s up in %.1f s", self.prefix, time.monotonic() - started)
        return nodes

    def down(self):
        """Removes the sandbox's containers, volumes, network and inventory; does nothing if there are none."""
        _parallel(lambda container: container.remove(force=True), self._containers())
        for volume in self.client.volumes.list(filters=self._label_filter()):
            volume.remove(force=True)
        for network in self.client.networks.list(filters=self._label_filter()):
            network.remove()
        self.inventory_path.unlink(missing_ok=True)
        if self._images_dir.exists():
            shutil.rmtree(self._images_dir)

    @property
    def nodes(self):
        """The sandbox's nodes, managers first, running or not."""
        return [self._node_of(container) for container in self._containers()]

    def node(self, name):
        for node in self.nodes:
            if node.name == name:
                return node
        raise SandboxError(f"sandbox {self.prefix} has no node {name!r}")

    def status(self):
        return _parallel(self._status_of, self._containers())

    def exec(self, node, cmd, input=None, timeout=None):
        """Runs cmd in a node and returns (rc, stdout, stderr) as text.

        node is a Node or a node name (manager1); cmd an argument list, or a string run with sh -c. input, fed to
        the command's standard input, is text, bytes or an open binary file (streamed, not read into memory).
        """
        argv = ["sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        interactive = [] if input is None else ["--interactive"]
        result = subprocess.run(
            ["docker", "exec", *interactive, self._container_name(node), *argv],
            check=False,
            capture_output=True,
            timeout=timeout,
            **_stdin_arguments(input),
        )
        return result.returncode, result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")

    def load_monitoring_images(self):
        """Builds (or finds cached) the monitoring stack's images and loads them into every node of a running
        sandbox; returns {image name: tag} (sandbox.inventory.monitoring_vars turns it into the role's variables)."""
        images = ensure_monitoring_images(self.client)
        self._load_images(self.nodes, sorted(images.values()))
        return images

    def engine_log(self, node, lines=40):
        """(container status, the last lines of the node's engine log): an engine node's dockerd logs to its
        container's output."""
        container = self.client.containers.get(self._container_name(node))
        return container.status, container.logs(tail=lines).decode(errors="replace")

    def stop_node(self, node, timeout=10):
        """Stops a node's container: its dockerd gets SIGTERM, then SIGKILL after timeout seconds.

        The node's volume keeps the engine's state, swarm membership included, for start_node().
        """
        self.client.containers.get(self._container_name(node)).stop(timeout=timeout)

    def start_node(self, node, timeout=ENGINE_TIMEOUT_SECONDS):
        """Starts a stopped node and waits until its engine answers again (a bare node: until it has booted, and
        until its engine answers if one is installed)."""
        container = self.client.containers.get(self._container_name(node))
        container.start()
        if container.labels.get(BARE_LABEL) == "true":
            self._wait_for_boot(node, timeout)
            if self.exec(node, ["sh", "-c", "command -v dockerd"])[0] != 0:
                return
        self._wait_for_engine(node, timeout)

    def reset_swarm_state(self):
        """Makes every running node a bare engine again: it leaves any swarm (with force) and loses its containers,
        networks and volumes, in seconds and without recreating the node containers."""
        running = [self._node_of(container) for container in self._containers() if container.status == "running"]
        results = _parallel(lambda node: self.exec(node, RESET_SCRIPT), running)
        failures = [
            f"{node.name}: {stderr.strip()}" for node, (rc, _stdout, stderr) in zip(running, results) if rc != 0
        ]
        if failures:
            raise SandboxError("resetting the swarm state failed on " + "; ".join(failures))

    def _create_network(self, attempts=5):
        """Creates the sandbox network and returns its subnet.

        The nodes' fixed addresses need a subnet given at creation: without one, a probe network lets the engine
        pick a free subnet first. A network created by someone else between the probe and the creation (another
        sandbox or Molecule scenario starting at the same time) can take that subnet: then the engine refuses the
        overlap and another probe picks the next free one.
        """
        for attempt in range(1, attempts + 1):
            subnet = self.subnet or self._free_subnet()
            try:
                self.client.networks.create(
                    self.network,
                    driver="bridge",
                    labels=self._labels(),
                    ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet, gateway=layout.gateway_address(subnet))]),
                )
                return subnet
            except docker.errors.APIError as error:
                if self.subnet or attempt == attempts or "overlap" not in str(error).lower():
                    raise
                log.info("subnet %s was taken meanwhile (%s); probing again", subnet, error.explanation)

    def _free_subnet(self):
        probe = self.client.networks.create(self.network, driver="bridge", labels=self._labels())
        try:
            return probe.attrs["IPAM"]["Config"][0]["Subnet"]
        finally:
            probe.remove()

    def _start_node_container(self, node, image):
        self._run_node_container(node, image, DIND_OPTIONS)

    def _start_bare_node_container(self, node, image, gateway):
        self._run_node_container(
            node,
            image,
            BARE_OPTIONS,
            labels={BARE_LABEL: "true"},
            volumes={str(self._images_dir): {"bind": NODE_IMAGES_DIR, "mode": "ro"}},
            # The host's apt-cacher-ng answers on every address of the host, this network's gateway among them.
            extra_hosts={APT_CACHE_HOST: gateway},
        )

    def _run_node_container(self, node, image, options, labels=None, volumes=None, extra_hosts=None):
        volume = self.client.volumes.create(layout.volume_name(self.prefix, node.name), labels=self._labels())
        self.client.containers.run(
            image,
            detach=True,
            name=node.container,
            hostname=node.name,
            labels={**self._labels(), NODE_LABEL: node.name, GROUP_LABEL: node.group, **(labels or {})},
            volumes={
                volume.name: {"bind": "/var/lib/docker", "mode": "rw"},
                "/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "rw"},
                **(volumes or {}),
            },
            network=self.network,
            networking_config={
                self.network: self.client.api.create_endpoint_config(ipv4_address=node.address, aliases=[node.name])
            },
            extra_hosts={**REGISTRY_BLACKHOLE, **(extra_hosts or {})},
            **options,
        )

    def _wait_for_boot(self, node, timeout=BOOT_TIMEOUT_SECONDS):
        """Waits until systemd in a bare node has finished booting (running, or degraded: a unit failed)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                _rc, stdout, _stderr = self.exec(node, ["systemctl", "is-system-running"], timeout=10)
            except subprocess.TimeoutExpired:
                stdout = "no answer"
            state = stdout.strip()
            if state in ("running", "degraded"):
                if state == "degraded":
                    failed = self.exec(node, ["systemctl", "--failed", "--no-legend", "--plain"])[1].strip()
                    log.warning("%s booted with failed units: %s", self._container_name(node), failed)
                return
            if time.monotonic() > deadline:
                raise SandboxError(
                    f"systemd in {self._container_name(node)} did not finish booting within {timeout} s "
                    f"(is-system-running: {state or 'no answer'})"
                )
            time.sleep(0.5)

    def _wait_for_engine(self, node, timeout=ENGINE_TIMEOUT_SECONDS):
        deadline = time.monotonic() + timeout
        while not self._engine_answers(node):
            if time.monotonic() > deadline:
                container = self.client.containers.get(self._container_name(node))
                last_lines = container.logs(tail=15).decode(errors="replace")
                raise SandboxError(
                    f"the engine in {container.name} ({container.status}) did not answer within {timeout} s; "
                    f"its last log lines:\n{last_lines}"
                )
            time.sleep(0.5)

    def _engine_answers(self, node):
        try:
            rc, _stdout, _stderr = self.exec(node, ["docker", "version", "--format", "{{.Server.Version}}"], timeout=10)
        except subprocess.TimeoutExpired:
            return False
        return rc == 0

    def _load_images(self, nodes, tags):
        archive = STATE_DIR / f"{self.prefix}-service-images.tar"
        self._save_images(tags, archive)
        try:
            _parallel(lambda node: self._load_archive(node, archive), nodes)
        finally:
            archive.unlink()

    @staticmethod
    def _save_images(tags, archive):
        # `docker save` of the CLI writes several images into one archive (the SDK saves one image at a time).
        archive.parent.mkdir(parents=True, exist_ok=True)
        saved = subprocess.run(
            ["docker", "save", "--output", str(archive), *tags], check=False, capture_output=True, text=True
        )
        if saved.returncode != 0:
            raise SandboxError(f"docker save {' '.join(tags)} failed: {saved.stderr.strip()}")

    @property
    def _images_dir(self):
        """The host directory that bare nodes mount on NODE_IMAGES_DIR."""
        return STATE_DIR / f"{self.prefix}-images"

    def _load_archive(self, node, archive):
        with open(archive, "rb") as stream:
            rc, _stdout, stderr = self.exec(node, ["docker", "load", "--quiet"], input=stream)
        if rc != 0:
            raise SandboxError(f"docker load into {node.container} failed: {stderr.strip()}")

    def _status_of(self, container):
        node = self._node_of(container)
        if container.status != "running":
            return NodeStatus(node, container.status, "-")
        try:
            rc, stdout, _stderr = self.exec(
                node,
                ["docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"],
                timeout=10,
            )
        except subprocess.TimeoutExpired:
            # A manager's `docker info` hangs while its swarm elects a new leader.
            return NodeStatus(node, container.status, "no answer within 10 s")
        if rc != 0:
            if self.exec(node, ["sh", "-c", "command -v dockerd"], timeout=10)[0] != 0:
                return NodeStatus(node, container.status, "no engine installed")
            return NodeStatus(node, container.status, "engine not answering")
        state, control_available = stdout.split()
        if state == "active":
            state = "manager" if control_available == "true" else "worker"
        return NodeStatus(node, container.status, state)

    def _containers(self):
        containers = self.client.containers.list(all=True, filters=self._label_filter())
        return sorted(containers, key=lambda container: layout.node_order(self._node_of(container)))

    def _node_of(self, container):
        endpoint = container.attrs["NetworkSettings"]["Networks"].get(self.network) or {}
        # The configured address, unlike IPAddress, is still there while the container is stopped.
        address = (endpoint.get("IPAMConfig") or {}).get("IPv4Address", "")
        return Node(
            name=container.labels[NODE_LABEL],
            container=container.name,
            address=address,
            group=container.labels[GROUP_LABEL],
        )

    def _container_name(self, node):
        return node.container if isinstance(node, Node) else layout.container_name(self.prefix, node)

    def _labels(self):
        return {layout.LABEL: self.prefix}

    def _label_filter(self):
        return {"label": f"{layout.LABEL}={self.prefix}"}


def host_engine():
    """An SDK client of the host engine, the one that runs the node containers."""
    return docker.from_env(timeout=DOCKER_CLIENT_TIMEOUT_SECONDS)


def _stdin_arguments(input):
    if input is None:
        return {"stdin": subprocess.DEVNULL}
    if isinstance(input, str):
        return {"input": input.encode()}
    if isinstance(input, bytes):
        return {"input": input}
    return {"stdin": input}


def _parallel(function, items):
    """function(item) for all items at once; the results in the items' order, or the first error raised."""
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(function, items))
