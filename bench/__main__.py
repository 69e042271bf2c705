"""bench/run: swarmops.swarm side by side with community.docker and the plain docker CLI (issue 8).

Starts its own sandboxes (prefix `bench`), runs the selected scenarios with the contenders alternating, writes
every sample, the medians, ratios, target verdicts and growth fits to results/latest.json and prints the table.
"""

import argparse
import json
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from .machine import controller_facts
from .plots import draw_curves
from .profile import profile, render_profile
from .report import render_table, summarise
from .runner import BenchError
from .scenarios import Bench
from .workload import BENCH_DIR

SCENARIOS = {
    "bootstrap": lambda bench, args: bench.bootstrap_and_rerun(),
    "noop50": lambda bench, args: bench.stack_noop_redeploy(),
    "stack-scale": lambda bench, args: bench.stack_scale(args.stack_sizes),
    "cluster-scale": lambda bench, args: bench.cluster_scale(args.cluster_sizes),
    "executor": lambda bench, args: bench.executor_comparison(),
}
# Issue 21's sizes: stacks to 500 services, swarms to 24 nodes (memory is not the limit; docs/performance.md).
STACK_SIZES = (10, 100, 250, 500)
CLUSTER_SIZES = (3, 6, 12, 24)
DEFAULT_OUTPUT = BENCH_DIR / "results" / "latest.json"

log = logging.getLogger("bench")


def main(argv=None):
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s bench: %(message)s", datefmt="%H:%M:%S")
    if args.report:
        results = json.loads(Path(args.report).read_text())
        print(render_table(results["summary"], results["machine"], results["date"]))
        _draw(results, Path(args.report).parent)
        return 0
    machine = controller_facts()
    log.info(
        "load average at start: %s (above ~1.5 the machine is busy and timings are skewed)",
        machine["load_average_at_start"],
    )
    bench = Bench(prefix=args.prefix, nodes=args.nodes, rounds=args.rounds, keep=args.keep)
    if args.profile:
        return _profile(bench, machine, args)
    started = datetime.now(timezone.utc)
    error = None
    try:
        for scenario in args.scenarios:
            log.info("scenario %s, %d round(s)", scenario, args.rounds)
            SCENARIOS[scenario](bench, args)
            # Written after every scenario, so a failure later keeps what was measured.
            _write_results(args, bench, machine, started, error)
    except BenchError as failure:
        error = str(failure)
        log.error("%s", failure)
    finally:
        if not args.keep:
            bench.tear_down()
    results = _write_results(args, bench, machine, started, error)
    print(render_table(results["summary"], machine, results["date"]))
    _draw(results, args.output.parent)
    for note in bench.notes:
        print(f"- note: {note}")
    print(f"results: {args.output}")
    return 0 if error is None else 1


def _write_results(args, bench, machine, started, error):
    machine.update(bench.node_facts or {})
    samples = [sample.as_dict() for sample in bench.samples]
    results = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": "bench/run " + " ".join(sys.argv[1:]),
        "rounds": args.rounds,
        "nodes": args.nodes,
        "stack_sizes": args.stack_sizes,
        "cluster_sizes": args.cluster_sizes,
        "scenarios": args.scenarios,
        "completed": error is None,
        "error": error,
        "machine": machine,
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
        "notes": bench.notes,
        "samples": samples,
        "summary": summarise(samples),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    return results


def _draw(results, directory):
    for name, labels in draw_curves(results, directory).items():
        print(f"picture: {directory / name} ({', '.join(labels)})")


def _profile(bench, machine, args):
    try:
        results = profile(bench)
    except BenchError as failure:
        log.error("%s", failure)
        return 1
    machine.update(bench.node_facts or {})
    machine["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    output = args.output if args.output != DEFAULT_OUTPUT else DEFAULT_OUTPUT.with_name("profile.json")
    output.write_text(
        json.dumps(
            {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine, "profile": results},
            indent=2,
        )
        + "\n"
    )
    print(render_profile(results))
    print(f"results: {output}")
    return 0


def _parser():
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every scenario (default: %(default)s)")
    parser.add_argument(
        "--nodes", type=int, default=3, help="nodes of the side-by-side scenarios (default: %(default)s)"
    )
    parser.add_argument("--prefix", default="bench", help="sandbox prefix (default: %(default)s)")
    parser.add_argument(
        "--stack-sizes",
        type=int,
        nargs="+",
        default=list(STACK_SIZES),
        help="services of the stack-scale stacks (default: %(default)s)",
    )
    parser.add_argument(
        "--cluster-sizes",
        type=int,
        nargs="+",
        default=list(CLUSTER_SIZES),
        help="nodes of the cluster-scale swarms (default: %(default)s)",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=list(SCENARIOS),
        default=list(SCENARIOS),
        help="which scenarios to run (default: all)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="results file (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="leave the last sandbox up for inspection")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of the scenarios: where a no-op bootstrap run spends its time, module by module "
        "(writes results/profile.json)",
    )
    parser.add_argument("--report", metavar="RESULTS_JSON", help="only print the table of a results file")
    return parser


if __name__ == "__main__":
    sys.exit(main())
