#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_info
short_description: Read a Docker Swarm's state - the swarm, its nodes, services and tasks - for playbooks and surveys
version_added: 0.1.0
description:
  - Runs on a node of the swarm and reads its Docker engine; never changes anything.
  - Always returns RV(swarm) - the swarm's ID, the address to join through, whether this node is a manager and
    the leader, and the swarm settings under the names M(swarmops.swarm.swarm_init) uses for its options.
  - Lists RV(nodes), RV(services), RV(tasks), RV(stacks), RV(networks), RV(configs), RV(secrets) and
    RV(service_specs) only when asked (O(nodes), O(services), O(tasks), O(stacks), O(networks), O(configs),
    O(secrets), O(service_specs), or their filters), so a call stays cheap on a large swarm; a default run reads only
    the engine's C(GET /info) and the local node.
  - RV(service_specs) returns services in the option names of M(swarmops.swarm.swarm_service); a playbook can read a
    service, change what it wants, and give it back to M(swarmops.swarm.swarm_service), which then changes nothing
    but what was changed.
  - Configs and secrets are returned as metadata only (name, ID, labels, dates, drivers); their content never is.
  - On a worker (or a node outside a swarm, or a locked manager) only the node's own membership is known; the
    swarm-wide values of RV(swarm) are null, RV(swarm.is_manager) is false, and lists or secrets that were asked
    for are left out with a warning that says so.
  - Join tokens and the unlock key are secrets and are returned only when asked for (O(join_tokens),
    O(unlock_key)). A task that asks for them must set C(no_log=true); Ansible would otherwise show them in its
    output and logs.
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode returns the same facts.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to diff.
  action_group:
    support: full
    membership:
      - swarmops.swarm.swarm
    description: Use C(group/swarmops.swarm.swarm) in C(module_defaults) to set the connection options once.
options:
  nodes:
    description:
      - List the swarm's nodes in RV(nodes) (C(GET /nodes)).
    type: bool
    default: false
  services:
    description:
      - List the swarm's services in RV(services), with their running and desired task counts
        (C(GET /services?status=true)).
    type: bool
    default: false
  tasks:
    description:
      - List tasks in RV(tasks) (C(GET /tasks)), all of them or those O(tasks_filters) selects. The swarm keeps a
        few finished tasks per slot (the swarm's task history limit); they are listed too unless filtered out.
      - Setting O(tasks_filters) lists tasks as well.
    type: bool
    default: false
  tasks_filters:
    description:
      - Which tasks to list. Filters combine (a task must match all of them).
    type: dict
    suboptions:
      service:
        description:
          - Tasks of this service, by name or ID.
        type: str
      node:
        description:
          - Tasks placed on this node, by hostname or ID.
        type: str
      desired_state:
        description:
          - Tasks the orchestrator wants in this state. V(running) selects the current tasks, V(shutdown) the
            replaced or stopped ones, V(accepted) those waiting for a node.
        type: str
        choices: [running, shutdown, accepted]
  nodes_filters:
    description:
      - Which nodes to list in RV(nodes), like C(docker node ls --filter). Filters combine (a node must match all of
        them). Setting O(nodes_filters) lists nodes as well.
    type: dict
    suboptions:
      role:
        description:
          - Nodes of this role.
        type: str
        choices: [manager, worker]
      availability:
        description:
          - Nodes of this availability.
        type: str
        choices: [active, pause, drain]
      labels:
        description:
          - Node labels (the ones M(swarmops.swarm.swarm_node) sets, C(node.labels) in placement constraints), each
            C(key) (the node has the label) or C(key=value); a node must carry all of them.
        type: list
        elements: str
  stacks:
    description:
      - List the swarm's stacks in RV(stacks), like C(docker stack ls). A stack is the set of services, networks,
        configs and secrets labelled C(com.docker.stack.namespace) (as C(docker stack deploy) and
        M(swarmops.swarm.swarm_stack) label them). Reads the services, networks, configs and secrets.
    type: bool
    default: false
  stack_services:
    description:
      - List each stack's services in RV(stacks[].services), like C(docker stack services). Lists the stacks as well.
    type: bool
    default: false
  stack_tasks:
    description:
      - List each stack's tasks in RV(stacks[].tasks), like C(docker stack ps) (finished tasks kept by the task
        history are included). Lists the stacks as well.
    type: bool
    default: false
  service_specs:
    description:
      - Services to return in full in RV(service_specs), by exact name, in the option names of
        M(swarmops.swarm.swarm_service). A name that matches no service is left out with a warning.
    type: list
    elements: str
  networks:
    description:
      - List the networks in RV(networks) (C(GET /networks)), all of them or those O(networks_filters) selects.
      - A manager lists its swarm-scope networks and its own local ones (C(bridge), C(host)...); the local
        networks of other nodes are not listed.
    type: bool
    default: false
  networks_filters:
    description:
      - Which networks to list, as C(docker network ls --filter) selects them. Filters combine. Setting
        O(networks_filters) lists networks as well.
    type: dict
    suboptions:
      name:
        description:
          - Networks whose name contains this text (the engine matches any part of the name).
        type: str
      driver:
        description:
          - Networks of this driver (V(overlay), V(bridge), V(macvlan)...).
        type: str
      labels:
        description:
          - Network labels, each C(key) or C(key=value); a network must carry all of them.
        type: list
        elements: str
  configs:
    description:
      - List the swarm's configs in RV(configs) (C(GET /configs)), without their content.
    type: bool
    default: false
  secrets:
    description:
      - List the swarm's secrets in RV(secrets) (C(GET /secrets)), without their content (the engine never returns
        a secret's data).
    type: bool
    default: false
  join_tokens:
    description:
      - Return the swarm's current worker and manager join tokens in RV(join_tokens). Secret; use C(no_log=true).
    type: bool
    default: false
  unlock_key:
    description:
      - Return the key that unlocks the managers after an engine restart in RV(unlock_key) (null when autolock is
        off). Secret; use C(no_log=true).
    type: bool
    default: false
