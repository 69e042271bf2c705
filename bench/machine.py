"""Facts about the machine and the software a result was measured with, for results/latest.json."""

import json
import os
import platform
from importlib import metadata
from pathlib import Path

import ansible_collections.community.docker as community_docker
import docker

from .runner import NodeShell

# The Docker engine, CLI and SDK inside a node, which run the modules and the docker CLI contender.
_NODE_VERSIONS = (
    "python3 -c 'import docker, json, platform; print(json.dumps({"
    '"python": platform.python_version(), "docker_sdk": docker.__version__}))\'; '
    "docker version --format '{{.Server.Version}} {{.Client.Version}}'"
)


def controller_facts():
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "debian_version": _read("/etc/debian_version"),
        "python": platform.python_version(),
        "ansible_core": metadata.version("ansible-core"),
        "ansible": metadata.version("ansible"),
        "community_docker": _community_docker_version(),
        "docker_sdk": docker.__version__,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def node_facts(sandbox, node):
    python_line, versions_line = NodeShell(sandbox).run(node, _NODE_VERSIONS).splitlines()
    python = json.loads(python_line)
    engine, cli = versions_line.split()
    return {
        "node_python": python["python"],
        "node_docker_sdk": python["docker_sdk"],
        "node_engine": engine,
        "node_docker_cli": cli,
    }


def _community_docker_version():
    manifest = Path(community_docker.__path__[0]) / "MANIFEST.json"
    return json.loads(manifest.read_text())["collection_info"]["version"]


def _cpu_model():
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def _memory_gib():
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _read(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""
