# -*- coding: utf-8 -*-
"""Counting a fake engine's reads, to test that a planner reads each thing once (every read is a round trip)."""


def count_calls(engine, *method_names):
    """Wraps the engine's methods in place; returns {name: calls so far}, updated as they are called."""
    counts = dict.fromkeys(method_names, 0)
    for name in method_names:
        setattr(engine, name, _counted(counts, name, getattr(engine, name)))
    return counts


def _counted(counts, name, method):
    def counted(*args, **kwargs):
        counts[name] += 1
        return method(*args, **kwargs)

    return counted
