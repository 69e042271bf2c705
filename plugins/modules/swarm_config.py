#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_config
short_description: Create, relabel, rotate and remove Docker Swarm configs
version_added: 0.2.0
description:
  - Manages one swarm config by its O(name) (C(docker config create), C(docker config rm)), for services declared
    with M(swarmops.swarm.swarm_service) or stacks that name it as external.
  - The content is compared with the live config's, which the engine returns. With O(rotate=true) a changed content
    is a new version, the services that use the config are switched to it, one rolling update each, and the old
    version is removed.
  - Diff mode shows the content (text up to 4 KiB; larger or binary content as its SHA-256 and size). Use
    M(swarmops.swarm.swarm_secret) for anything sensitive.
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
options:
  template_driver:
    description:
      - V(golang) makes Swarm expand the content as a Go template for each task (C(docker config create
        --template-driver golang)), for example C({{.Service.Name}}) or C({{env "TZ"}}).
      - Left out, the content is used as it is. The template driver is part of the content; changing it is a new
        version (O(rotate)).
      - Protect the Go template from Ansible's own templating in O(data) (C(!unsafe) or C({% raw %})); files in
        O(data_src) are not templated by Ansible.
    type: str
    choices: [golang]
seealso:
  - module: swarmops.swarm.swarm_secret
  - module: swarmops.swarm.swarm_service
  - name: Store configuration data using Docker configs
    description: How services receive configs.
    link: https://docs.docker.com/engine/swarm/configs/
'''

EXAMPLES = r'''
- name: An nginx configuration from the controller (files/site.conf)
  swarmops.swarm.swarm_config:
    name: web_site_conf
    data_src: site.conf
    data_source: controller
    labels:
      app: web

- name: A new version of it; the services that use it switch to the new version one by one
  swarmops.swarm.swarm_config:
    name: web_site_conf
    data_src: site.conf
    data_source: controller
    rotate: true
  register: site_conf

- name: The service declared with the version now current
  swarmops.swarm.swarm_service:
    name: web
    image: nginx:1.27
    configs:
      - source: "{{ site_conf.config.name }}"
        target: /etc/nginx/conf.d/site.conf
        mode: "0444"

- name: A config expanded for each task by Swarm
  swarmops.swarm.swarm_config:
    name: agent_conf
    data: !unsafe "node={{.Node.Hostname}} service={{.Service.Name}}\n"
    template_driver: golang

- name: Relabel a config without touching its content
  swarmops.swarm.swarm_config:
    name: web_site_conf
    labels:
      app: web
      owner: platform

- name: Remove it (fails, naming the services, while any uses it)
  swarmops.swarm.swarm_config:
    name: web_site_conf
    state: absent
'''

RETURN = r'''
config:
  description:
    - The current version after the run (in check mode, as the run would leave it); null with O(state=absent).
  returned: success
  type: dict
  contains:
    name:
      description: Name of the current version (O(name), or V(<name>-<12 hex digits>) after a rotation).
      type: str
      sample: web_site_conf-9b0e2c4d6f81
    id:
      description: Config ID; null in check mode for a version the run would create.
      type: str
      sample: 6wq0pe3bxw4c3n1k5i9s2y7hd
    labels:
      description: Labels of the version.
      type: dict
      sample: {app: web}
    template_driver:
      description: V(golang), or null when the content is used as it is.
      type: str
updated_services:
  description:
    - Services the run switched to the new version (O(rotate)) or took the config out of (O(force)), in the order
      updated.
  returned: success
  type: list
  elements: str
  sample: [web]
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
  sample: ["service web: 2/2 tasks running, none stopped within the 5s stability window"]
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample:
    - "create config web_site_conf-9b0e2c4d6f81 (new content, replacing web_site_conf)"
    - "update service web: config web_site_conf -> web_site_conf-9b0e2c4d6f81"
    - "remove config web_site_conf (an old version of web_site_conf)"
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_objects import (
    OBJECT_MODULE_KWARGS,
    object_argument_spec,
    plan_config,
)


def main():
    run_module(object_argument_spec('config'), plan_config, **OBJECT_MODULE_KWARGS)


if __name__ == '__main__':
    main()
