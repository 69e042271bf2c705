# -*- coding: utf-8 -*-
"""Where the integration suite's CPU goes: for each test module, the wall time, the CPU of the controller side
(pytest and the ansible, molecule and docker CLI processes it ran) and the CPU of the sandbox nodes it used
(everything inside their containers: engines, services, the modules Ansible ran there), printed at the end of the
run. CI runs the streams side by side on two CPUs, so its length follows the CPU they need together, not each
stream's wall time (docs/performance.md, "The test suite's CPU").

The nodes' CPU is read from their containers' cgroups every POLL_SECONDS. Containers belong to this run when their
sandbox label starts with SWARMOPS_IT_PREFIX, or, while a test module that said so runs, when they carry the
Molecule scenarios' label (:func:`own_molecule_nodes`). A container removed between two polls loses at most one
interval. Without readable cgroups (neither v1 nor v2 layout) the nodes' column says so.
"""

import contextlib
import os
import threading
import time

import docker
import pytest

SANDBOX_LABEL = 'io.swarmops.sandbox'
MOLECULE_LABEL = 'io.swarmops.molecule'
POLL_SECONDS = 2.0
_CGROUP_FILES = (
    # cgroup v1, cgroupfs driver: nanoseconds
    ('/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage', 1e-9, None),
    # cgroup v2, systemd driver: cpu.stat's usage_usec
    ('/sys/fs/cgroup/system.slice/docker-%s.scope/cpu.stat', 1e-6, 'usage_usec'),
    # cgroup v2, cgroupfs driver
    ('/sys/fs/cgroup/docker/%s/cpu.stat', 1e-6, 'usage_usec'),
)


def container_cpu_seconds(container_id):
    """The CPU seconds a container used so far, from its cgroup; None when no known layout has it."""
    for pattern, scale, key in _CGROUP_FILES:
        try:
            with open(pattern % container_id) as handle:
                text = handle.read()
        except OSError:
            continue
        if key is None:
            return int(text) * scale
        for line in text.splitlines():
            name, separator, value = line.partition(' ')
            if name == key and separator:
                return int(value) * scale
    return None


def controller_cpu_seconds():
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class NodeCpu:
    """The CPU of this run's node containers, polled: the highest reading of each container seen so far."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.molecule = False
        self._seen = {}
        self._unread = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._client = docker.from_env()
        self._thread = threading.Thread(target=self._run, name='node-cpu', daemon=True)

    def start(self):
        self.poll()
        self._thread.start()

    def stop(self):
        self._stop.set()

    def _own(self, labels):
        sandbox = labels.get(SANDBOX_LABEL)
        if sandbox is not None and (sandbox == self.prefix or sandbox.startswith(self.prefix + '-')):
            return True
        return self.molecule and MOLECULE_LABEL in labels

    def _run(self):
        while not self._stop.wait(POLL_SECONDS):
            # The engine busy, or a container gone between the listing and the read: the next poll reads it.
            with contextlib.suppress(docker.errors.DockerException):
                self.poll()

    def poll(self):
        with self._lock:  # one client, shared by the poller and the main thread
            for container in self._client.containers.list(sparse=True):
                if not self._own(container.attrs.get('Labels') or {}):
                    continue
                seconds = container_cpu_seconds(container.id)
                if seconds is None:
                    self._unread.add(container.id)  # no cgroup layout known here, or the container just went
                    continue
                self._seen[container.id] = max(seconds, self._seen.get(container.id, 0.0))

    @property
    def readable(self):
        """Whether every container owned was read at least once."""
        return not self._unread - set(self._seen)

    def total(self):
        """The CPU seconds every owned container used, as last read (the containers already removed included)."""
        self.poll()
        with self._lock:
            return sum(self._seen.values())


class CpuAccount:
    """The pytest plugin: one row per test module, printed in the terminal summary."""

    def __init__(self, prefix):
        self.nodes = NodeCpu(prefix)
        self.rows = []
        self._module = None

    def start(self):
        self.nodes.start()

    def at_test_of(self, module):
        """Called before each test's setup: a new module ends the row of the one before."""
        if self._module is not None and self._module[0] == module:
            return
        self.end()
        self._module = (module, time.monotonic(), controller_cpu_seconds(), self.nodes.total())

    def end(self):
        if self._module is None:
            return
        module, wall, controller, nodes = self._module
        self.rows.append(
            (
                module,
                time.monotonic() - wall,
                controller_cpu_seconds() - controller,
                self.nodes.total() - nodes,
            )
        )
        self._module = None

    def report(self, write_line):
        self.end()
        self.nodes.stop()
        if not self.rows:
            return
        write_line('')
        write_line(
            'CPU by test module (seconds; controller: pytest and the processes it ran; nodes: the containers of '
            'its sandboxes%s)' % ('' if self.nodes.readable else '; some could not be read here')
        )
        write_line('%8s %11s %8s  %s' % ('wall', 'controller', 'nodes', 'module'))
        for module, wall, controller, nodes in sorted(self.rows, key=lambda row: -(row[2] + row[3])):
            write_line('%8.0f %11.0f %8.0f  %s' % (wall, controller, nodes, module))
        write_line('%8.0f %11.0f %8.0f  all' % tuple(sum(row[index] for row in self.rows) for index in (1, 2, 3)))


_ACCOUNT = {}


def install(config, prefix):
    account = CpuAccount(prefix)
    try:
        account.start()
    except docker.errors.DockerException:
        return  # no engine to read: the tests themselves will say so
    _ACCOUNT['current'] = account
    config.pluginmanager.register(_Hooks(account), 'swarmops-cpu-account')


def own_molecule_nodes(owned):
    """While ``owned``, the Molecule scenarios' containers count as this module's nodes."""
    account = _ACCOUNT.get('current')
    if account is not None:
        account.nodes.molecule = owned


class _Hooks:
    def __init__(self, account):
        self.account = account

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        self.account.at_test_of(item.nodeid.split('::')[0])

    def pytest_terminal_summary(self, terminalreporter):
        self.account.report(terminalreporter.write_line)
