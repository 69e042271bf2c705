"""swarmops.swarm's local sandbox: a multi-node Docker Swarm test bed of Docker-in-Docker containers.

    from sandbox import Sandbox
    sandbox = Sandbox(managers=3, workers=2, name_prefix="swarmops-tests")
    sandbox.up()
    rc, out, err = sandbox.exec("manager1", ["docker", "info"])
    sandbox.down()

The command line is sandbox/swarm-sandbox (see `python -m sandbox --help`).
"""

from .cluster import NodeStatus, Sandbox, SandboxError
from .images import ImageBuildError
from .layout import Node

__all__ = ["ImageBuildError", "Node", "NodeStatus", "Sandbox", "SandboxError"]
