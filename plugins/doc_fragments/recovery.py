# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The recovery contract of the modules that change the swarm through a manager and wait for it: what a run does
    # when a manager goes away under it, and how to run it again. tests/integration/reliability/test_faults.py
    # proves it on a real swarm.
    # A fragment must declare options: this one has none of its own.
    DOCUMENTATION = r'''
options: {}
notes:
  - "When the leader goes away during a run, the other managers elect a new one (about 20 seconds on a 3-manager
    swarm). Meanwhile the manager the module talks to answers that the swarm has no leader, or that the request's
    deadline passed. A wait (O(wait=true)) rides through such answers for up to 60 seconds, so a run on a manager
    that stays up completes once the swarm has a leader again. A run on the manager that went away ends with it
    (its host becomes unreachable), and a request sent while there is no leader fails with the engine's answer."
  - "To recover, run the same task again against a manager that is up: with C(retries) and
    C(until: result is succeeded) when the module's own manager stays up, or with C(delegate_to) another host of
    the managers group when it went away. The module reads the live state first and changes only what still
    differs; services, networks, configs and secrets are found by name, so nothing is created twice. A run of
    M(swarmops.swarm.swarm_service) or M(swarmops.swarm.swarm_stack) that changes nothing still waits (with
    O(wait=true)) until the services run as declared, so it returns only once the unfinished change converged.
    An update the swarm paused on failed tasks stays paused until the service is written again, even once the
    cause is gone (a node back, an image pushed): as C(docker service update) and C(docker stack deploy) do, the
    run writes the same spec again, which resumes the update, and reports it as a change (RV(actions) says
    C(resume the paused update of service NAME)). If the cause is still there, the update pauses again and the
    run fails naming the failing tasks."
  - "When most managers are down, the swarm has lost its quorum and cannot elect a leader: the module fails at
    once (a wait after 60 seconds) with a message that says so. Bring the managers back, or recover on a surviving
    manager with M(swarmops.swarm.swarm_init) and O(swarmops.swarm.swarm_init#module:force_new_cluster=true)."
'''
