"""Reading ansible-playbook's results from the ansible.posix.json callback."""

import json

import pytest

from bench.runner import BenchError, parse_playbook_output


def _task(name, start, end, hosts):
    return {"task": {"name": name, "duration": {"start": start, "end": end}}, "hosts": hosts}


OUTPUT = {
    "plays": [
        {
            "play": {"name": "Create"},
            "tasks": [
                _task("Init", "2026-11-25T21:11:09.000000Z", "2026-11-25T21:11:10.500000Z", {"m1": {"changed": True}}),
            ],
        },
        {
            "play": {"name": "Deploy"},
            "tasks": [
                _task(
                    "Services",
                    "2026-11-25T21:11:12.000000Z",
                    "2026-11-25T21:11:16.000000Z",
                    {"m1": {"changed": False, "results": [{"changed": False}] * 4}},
                ),
                _task(
                    "Join",
                    "2026-11-25T21:11:16.000000Z",
                    "2026-11-25T21:11:17.250000Z",
                    {"m2": {"changed": False}, "w1": {"changed": False}},
                ),
            ],
        },
    ],
    "stats": {
        "m1": {"changed": 1, "failures": 0, "unreachable": 0, "ok": 2},
        "m2": {"changed": 0, "failures": 0, "unreachable": 0, "ok": 1},
    },
}


def test_changed_and_failures_are_summed_over_the_hosts():
    result = parse_playbook_output(json.dumps(OUTPUT))
    assert result.changed == 1
    assert result.failures == 0


def test_task_seconds_span_the_task_and_items_count_the_loop():
    result = parse_playbook_output(json.dumps(OUTPUT))
    assert result.task_seconds == {"Init": 1.5, "Services": 4.0, "Join": 1.25}
    assert result.task_items == {"Init": 1, "Services": 4, "Join": 1}


def test_a_failed_task_is_named_with_its_message():
    output = json.loads(json.dumps(OUTPUT))
    output["plays"][0]["tasks"][0]["hosts"]["m1"] = {"failed": True, "msg": "engine unreachable"}
    output["stats"]["m1"]["failures"] = 1
    result = parse_playbook_output(json.dumps(output))
    assert result.failures == 1
    assert result.failure_messages == ["Init on m1: engine unreachable"]


def test_output_that_is_not_json_is_an_error_that_shows_it():
    with pytest.raises(BenchError, match="ERROR! no inventory"):
        parse_playbook_output("ERROR! no inventory")
