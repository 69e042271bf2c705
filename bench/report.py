"""From samples (dicts, as in results/latest.json) to medians, ratios, target verdicts, growth fits and the table.

Pure: it reads no clock and runs nothing, so a results file can be summarised again (`bench/run --report FILE`).
"""

import itertools
from collections import defaultdict

from .stats import Target, grows_at_most_linearly, increments, linear_fit, median, ratio
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

CONTENDERS = (SWARMOPS, COMMUNITY, CLI, FLOOR)
SIDE_BY_SIDE = (BOOTSTRAP, RERUN, NOOP50)
DESCRIPTIONS = {
    BOOTSTRAP: "bootstrap and deploy (playbook wall time)",
    RERUN: "idempotent re-run (playbook wall time)",
    NOOP50: "50-service stack, no-op redeploy (the deploy task / the CLI call)",
}
TARGETS = (
    Target(BOOTSTRAP, SWARMOPS, COMMUNITY, 0.7),
    Target(BOOTSTRAP, SWARMOPS, CLI, 2.0),
    Target(RERUN, SWARMOPS, COMMUNITY, 0.7),
    Target(NOOP50, SWARMOPS, CLI, 0.25),
    Target(NOOP50, SWARMOPS, COMMUNITY, 0.2),
)
# The scale targets of issue 21: points of the curves compared with each other.
SCALE_TARGETS = (
    Target(STACK_NOOP, SWARMOPS, CLI, 0.3, size=500, baseline_size=500),
    Target(STACK_DEPLOY, SWARMOPS, CLI, 1.0, size=500, baseline_size=500),
    Target(CLUSTER_BOOTSTRAP, SWARMOPS, SWARMOPS, 2.0, size=24, baseline_size=3),
)
SCALE_DESCRIPTIONS = {
    STACK_NOOP: "{size}-service no-op redeploy",
    STACK_DEPLOY: "{size}-service first deploy",
    CLUSTER_BOOTSTRAP: "{size}-node bootstrap",
}
# (scenario, contender, what one unit of size is): the curves of the scale scenarios.
GROWTH_CURVES = (
    (STACK_DEPLOY, SWARMOPS, "service"),
    (STACK_DEPLOY, COMMUNITY, "service"),
    (STACK_DEPLOY, CLI, "service"),
    (STACK_NOOP, SWARMOPS, "service"),
    (STACK_NOOP, COMMUNITY, "service"),
    (STACK_NOOP, CLI, "service"),
    (CLUSTER_BOOTSTRAP, SWARMOPS, "node"),
    (CLUSTER_RERUN, SWARMOPS, "node"),
)
# How the curves are labelled, in the tables and the pictures.
CURVE_LABELS = {
    (STACK_DEPLOY, SWARMOPS): "swarm_stack first deploy",
    (STACK_DEPLOY, COMMUNITY): "docker_stack first deploy",
    (STACK_DEPLOY, CLI): "docker stack deploy, first",
    (STACK_NOOP, SWARMOPS): "swarm_stack no-op",
    (STACK_NOOP, COMMUNITY): "docker_stack no-op",
    (STACK_NOOP, CLI): "docker stack deploy no-op",
    (CLUSTER_BOOTSTRAP, SWARMOPS): "bootstrap playbook",
    (CLUSTER_RERUN, SWARMOPS): "re-run",
}
# The growth target: swarm_stack's no-op redeploy grows at most linearly with the services.
GROWTH_TARGET = (STACK_NOOP, SWARMOPS)


EXECUTOR_SCENARIOS = ((EXECUTOR_BOOTSTRAP, "bootstrap and deploy"), (EXECUTOR_RERUN, "idempotent re-run"))


def summarise(samples):
    """Medians per (scenario, contender, size), the ratio of every pair, the targets and the growth fits."""
    groups = defaultdict(list)
    for sample in samples:
        groups[(sample["scenario"], sample["contender"], sample.get("size"))].append(sample)
    medians = []
    for (scenario, contender, size), group in sorted(groups.items(), key=lambda item: _group_order(*item[0])):
        medians.append(
            {
                "scenario": scenario,
                "contender": contender,
                "size": size,
                "runs": len(group),
                "median_seconds": _rounded(median([sample["seconds"] for sample in group])),
                "median_wall_seconds": _rounded(median([sample["wall_seconds"] for sample in group])),
                "changed": [sample.get("changed") for sample in group],
                "load_1m": [sample.get("load_1m") for sample in group],
            }
        )
    lookup = {(row["scenario"], row["contender"], row["size"]): row["median_seconds"] for row in medians}
    return {
        "medians": medians,
        "task_medians": _task_medians(groups),
        "ratios": _pair_ratios(lookup),
        "targets": [_target_verdict(target, lookup) for target in TARGETS],
        "scale_targets": [_scale_verdict(target, lookup) for target in SCALE_TARGETS],
        "growth": [curve for curve in (_growth(lookup, *spec) for spec in GROWTH_CURVES) if curve],
    }


