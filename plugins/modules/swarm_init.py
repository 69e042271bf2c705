#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_init
short_description: Create a Docker Swarm, keep its settings as declared, recover it, or tear it down
version_added: 0.1.0
description:
  - Runs on the node that is (or becomes) a manager and talks to that node's Docker engine.
  - On a node that is not in a swarm, creates a new swarm with this node as its first manager (C(docker swarm init)).
  - On a manager of an existing swarm, compares the settings the task sets with the live swarm and updates only
    those that differ (C(docker swarm update)). Settings the task leaves out keep their live values.
  - Settings that the engine only takes when a swarm is created (O(advertise_addr), O(data_path_port),
    O(default_addr_pool), O(subnet_size)) are compared too; a difference is reported as a warning and nothing is
    changed.
  - On a worker the module fails and says to run it on a manager.
  - A manager whose swarm lost quorum fails fast with a message explaining the recovery; with
    O(force_new_cluster=true) it performs that recovery.
  - Returns the join tokens and the address other nodes join through; feed them to M(swarmops.swarm.swarm_join).
    The tokens are secrets; register the result in a task that sets C(no_log).
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
options:
  state:
    description:
      - V(present) makes sure this node is a manager of a swarm with the given settings.
      - V(absent) tears the swarm down from its last manager (C(docker swarm leave --force)). It refuses while
        other managers are reachable, unless O(force=true). On a node that is not in a swarm nothing changes.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), leave even while other managers are reachable. Those managers then keep this node
        listed as an unreachable manager until it is removed from their node list.
    type: bool
    default: false
  advertise_addr:
    description:
      - Address (C(ip), C(ip:port) or interface name such as C(eth0)) other nodes use to reach this manager.
      - Needed when the node has several addresses. Only used when the swarm is created.
    type: str
  listen_addr:
    description:
      - Address and port the manager listens on for cluster management traffic. Only used when the swarm is created.
    type: str
    default: 0.0.0.0:2377
  data_path_addr:
    description:
      - Address or interface for the data path (overlay network) traffic, to keep it apart from management traffic.
        Only used when the swarm is created.
    type: str
  data_path_port:
    description:
      - UDP port of the VXLAN data path. The engine default is 4789. Only used when the swarm is created.
    type: int
  default_addr_pool:
    description:
      - CIDR ranges from which overlay networks get their subnets, for example V(['10.20.0.0/16']).
        Only used when the swarm is created.
    type: list
    elements: str
  subnet_size:
    description:
      - Prefix length of each overlay network subnet taken from O(default_addr_pool) (engine default 24).
        Only used when the swarm is created.
    type: int
  force_new_cluster:
    description:
      - Recover a swarm that lost quorum. This manager becomes the single manager of the same swarm, which keeps its
        services, networks, configs and secrets (C(docker swarm init --force-new-cluster)).
      - Applied only when this node's swarm has no quorum. On a healthy swarm nothing is forced; if other managers
        exist a warning says so.
    type: bool
    default: false
  autolock_managers:
    description:
      - Encrypt the managers' Raft data with a key that must be given after every engine restart (autolock).
      - When on, the result holds the unlock key in RV(unlock_key).
    type: bool
  rotate_unlock_key:
    description:
      - Generate a new unlock key. Needs autolock on. Reports a change on every run where it is set.
    type: bool
    default: false
  rotate_worker_token:
    description:
      - Generate a new worker join token; the old one stops working. Reports a change on every run where it is set.
    type: bool
    default: false
  rotate_manager_token:
    description:
      - Generate a new manager join token; the old one stops working. Reports a change on every run where it is set.
    type: bool
    default: false
  node_cert_expiry:
    description:
      - Validity of node certificates, as a duration (V(2160h), V(90d), V(3600s)); a bare number means seconds.
        The engine default is 90 days.
    type: raw
  task_history_retention_limit:
    description:
      - Number of finished tasks kept per service slot (engine default 5).
    type: int
  snapshot_interval:
    description:
      - Number of Raft log entries between snapshots (engine default 10000).
    type: int
  keep_old_snapshots:
    description:
      - Number of old Raft snapshots kept besides the current one.
    type: int
  log_entries_for_slow_followers:
    description:
      - Number of log entries kept after a snapshot to catch up slow followers (engine default 500).
    type: int
  heartbeat_tick:
    description:
      - Number of Raft ticks between leader heartbeats (engine default 1).
    type: int
  election_tick:
    description:
      - Number of Raft ticks without a heartbeat after which a follower starts an election (engine default 10).
        Must be greater than O(heartbeat_tick).
    type: int
  dispatcher_heartbeat_period:
    description:
      - How often nodes report to the managers, as a duration such as V(5s) (engine default 5 seconds).
    type: raw
  labels:
    description:
      - Labels of the swarm itself. When given, the swarm's labels become exactly these.
    type: dict
