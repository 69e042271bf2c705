"""The swarm-sandbox command line; sandbox/swarm-sandbox runs it with the project's venv."""

import argparse
import json
import logging
import os
import sys

import docker

from . import layout
from .cluster import Sandbox, SandboxError, host_engine
from .images import DEFAULT_NODE_SUITE, NODE_SUITES, ImageBuildError, ensure_images, ensure_monitoring_images


def main(argv=None):
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="swarm-sandbox: %(message)s")
    try:
        return args.run(args)
    except (SandboxError, ImageBuildError, ValueError, docker.errors.DockerException) as error:
        print(f"swarm-sandbox: error: {error}", file=sys.stderr)
        return 1


def _parser():
    parser = argparse.ArgumentParser(
        prog="swarm-sandbox",
        description="A local multi-node Docker Swarm test bed of Docker-in-Docker containers (not joined in a swarm).",
    )
    parser.add_argument(
        "--prefix",
        default=layout.DEFAULT_PREFIX,
        help="names of everything the sandbox creates start with this (default: %(default)s)",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    up = commands.add_parser("up", help="start fresh nodes (anything of an earlier run is removed first)")
    up.add_argument("--managers", type=int, default=3, help="number of manager nodes (default: %(default)s)")
    up.add_argument("--workers", type=int, default=3, help="number of worker nodes (default: %(default)s)")
    up.add_argument("--subnet", help="subnet of the sandbox network, e.g. 172.30.0.0/24 (default: a free one)")
    up.add_argument(
        "--monitoring",
        action="store_true",
        help="also load the monitoring stack's images (see `images --monitoring`) into every node, and write the "
        "swarm_monitoring role's variables for them into the inventory",
    )
    _add_node_kind_arguments(up)
    up.set_defaults(run=_up)

    commands.add_parser("down", help="remove the nodes, their volumes and the network").set_defaults(run=_down)
    commands.add_parser("status", help="show the nodes and their swarm state").set_defaults(run=_status)
    images = commands.add_parser("images", help="build the node and service images if they are not cached")
    images.add_argument(
        "--json", action="store_true", help='print {"node": TAG, "services": [TAG...]} (for Molecule\'s create.yml)'
    )
    images.add_argument(
        "--monitoring",
        action="store_true",
        help="also the monitoring stack's images (Prometheus, node-exporter, Alertmanager from Debian's packages, "
        'stand-ins for Grafana and cAdvisor); --json then adds "monitoring": {NAME: TAG}',
    )
    _add_node_kind_arguments(images)
    images.set_defaults(run=_images)
    return parser


def _add_node_kind_arguments(command):
    command.add_argument(
        "--bare",
        action="store_true",
        help="fresh hosts instead of running engines: Debian with systemd as PID 1 and no Docker (the swarm_engine "
        "role installs it, through the host's apt-cacher-ng); the service images load once an engine runs",
    )
    command.add_argument(
        "--suite",
        choices=NODE_SUITES,
        default=DEFAULT_NODE_SUITE,
        help="the nodes' Debian release: bookworm (Docker 20.10, SDK 5.0.3) or trixie (Docker 26.1) "
        "(default: %(default)s)",
    )
    if command.prog.endswith(" up"):
        command.add_argument(
            "--worker-suite",
            choices=NODE_SUITES,
            help="the workers' release, when it differs from --suite: a cluster in the middle of an engine upgrade",
        )


def _up(args):
    sandbox = Sandbox(
        managers=args.managers,
        workers=args.workers,
        name_prefix=args.prefix,
        subnet=args.subnet,
        monitoring=args.monitoring,
        bare=args.bare,
        suite=args.suite,
        worker_suite=args.worker_suite,
    )
    sandbox.up()
    _print_statuses(sandbox.status())
    print(f"inventory: {os.path.relpath(sandbox.inventory_path)}")
    return 0


def _down(args):
    Sandbox(name_prefix=args.prefix).down()
    return 0


def _status(args):
    statuses = Sandbox(name_prefix=args.prefix).status()
    if not statuses:
        print(f"sandbox {args.prefix} is down")
        return 0
    _print_statuses(statuses)
    return 0


def _images(args):
    engine = host_engine()
    images = ensure_images(engine, args.suite, args.bare)
    monitoring = ensure_monitoring_images(engine) if args.monitoring else None
    if args.json:
        described = {"node": images.node, "services": list(images.services)}
        if monitoring is not None:
            described["monitoring"] = monitoring
        print(json.dumps(described))
        return 0
    print(f"node image: {images.node}")
    print(f"service images: {' '.join(images.services)}")
    if monitoring is not None:
        print(f"monitoring images: {' '.join(monitoring.values())}")
    return 0


def _print_statuses(statuses):
    print(f"{'NODE':<10} {'CONTAINER':<24} {'ADDRESS':<16} {'STATE':<10} SWARM")
    for status in statuses:
        node = status.node
        print(
            f"{node.name:<10} {node.container:<24} {node.address:<16} {status.container_state:<10} {status.swarm_state}"
        )


if __name__ == "__main__":
    sys.exit(main())
