# -*- coding: utf-8 -*-
"""The integration tests' cluster: a real sandbox of 3 managers and 2 workers, started once per test run.

Each test arranges the swarm state it needs with the docker CLI inside the nodes (fast and independent of the
modules under test), runs the modules through ansible, and asserts on what the nodes' engines report.
"""

import contextlib
import json
import os
import time

import pytest

from sandbox import Sandbox
from tests.integration import cpu_account

PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it')
# The nodes' Debian release, so their engine: bookworm's Docker 20.10 (API 1.41, the oldest the collection supports)
# or trixie's 26.1 (API 1.45). make test runs the modules' suite on both.
SUITE = os.environ.get('SWARMOPS_IT_SUITE', 'bookworm')


def pytest_configure(config):
    cpu_account.install(config, PREFIX)


class SwarmSandbox:
    """The sandbox plus the few swarm facts tests need, read from the engines themselves."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.inventory = sandbox.inventory_path
        nodes = sandbox.nodes
        self.address = dict((node.name, node.address) for node in nodes)
        self.managers = [node.name for node in nodes if node.group == 'managers']
        self.workers = [node.name for node in nodes if node.group == 'workers']

    def sh(self, node, command, check=True):
        rc, stdout, stderr = self.sandbox.exec(node, command, timeout=120)
        if check and rc != 0:
            raise AssertionError('%s on %s failed (rc %d): %s' % (command, node, rc, stderr or stdout))
        return stdout.strip()

    def api_version(self, node):
        """The Engine API version the node's engine speaks, as a tuple: (1, 41) on bookworm, (1, 45) on trixie."""
        version = self.sh(node, "docker version --format '{{.Server.APIVersion}}'")
        return tuple(int(part) for part in version.split('.'))

    def swarm_info(self, node):
        return json.loads(self.sh(node, "docker info --format '{{json .Swarm}}'"))

    def swarm_inspect(self, node):
        # The docker CLI has no `swarm inspect`; the node's own docker SDK reads /swarm.
        return json.loads(
            self.sh(node, 'python3 -c "import docker, json; print(json.dumps(docker.APIClient().inspect_swarm()))"')
        )

    def node_list(self, manager):
        """{hostname: {'role', 'status', 'availability', 'manager_status'}} from `docker node ls` on a manager."""
        rows = self.sh(manager, "docker node ls --format '{{json .}}'").splitlines()
        nodes = {}
        for row in map(json.loads, rows):
            nodes[row['Hostname']] = dict(
                status=row['Status'], availability=row['Availability'], manager_status=row['ManagerStatus']
            )
        return nodes

    def diagnostics(self, log_lines=40):
        """What each manager sees of the swarm and the end of its engine's log: for a failure message."""
        parts = []
        for manager in self.managers:
            for command in ('docker node ls', "docker info --format '{{json .Swarm}}'"):
                rc, stdout, stderr = self.sandbox.exec(manager, command, timeout=30)
                parts.append('$ %s  # on %s (rc %d)\n%s%s' % (command, manager, rc, stdout, stderr))
            status, log = self.sandbox.engine_log(manager, log_lines)
            parts.append('engine log of %s (%s), last %d lines:\n%s' % (manager, status, log_lines, log))
        return '\n'.join(parts)

    def demote(self, manager, node, timeout=60):
        """Demote with the CLI and wait until the node itself no longer acts as a manager."""
        self.sh(manager, 'docker node demote %s' % node)
        deadline = time.monotonic() + timeout
        while self.swarm_info(node).get('ControlAvailable'):
            assert time.monotonic() < deadline, '%s still acts as a manager %ds after its demotion' % (node, timeout)
            time.sleep(0.5)

    def wait_for_quorum_loss(self, manager, timeout=60):
        """A leader notices lost followers only after an election timeout; wait until it has stepped down."""
        deadline = time.monotonic() + timeout
        while self.sandbox.exec(manager, 'docker node ls -q', timeout=30)[0] == 0:
            assert time.monotonic() < deadline, '%s still leads %ds after losing its quorum' % (manager, timeout)
            time.sleep(1)

    def wait_for_node_status(self, manager, node, status, timeout=90):
        """Wait until `docker node ls` on a manager shows the node with this status (Ready, Down)."""
        deadline = time.monotonic() + timeout
        while self.node_list(manager).get(node, {}).get('status') != status:
            assert time.monotonic() < deadline, '%s is not %s after %ds' % (node, status, timeout)
            time.sleep(1)

    def token(self, manager, role):
        return self.sh(manager, 'docker swarm join-token -q %s' % role)

    def reset(self):
        self.sandbox.reset_swarm_state()

    def form_swarm(self, managers=None, workers=None):
        """A fresh swarm made with the docker CLI: the first manager inits, the others join."""
        managers = managers if managers is not None else self.managers
        workers = workers if workers is not None else self.workers
        self.reset()
        first = managers[0]
        self.sh(first, 'docker swarm init --advertise-addr %s' % self.address[first])
        for role, names in (('manager', managers[1:]), ('worker', workers)):
            token = self.token(first, role)
            for name in names:
                self.sh(
                    name,
                    'docker swarm join --advertise-addr %s --token %s %s:2377'
                    % (self.address[name], token, self.address[first]),
                )


@contextlib.contextmanager
def started_sandbox(**options):
    """A SwarmSandbox of Sandbox(**options), up for the block and removed after it (kept with SWARMOPS_KEEP_SANDBOX)."""
    sandbox = Sandbox(**options)
    sandbox.up()
    try:
        yield SwarmSandbox(sandbox)
    finally:
        if not os.environ.get('SWARMOPS_KEEP_SANDBOX'):
            sandbox.down()


@pytest.fixture(scope='session')
def swarm_sandbox():
    with started_sandbox(managers=3, workers=2, name_prefix=PREFIX, suite=SUITE) as swarm:
        yield swarm