seealso:
  - module: swarmops.swarm.swarm_init
  - module: swarmops.swarm.swarm_node
  - module: swarmops.swarm.swarm_service
  - module: swarmops.swarm.swarm_stack
'''

EXAMPLES = r'''
- name: Read the swarm and its nodes
  swarmops.swarm.swarm_info:
    nodes: true
  register: swarm_state
  run_once: true
  delegate_to: "{{ groups['managers'][0] }}"

- name: Fail early when a manager is unreachable
  ansible.builtin.assert:
    that: >-
      swarm_state.nodes | selectattr('role', 'eq', 'manager')
      | rejectattr('manager_reachability', 'eq', 'reachable') | list | length == 0
    fail_msg: "unreachable managers: {{ swarm_state.nodes | selectattr('manager_reachability', 'eq', 'unreachable')
      | map(attribute='hostname') | join(', ') }}"

- name: Offer the services in an AWX survey or a later play
  swarmops.swarm.swarm_info:
    services: true
  register: swarm_services

- name: Show services whose replicas are not all running
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.running_tasks }}/{{ item.desired_tasks }}"
  loop: "{{ swarm_services.services | selectattr('mode', 'in', ['replicated', 'global']) }}"
  when: item.running_tasks != item.desired_tasks

- name: Where do the current tasks of the web service run?
  swarmops.swarm.swarm_info:
    tasks_filters:
      service: web
      desired_state: running
  register: web_tasks

- name: Which workers are drained?
  swarmops.swarm.swarm_info:
    nodes_filters:
      role: worker
      availability: drain
  register: drained_workers

- name: Which nodes carry the label zone=a and the label ssd (any value)?
  swarmops.swarm.swarm_info:
    nodes_filters:
      labels: [zone=a, ssd]
  register: zone_a_nodes

- name: List the stacks with their services and tasks (docker stack ls, services and ps)
  swarmops.swarm.swarm_info:
    stack_services: true
    stack_tasks: true
  register: swarm_stacks

- name: Read the web service in swarm_service's own option names
  swarmops.swarm.swarm_info:
    service_specs: [web]
  register: web_spec

# Ansible warns that templated task args are unsafe with untrusted data; these come from your own swarm.
- name: Give it back to swarm_service with one more replica (nothing else changes)
  swarmops.swarm.swarm_service:
  args: "{{ web_spec.service_specs.web | combine({'replicas': web_spec.service_specs.web.replicas + 1}) }}"

- name: Overlay networks of the monitoring stack, and the swarm's configs and secrets (never their content)
  swarmops.swarm.swarm_info:
    networks_filters:
      driver: overlay
      labels: [com.docker.stack.namespace=monitoring]
    configs: true
    secrets: true
  register: swarm_objects

- name: Stop when this manager is locked (autolock on and its engine restarted)
  ansible.builtin.assert:
    that: not swarm_state.swarm.is_locked
    fail_msg: Unlock this manager with swarmops.swarm.swarm_unlock's key first.

- name: Read the join tokens for new nodes, without logging them
  swarmops.swarm.swarm_info:
    join_tokens: true
  register: swarm_secrets
  no_log: true
