"""From samples to medians, ratios, target verdicts, growth fits and the Markdown table."""

import pytest

from bench.report import render_table, summarise
from bench.workload import (
    BOOTSTRAP,
    CLI,
    CLUSTER_BOOTSTRAP,
    COMMUNITY,
    EXECUTOR_BOOTSTRAP,
    EXECUTOR_RERUN,
    FLOOR,
    MITOGEN,
    NOOP50,
    RERUN,
    STACK_DEPLOY,
    STACK_NOOP,
    SWARMOPS,
    with_executor,
)


def _sample(scenario, contender, seconds, size=None, round_number=1, changed=None, load=0.5, tasks=None):
    return {
        "scenario": scenario,
        "contender": contender,
        "round": round_number,
        "seconds": seconds,
        "wall_seconds": seconds + 1,
        "size": size,
        "changed": changed,
        "load_1m": load,
        "tasks": tasks,
    }


SAMPLES = [
    *[_sample(BOOTSTRAP, SWARMOPS, seconds, round_number=number) for number, seconds in enumerate([6, 8, 7], 1)],
    *[_sample(BOOTSTRAP, COMMUNITY, seconds) for seconds in (12, 11, 10)],
    *[_sample(BOOTSTRAP, CLI, seconds) for seconds in (4, 5, 3)],
    *[
        _sample(RERUN, SWARMOPS, seconds, changed=0, tasks={"Init": seconds / 5, "Services": seconds / 2})
        for seconds in (4, 5, 6)
    ],
    *[_sample(RERUN, COMMUNITY, seconds, changed=0) for seconds in (10, 10, 10)],
    *[_sample(RERUN, FLOOR, seconds, changed=0) for seconds in (8, 8, 8)],
    _sample(NOOP50, SWARMOPS, 0.9),
    _sample(NOOP50, COMMUNITY, 6.0),
    _sample(NOOP50, CLI, 3.0),
    _sample(NOOP50, FLOOR, 0.8),
    *[_sample(STACK_NOOP, SWARMOPS, seconds, size=size) for size, seconds in ((10, 0.5), (50, 0.9), (100, 1.4))],
    *[_sample(STACK_NOOP, CLI, seconds, size=size) for size, seconds in ((10, 1.0), (50, 3.0), (100, 5.5))],
]


def test_medians_per_scenario_and_contender():
    medians = {(row["scenario"], row["contender"], row["size"]): row for row in summarise(SAMPLES)["medians"]}
    assert medians[(BOOTSTRAP, SWARMOPS, None)]["median_seconds"] == 7
    assert medians[(BOOTSTRAP, SWARMOPS, None)]["median_wall_seconds"] == 8
    assert medians[(BOOTSTRAP, SWARMOPS, None)]["runs"] == 3
    assert medians[(STACK_NOOP, SWARMOPS, 50)]["median_seconds"] == 0.9


def test_ratio_of_every_pair():
    ratios = {
        (row["scenario"], row["contender"], row["baseline"]): row["ratio"] for row in summarise(SAMPLES)["ratios"]
    }
    assert ratios[(BOOTSTRAP, SWARMOPS, COMMUNITY)] == pytest.approx(7 / 11, abs=1e-3)
    assert ratios[(BOOTSTRAP, SWARMOPS, CLI)] == pytest.approx(7 / 4, abs=1e-3)
    assert ratios[(BOOTSTRAP, COMMUNITY, CLI)] == pytest.approx(11 / 4, abs=1e-3)
    assert (RERUN, SWARMOPS, CLI) not in ratios  # the CLI has no re-run


def test_targets_met_and_missed():
    targets = {(row["scenario"], row["baseline"]): row for row in summarise(SAMPLES)["targets"]}
    assert targets[(BOOTSTRAP, COMMUNITY)]["met"] is True  # 0.64 <= 0.7
    assert targets[(BOOTSTRAP, CLI)]["met"] is True  # 1.75 <= 2
    assert targets[(RERUN, COMMUNITY)]["met"] is True  # 0.5
    assert targets[(NOOP50, CLI)]["met"] is False  # 0.3 > 0.25
    assert targets[(NOOP50, COMMUNITY)]["met"] is True  # 0.15


def test_a_target_without_samples_is_not_measured():
    summary = summarise([_sample(BOOTSTRAP, SWARMOPS, 5.0)])
    assert {row["met"] for row in summary["targets"]} == {None}


def test_task_medians_say_where_the_time_went():
    summary = summarise(SAMPLES)
    medians = {(row["task"], row["median_seconds"]) for row in summary["task_medians"]}
    assert medians == {("Init", 1.0), ("Services", 2.5)}
    table = render_table(summary)
    assert "| task (median s) | rerun swarmops.swarm |" in table
    assert "| Services | 2.50 |" in table


