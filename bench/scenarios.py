"""The four scenarios of issue 8, each measuring its contenders side by side on sandboxes of its own.

Only the contenders' own work is timed: sandboxes are created (from bare engines) and swarms settled (every task
running) between the timed runs, so a run neither pays for nor profits from the one before it.
"""

import logging
import os
import time
from dataclasses import asdict, dataclass

from sandbox import Sandbox

from . import workload
from .machine import node_facts
from .runner import MITOGEN_EXTRA_VARS, BenchError, NodeShell, mitogen_environment, run_playbook
from .stats import run_order
from .workload import (
    BOOTSTRAP,
    CLI,
    CLUSTER_BOOTSTRAP,
    CLUSTER_RERUN,
    COMMUNITY,
    EXECUTOR_BOOTSTRAP,
    EXECUTOR_RERUN,
    MITOGEN,
    FLOOR,
    NOOP50,
    RERUN,
    STACK_DEPLOY,
    STACK_NOOP,
    SWARMOPS,
    with_executor,
)

log = logging.getLogger(__name__)

PLAYBOOKS = {SWARMOPS: "swarmops", COMMUNITY: "community", FLOOR: "floor"}
STACK_TASK = "Deploy the stack"
CONVERGE_TIMEOUT_SECONDS = 600
# The CLI contender deploys the app stack from its standard input; the Ansible ones pass it inline.
_CLI_APP_STACK_DEPLOY = [
    "docker",
    "stack",
    "deploy",
    "--resolve-image",
    "never",
    "--compose-file",
    "-",
    workload.APP_STACK,
]


@dataclass(frozen=True)
class TestBed:
    """A fresh sandbox and its nodes, read once so that no timed run pays for asking the host engine."""

    sandbox: Sandbox
    managers: list
    workers: list

    @property
    def first_manager(self):
        return self.managers[0].name

    @property
    def nodes(self):
        return self.managers + self.workers


@dataclass
class Sample:
    scenario: str
    contender: str
    round: int
    seconds: float  # the measure compared: see docs/performance.md#the-benchmark
    wall_seconds: float  # the whole ansible-playbook process, or all the contender's `docker exec` calls
    size: int = None  # services of the stack, or nodes of the cluster, in the scale scenarios
    changed: int = None  # PLAY RECAP's changed, summed over the hosts (Ansible contenders)
    load_1m: float = None  # the machine's 1-minute load average when the run started
    tasks: dict = None  # Ansible contenders: seconds per task of the playbook, where the time went

    def as_dict(self):
        return asdict(self)