'''

RETURN = r'''
swarm:
  description:
    - The swarm as this node sees it. The values marked "manager" are null on a worker or outside a swarm.
    - Also contains the swarm settings under the names of M(swarmops.swarm.swarm_init)'s options
      (C(task_history_retention_limit), C(snapshot_interval), C(keep_old_snapshots), C(log_entries_for_slow_followers),
      C(heartbeat_tick), C(election_tick), C(dispatcher_heartbeat_period), C(node_cert_expiry), C(autolock_managers),
      C(labels)); durations are spelled like C(5s) or C(2160h). Null on a worker.
  returned: always
  type: dict
  contains:
    local_node_state:
      description: This node's swarm state, V(inactive), V(pending), V(active), V(error) or V(locked).
      type: str
      sample: active
    is_locked:
      description: Whether this node is a locked manager (autolock is on and its engine restarted; C(docker info)
        shows the swarm as V(locked)). It reads nothing of the swarm until it is unlocked.
      type: bool
      sample: false
    node_id:
      description: This node's ID; null outside a swarm.
      type: str
    node_addr:
      description: This node's address in the swarm.
      type: str
    is_manager:
      description: Whether this node is a manager that can read the swarm (false on a locked manager).
      type: bool
    is_leader:
      description: Whether this node is the Raft leader.
      type: bool
    remote_managers:
      description: Addresses of the managers this node knows.
      type: list
      elements: str
      sample: ["192.168.0.2:2377", "192.168.0.3:2377"]
    error:
      description: The engine's swarm error for this node, if any.
      type: str
    id:
      description: Swarm ID (manager).
      type: str
    created_at:
      description: When the swarm was created (manager).
      type: str
    updated_at:
      description: When the swarm settings last changed (manager).
      type: str
    manager_addr:
      description: Address and port to join the swarm through - this manager (manager).
      type: str
      sample: 192.168.0.2:2377
    managers:
      description: Number of managers (manager).
      type: int
    nodes:
      description: Number of nodes (manager).
      type: int
    data_path_port:
      description: UDP port of the overlay data path (manager).
      type: int
    default_addr_pool:
      description: Address pools for overlay networks (manager).
      type: list
      elements: str
    subnet_size:
      description: Prefix length of overlay network subnets (manager).
      type: int
    root_rotation_in_progress:
      description: Whether a root CA rotation is running (manager).
      type: bool
nodes:
  description:
    - The swarm's nodes (those O(nodes_filters) selects), sorted by hostname.
    - Each has the keys of M(swarmops.swarm.swarm_node)'s RV(swarmops.swarm.swarm_node#module:node).
  returned: when O(nodes=true) or O(nodes_filters) is set, on a manager
  type: list
  elements: dict
  sample:
    - id: 4q967z19qy2okjg3qnnzpvuxc
      hostname: worker1
      role: worker
      availability: drain
      labels: {zone: a, ssd: ""}
      state: ready
      status_message: null
      addr: 192.168.0.5
      manager_reachability: null
      manager_addr: null
      leader: false
      engine_version: 20.10.24+dfsg1
      engine_labels: {}
      platform: {os: linux, architecture: x86_64}
      resources: {nano_cpus: 2000000000, memory_bytes: 25276063744}
services:
  description: The swarm's services, sorted by name.
  returned: when O(services=true), on a manager
  type: list
  elements: dict
  contains:
    id:
      description: Service ID.
      type: str
    name:
      description: Service name.
      type: str
    mode:
      description: V(replicated), V(global), V(replicated-job) or V(global-job).
      type: str
    replicas:
      description: Desired replicas of a replicated service; null for the other modes.
      type: int
    desired_tasks:
      description: Tasks the service should have running (for a job, the tasks still to run).
      type: int
    running_tasks:
      description: Tasks running now. Tasks on a down node count as running until the node comes back.
      type: int
    completed_tasks:
      description: Completed tasks of a job.
      type: int
    image:
      description: Image of the service's containers, as the spec names it.
      type: str
    update_status:
      description: The last rolling update or rollback - C(state) (V(updating), V(paused), V(completed),
        V(rollback_started), V(rollback_paused), V(rollback_completed)), C(message), C(started_at), C(completed_at).
        Null for a service never updated.
      type: dict
    endpoint_mode:
      description: V(vip) or V(dnsrr).
      type: str
    ports:
      description: Published ports, each with C(protocol), C(target_port), C(published_port) and C(publish_mode)
        (V(ingress) or V(host)).
      type: list
      elements: dict
    labels:
      description: Service labels.
      type: dict
    created_at:
      description: When the service was created.
      type: str
    updated_at:
      description: When the service last changed.
      type: str
    version:
      description: Version index of the service object.
      type: int
  sample:
    - id: 8r30lro0m88i3f6y03jnpwqr9
      name: web
      mode: replicated
      replicas: 4
      desired_tasks: 4
      running_tasks: 4
      completed_tasks: 0
      image: swarmops/web:2
      update_status: {state: completed, message: update completed}
      endpoint_mode: dnsrr
      ports: []
