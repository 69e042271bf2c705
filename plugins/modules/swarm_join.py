#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_join
short_description: Make a node a member of a given Docker Swarm, or take it out
version_added: 0.1.0
description:
  - Runs on the node that joins or leaves, and talks to that node's Docker engine (C(docker swarm join) and
    C(docker swarm leave)).
  - Knows which swarm the node is in. Already a member of the swarm the task joins, with the asked role, means no
    change. A member of another swarm is not moved unless O(force=true). A role that differs is reported with the
    way to change it (M(swarmops.swarm.swarm_node) on a manager); the module never changes roles silently.
  - A manager proves its swarm by its trust root, whose digest every join token of that swarm carries. A worker
    cannot read its trust root through the Engine API, so it is matched by the manager addresses it knows
    (hostnames in O(remote_addrs) are resolved on the node).
  - A node left in state C(pending) or C(error) by an earlier failed join is cleaned up and joined again.
  - A failed join (wrong token, unreachable manager) gives a clear error and leaves the node out of any swarm,
    as it was.
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
options:
  state:
    description:
      - V(present) makes the node a member of the swarm at O(remote_addrs).
      - V(absent) makes the node leave any swarm it is in. A manager is refused unless O(force=true), since a
        manager that leaves without being demoted first counts against quorum; the message shows the arithmetic.
    type: str
    choices: [present, absent]
    default: present
  remote_addrs:
    description:
      - Addresses (C(host) or C(host:port), port 2377 by default) of one or more managers of the swarm to join.
      - Required with O(state=present).
    type: list
    elements: str
  join_token:
    description:
      - The token to join with, as returned by M(swarmops.swarm.swarm_init) in RV(swarmops.swarm.swarm_init#module:join_tokens)
        or by C(docker swarm join-token -q). The token decides the role the node joins with.
      - Give either this or O(worker_token)/O(manager_token) with O(role).
    type: str
  worker_token:
    description:
      - The swarm's worker join token, used when O(role=worker) (the default).
    type: str
  manager_token:
    description:
      - The swarm's manager join token, used when O(role=manager).
    type: str
  role:
    description:
      - The role the node must have. With O(join_token) it is optional and only checked; with
        O(worker_token)/O(manager_token) it picks the token and defaults to V(worker).
    type: str
    choices: [worker, manager]
  advertise_addr:
    description:
      - Address (C(ip), C(ip:port) or interface name) the other nodes use to reach this node.
    type: str
  listen_addr:
    description:
      - Address and port this node listens on for cluster traffic (relevant when it is or becomes a manager).
    type: str
    default: 0.0.0.0:2377
  data_path_addr:
    description:
      - Address or interface for the data path (overlay network) traffic.
    type: str
  availability:
    description:
      - Availability the node starts with when it joins. For a node that is already a member, availability is
        managed with M(swarmops.swarm.swarm_node).
    type: str
    choices: [active, pause, drain]
  force:
    description:
      - With O(state=present), leave the swarm the node is in when it is a different one, then join.
      - With O(state=absent), let a manager leave without being demoted first.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait for each answer of the engine, and the number of seconds the join may take before it is
        abandoned and the node put back out of the swarm.
      - Falls back to the environment variable E(DOCKER_TIMEOUT).
    type: int
    default: 60
notes:
  - O(join_token), O(worker_token) and O(manager_token) are never shown in the output.
seealso:
  - module: swarmops.swarm.swarm_init
'''

EXAMPLES = r'''
- name: Join the workers to the swarm of the first manager
  swarmops.swarm.swarm_join:
    remote_addrs: ["{{ hostvars[groups['managers'][0]].swarm.manager_addr }}"]
    join_token: "{{ hostvars[groups['managers'][0]].swarm.join_tokens.worker }}"
    role: worker
    advertise_addr: "{{ ansible_host }}"
  when: inventory_hostname in groups['workers']

- name: Join with both tokens, picking by role from inventory
  swarmops.swarm.swarm_join:
    remote_addrs: "{{ groups['managers'] | map('extract', hostvars, 'ansible_host') | list }}"
    worker_token: "{{ swarm_tokens.worker }}"
    manager_token: "{{ swarm_tokens.manager }}"
    role: "{{ 'manager' if inventory_hostname in groups['managers'] else 'worker' }}"

- name: Join drained, to warm the node up before it takes tasks
  swarmops.swarm.swarm_join:
    remote_addrs: [10.0.0.11]
    join_token: "{{ swarm_tokens.worker }}"
    availability: drain

- name: Move a node from an old swarm to a new one
  swarmops.swarm.swarm_join:
    remote_addrs: [10.0.1.11:2377]
    join_token: "{{ new_swarm_tokens.worker }}"
    force: true

- name: Take a worker out of the swarm
  swarmops.swarm.swarm_join:
    state: absent
'''

RETURN = r'''
node_id:
  description: Swarm node ID of this node; null when it is not in a swarm.
  returned: success
  type: str
  sample: x2wkf4nxgo6uqj2mtjbp33xsd
local_node_state:
  description: The node's swarm state after the run (V(active), V(inactive), V(pending), V(error), V(locked)).
  returned: success
  type: str
  sample: active
role:
  description: V(manager) or V(worker) when the node is an active member; null otherwise.
  returned: success
  type: str
  sample: worker
swarm_id:
  description: ID of the swarm. Only managers can read it; null on workers.
  returned: success
  type: str
remote_managers:
  description: Addresses of the swarm's managers as this node knows them.
  returned: success
  type: list
  elements: str
  sample: ["172.30.0.2:2377", "172.30.0.3:2377"]
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample: ["join the swarm at 172.30.0.2:2377 as worker"]
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.membership import (
    SWARM_JOIN_ARGUMENT_SPEC,
    SWARM_JOIN_MODULE_KWARGS,
    plan_swarm_join,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module


def main():
    run_module(SWARM_JOIN_ARGUMENT_SPEC, plan_swarm_join, **SWARM_JOIN_MODULE_KWARGS)


if __name__ == '__main__':
    main()