def test_growth_curves_of_the_scale_scenarios():
    growth = {(curve["scenario"], curve["contender"]): curve for curve in summarise(SAMPLES)["growth"]}
    noop = growth[(STACK_NOOP, SWARMOPS)]
    assert [point["size"] for point in noop["points"]] == [10, 50, 100]
    assert noop["seconds_per_unit"] == pytest.approx(0.01, abs=0.001)
    assert noop["at_most_linear"] is True
    assert growth[(STACK_NOOP, CLI)]["seconds_per_unit"] == pytest.approx(0.05, abs=0.001)


def test_table_shows_medians_ratios_targets_and_growth():
    machine = {
        "cpu_count": 2,
        "debian_version": "12.11",
        "kernel": "6.1",
        "python": "3.13.0",
        "ansible_core": "2.21.5",
        "community_docker": "5.4.0",
        "node_engine": "20.10.24",
        "node_docker_sdk": "5.0.3",
        "load_average_at_start": [0.4, 0.6, 0.8],
    }
    table = render_table(summarise(SAMPLES), machine, "2026-11-25 21:00 UTC")
    assert "Measured 2026-11-25 21:00 UTC on 2 CPUs, Debian 12.11" in table
    assert "load average at start 0.40" in table
    assert "| bootstrap and deploy (playbook wall time) | 7.00 | 11.00 | 4.00 | - | 0.64x | 1.75x | 0.5-0.5 |" in table
    assert "| idempotent re-run (playbook wall time) | 5.00 | 10.00 | - | 8.00 | 0.50x | - |" in table
    assert (
        "re-run takes 1.25x the floor; 0.7x community.docker is 0.88x the floor (below 1: not reachable with" in table
    )
    assert "no-op redeploy takes 3.75x the floor; 0.25x the CLI is 0.94x the floor (below 1: not reachable by" in table
    assert "swarmops.swarm at most 0.25x docker CLI: 0.30x, MISSED" in table
    assert "| swarm_stack no-op | 0.50 | 0.90 | 1.40 | 10 ms/service | 0.40 s |" in table
    assert "grows at most linearly with the services: met" in table


def test_scale_targets_compare_points_of_the_curves():
    samples = [
        _sample(STACK_NOOP, SWARMOPS, 1.0, size=500),
        _sample(STACK_NOOP, CLI, 5.0, size=500),
        _sample(STACK_DEPLOY, SWARMOPS, 40.0, size=500),
        _sample(STACK_DEPLOY, CLI, 30.0, size=500),
        _sample(CLUSTER_BOOTSTRAP, SWARMOPS, 20.0, size=3),
        _sample(CLUSTER_BOOTSTRAP, SWARMOPS, 30.0, size=24),
    ]
    summary = summarise(samples)
    verdicts = {(row["scenario"], row["size"]): (row["ratio"], row["met"]) for row in summary["scale_targets"]}
    assert verdicts == {
        (STACK_NOOP, 500): (0.2, True),  # at most 0.3x the CLI
        (STACK_DEPLOY, 500): (1.333, False),  # at most the CLI's
        (CLUSTER_BOOTSTRAP, 24): (1.5, True),  # at most 2x the 3-node bootstrap
    }
    table = render_table(summary)
    assert "- 500-service no-op redeploy: swarmops.swarm at most 0.3x docker CLI: 0.20x, met" in table
    assert "- 500-service first deploy: swarmops.swarm at most 1.0x docker CLI: 1.33x, MISSED" in table
    assert "- 24-node bootstrap: swarmops.swarm at most 2.0x the 3-node bootstrap: 1.50x, met" in table


def test_the_executor_table_puts_each_contender_beside_itself_with_mitogen():
    samples = [
        _sample(EXECUTOR_BOOTSTRAP, SWARMOPS, 10.0),
        _sample(EXECUTOR_BOOTSTRAP, with_executor(SWARMOPS, MITOGEN), 7.0),
        _sample(EXECUTOR_RERUN, SWARMOPS, 8.0, changed=0),
        _sample(EXECUTOR_RERUN, with_executor(SWARMOPS, MITOGEN), 3.2, changed=0),
        _sample(EXECUTOR_BOOTSTRAP, COMMUNITY, 12.0),
        _sample(EXECUTOR_BOOTSTRAP, with_executor(COMMUNITY, MITOGEN), 9.0),
    ]
    table = render_table(summarise(samples))
    assert with_executor(SWARMOPS, MITOGEN) == "swarmops.swarm + Mitogen"
    assert "| bootstrap and deploy | 10.00 | 7.00 | 0.70x | 12.00 | 9.00 | 0.75x |" in table
    assert "| idempotent re-run | 8.00 | 3.20 | 0.40x | - | - | - |" in table
