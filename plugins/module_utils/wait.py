# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for the cluster to reach a state, with timeouts that say what was awaited and what was last seen."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.swarmops.swarm.plugins.module_utils.client import SwarmError


class WaitTimeout(SwarmError):
    pass


def wait_until(check, timeout, what, interval=0.5, clock=None, sleep=None):
    """Call ``check()`` until it returns ``(True, value)``; return ``(value, seconds waited)``.

    ``check`` returns ``(done, status)``; while not done, ``status`` describes what is still missing and ends up
    in the timeout message, so the operator sees both what we waited for and how far it got. The clock and the
    sleep are looked up when called, so tests can put a fake ``time`` in this module.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    started = clock()
    while True:
        done, status = check()
        elapsed = clock() - started
        if done:
            return status, round(elapsed, 1)
        if elapsed >= timeout:
            raise WaitTimeout(
                'Timed out after %ds waiting for %s; last seen: %s' % (timeout, what, status),
                waited_seconds=round(elapsed, 1),
            )
        sleep(min(interval, max(timeout - elapsed, 0.01)))