tasks:
  description: The tasks asked for, sorted by name.
  returned: when O(tasks=true) or O(tasks_filters) is set, on a manager
  type: list
  elements: dict
  contains:
    id:
      description: Task ID.
      type: str
    name:
      description: The name C(docker service ps) shows, C(service.slot) (replicated) or C(service.node-id) (global).
      type: str
      sample: web.1
    service_id:
      description: ID of the task's service.
      type: str
    service_name:
      description: Name of the task's service.
      type: str
    slot:
      description: Slot number of a replicated task; null for global tasks.
      type: int
    node_id:
      description: ID of the node the task is placed on; null while it waits for one.
      type: str
    node:
      description: Hostname of that node.
      type: str
    desired_state:
      description: The state the orchestrator wants for the task (V(running), V(shutdown), V(complete)...).
      type: str
    state:
      description: The task's observed state (V(running), V(starting), V(shutdown), V(failed), V(rejected)...).
      type: str
    message:
      description: The engine's message for the state.
      type: str
    error:
      description: Why the task failed or was rejected; null otherwise.
      type: str
    timestamp:
      description: When the task reached its state.
      type: str
    container_id:
      description: ID of the task's container on its node.
      type: str
    exit_code:
      description: Exit code of the container once it ended.
      type: int
    image:
      description: Image of the task's container.
      type: str
    published_ports:
      description: Ports published in host mode by this task (same keys as a service's C(ports)).
      type: list
      elements: dict
    created_at:
      description: When the task was created.
      type: str
    updated_at:
      description: When the task last changed.
      type: str
stacks:
  description:
    - The swarm's stacks, sorted by name, as C(docker stack ls) lists them, with the names of their networks,
      configs and secrets. A stack whose services are gone but whose networks remain (C(docker stack rm) still
      removing them) is listed with RV(stacks[].service_count=0).
  returned: when O(stacks), O(stack_services) or O(stack_tasks) is true, on a manager
  type: list
  elements: dict
  contains:
    name:
      description: The stack's name (its C(com.docker.stack.namespace) label).
      type: str
    orchestrator:
      description: Always V(swarm).
      type: str
    service_count:
      description: Number of services in the stack (the C(SERVICES) column of C(docker stack ls)).
      type: int
    networks:
      description: Names of the stack's networks, sorted.
      type: list
      elements: str
    configs:
      description: Names of the stack's configs, sorted.
      type: list
      elements: str
    secrets:
      description: Names of the stack's secrets, sorted.
      type: list
      elements: str
    services:
      description: The stack's services, sorted by name, with the keys of RV(services) (C(docker stack services)).
      returned: when O(stack_services=true)
      type: list
      elements: dict
    tasks:
      description: The stack's tasks, sorted by name, with the keys of RV(tasks) (C(docker stack ps)).
      returned: when O(stack_tasks=true)
      type: list
      elements: dict
  sample:
    - name: shop
      orchestrator: swarm
      service_count: 2
      networks: [shop_default]
      configs: [shop_nginx_conf-3f1c0a9b2d4e]
      secrets: [shop_db_password-9a8b7c6d5e4f]
service_specs:
  description:
    - The services named in O(service_specs), keyed by name, each in the option names of
      M(swarmops.swarm.swarm_service) (C(name), C(image), C(replicas), C(networks), C(update_config)...), with the
      engine's defaults filled in and options the service does not set left out. Networks, configs and secrets are
      named, not given by ID. Given back to M(swarmops.swarm.swarm_service) unchanged, they change nothing.
  returned: when O(service_specs) is set, on a manager
  type: dict
  sample:
    web:
      name: web
      image: swarmops/web:1
      mode: replicated
      replicas: 2
      endpoint_mode: dnsrr
      networks: [front]
      secrets: [{source: db_password, target: db_password, uid: "0", gid: "0", mode: "0444"}]
      init: false
      read_only: false
      tty: false
      isolation: default
      stop_grace_period: 10s
      restart_policy: {condition: any, delay: 5s, max_attempts: 0, window: 0s}
      placement: {max_replicas_per_node: 0}
      update_config: {parallelism: 1, delay: 0s, failure_action: pause, monitor: 5s, max_failure_ratio: 0,
                      order: stop-first}
      rollback_config: {parallelism: 1, delay: 0s, failure_action: pause, monitor: 5s, max_failure_ratio: 0,
                        order: stop-first}
networks:
  description: The networks asked for, sorted by name, as C(docker network inspect) shows them.
  returned: when O(networks=true) or O(networks_filters) is set, on a manager
  type: list
  elements: dict
  contains:
    id:
      description: Network ID.
      type: str
    name:
      description: Network name.
      type: str
    driver:
      description: Network driver (V(overlay), V(bridge), V(host), V(null), V(macvlan)...).
      type: str
    scope:
      description: V(swarm) for networks the whole swarm knows, V(local) for this node's own.
      type: str
    attachable:
      description: Whether standalone containers may attach to it.
      type: bool
    internal:
      description: Whether it is cut off from outside networks.
      type: bool
    ingress:
      description: Whether it is the swarm's routing-mesh network.
      type: bool
    enable_ipv6:
      description: Whether IPv6 is on.
      type: bool
    config_only:
      description: Whether it only holds configuration for other networks (C(--config-only)).
      type: bool
    config_from:
      description: The config-only network it takes its configuration from; null otherwise.
      type: str
    ipam:
      description: Address management - C(driver), C(options) and C(config), a list of pools each with C(subnet),
        C(ip_range), C(gateway) and C(aux_addresses).
      type: dict
    options:
      description: Driver options.
      type: dict
    labels:
      description: Network labels.
      type: dict
    created_at:
      description: When the network was created.
      type: str
  sample:
    - id: n0y8t1qv3kd4a9xj2p5w6m7ze
      name: shop_default
      driver: overlay
      scope: swarm
      attachable: false
      internal: false
      ingress: false
      enable_ipv6: false
      config_only: false
      config_from: null
      ipam:
        driver: default
        options: {}
        config: [{subnet: 10.0.1.0/24, gateway: 10.0.1.1, ip_range: null, aux_addresses: {}}]
      options: {com.docker.network.driver.overlay.vxlanid_list: "4097"}
      labels: {com.docker.stack.namespace: shop}
      created_at: "2026-12-02T10:00:00.000000000Z"
configs:
  description: The swarm's configs, sorted by name; metadata only, never their content.
  returned: when O(configs=true), on a manager
  type: list
  elements: dict
  contains: &swarm_object
    id:
      description: ID.
      type: str
    name:
      description: Name.
      type: str
    labels:
      description: Labels.
      type: dict
    template_driver:
      description: Template driver (V(golang)) that renders it for each task; null for plain content.
      type: str
    driver:
      description: External driver that holds the content (secrets); null for the swarm's own store.
      type: str
    created_at:
      description: When it was created.
      type: str
    updated_at:
      description: When its labels last changed.
      type: str
    version:
      description: Version index of the object.
      type: int
  sample:
    - id: 4xk1m2n3b4v5c6x7z8l9k0j1h
      name: shop_nginx_conf-3f1c0a9b2d4e
      labels: {com.docker.stack.namespace: shop}
      template_driver: null
      driver: null
      created_at: "2026-12-02T10:00:00.000000000Z"
      updated_at: "2026-12-02T10:00:00.000000000Z"
      version: 12
secrets:
  description: The swarm's secrets, sorted by name; metadata only (the engine never returns a secret's content).
  returned: when O(secrets=true), on a manager
  type: list
  elements: dict
  contains: *swarm_object
  sample:
    - id: 9q8w7e6r5t4y3u2i1o0p9a8s7
      name: db_password
      labels: {}
      template_driver: null
      driver: null
      created_at: "2026-12-02T10:00:00.000000000Z"
      updated_at: "2026-12-02T10:00:00.000000000Z"
      version: 13
join_tokens:
  description: The current join tokens, C(worker) and C(manager). Secret.
  returned: when O(join_tokens=true), on a manager
  type: dict
  contains:
    worker:
      description: Token that joins a node as a worker.
      type: str
    manager:
      description: Token that joins a node as a manager.
      type: str
unlock_key:
  description: The unlock key of the managers; null when autolock is off. Secret.
  returned: when O(unlock_key=true), on a manager
  type: str
actions:
  description: Always empty; the module changes nothing.
  returned: always
  type: list
  elements: str
  sample: []
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.facts import (
    SWARM_INFO_ARGUMENT_SPEC,
    plan_swarm_info,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module


def main():
    run_module(SWARM_INFO_ARGUMENT_SPEC, plan_swarm_info)


if __name__ == '__main__':
    main()
