"""bench/run --profile: where a no-op run of the bootstrap playbook spends its time, module by module.

For each Ansible contender: a fresh swarm built by its own bootstrap playbook, then the playbook again, with
nothing to change: a few times with pipelining (the time each task takes in a playbook), then once without it
and with ANSIBLE_KEEP_REMOTE_FILES, which leaves each module's payload in the nodes. Each payload is then run
in its node again and again by node_probe.py, which splits the module's own time into imports and work and
counts its Engine API requests. What the task takes beyond the module's own time is Ansible's (templating,
forking, the connection's `docker exec`).
"""

import json
import logging
import statistics
import time

from sandbox import Sandbox

from .runner import BenchError, NodeShell, run_playbook
from .scenarios import PLAYBOOKS
from .workload import BENCH_DIR, BOOTSTRAP_VARS, COMMUNITY, SWARMOPS

log = logging.getLogger(__name__)

PROBE = (BENCH_DIR / "node_probe.py").read_text()
REMOTE_TMP = "/root/.ansible/tmp"
# The module each bootstrap task runs, per contender, and the node whose payload is probed.
TASK_MODULES = {
    "Initialise the swarm on the first manager": ({SWARMOPS: "swarm_init", COMMUNITY: "docker_swarm"}, "manager"),
    "Join with the role of the node's group": ({SWARMOPS: "swarm_join", COMMUNITY: "docker_swarm"}, "joiner"),
    "Label the first worker": ({SWARMOPS: "swarm_node", COMMUNITY: "docker_node"}, "manager"),
    "Deploy the standalone services": ({SWARMOPS: "swarm_service", COMMUNITY: "docker_swarm_service"}, "manager"),
    "Deploy the stack": ({SWARMOPS: "swarm_stack", COMMUNITY: "docker_stack"}, "manager"),
}
KEEP_PAYLOADS = {"ANSIBLE_PIPELINING": "False", "ANSIBLE_KEEP_REMOTE_FILES": "1"}


def profile(bench, repetitions=7, playbook_runs=3):
    """{contender: [one row per task]}: see the module docstring.

    Each contender has a sandbox of its own (prefixes <prefix>-swarmops and <prefix>-community) so that both
    clusters stay up and every measurement alternates between the contenders.
    """
    contenders = (SWARMOPS, COMMUNITY)
    beds = {}
    try:
        for contender in contenders:
            beds[contender] = bench.fresh_bed(bench.nodes, prefix=_prefix(bench, contender))
            run_playbook(_playbook(contender), beds[contender].sandbox.inventory_path, BOOTSTRAP_VARS)
            bench.wait_converged(beds[contender])
        pipelined = {contender: [] for contender in contenders}
        for _ in range(playbook_runs):
            for contender in contenders:
                _, result = run_playbook(_playbook(contender), beds[contender].sandbox.inventory_path, BOOTSTRAP_VARS)
                if result.changed:
                    raise BenchError(f"{contender}'s bootstrap playbook changed something on a re-run")
                pipelined[contender].append(result)
        payloads = {contender: _kept_payloads(beds[contender], contender) for contender in contenders}
        probes = {(contender, task): [] for contender in contenders for task in TASK_MODULES}
        for _ in range(repetitions):
            for task in TASK_MODULES:
                for contender in contenders:
                    shell = NodeShell(beds[contender].sandbox)
                    probes[(contender, task)].append(_probe(shell, *payloads[contender][task]))
    finally:
        if not bench.keep:
            for contender in contenders:
                Sandbox(name_prefix=_prefix(bench, contender)).down()
    return {
        contender: [
            _row(task, TASK_MODULES[task][0][contender], pipelined[contender], probes[(contender, task)])
            for task in TASK_MODULES
        ]
        for contender in contenders
    }


def _prefix(bench, contender):
    return f"{bench.prefix}-{contender.split('.')[0]}"


def _playbook(contender):
    return f"{PLAYBOOKS[contender]}_bootstrap.yml"


