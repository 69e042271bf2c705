"""The scale curves drawn as pictures: one PNG per kind of curve, a line per contender and scenario."""

import struct

from bench.plots import draw_curves
from bench.report import summarise
from bench.workload import CLI, CLUSTER_BOOTSTRAP, CLUSTER_RERUN, COMMUNITY, STACK_DEPLOY, STACK_NOOP, SWARMOPS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _sample(scenario, contender, size, seconds):
    return {
        "scenario": scenario,
        "contender": contender,
        "round": 1,
        "seconds": seconds,
        "wall_seconds": seconds,
        "size": size,
    }


def _results(samples):
    return {"date": "2026-12-03 14:00 UTC", "machine": {"cpu_count": 2}, "summary": summarise(samples)}


def _png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, path
    return struct.unpack(">II", header[16:24])


def test_each_kind_of_curve_is_a_picture_with_a_line_per_contender(tmp_path):
    samples = [
        _sample(scenario, contender, size, seconds * size)
        for scenario, contender, seconds in (
            (STACK_DEPLOY, SWARMOPS, 0.02),
            (STACK_DEPLOY, CLI, 0.03),
            (STACK_NOOP, SWARMOPS, 0.002),
            (STACK_NOOP, COMMUNITY, 0.04),
        )
        for size in (10, 100, 500)
    ] + [
        _sample(scenario, SWARMOPS, nodes, seconds + nodes)
        for scenario, seconds in ((CLUSTER_BOOTSTRAP, 20), (CLUSTER_RERUN, 8))
        for nodes in (3, 6, 12, 24)
    ]

    drawn = draw_curves(_results(samples), tmp_path)

    assert drawn == {
        "stack-scale.png": [
            "swarm_stack first deploy",
            "docker stack deploy, first",
            "swarm_stack no-op",
            "docker_stack no-op",
        ],
        "cluster-scale.png": ["bootstrap playbook", "re-run"],
    }
    assert _png_size(tmp_path / "stack-scale.png") == (700, 450)
    assert _png_size(tmp_path / "cluster-scale.png") == (700, 450)


def test_no_curve_no_picture(tmp_path):
    assert draw_curves(_results([_sample(STACK_NOOP, SWARMOPS, 10, 1.0)]), tmp_path) == {}
    assert list(tmp_path.iterdir()) == []
