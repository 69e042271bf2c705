#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_node
short_description: Promote, demote, drain, label or remove a node of a Docker Swarm
version_added: 0.1.0
description:
  - Runs on a manager and manages one node of its swarm through the Engine API (C(docker node update),
    C(docker node promote), C(docker node demote), C(docker node rm)).
  - Each setting is a read-modify-write of the node's spec (C(Spec.Role), C(Spec.Availability), C(Spec.Labels)) at
    its live version, retried when another writer changed the node in between ("update out of sequence"). Settings
    the task leaves out keep their live values.
  - Quorum safe. Demoting or removing a manager that would leave the swarm without a majority of reachable
    managers is refused, and the message shows the arithmetic (managers, reachable managers, quorum before and
    after), unless O(force=true).
  - Waits by default until the change took effect - a drained node has no running service tasks left, a promoted
    node is a reachable manager, a demoted one has left the managers - so the next task can rely on it.
  - The node the module runs on cannot demote or remove itself (it could not confirm the change); run the task on
    another manager, for instance with C(delegate_to).
  - On a worker, or a node outside a swarm, the module fails and says to run it on a manager.
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
  - swarmops.swarm.recovery
options:
  node:
    description:
      - The node to manage, by hostname (C(Description.Hostname), the HOSTNAME column of C(docker node ls)) or by
        its full node ID.
      - A hostname that several nodes share is refused with the list of their IDs; this happens when a node left
        and joined again, and the swarm still lists its old entry as down. Name the node by its ID then.
    type: str
    required: true
  state:
    description:
      - V(present) applies O(role), O(availability) and the labels options to the node, which must exist.
      - V(absent) removes the node from the swarm's node list (C(docker node rm)). A node that is down is removed
        directly. A node that is still up is removed with O(force=true) (it keeps running its containers and
        believes it is still a member); without force and with O(wait=true) the module waits until the swarm marks
        it down - which happens within three dispatcher heartbeats (15 s by default) after it left the swarm, for
        instance with M(swarmops.swarm.swarm_join) O(swarmops.swarm.swarm_join#module:state=absent) - and fails if
        it stays up. A manager must be demoted first; with O(force=true) the module demotes it (quorum checked),
        waits until it has left the managers, and removes it.
      - A node that is not in the swarm (any more) means no change.
    type: str
    choices: [present, absent]
    default: present
  role:
    description:
      - The node's role (C(Spec.Role)). V(manager) promotes a worker, V(worker) demotes a manager.
      - A demotion that would leave the managers without quorum is refused unless O(force=true).
      - Not set means the role is not managed.
    type: str
    choices: [worker, manager]
  availability:
    description:
      - The node's availability for tasks (C(Spec.Availability)). V(active) takes new tasks, V(pause) keeps its
        tasks but takes no new ones, V(drain) moves the tasks of replicated and global services to other nodes.
      - Not set means availability is not managed.
    type: str
    choices: [active, pause, drain]
  labels:
    description:
      - Node labels (C(Spec.Labels)), used by placement constraints such as C(node.labels.zone==a).
      - Values are strings; numbers and booleans are converted. A label without a value (V(ssd:) in YAML, or an
        empty string) is set with an empty value, as C(docker node update --label-add ssd) does.
      - How they combine with the live labels is set by O(labels_state).
    type: dict
  labels_state:
    description:
      - V(merge) adds the labels of O(labels) and changes their values; other live labels are kept.
      - V(replace) makes O(labels) the node's whole set of labels; labels not listed are removed. Needs O(labels);
        O(labels={}) removes every label.
    type: str
    choices: [merge, replace]
    default: merge
  labels_to_remove:
    description:
      - Keys of labels to remove, whatever their values (empty values included). Keys the node does not have are
        ignored. A key may not be both in O(labels) and here.
    type: list
    elements: str
  force:
    description:
      - Demote or remove a manager although the quorum check refuses. The decision is then the engine's, which
        still refuses a demotion that loses Raft quorum by its own live count of the managers' connections (the
        two counts can differ for a few seconds after a manager went away or came back).
      - With O(state=absent), demote a manager before removing it, and remove a node that is still up.
    type: bool
    default: false
  wait:
    description:
      - Wait until a change took effect before returning, up to O(wait_timeout) seconds.
      - After a drain, until no task of a replicated or global service (jobs excepted) is running on the node any
        more - neither wanted by the orchestrator nor still stopping - so the tasks run elsewhere. On a node that
        is down, only the orchestrator's desired state counts, since the node reports nothing.
      - After a promotion, until the node is a reachable manager (C(ManagerStatus.Reachability)); after a
        demotion, until it has no C(ManagerStatus) any more. A down node that is promoted becomes a manager when
        it comes back; that is not waited for.
      - With O(state=absent), until a node that left is marked down (see O(state)).
      - Waiting happens only when the run changes something; a second run that finds the node drained returns
        at once.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait at most (see O(wait)). A timeout fails the task and names what was still awaited, for a
        drain the tasks still on the node (service name.slot and task ID).
    type: int
    default: 300
