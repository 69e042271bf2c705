#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_secret
short_description: Create, relabel, rotate and remove Docker Swarm secrets
version_added: 0.2.0
description:
  - Manages one swarm secret by its O(name) (C(docker secret create), C(docker secret rm)), for services declared
    with M(swarmops.swarm.swarm_service) or stacks that name it as external.
  - The engine never returns a secret's content. Every secret this module creates carries a salted, slow digest
    (PBKDF2-SHA256) of its content in the label C(swarmops.swarm.content-digest), as the secrets of
    M(swarmops.swarm.swarm_stack) do, and the task's content is compared with that label.
  - With O(rotate=true) a changed content is a new version, the services that use the secret are switched to it,
    one rolling update each, and the old version is removed.
  - The content is never shown, in the output or in the diff; O(data) is C(no_log).
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
  - swarmops.swarm.swarm_object
  - swarmops.swarm.recovery
attributes:
  action:
    support: full
    description:
      - An action plugin of the same name reads O(data_src) on the controller with O(data_source=controller); with
        the default O(data_source=managed_node) it hands the task to the module unchanged.
options: {}
seealso:
  - module: swarmops.swarm.swarm_config
  - module: swarmops.swarm.swarm_service
  - name: Manage sensitive data with Docker secrets
    description: How services receive secrets (files under C(/run/secrets)).
    link: https://docs.docker.com/engine/swarm/secrets/
'''

EXAMPLES = r'''
- name: A database password from Ansible Vault
  swarmops.swarm.swarm_secret:
    name: db_password
    data: "{{ vault_db_password }}"
    labels:
      app: shop

- name: A TLS key read on the controller, next to the playbook (files/shop.key)
  swarmops.swarm.swarm_secret:
    name: shop_tls_key
    data_src: shop.key
    data_source: controller

- name: A binary keystore given as base64
  swarmops.swarm.swarm_secret:
    name: shop_keystore
    data: "{{ vault_keystore_b64 }}"
    data_is_b64: true

- name: A new password; the services that use db_password switch to the new version one by one
  swarmops.swarm.swarm_secret:
    name: db_password
    data: "{{ vault_db_password_2027 }}"
    rotate: true
  register: rotated

- name: The service declared with the version now current
  swarmops.swarm.swarm_service:
    name: shop-db
    image: postgres:17
    secrets:
      - source: "{{ rotated.secret.name }}"
        target: db_password
        mode: "0400"

- name: Remove a secret, taking it out of the services that still use it
  swarmops.swarm.swarm_secret:
    name: old_token
    state: absent
    force: true
'''

RETURN = r'''
secret:
  description:
    - The current version after the run (in check mode, as the run would leave it); null with O(state=absent).
  returned: success
  type: dict
  contains:
    name:
      description: Name of the current version (O(name), or V(<name>-<12 hex digits>) after a rotation).
      type: str
      sample: db_password-3f1c9a0b7d2e
    id:
      description: Secret ID; null in check mode for a version the run would create.
      type: str
      sample: ktnbjxoalbkvbvedmg1urrz8h
    labels:
      description: Labels of the version, without the module's digest label.
      type: dict
      sample: {app: shop}
updated_services:
  description:
    - Services the run switched to the new version (O(rotate)) or took the secret out of (O(force)), in the order
      updated.
  returned: success
  type: list
  elements: str
  sample: [shop-db]
waited_seconds:
  description: Seconds spent waiting for the updated services to converge.
  returned: success
  type: float
  sample: 7.5
waited_for:
  description: What the run waited for, one entry per updated service.
  returned: success
  type: list
  elements: str
  sample: ["service shop-db: 1/1 tasks running, none stopped within the 5s stability window"]
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample:
    - "create secret db_password-3f1c9a0b7d2e (new content, replacing db_password)"
    - "update service shop-db: secret db_password -> db_password-3f1c9a0b7d2e"
    - "remove secret db_password (an old version of db_password)"
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_objects import (
    OBJECT_MODULE_KWARGS,
    object_argument_spec,
    plan_secret,
)


def main():
    run_module(object_argument_spec('secret'), plan_secret, **OBJECT_MODULE_KWARGS)


if __name__ == '__main__':
    main()
