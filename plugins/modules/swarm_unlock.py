#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_unlock
short_description: Unlock a Docker Swarm manager that autolock keeps locked after an engine restart
version_added: 0.1.0
description:
  - With autolock on (M(swarmops.swarm.swarm_init) O(swarmops.swarm.swarm_init#module:autolock_managers=true)), a
    manager whose engine restarted keeps its Raft data encrypted and takes no part in the swarm until it is given
    the unlock key (C(docker swarm unlock)).
  - Runs on the locked manager itself. A node that is not locked is left alone (no change), so the module can run
    on every manager after a restart.
  - A wrong key fails with the engine's answer and leaves the node locked.
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
options:
  unlock_key:
    description:
      - The swarm's current unlock key, as returned by M(swarmops.swarm.swarm_init) in
        RV(swarmops.swarm.swarm_init#module:unlock_key) or by C(docker swarm unlock-key -q) on an unlocked manager.
      - Never shown in the output.
    type: str
    required: true
seealso:
  - module: swarmops.swarm.swarm_init
'''

EXAMPLES = r'''
- name: Read the unlock key from a manager that is not locked
  swarmops.swarm.swarm_init:
    autolock_managers: true
  register: swarm
  no_log: true
  delegate_to: "{{ groups['managers'][0] }}"
  run_once: true

- name: Unlock every manager that restarted
  swarmops.swarm.swarm_unlock:
    unlock_key: "{{ swarm.unlock_key }}"
  when: inventory_hostname in groups['managers']

- name: Unlock with a key kept in Ansible Vault
  swarmops.swarm.swarm_unlock:
    unlock_key: "{{ vault_swarm_unlock_key }}"
'''

RETURN = r'''
local_node_state:
  description: The node's swarm state after the run (V(active) once unlocked).
  returned: success
  type: str
  sample: active
node_id:
  description: Swarm node ID of this node.
  returned: success
  type: str
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample: ["unlock this manager"]
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.autolock import (
    SWARM_UNLOCK_ARGUMENT_SPEC,
    plan_swarm_unlock,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module


def main():
    run_module(SWARM_UNLOCK_ARGUMENT_SPEC, plan_swarm_unlock)


if __name__ == '__main__':
    main()