def _task_medians(groups):
    """Median seconds of each playbook task, for the side-by-side scenarios' Ansible runs: where the time went."""
    rows = []
    for scenario in (BOOTSTRAP, RERUN):
        for contender in CONTENDERS:
            runs = [sample["tasks"] for sample in groups.get((scenario, contender, None), []) if sample.get("tasks")]
            for task in dict.fromkeys(task for tasks in runs for task in tasks):
                rows.append(
                    {
                        "scenario": scenario,
                        "contender": contender,
                        "task": task,
                        "median_seconds": _rounded(median([tasks.get(task) for tasks in runs])),
                    }
                )
    return rows


def _group_order(scenario, contender, size):
    scenarios = (*SIDE_BY_SIDE, STACK_DEPLOY, STACK_NOOP, CLUSTER_BOOTSTRAP, CLUSTER_RERUN)
    return (
        scenarios.index(scenario) if scenario in scenarios else len(scenarios),
        size or 0,
        CONTENDERS.index(contender) if contender in CONTENDERS else len(CONTENDERS),
    )


def _pair_ratios(lookup):
    ratios = []
    for scenario in SIDE_BY_SIDE:
        for contender, baseline in itertools.combinations(CONTENDERS, 2):
            value = ratio(lookup.get((scenario, contender, None)), lookup.get((scenario, baseline, None)))
            if value is not None:
                ratios.append(
                    {"scenario": scenario, "contender": contender, "baseline": baseline, "ratio": round(value, 3)}
                )
    return ratios


def _target_verdict(target, lookup):
    measured, met = target.verdict(
        lookup.get((target.scenario, target.contender, None)), lookup.get((target.scenario, target.baseline, None))
    )
    return {
        "scenario": target.scenario,
        "contender": target.contender,
        "baseline": target.baseline,
        "at_most": target.at_most,
        "ratio": _rounded(measured),
        "met": met,
    }


def _scale_verdict(target, lookup):
    measured, met = target.verdict(
        lookup.get((target.scenario, target.contender, target.size)),
        lookup.get((target.baseline_scenario or target.scenario, target.baseline, target.baseline_size)),
    )
    return {
        "scenario": target.scenario,
        "contender": target.contender,
        "size": target.size,
        "baseline": target.baseline,
        "baseline_size": target.baseline_size,
        "at_most": target.at_most,
        "ratio": _rounded(measured),
        "met": met,
    }


def _growth(lookup, scenario, contender, unit):
    points = sorted(
        (size, seconds)
        for (name, who, size), seconds in lookup.items()
        if name == scenario and who == contender and size is not None and seconds is not None
    )
    if len({size for size, _ in points}) < 2:
        return None
    sizes = [size for size, _ in points]
    seconds = [value for _, value in points]
    fit = linear_fit(sizes, seconds)
    return {
        "scenario": scenario,
        "contender": contender,
        "unit": unit,
        "points": [{"size": size, "median_seconds": value} for size, value in points],
        "intercept_seconds": round(fit.intercept, 3),
        "seconds_per_unit": round(fit.slope, 4),
        "r_squared": round(fit.r_squared, 3),
        "increments": [
            {"from": low, "to": high, "seconds_per_unit": round(per_unit, 4)}
            for low, high, per_unit in increments(sizes, seconds)
        ],
        "at_most_linear": grows_at_most_linearly(sizes, seconds),
    }


def _rounded(value, digits=3):
    return None if value is None else round(value, digits)