class Bench:
    def __init__(self, prefix, nodes, rounds, keep=False):
        self.prefix = prefix
        self.keep = keep  # leave the sandboxes up at the end, for inspection
        self.nodes = nodes
        self.rounds = rounds
        self.samples = []
        self.notes = []  # what the reader must know about a result, e.g. a contender that was not idempotent
        self.node_facts = None  # versions inside the nodes, read from the first sandbox

    # -- the scenarios ---------------------------------------------------------------------------

    def bootstrap_and_rerun(self):
        """1 and 2: init, joins, a label, 10 services, a 4-service stack from bare engines; then the same again."""
        for round_number, order in enumerate(run_order([SWARMOPS, COMMUNITY, CLI], self.rounds), start=1):
            for contender in order:
                bed = self.fresh_bed(self.nodes)
                self._bootstrap_once(bed, contender, round_number, BOOTSTRAP, RERUN, size=None)
            # Ansible's floor for the same tasks, once per round on the round's last swarm (ping changes nothing).
            load = _load()
            wall, result = run_playbook(
                f"{PLAYBOOKS[FLOOR]}_bootstrap.yml", bed.sandbox.inventory_path, workload.BOOTSTRAP_VARS
            )
            self._record(RERUN, FLOOR, round_number, wall, wall, None, result.changed, load, result.task_seconds)

    def stack_noop_redeploy(self, services=50):
        """3: a deployed stack of `services` services deployed again from the same file, by each contender."""
        bed = self.fresh_bed(self.nodes)
        shell = NodeShell(bed.sandbox)
        self._form_swarm(bed)
        self._write_compose_file(bed, services)
        shell.run(bed.first_manager, _cli_stack_deploy(services))
        self.wait_converged(bed)
        # Ansible's floor (a ping task on the same node) beside them: the least any module's task can take.
        for round_number, order in enumerate(run_order([SWARMOPS, COMMUNITY, CLI, FLOOR], self.rounds), start=1):
            for contender in order:
                if contender == CLI:
                    load = _load()
                    seconds = shell.timed(bed.first_manager, _cli_stack_deploy(services))
                    self._record(NOOP50, contender, round_number, seconds, seconds, load_1m=load)
                else:
                    self._stack_playbook(
                        bed, contender, services, NOOP50, round_number, expect_change=False, scale=False
                    )

    def stack_scale(self, sizes):
        """4a: the first deploy and the no-op redeploy of stacks of each size, by each contender on a swarm of its own
        (swarm_stack, community.docker's docker_stack, and `docker stack deploy`).

        The services are scaled to zero: what grows with the size is then the tools' work alone, and hundreds of
        containers starting on a small machine do not swamp this scenario's timings and the next ones'.
        """
        for round_number, order in enumerate(run_order([SWARMOPS, COMMUNITY, CLI], self.rounds), start=1):
            for services in sizes:
                for contender in order:
                    bed = self.fresh_bed(self.nodes)
                    self._form_swarm(bed)
                    self._write_compose_file(bed, services, replicas=0)
                    if contender == CLI:
                        shell = NodeShell(bed.sandbox)
                        for scenario in (STACK_DEPLOY, STACK_NOOP):
                            load = _load()
                            seconds = shell.timed(bed.first_manager, _cli_stack_deploy(services))
                            self._record(scenario, CLI, round_number, seconds, seconds, size=services, load_1m=load)
                            self.wait_converged(bed)
                        continue
                    self._stack_playbook(bed, contender, services, STACK_DEPLOY, round_number, expect_change=True)
                    self.wait_converged(bed)
                    self._stack_playbook(bed, contender, services, STACK_NOOP, round_number, expect_change=False)

    def executor_comparison(self):
        """5: the bootstrap and its re-run by each Ansible contender with Ansible's own executor and with Mitogen's,
        side by side in the same rounds (issue 21)."""
        variants = [(contender, executor) for contender in (SWARMOPS, COMMUNITY) for executor in (None, MITOGEN)]
        for round_number, order in enumerate(run_order(variants, self.rounds), start=1):
            for contender, executor in order:
                bed = self.fresh_bed(self.nodes)
                self._bootstrap_once(bed, contender, round_number, EXECUTOR_BOOTSTRAP, EXECUTOR_RERUN, None, executor)

    def cluster_scale(self, sizes):
        """4b: the bootstrap playbook of swarmops.swarm on clusters of each size, and its re-run."""
        for round_number, order in enumerate(run_order(sizes, self.rounds), start=1):
            for nodes in order:
                bed = self.fresh_bed(nodes)
                self._bootstrap_once(bed, SWARMOPS, round_number, CLUSTER_BOOTSTRAP, CLUSTER_RERUN, size=nodes)

    def tear_down(self):
        Sandbox(name_prefix=self.prefix).down()

    # -- one measured run --------------------------------------------------------------------------

    def _bootstrap_once(self, bed, contender, round_number, scenario, rerun_scenario, size, executor=None):
        """The bootstrap, then its re-run (Ansible contenders), recorded under the contender's name; ``executor``
        (MITOGEN, or None for Ansible's own) runs the playbooks with that executor."""
        if contender == CLI:
            load = _load()
            seconds = self._cli_bootstrap(bed)
            self._record(scenario, contender, round_number, seconds, seconds, size=size, load_1m=load)
            self._check_bootstrapped(bed)
            return  # no re-run: `docker swarm init` on a swarm is an error, not "no change"
        playbook = f"{PLAYBOOKS[contender]}_bootstrap.yml"
        extra_vars = dict(workload.BOOTSTRAP_VARS, **(MITOGEN_EXTRA_VARS if executor else {}))
        environment = mitogen_environment() if executor else None
        name = with_executor(contender, executor)
        load = _load()
        wall, result = run_playbook(playbook, bed.sandbox.inventory_path, extra_vars, environment)
        self._record(scenario, name, round_number, wall, wall, size, result.changed, load, result.task_seconds)
        self._check_bootstrapped(bed)
        self.wait_converged(bed)
        load = _load()
        wall, result = run_playbook(playbook, bed.sandbox.inventory_path, extra_vars, environment)
        self._record(rerun_scenario, name, round_number, wall, wall, size, result.changed, load, result.task_seconds)
        self._expect_no_change(name, rerun_scenario, result.changed)

    def _stack_playbook(self, bed, contender, services, scenario, round_number, expect_change, scale=True):
        """Times the stack task alone (the cost of one deploy in a playbook) and the whole ansible-playbook.

        `scale`: the sample belongs to a scale curve and carries the number of services as its size.
        """
        extra_vars = {
            "bench_stack": workload.stack_name(services),
            "bench_compose_file": workload.node_compose_path(services),
        }
        load = _load()
        wall, result = run_playbook(f"{PLAYBOOKS[contender]}_stack.yml", bed.sandbox.inventory_path, extra_vars)
        seconds = result.task_seconds[STACK_TASK]
        size = services if scale else None
        self._record(scenario, contender, round_number, seconds, wall, size, result.changed, load)
        if expect_change and not result.changed:
            raise BenchError(f"{contender} reported no change on the first deploy of a {services}-service stack")
        if not expect_change:
            self._expect_no_change(contender, scenario, result.changed)

    def _cli_bootstrap(self, bed):
        """The plain CLI contender: the bootstrap playbook's steps as `docker exec` calls, one after the other."""
        started = time.monotonic()
        self._form_swarm(bed)
        shell = NodeShell(bed.sandbox)
        label = "=".join(workload.NODE_LABEL)
        shell.run(bed.first_manager, ["docker", "node", "update", "--label-add", label, bed.workers[0].name])
        for name in workload.standalone_service_names():
            shell.run(bed.first_manager, workload.cli_service_create(name))
        shell.run(bed.first_manager, _CLI_APP_STACK_DEPLOY, input=workload.APP_STACK_FILE.read_text())
        return time.monotonic() - started

    def _expect_no_change(self, contender, scenario, changed):
        if not changed:
            return
        message = f"{contender} reported changed={changed} in {scenario}, where nothing was to change"
        if contender.startswith(SWARMOPS):
            raise BenchError(message)
        if message not in self.notes:
            self.notes.append(message)
        log.warning(message)

    # -- untimed setup and checks -------------------------------------------------------------------

    def fresh_bed(self, nodes, prefix=None):
        managers, workers = workload.cluster_layout(nodes)
        sandbox = Sandbox(managers=managers, workers=workers, name_prefix=prefix or self.prefix)
        started = sandbox.up()
        bed = TestBed(
            sandbox=sandbox,
            managers=[node for node in started if node.group == "managers"],
            workers=[node for node in started if node.group == "workers"],
        )
        if self.node_facts is None:
            self.node_facts = node_facts(sandbox, bed.first_manager)
        return bed

    def _form_swarm(self, bed):
        """init on the first manager, then joins: the CLI contender's first steps and the stack scenarios' setup."""
        shell = NodeShell(bed.sandbox)
        first = bed.managers[0]
        shell.run(first.name, ["docker", "swarm", "init", "--advertise-addr", first.address])
        tokens = {
            role: shell.run(first.name, ["docker", "swarm", "join-token", "--quiet", role])
            for role in ("manager", "worker")
        }
        for node in bed.nodes[1:]:
            role = "manager" if node in bed.managers else "worker"
            join = ["docker", "swarm", "join", "--advertise-addr", node.address, "--token", tokens[role]]
            shell.run(node.name, join + [f"{first.address}:2377"])

    def _write_compose_file(self, bed, services, replicas=1):
        path = workload.node_compose_path(services)
        text = workload.compose_text(workload.service_stack(services, replicas))
        command = f"mkdir -p {workload.NODE_COMPOSE_DIR} && cat > {path}"
        NodeShell(bed.sandbox).run(bed.first_manager, command, input=text)

    def _check_bootstrapped(self, bed):
        """Every contender must have done the same work: the nodes, their roles, the label, the services."""
        shell = NodeShell(bed.sandbox)
        listing = shell.run(bed.first_manager, ["docker", "node", "ls", "--format", "{{.Hostname}} {{.ManagerStatus}}"])
        rows = [line.split() for line in listing.splitlines()]
        managers = sorted(row[0] for row in rows if len(row) > 1)
        if len(rows) != len(bed.nodes) or managers != sorted(node.name for node in bed.managers):
            raise BenchError(f"the swarm's nodes are not the sandbox's {len(bed.nodes)}:\n{listing}")
        key, value = workload.NODE_LABEL
        worker = bed.workers[0].name
        label_format = f'{{{{index .Spec.Labels "{key}"}}}}'
        label = shell.run(bed.first_manager, ["docker", "node", "inspect", worker, "--format", label_format])
        if label != value:
            raise BenchError(f"node {worker} has label {key}={label!r}, not {value!r}")
        listing = shell.run(bed.first_manager, ["docker", "service", "ls", "--format", "{{.Name}}"])
        expected = set(workload.standalone_service_names()) | set(workload.app_stack_services())
        if set(listing.splitlines()) != expected:
            raise BenchError(f"the services are {sorted(listing.splitlines())}, not {sorted(expected)}")

    def wait_converged(self, bed):
        """Until every service runs all its tasks, so the next timed run finds a settled swarm."""
        shell = NodeShell(bed.sandbox)
        deadline = time.monotonic() + CONVERGE_TIMEOUT_SECONDS
        while True:
            replicas = shell.run(bed.first_manager, ["docker", "service", "ls", "--format", "{{.Replicas}}"])
            pending = [line for line in replicas.splitlines() if not _converged(line)]
            pending += shell.run(bed.first_manager, _UPDATING_SERVICES).split()
            if not pending:
                return
            if time.monotonic() > deadline:
                raise BenchError(f"{len(pending)} services not converged after {CONVERGE_TIMEOUT_SECONDS} s")
            time.sleep(1)

    def _record(
        self, scenario, contender, round_number, seconds, wall, size=None, changed=None, load_1m=None, tasks=None
    ):
        tasks = {name: round(value, 3) for name, value in tasks.items()} if tasks else None
        sample = Sample(
            scenario, contender, round_number, round(seconds, 3), round(wall, 3), size, changed, load_1m, tasks
        )
        self.samples.append(sample)
        shown = f" ({size})" if size else ""
        changed_text = "" if changed is None else f", changed={changed}"
        log.info(
            "round %d %s%s %s: %.2f s (wall %.2f s%s, load %.2f)",
            round_number,
            scenario,
            shown,
            contender,
            seconds,
            wall,
            changed_text,
            load_1m or 0,
        )


def _cli_stack_deploy(services):
    return ["docker", "stack", "deploy", "--resolve-image", "never", "--compose-file",
            workload.node_compose_path(services), workload.stack_name(services)]  # fmt: skip


# The services whose rolling update is still going on (a service shows its replicas running during one).
_UPDATING_SERVICES = (
    "docker service ls -q | xargs -r docker service inspect --format "
    "'{{if .UpdateStatus}}{{if eq .UpdateStatus.State \"updating\"}}{{.Spec.Name}}{{end}}{{end}}'"
)


def _converged(replicas):
    """`docker service ls` REPLICAS such as 2/2 or 1/1 (max 1 per node)."""
    running, _, desired = replicas.split()[0].partition("/")
    return running == desired


def _load():
    return round(os.getloadavg()[0], 2)
