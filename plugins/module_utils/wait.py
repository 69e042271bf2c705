# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for the cluster to reach a state, with timeouts that say what was awaited and what was last seen."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError

# When the leader goes away, the other managers elect a new one; meanwhile a manager answers that the swarm has no
# leader, or, having forwarded the request to the old leader, that the request's deadline passed (about 20 s on a
# 3-manager swarm). The swarm carries on with a rollout or a drain once it has a leader again, so a wait rides
# through such answers for this long; a swarm that stays leaderless longer has lost its quorum, and the wait fails
# with the engine's answer (which says how to recover).
LEADER_ELECTION_GRACE_SECONDS = 60


class WaitTimeout(SwarmError):
    pass


def wait_until(check, timeout, what, interval=0.5, clock=None, sleep=None):
    """Call ``check()`` until it returns ``(True, value)``; return ``(value, seconds waited)``.

    ``check`` returns ``(done, status)``; while not done, ``status`` describes what is still missing and ends up
    in the timeout message, so the operator sees both what we waited for and how far it got. A check that fails
    because the swarm has no leader is tried again for up to LEADER_ELECTION_GRACE_SECONDS. The clock and the
    sleep are looked up when called, so tests can put a fake ``time`` in this module.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    started = clock()
    leaderless_since = None
    while True:
        try:
            done, status = check()
            leaderless_since = None
        except EngineError as error:
            if not error.leaderless:
                raise
            if leaderless_since is None:
                leaderless_since = clock()
            elif clock() - leaderless_since >= LEADER_ELECTION_GRACE_SECONDS:
                raise
            done, status = False, 'the swarm had no leader for %ds (%s)' % (clock() - leaderless_since, error)
        elapsed = clock() - started
        if done:
            return status, round(elapsed, 1)
        if elapsed >= timeout:
            raise WaitTimeout(
                'Timed out after %ds waiting for %s; last seen: %s' % (timeout, what, status),
                waited_seconds=round(elapsed, 1),
            )
        sleep(min(interval, max(timeout - elapsed, 0.01)))
