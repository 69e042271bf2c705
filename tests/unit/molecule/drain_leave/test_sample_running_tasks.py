"""The drain_leave scenario's sampler: what counts as a running task, and when sampling is over."""

import importlib.util
from pathlib import Path

# A script copied to the nodes, not a package: loaded from its file.
_SPEC = importlib.util.spec_from_file_location(
    'sample_running_tasks',
    Path(__file__).resolve().parents[4] / 'molecule' / 'drain_leave' / 'files' / 'sample_running_tasks.py',
)
sampler = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(sampler)


def _task(desired, observed):
    return {'DesiredState': desired, 'Status': {'State': observed}}


def test_only_tasks_wanted_and_seen_running_count():
    tasks = [
        _task('running', 'running'),
        _task('running', 'starting'),
        _task('shutdown', 'running'),
        _task('shutdown', 'shutdown'),
        _task('running', 'running'),
    ]
    assert sampler.running_task_count(tasks) == 2


def test_the_summary_keeps_the_lowest_count_and_ends_when_the_nodes_are_gone_and_the_replicas_back():
    summary = sampler.Summary(['worker2', 'manager3'])
    summary.add(4, 4, ['manager1', 'manager3', 'worker2'])
    assert not summary.finished
    summary.add(3, 4, ['manager1', 'manager3'])
    summary.add(4, 4, ['manager1', 'manager3'])
    assert not summary.finished
    summary.add(3, 4, ['manager1'])
    assert not summary.finished
    summary.add(4, 4, ['manager1'])
    assert summary.as_dict() == dict(
        gone=['manager3', 'worker2'], samples=5, errors=0, lowest_running=3, desired=4, finished=True
    )


def test_desired_replicas_come_from_the_service_spec():
    assert sampler.desired_replicas({'Spec': {'Mode': {'Replicated': {'Replicas': 4}}}}) == 4