notes:
  - The swarm's name cannot be chosen; the engine names every swarm C(default).
  - A second run with the same options reports no change, except for the rotate_* options which act on every run.
seealso:
  - module: swarmops.swarm.swarm_join
  - name: Docker swarm init reference
    description: The docker CLI command this module replaces.
    link: https://docs.docker.com/reference/cli/docker/swarm/init/
'''

EXAMPLES = r'''
- name: Create the swarm on the first manager
  swarmops.swarm.swarm_init:
    advertise_addr: "{{ ansible_host }}"
    default_addr_pool: [10.20.0.0/16]
    subnet_size: 24
    task_history_retention_limit: 3
  register: swarm
  no_log: true  # the result holds the join tokens

- name: Join the other managers with the token from the first one
  swarmops.swarm.swarm_join:
    remote_addrs: ["{{ hostvars[groups['managers'][0]].swarm.manager_addr }}"]
    join_token: "{{ hostvars[groups['managers'][0]].swarm.join_tokens.manager }}"
    role: manager
  when: inventory_hostname in groups['managers'][1:]

- name: Keep node certificates short-lived and lock the managers
  swarmops.swarm.swarm_init:
    node_cert_expiry: 720h
    autolock_managers: true
  register: swarm
  no_log: true

- name: Rotate the worker join token after a leak
  swarmops.swarm.swarm_init:
    rotate_worker_token: true
  no_log: true

- name: Recover a swarm that lost quorum, from a surviving manager
  swarmops.swarm.swarm_init:
    force_new_cluster: true

- name: Tear the swarm down from its last manager
  swarmops.swarm.swarm_init:
    state: absent
'''

RETURN = r'''
swarm_id:
  description: ID of the swarm. Null in check mode when the swarm would be created, and after O(state=absent).
  returned: success
  type: str
  sample: 6f3ilglvbjfkzhoy8z6t8zwm9
node_id:
  description: Swarm node ID of this node.
  returned: success
  type: str
  sample: x2wkf4nxgo6uqj2mtjbp33xsd
manager_addr:
  description: Address and port other nodes join through (this manager's advertise address).
  returned: success
  type: str
  sample: 172.30.0.2:2377
join_tokens:
  description: The current join tokens. Secret; register with C(no_log).
  returned: success
  type: dict
  contains:
    worker:
      description: Token that joins a node as a worker.
      type: str
    manager:
      description: Token that joins a node as a manager.
      type: str
unlock_key:
  description: The key that unlocks a manager after an engine restart, when autolock is on; null otherwise. Secret.
  returned: success
  type: str
swarm:
  description: The live swarm settings after the run, named like the module's options.
  returned: when this node is a manager of a swarm after the run
  type: dict
  sample:
    task_history_retention_limit: 5
    snapshot_interval: 10000
    node_cert_expiry: 2160h
    autolock_managers: false
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample: ["update the swarm: task_history_retention_limit 5 -> 3"]
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import (
    SWARM_INIT_ARGUMENT_SPEC,
    plan_swarm_init,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module


def main():
    run_module(SWARM_INIT_ARGUMENT_SPEC, plan_swarm_init)


if __name__ == '__main__':
    main()