def _kept_payloads(bed, contender):
    """Runs the bootstrap playbook once more with the payloads kept in the nodes; {task: _payload(...)}."""
    shell = NodeShell(bed.sandbox)
    nodes = {"manager": bed.first_manager, "joiner": bed.nodes[1].name}
    for node in nodes.values():
        shell.run(node, f"rm -rf {REMOTE_TMP}")
    _, result = run_playbook(_playbook(contender), bed.sandbox.inventory_path, BOOTSTRAP_VARS, KEEP_PAYLOADS)
    if result.changed:
        raise BenchError(f"{contender}'s bootstrap playbook changed something on a re-run")
    return {task: _payload(shell, nodes[node], modules[contender]) for task, (modules, node) in TASK_MODULES.items()}


def _payload(shell, node, module):
    """The first kept payload of `module` in `node`, unpacked: (node, its zip, its args file, the module's name)."""
    found = shell.run(node, f"ls {REMOTE_TMP}/*/AnsiballZ_{module}.py | head -n 1")
    if not found:
        raise BenchError(f"no payload of {module} was kept in {node}")
    directory = found.rsplit("/", 1)[0]
    shell.run(node, f"cd {directory} && python3 {found} explode")
    shell.run(node, ["python3", "-c", _UNPACK_ZIP, found, f"{directory}/payload.zip"])
    module_fqn = shell.run(node, f"sed -n \"s/^module_fqn='\\(.*\\)',*$/\\1/p\" {found}")
    return node, f"{directory}/payload.zip", f"{directory}/debug_dir/args", module_fqn


# Writes the base64 zip_data of an AnsiballZ file (argv[1]) to a zip file (argv[2]).
_UNPACK_ZIP = (
    "import base64, re, sys; "
    "text = open(sys.argv[1]).read(); "
    "open(sys.argv[2], 'wb').write(base64.b64decode(re.search(r\"zip_data='([^']*)'\", text).group(1)))"
)


def _probe(shell, node, payload_zip, args_path, module_fqn):
    started = time.monotonic()
    command = ["python3", "-", payload_zip, args_path, module_fqn]
    rc, stdout, stderr = shell.sandbox.exec(node, command, input=PROBE, timeout=120)
    wall = time.monotonic() - started
    try:
        probe = json.loads(stderr.strip().splitlines()[-1])
        module_result = json.loads(stdout)
    except (ValueError, IndexError):
        raise BenchError(f"probing {module_fqn} in {node} failed (rc {rc}): {stderr.strip()[-1500:]}") from None
    if module_result.get("failed") or module_result.get("changed"):
        raise BenchError(f"{module_fqn} in {node} did not run as a no-op: {stdout[-1500:]}")
    probe["docker_exec_seconds"] = round(wall, 4)
    return probe


def _row(task, module, playbook_results, probes):
    def median_of(key):
        return round(statistics.median(probe[key] for probe in probes), 3)

    items = playbook_results[0].task_items.get(task, 1)
    last = probes[-1]
    per_run = statistics.median(result.task_seconds[task] / items for result in playbook_results)
    return {
        "task": task,
        "module": module,
        "task_seconds_per_run": round(per_run, 3),
        "runs_in_task": items,
        "docker_exec_seconds": median_of("docker_exec_seconds"),
        "in_process_seconds": median_of("in_process_seconds"),
        "import_loader_seconds": median_of("import_loader_seconds"),
        "import_module_seconds": median_of("import_module_seconds"),
        "run_seconds": median_of("run_seconds"),
        "api_requests": [name for name, _ in last["requests"]],
        "api_seconds": round(statistics.median(sum(s for _, s in probe["requests"]) for probe in probes), 3),
        "commands": [name for name, _ in last["commands"]],
        "command_seconds": round(statistics.median(sum(s for _, s in probe["commands"]) for probe in probes), 3),
    }


def render_profile(results):
    lines = [
        "| task | module | in playbook, per run | docker exec | in process | import basic | import module | "
        "run | API requests (s) | commands (s) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for contender, rows in results.items():
        for row in rows:
            requests = f"{len(row['api_requests'])} ({row['api_seconds']:.3f})"
            commands = f"{len(row['commands'])} ({row['command_seconds']:.3f})" if row["commands"] else "-"
            lines.append(
                f"| {row['task']} | {contender.split('.')[0]}.{row['module']} | {row['task_seconds_per_run']:.2f} | "
                f"{row['docker_exec_seconds']:.2f} | {row['in_process_seconds']:.2f} | "
                f"{row['import_loader_seconds']:.2f} | {row['import_module_seconds']:.2f} | {row['run_seconds']:.2f} "
                f"| {requests} | {commands} |"
            )
    return "\n".join(lines)