def render_table(summary, machine=None, date=None):
    """The results as Markdown: what bench/run prints at the end and the README's Benchmarks section carries."""
    lines = []
    if date or machine:
        lines.append(f"Measured {date or ''} on {describe_machine(machine) if machine else 'this machine'}.")
        lines.append("")
    lines += _side_by_side_table(summary)
    lines.append("")
    lines += [_target_line(target) for target in summary["targets"]]
    lines += _floor_lines(summary)
    tasks = _task_table(summary)
    if tasks:
        lines.append("")
        lines += tasks
    scale = _scale_tables(summary)
    if scale:
        lines.append("")
        lines += scale
    executors = _executor_table(summary)
    if executors:
        lines.append("")
        lines += executors
    return "\n".join(lines)


def _executor_table(summary):
    """Each Ansible contender with Ansible's own executor and with Mitogen's (playbook wall time, medians)."""
    rows = {(row["scenario"], row["contender"]): row["median_seconds"] for row in summary["medians"]}
    if not any(scenario in (EXECUTOR_BOOTSTRAP, EXECUTOR_RERUN) for scenario, _ in rows):
        return []
    lines = [
        "| executor (median s) | swarmops.swarm | + Mitogen | Mitogen / own | community.docker | + Mitogen "
        "| Mitogen / own |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario, label in EXECUTOR_SCENARIOS:
        cells = []
        for contender in (SWARMOPS, COMMUNITY):
            own, accelerated = rows.get((scenario, contender)), rows.get((scenario, with_executor(contender, MITOGEN)))
            cells += [
                "-" if own is None else f"{own:.2f}",
                "-" if accelerated is None else f"{accelerated:.2f}",
                _ratio(ratio(accelerated, own)),
            ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def describe_machine(machine):
    parts = [
        f"{machine.get('cpu_count')} CPUs",
        f"Debian {machine.get('debian_version')}",
        f"kernel {machine.get('kernel')}",
        f"Python {machine.get('python')}",
        f"ansible-core {machine.get('ansible_core')}",
        f"community.docker {machine.get('community_docker')}",
        f"nodes: Docker {machine.get('node_engine')}, docker SDK {machine.get('node_docker_sdk')}",
    ]
    load = machine.get("load_average_at_start")
    if load:
        parts.append(f"load average at start {load[0]:.2f}")
    return ", ".join(parts)


def _side_by_side_table(summary):
    rows = {(row["scenario"], row["contender"]): row for row in summary["medians"] if row["size"] is None}
    ratios = {(row["scenario"], row["contender"], row["baseline"]): row["ratio"] for row in summary["ratios"]}
    lines = [
        "| scenario (median s) | swarmops.swarm | community.docker | docker CLI | Ansible floor | "
        "swarmops vs community.docker | swarmops vs CLI | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for scenario in SIDE_BY_SIDE:
        cells = [_seconds(rows.get((scenario, contender))) for contender in CONTENDERS]
        if not any(cell != "-" for cell in cells):
            continue
        loads = [
            load for contender in CONTENDERS for load in (rows.get((scenario, contender)) or {}).get("load_1m", [])
        ]
        lines.append(
            f"| {DESCRIPTIONS[scenario]} | {' | '.join(cells)} | {_ratio(ratios.get((scenario, SWARMOPS, COMMUNITY)))}"
            f" | {_ratio(ratios.get((scenario, SWARMOPS, CLI)))} | {_load_range(loads)} |"
        )
    return lines


def _target_line(target):
    verdict = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
    measured = "-" if target["ratio"] is None else f"{target['ratio']:.2f}x"
    return (
        f"- {DESCRIPTIONS[target['scenario']].split(' (')[0]}: {target['contender']} at most "
        f"{target['at_most']}x {target['baseline']}: {measured}, {verdict}"
    )


def _task_table(summary):
    columns = [
        (scenario, contender)
        for scenario in (BOOTSTRAP, RERUN)
        for contender in CONTENDERS
        if any(row["scenario"] == scenario and row["contender"] == contender for row in summary.get("task_medians", []))
    ]
    if not columns:
        return []
    seconds = {
        (row["scenario"], row["contender"], row["task"]): row["median_seconds"] for row in summary["task_medians"]
    }
    tasks = list(dict.fromkeys(row["task"] for row in summary["task_medians"]))
    lines = [
        "| task (median s) | " + " | ".join(f"{scenario} {contender}" for scenario, contender in columns) + " |",
        "| --- | " + " | ".join("---:" for _ in columns) + " |",
    ]
    for task in tasks:
        cells = [seconds.get((scenario, contender, task)) for scenario, contender in columns]
        lines.append(f"| {task} | " + " | ".join("-" if cell is None else f"{cell:.2f}" for cell in cells) + " |")
    return lines


# The targets that Ansible's floor (the same tasks running ansible.builtin.ping) can rule out: (scenario, baseline,
# target ratio, the baseline's measurement, the target, in what way a floor above the target is out of reach).
_FLOOR_CHECKS = (
    (RERUN, COMMUNITY, 0.7, "community.docker's re-run", "0.7x community.docker", "with the same tasks"),
    (NOOP50, CLI, 0.25, "the CLI's no-op redeploy", "0.25x the CLI", "by any Ansible task"),
)


def _floor_lines(summary):
    """What Ansible alone costs for the same tasks: the least either Ansible contender could take."""
    ratios = {(row["scenario"], row["contender"], row["baseline"]): row["ratio"] for row in summary["ratios"]}
    lines = []
    for scenario, baseline, target, measured, goal, how in _FLOOR_CHECKS:
        floor = ratios.get((scenario, baseline, FLOOR))
        if floor is None:
            continue
        needed = target * floor
        verdict = f"below 1: not reachable {how}" if needed < 1 else "reachable in principle"
        lines.append(
            f"- Ansible's floor ({DESCRIPTIONS[scenario].split(' (')[0]}, ansible.builtin.ping in place of each task): "
            f"{measured} takes {floor:.2f}x the floor; {goal} is {needed:.2f}x the floor ({verdict})"
        )
    return lines


def _scale_tables(summary):
    lines = []
    curves = {(curve["scenario"], curve["contender"]): curve for curve in summary["growth"]}
    stack_columns = [
        (scenario, contender, CURVE_LABELS[(scenario, contender)])
        for scenario, contender, unit in GROWTH_CURVES
        if unit == "service"
    ]
    cluster_columns = [
        (scenario, contender, CURVE_LABELS[(scenario, contender)])
        for scenario, contender, unit in GROWTH_CURVES
        if unit == "node"
    ]
    for title, columns in (("stack services", stack_columns), ("cluster nodes", cluster_columns)):
        present = [column for column in columns if (column[0], column[1]) in curves]
        if not present:
            continue
        sizes = sorted({point["size"] for column in present for point in curves[column[:2]]["points"]})
        lines.append(f"| {title} (median s) | " + " | ".join(str(size) for size in sizes) + " | per unit | fixed |")
        lines.append("| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | ---: |")
        for scenario, contender, label in present:
            curve = curves[(scenario, contender)]
            by_size = {point["size"]: point["median_seconds"] for point in curve["points"]}
            cells = [f"{by_size[size]:.2f}" if size in by_size else "-" for size in sizes]
            shape = "" if curve["at_most_linear"] else " (grows faster than linearly)"
            lines.append(
                f"| {label} | "
                + " | ".join(cells)
                + f" | {curve['seconds_per_unit'] * 1000:.0f} ms/{curve['unit']}{shape}"
                + f" | {curve['intercept_seconds']:.2f} s |"
            )
        lines.append("")
    if GROWTH_TARGET in curves:
        verdict = "met" if curves[GROWTH_TARGET]["at_most_linear"] else "MISSED"
        lines.append(f"- swarm_stack no-op redeploy grows at most linearly with the services: {verdict}")
    for target in summary.get("scale_targets", []):
        if target["met"] is None:
            continue
        verdict = "met" if target["met"] else "MISSED"
        what = SCALE_DESCRIPTIONS[target["scenario"]].format(size=target["size"])
        baseline = (
            "the " + SCALE_DESCRIPTIONS[target["scenario"]].format(size=target["baseline_size"])
            if target["baseline"] == target["contender"]
            else target["baseline"]
        )
        lines.append(
            f"- {what}: {target['contender']} at most {target['at_most']}x {baseline}: {target['ratio']:.2f}x, {verdict}"
        )
    return lines


def _seconds(row):
    if not row or row["median_seconds"] is None:
        return "-"
    return f"{row['median_seconds']:.2f}"


def _ratio(value):
    return "-" if value is None else f"{value:.2f}x"


def _load_range(loads):
    loads = [load for load in loads if load is not None]
    if not loads:
        return "-"
    return f"{min(loads):.1f}-{max(loads):.1f}"
