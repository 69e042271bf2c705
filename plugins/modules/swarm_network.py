#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_network
short_description: Create, re-create and remove Docker Swarm networks
version_added: 0.2.0
description:
  - Manages one network by its O(name) (C(docker network create), C(docker network rm)) for services declared with
    M(swarmops.swarm.swarm_service), or stacks that name it as external (overlay networks, the ingress network, and
    networks of C(local)-scope drivers such as C(macvlan), C(ipvlan) or C(bridge), which swarm services use through
    a configuration-only network on each node, O(config_only), and a swarm-scoped network made from it,
    O(config_from)).
  - Swarm cannot change a network's settings once it exists, its labels included. A network whose settings differ
    from the task's fails, naming each setting with its live and its desired value, unless O(recreate=true), which
    removes the network and creates it again. Settings the task leaves out keep their live values (the subnets the
    engine chose among them).
  - Services attached to a network keep a network from being re-created or removed. The module names them and
    changes nothing, unless O(force=true), which detaches them first (one service update each, awaited), and after
    a re-creation attaches them to the new network with the aliases and driver options they had.
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
  - swarmops.swarm.recovery
options:
  name:
    description:
      - The network's name. Of a swarm-scoped and a local network of this name, the one of O(scope), else the
        swarm-scoped one, is managed.
    type: str
    required: true
  state:
    description:
      - V(present) creates the network, or (with O(recreate)) re-creates it with the task's settings.
      - V(absent) removes it. Swarm removes no network a service uses; the module then fails, naming the services,
        unless O(force=true). A missing network is no change.
    type: str
    choices: [present, absent]
    default: present
  driver:
    description:
      - The network driver. For a network of a C(local)-scope driver that services use, give that driver (such as
        V(macvlan)) with O(scope=swarm) and O(config_from).
      - Not used with O(config_only=true) (the engine gives configuration-only networks no driver).
    type: str
    default: overlay
  scope:
    description:
      - The scope of the network. Overlay networks are always V(swarm); V(swarm) makes a network of a local driver
        available to services, V(local) is that of a configuration-only network.
      - Left out, it is not compared (the engine's choice for the driver).
    type: str
    choices: [swarm, local]
  attachable:
    description: Standalone containers (C(docker run --network)) can attach to the network, as well as services.
    type: bool
    default: false
  internal:
    description: The network has no route to the outside; its containers reach only each other.
    type: bool
    default: false
  ingress:
    description:
      - The network is the swarm's ingress network, which carries the ports services publish in ingress mode (the
        routing mesh). A swarm has at most one.
      - "Re-creating the ingress network (for another subnet, as Docker's documentation on the routing mesh
        describes) is refused while any service publishes a port in ingress mode: the module names those services.
        Publish their ports in host mode, or remove them, first. O(force) does not apply to it."
    type: bool
    default: false
  encrypted:
    description:
      - Encrypt the traffic between the nodes on this overlay network (IPsec, the overlay driver's option
        C(encrypted)).
      - "IPsec's ESP packets (IP protocol 50) must pass between the nodes: with the collection's firewall role set
        O(swarmops.swarm.swarm_firewall#role:main:swarm_firewall_encrypted_overlay=true). Without it the encrypted
        network carries no traffic between nodes."
    type: bool
    default: false
  driver_opts:
    description:
      - Driver options (C(docker network create --opt)), such as C(com.docker.network.driver.mtu) or, for
        C(macvlan), C(parent). Values are strings.
      - Every option of the network is compared, except the VXLAN IDs the engine adds on its own; O(encrypted) is
        the option C(encrypted).
    type: dict
  ipam:
    description:
      - IP address management. Left out, it is not compared (a new network gets the engine's choice; a re-created
        one keeps the live pools).
    type: dict
    suboptions:
      driver:
        description: The IPAM driver; left out, V(default), the engine's own.
        type: str
      config:
        description:
          - The address pools. Each given key of a pool must match one of the network's pools, and the number of
            pools must match; a key left out (a gateway, say) is the engine's choice. Empty, the pools are the
            engine's choice and not compared.
        type: list
        elements: dict
        suboptions:
          subnet:
            description: The subnet in CIDR form, such as V(10.20.0.0/24).
            type: str
          ip_range:
            description: The range the addresses of containers come from, within O(ipam.config[].subnet).
            type: str
          gateway:
            description: The gateway's address.
            type: str
          aux_addresses:
            description: Addresses the driver must not give to containers, by host name.
            type: dict
      options:
        description: Options of the IPAM driver.
        type: dict
  labels:
    description:
      - The network's labels. Docker fixes them at creation, as every other setting, so a change needs
        O(recreate=true).
      - Left out, they are not compared.
    type: dict
  config_only:
    description:
      - The network is only a configuration (subnets, driver options such as C(parent)) for swarm-scoped networks
        created with O(config_from). Such a network is local to each node; run the task on every node whose tasks
        attach to the network, with O(scope=local).
    type: bool
    default: false
  config_from:
    description: The configuration-only network (O(config_only)) this network takes its configuration from.
    type: str
  recreate:
    description:
      - Remove the network and create it again when its settings differ from the task's, the only way Swarm changes
        them. Without it, such a difference fails, naming each setting, and nothing is changed.
      - Refused while services are attached to the network, unless O(force=true).
    type: bool
    default: false
  force:
    description:
      - "With O(recreate=true) or O(state=absent): detach the services attached to the network first (one service
        update each, removing the network from the service's spec, awaited with O(wait)). After a re-creation each is
        attached to the new network again, with the aliases and driver options it had, in a second update. The tasks
        of these services restart twice, and run without the network in between."
    type: bool
    default: false
  wait:
    description:
      - Wait until each service the run updates (O(force)) converged before the next step. Its tasks must run the new
        spec and stay running for O(wait_stability), as M(swarmops.swarm.swarm_service) waits.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each service with O(wait), and for a removed network to be free and gone.
    type: int
    default: 300
  wait_stability:
    description:
      - With O(wait), how long the tasks of an updated service must stay running (a duration such as V(10s), or
        seconds). Defaults to the service's update monitor, or 5 seconds.
    type: raw
notes:
  - Runs on a swarm manager; a configuration-only network (O(config_only)) on each node that needs it.
  - Standalone containers (O(attachable)) on a network also keep it from being removed, and a manager sees only its
    own node's containers, so the module does not detach them; it retries the removal until O(wait_timeout) and then
    fails with the engine's answer (C(has active endpoints)). Stop or disconnect them first.
  - Check mode reports exactly what a real run does (its RV(actions), the diff, RV(detached_services) and
    RV(reattached_services)); diff mode shows the network's settings in the module's option names and the services
    attached to it.
seealso:
  - module: swarmops.swarm.swarm_service
  - module: swarmops.swarm.swarm_stack
  - name: Manage swarm service networks
    description: Overlay, ingress and encrypted networks in Docker's documentation.
    link: https://docs.docker.com/engine/swarm/networking/
'''

EXAMPLES = r'''
- name: An encrypted overlay network with its own subnet, standalone containers allowed
  swarmops.swarm.swarm_network:
    name: shop_back
    attachable: true
    encrypted: true
    ipam:
      config:
        - subnet: 10.20.0.0/24
    labels:
      app: shop

- name: Another subnet; the services on it are detached, the network re-created and the services attached again
  swarmops.swarm.swarm_network:
    name: shop_back
    attachable: true
    encrypted: true
    ipam:
      config:
        - subnet: 10.30.0.0/24
    labels:
      app: shop
    recreate: true
    force: true
  register: back

- name: The ingress network on another subnet (no service may publish ports in ingress mode meanwhile)
  swarmops.swarm.swarm_network:
    name: ingress
    ingress: true
    ipam:
      config:
        - subnet: 10.11.0.0/16
          gateway: 10.11.0.2
    recreate: true

- name: A macvlan configuration on every node
  swarmops.swarm.swarm_network:
    name: lan_config
    config_only: true
    scope: local
    driver_opts:
      parent: eth0
    ipam:
      config:
        - subnet: 192.168.10.0/24
          ip_range: 192.168.10.128/25

- name: The swarm-scoped macvlan network services attach to
  swarmops.swarm.swarm_network:
    name: lan
    driver: macvlan
    scope: swarm
    config_from: lan_config
  run_once: true

- name: Remove a network, taking it out of the services that still use it
  swarmops.swarm.swarm_network:
    name: old_net
    state: absent
    force: true
'''

RETURN = r'''
network:
  description:
    - The network after the run (in check mode, as the run would leave it), in the module's option names; null with
      O(state=absent).
  returned: success
  type: dict
  contains:
    id:
      description: Network ID; null in check mode for a network the run would create or re-create.
      type: str
      sample: 0x8gkb1i3rzm3ew4dvpqqyqwb
    name:
      description: O(name).
      type: str
      sample: shop_back
    driver:
      description: O(driver).
      type: str
      sample: overlay
    scope:
      description: O(scope); null when not known yet (a network the run would create without O(scope)).
      type: str
      sample: swarm
    attachable:
      description: O(attachable).
      type: bool
    internal:
      description: O(internal).
      type: bool
    ingress:
      description: O(ingress).
      type: bool
    encrypted:
      description: O(encrypted).
      type: bool
    driver_opts:
      description: O(driver_opts), without the engine's VXLAN IDs and without C(encrypted).
      type: dict
    ipam:
      description: O(ipam) (C(driver), C(config), C(options)).
      type: dict
      sample: {driver: default, options: {}, config: [{subnet: 10.20.0.0/24, gateway: 10.20.0.1}]}
    labels:
      description: O(labels).
      type: dict
    config_only:
      description: O(config_only).
      type: bool
    config_from:
      description: O(config_from), or null.
      type: str
detached_services:
  description: Services the run detached from the network (O(force)), in the order updated.
  returned: success
  type: list
  elements: str
  sample: [shop-api]
reattached_services:
  description: Services the run attached to the re-created network, in the order updated.
  returned: success
  type: list
  elements: str
  sample: [shop-api]
waited_seconds:
  description: Seconds spent waiting for the updated services to converge and for the old network to go.
  returned: success
  type: float
  sample: 12.5
waited_for:
  description: What the run waited for, one entry per service update.
  returned: success
  type: list
  elements: str
  sample: ["service shop-api: 1/1 tasks running, none stopped within the 5s stability window"]
differences:
  description: With a settings change refused for want of O(recreate), each differing setting as C(option live -> desired).
  returned: failure
  type: list
  elements: str
  sample: ["ipam {...} -> {...}", "internal false -> true"]
diff:
  description:
    - With a settings change refused for want of O(recreate), the network's settings as they are (C(before)) and as
      a re-creation would make them (C(after)), as a real run's diff would show them.
  returned: failure
  type: dict
services:
  description: With a removal or re-creation refused, the services that keep it from happening.
  returned: failure
  type: list
  elements: str
  sample: [shop-api]
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample:
    - "update service shop-api: detach from network shop_back"
    - "remove network shop_back (to re-create it: ipam ... -> ...)"
    - "create network shop_back (overlay, attachable, encrypted, 10.30.0.0/24)"
    - "update service shop-api: attach to the new network shop_back"
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_networks import network_argument_spec, plan_network


def main():
    run_module(network_argument_spec(), plan_network)


if __name__ == '__main__':
    main()
