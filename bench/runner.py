"""Running the contenders and timing them: ansible-playbook with the bench's ansible.cfg, and `docker exec`."""

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .workload import BENCH_DIR

REPO_ROOT = BENCH_DIR.parent
VENV_BIN = REPO_ROOT / ".venv" / "bin"
ANSIBLE_CONFIG = BENCH_DIR / "ansible.cfg"
PLAYBOOK_DIR = BENCH_DIR / "playbooks"
PLAYBOOK_TIMEOUT_SECONDS = 900


class BenchError(Exception):
    pass


@dataclass
class PlaybookResult:
    changed: int  # changed tasks summed over the hosts (PLAY RECAP's changed=)
    failures: int  # failed and unreachable, summed over the hosts
    task_seconds: dict = field(default_factory=dict)  # task name -> seconds from its start to its last host's end
    # task name -> module runs one after the other: loop items on one host (hosts run in parallel)
    task_items: dict = field(default_factory=dict)
    failure_messages: list = field(default_factory=list)


def parse_playbook_output(text):
    """A PlaybookResult from the ansible.posix.json callback's output."""
    try:
        output = json.loads(text)
    except ValueError as error:
        raise BenchError(f"ansible-playbook printed no JSON result ({error}): {text[-2000:]}") from None
    stats = output.get("stats", {})
    task_seconds = {}
    task_items = {}
    failure_messages = []
    for play in output.get("plays", []):
        for task in play.get("tasks", []):
            name = task["task"]["name"]
            duration = task["task"].get("duration") or {}
            if duration.get("start") and duration.get("end"):
                seconds = (_timestamp(duration["end"]) - _timestamp(duration["start"])).total_seconds()
                task_seconds[name] = task_seconds.get(name, 0.0) + seconds
            for host, result in task.get("hosts", {}).items():
                task_items[name] = max(task_items.get(name, 0), len(result.get("results") or [result]))
                if result.get("failed") or result.get("unreachable"):
                    failure_messages.append(f"{name} on {host}: {result.get('msg', result)}")
    return PlaybookResult(
        changed=sum(host.get("changed", 0) for host in stats.values()),
        failures=sum(host.get("failures", 0) + host.get("unreachable", 0) for host in stats.values()),
        task_seconds=task_seconds,
        task_items=task_items,
        failure_messages=failure_messages,
    )


def _timestamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def mitogen_environment():
    """The settings that run a playbook with Mitogen's linear strategy instead of Ansible's own executor.

    Mitogen accelerates only the connection types it knows by their short names: the sandbox's nodes are reached with
    ``ansible_connection=docker`` for such runs (with the FQCN ``community.docker.docker`` Mitogen leaves the
    connection to Ansible, and the run is as fast as without it).
    """
    import ansible_mitogen  # noqa: PLC0415  (only the executor scenario needs it)

    strategies = Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"
    return {"ANSIBLE_STRATEGY_PLUGINS": str(strategies), "ANSIBLE_STRATEGY": "mitogen_linear"}


MITOGEN_EXTRA_VARS = {"ansible_connection": "docker"}


def run_playbook(playbook, inventory, extra_vars=None, environment=None):
    """Runs bench/playbooks/<playbook> and returns (wall seconds, PlaybookResult); fails on any failed task.

    `environment` overrides settings of bench/ansible.cfg for this run (the profile turns pipelining off).
    """
    command = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(PLAYBOOK_DIR / playbook)]
    if extra_vars:
        command += ["--extra-vars", json.dumps(extra_vars)]
    env = dict(
        os.environ, ANSIBLE_CONFIG=str(ANSIBLE_CONFIG), ANSIBLE_NOCOLOR="1", PATH=f"{VENV_BIN}:{os.environ['PATH']}"
    )
    env.update(environment or {})
    started = time.monotonic()
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=BENCH_DIR, env=env, timeout=PLAYBOOK_TIMEOUT_SECONDS
    )
    wall = time.monotonic() - started
    result = parse_playbook_output(completed.stdout)
    if completed.returncode != 0 or result.failures:
        details = "; ".join(result.failure_messages) or completed.stderr.strip()[-2000:]
        raise BenchError(f"{playbook} failed (rc {completed.returncode}): {details}")
    return wall, result


class NodeShell:
    """Commands in the sandbox's nodes through `docker exec`, as the plain CLI contender and the untimed setup
    steps run them."""

    def __init__(self, sandbox):
        self.sandbox = sandbox

    def run(self, node, command, input=None, timeout=300):
        rc, stdout, stderr = self.sandbox.exec(node, command, input=input, timeout=timeout)
        if rc != 0:
            shown = command if isinstance(command, str) else " ".join(command)
            raise BenchError(f"{shown} on {node} failed (rc {rc}): {(stderr or stdout).strip()}")
        return stdout.strip()

    def timed(self, node, command, input=None):
        started = time.monotonic()
        self.run(node, command, input=input)
        return time.monotonic() - started
