# -*- coding: utf-8 -*-
"""Waiting in integration tests for state the swarm reaches on its own, polled, never slept on blindly."""

import time


def wait_for(condition, what, timeout=90):
    """Poll ``condition()`` until it returns something true and return that; fail naming ``what`` at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, 'not %s after %ds' % (what, timeout)
        time.sleep(0.5)