notes:
  - Check mode reports exactly the changes a real run would make; diff mode shows the node's role, availability
    and labels before and after.
seealso:
  - module: swarmops.swarm.swarm_info
  - module: swarmops.swarm.swarm_join
  - name: Administer and maintain a swarm of Docker Engines
    description: Docker's guide to manager counts, quorum and draining.
    link: https://docs.docker.com/engine/swarm/admin_guide/
'''

EXAMPLES = r'''
- name: Label the workers for placement constraints
  swarmops.swarm.swarm_node:
    node: "{{ item }}"
    labels:
      zone: "{{ hostvars[item].zone }}"
      ssd:
  loop: "{{ groups['workers'] }}"
  delegate_to: "{{ groups['managers'][0] }}"

- name: Drain a node before maintenance; returns once its service tasks run elsewhere
  swarmops.swarm.swarm_node:
    node: worker3
    availability: drain
    wait_timeout: 600
  delegate_to: "{{ groups['managers'][0] }}"

- name: Put it back to work after the maintenance
  swarmops.swarm.swarm_node:
    node: worker3
    availability: active
  delegate_to: "{{ groups['managers'][0] }}"

- name: Promote a worker to a standby manager
  swarmops.swarm.swarm_node:
    node: worker1
    role: manager
  delegate_to: "{{ groups['managers'][0] }}"

- name: Demote it again (refused if the other managers could not keep quorum)
  swarmops.swarm.swarm_node:
    node: worker1
    role: worker
  delegate_to: "{{ groups['managers'][0] }}"

- name: Keep exactly these labels, dropping any others
  swarmops.swarm.swarm_node:
    node: worker2
    labels:
      zone: b
    labels_state: replace
  delegate_to: "{{ groups['managers'][0] }}"

- name: Remove two labels, whatever their values
  swarmops.swarm.swarm_node:
    node: worker2
    labels_to_remove: [ssd, maintenance]
  delegate_to: "{{ groups['managers'][0] }}"

- name: A worker leaves the swarm ...
  swarmops.swarm.swarm_join:
    state: absent
  delegate_to: worker4

- name: ... and is taken off the node list once the managers see it down
  swarmops.swarm.swarm_node:
    node: worker4
    state: absent
  delegate_to: "{{ groups['managers'][0] }}"

- name: Remove a manager whose machine is gone for good (demoted first, quorum checked)
  swarmops.swarm.swarm_node:
    node: manager3
    state: absent
    force: true
  delegate_to: "{{ groups['managers'][0] }}"
'''

RETURN = r'''
node:
  description:
    - The node after the run, as M(swarmops.swarm.swarm_info) reports nodes. Null when it was removed or was not
      there.
    - In check mode, the node as it is (the predicted changes are in RV(actions) and the diff).
  returned: success
  type: dict
  contains:
    id:
      description: Node ID.
      type: str
      sample: 4q967z19qy2okjg3qnnzpvuxc
    hostname:
      description: The node's hostname.
      type: str
      sample: worker1
    role:
      description: V(manager) or V(worker) (C(Spec.Role)).
      type: str
    availability:
      description: V(active), V(pause) or V(drain).
      type: str
    labels:
      description: Node labels.
      type: dict
      sample: {zone: a, ssd: ""}
    state:
      description: What the managers see of the node (C(Status.State)), V(ready), V(down), V(unknown) or
        V(disconnected).
      type: str
    status_message:
      description: Why the node is in that state, for instance V(heartbeat failure); null when there is nothing to say.
      type: str
    addr:
      description: The node's address as the managers see it.
      type: str
    manager_reachability:
      description: For a manager, V(reachable) or V(unreachable) (C(ManagerStatus.Reachability)); null for a worker.
      type: str
    manager_addr:
      description: For a manager, the address and port other managers reach it on; null for a worker.
      type: str
    leader:
      description: Whether the node is the Raft leader.
      type: bool
    engine_version:
      description: Docker Engine version of the node.
      type: str
      sample: 20.10.24+dfsg1
    engine_labels:
      description: Labels of the node's engine (daemon C(--label)), usable as C(engine.labels.*) constraints.
      type: dict
    platform:
      description: Operating system (C(os)) and CPU architecture (C(architecture)) of the node.
      type: dict
      sample: {os: linux, architecture: x86_64}
    resources:
      description: CPUs (C(nano_cpus)) and memory (C(memory_bytes)) of the node.
      type: dict
    created_at:
      description: When the node joined.
      type: str
    updated_at:
      description: When the node object last changed.
      type: str
    version:
      description: Version index of the node object.
      type: int
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample: ["set availability of worker1: active -> drain", "set labels of worker1: add zone=a, remove ssd"]
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.nodes import (
    SWARM_NODE_ARGUMENT_SPEC,
    plan_swarm_node,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module


def main():
    run_module(SWARM_NODE_ARGUMENT_SPEC, plan_swarm_node)


if __name__ == '__main__':
    main()
