"""What the contenders deploy: the same services and stacks for all three, written once. Pure, no Docker."""

from pathlib import Path

import yaml

# The contenders.
SWARMOPS = "swarmops.swarm"
COMMUNITY = "community.docker"
CLI = "docker CLI"
# Not a contender: the bootstrap playbook's tasks running ansible.builtin.ping, the least any collection can take.
FLOOR = "Ansible floor"

# The scenarios, as the results name them.
BOOTSTRAP = "bootstrap"  # init, joins, a label, 10 services, a 4-service stack, from bare engines
RERUN = "rerun"  # the bootstrap playbook again: nothing to change
NOOP50 = "noop50"  # a 50-service stack deployed again from the same file
STACK_DEPLOY = "stack-deploy"  # first deploy of a stack of N services (scale)
STACK_NOOP = "stack-noop"  # its no-op redeploy (scale)
CLUSTER_BOOTSTRAP = "cluster-bootstrap"  # the bootstrap playbook on N nodes (scale)
CLUSTER_RERUN = "cluster-rerun"  # and its re-run
EXECUTOR_BOOTSTRAP = "executor-bootstrap"  # the bootstrap scenario, each Ansible contender on both executors
EXECUTOR_RERUN = "executor-rerun"  # and its re-run
# The accelerated executor: Mitogen for Ansible's strategy. A contender run with it is named "<contender> + Mitogen".
MITOGEN = "Mitogen"


def with_executor(contender, executor):
    """The contender's name in the results when it runs with ``executor`` (None: Ansible's own)."""
    return contender if executor is None else f"{contender} + {executor}"


BENCH_DIR = Path(__file__).resolve().parent
APP_STACK_FILE = BENCH_DIR / "files" / "app-stack.yml"
APP_STACK = "app"
STANDALONE_SERVICES = 10
BOOTSTRAP_VARS = {"bench_services": STANDALONE_SERVICES}  # the bootstrap playbooks' extra vars
IMAGE = "swarmops/web:1"
NODE_LABEL = ("bench.tier", "front")
# Where the stack scenarios' compose files live on the first manager: every contender deploys from the same file.
NODE_COMPOSE_DIR = "/srv/bench"


def standalone_service_names(count=STANDALONE_SERVICES):
    """svc-1 .. svc-N, as the playbooks' loops name them."""
    return [f"svc-{number}" for number in range(1, count + 1)]


def app_stack_services():
    """The service names the app stack creates: <stack>_<service key>."""
    compose = yaml.safe_load(APP_STACK_FILE.read_text())
    return [f"{APP_STACK}_{name}" for name in compose["services"]]


def cli_service_create(name):
    """`docker service create` of one standalone service, as the playbooks declare it: no waiting, no registry."""
    return [
        "docker", "service", "create", "--detach", "--quiet", "--name", name, "--replicas", "1",
        "--endpoint-mode", "dnsrr", "--no-resolve-image", IMAGE,
    ]  # fmt: skip


def service_stack(count, replicas=1):
    """A compose file of `count` services (s001, s002, ...) of `replicas` tasks each, on the stack's default network."""
    if count < 1:
        raise ValueError("a stack needs at least one service")
    width = len(str(count))
    services = {
        f"s{number:0{width}d}": {
            "image": IMAGE,
            "environment": {"SERVICE_NUMBER": str(number)},
            "deploy": {"replicas": replicas, "endpoint_mode": "dnsrr", "labels": {"bench.size": str(count)}},
        }
        for number in range(1, count + 1)
    }
    return {"version": "3.8", "services": services}


def compose_text(compose):
    return yaml.safe_dump(compose, sort_keys=False)


def stack_name(count):
    return f"s{count}"


def node_compose_path(count):
    return f"{NODE_COMPOSE_DIR}/stack-{count}.yml"


def cluster_layout(nodes):
    """(managers, workers) of a bench cluster: two managers (init and one manager join), the rest workers."""
    if nodes < 3:
        raise ValueError("the bootstrap needs at least 3 nodes: one to init, a manager and a worker to join")
    return 2, nodes - 2
