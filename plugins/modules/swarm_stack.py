#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_stack
short_description: Deploy Docker Swarm stacks from compose files, natively, with check mode, diff and rollout waiting
version_added: 0.1.0
description:
  - Runs on a swarm manager and deploys one stack (C(docker stack deploy)) or removes it (C(docker stack rm)),
    talking to the Engine API directly; the docker CLI is not needed on the managed node.
  - Reads the compose files itself, the way C(docker stack deploy -c a.yml -c b.yml) reads them, and creates
    exactly what the docker CLI creates from them, with the same names (C(<stack>_<name>)) and the same
    C(com.docker.stack.namespace) and C(com.docker.stack.image) labels. A stack deployed with the docker CLI and
    then with this module (or the other way round) reports no change.
  - Compares the live stack with the compose files and changes only what differs; a redeploy that changes nothing
    lists each kind of object once and writes nothing (the docker CLI updates every service on every deploy).
  - Services are compared with the option declarations of M(swarmops.swarm.swarm_service), in the Engine API's
    terms (engine defaults, lists whose order means nothing, images by name and tag), and replaced as a whole on a
    change, as the docker CLI does. The diff shows each changed service through those options. Networks are
    compared by what their names resolve to; an external network named C(host) or C(bridge) (as monitoring agents
    use) is the swarm's own predefined network of that name, whose swarm-scope ID the engine stores.
  - Configs and secrets cannot change in Swarm. When the content of one changes, the module creates a new version
    named C(<name>-<first 12 hex digits of its content digest>), switches the services to it, and removes the
    versions the stack no longer uses once the services converged.
  - Check mode reports exactly what a real run does (the same C(changed), RV(actions) and diff); diff mode shows
    every network, config, secret and service the run creates, updates or removes.
  - Everything wrong with the compose files (YAML errors, unknown keys, missing required variables, files that do
    not exist, undefined networks, configs, secrets or volumes, external objects that do not exist) fails before
    anything is created, naming the file, the key and the reason.
  - The compose files, and the config, secret and env files they name, are read on the managed node, or on the
    controller with O(compose_source=controller) (like the C(src) of M(ansible.builtin.template)).
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
  - swarmops.swarm.recovery
attributes:
  action:
    support: full
    description:
      - An action plugin of the same name reads the files on the controller with O(compose_source=controller);
        with the default O(compose_source=managed_node) it hands the task to the module unchanged.
notes:
  - "Interpolation follows the docker CLI: C(${VAR}) and C($VAR), C(${VAR:-default}) (unset or empty),
    C(${VAR-default}) (unset), C(${VAR:?message}) and C(${VAR?message}) (required), C($$) for a literal C($). In
    the unbraced form the CLI reads an operator too: C($VAR-x) is C(${VAR-x}); use braces."
  - "Merging several files follows the docker CLI: a later file's service keys override the earlier file's; lists
    are appended, except C(command), C(entrypoint) and C(healthcheck.test), which are replaced, and C(ports) (by
    published port), C(volumes) (by target), C(configs) and C(secrets) (by source), which are merged item by item;
    mappings (C(environment), C(labels), ...) are merged key by key; a zero or false value does not override,
    except for C(deploy.replicas), C(init), C(stop_grace_period) and the C(healthcheck), C(restart_policy) and
    C(parallelism) values. Top-level networks, volumes, configs and secrets are replaced by name."
  - "Keys that Swarm services ignore (C(build), C(depends_on), C(container_name), C(links), C(network_mode),
    C(privileged), service-level C(tmpfs), ...) are reported as warnings. C(extends), C(volumes_from),
    C(volume_driver), C(cpu_quota), C(cpu_shares), C(cpuset), C(mem_limit) and C(memswap_limit) fail, as with the
    docker CLI."
  - "The compose file format is 3 (C(version: '3.x')) or a file without a version; the keys of the newest 3.x format
    are accepted whatever version the file names."
  - The content of a secret cannot be read back from the engine. The secrets this module creates carry a label
    C(swarmops.swarm.content-digest) with a salted PBKDF2-SHA256 digest of their content (100000 rounds), with
    which a later run tells whether the content changed. A secret created by another tool (for example
    C(docker stack deploy)) has no such label; its content is taken as unchanged until the stack is removed or the
    secret renamed.
  - Networks cannot change in place. A network of the stack that differs from the compose file (driver, options,
    labels, subnets) is kept and reported in a warning; remove the stack (O(state=absent)) and deploy it again to
    re-create it.
  - The engine cannot change a service's mode (replicated, global, jobs) in place; such a change fails before
    anything changes, naming the service.
  - With O(compose_source=managed_node) (the default), compose files given as paths, and the configs, secrets,
    env files and bind mount sources they name, are read on the managed node; give absolute paths (relative ones
    resolve from O(project_dir)).
  - "With O(compose_source=controller), the action plugin reads on the controller, before the module runs, the
    compose files given as paths and every config, secret and env file they name (relative paths resolve from
    O(project_dir) on the controller, by default the folder of the first compose file, exactly as on the managed
    node). It sends their content to the module in a hidden argument marked C(no_log): Ansible hides it in every
    output, and the module never returns the content of a secret or an env file (diff mode shows config contents,
    as with files on the managed node). Nothing is copied to the managed node, so nothing is left behind there,
    even when the task fails; check mode, diff mode and the result are the same as with the same files on the
    managed node, and messages name the files on the controller."
  - "With O(compose_source=controller), the variables in the compose files are taken from O(env) and
    O(secret_env) only: neither the controller's nor the managed node's environment is read (pass what they hold
    through O(env), for example with C(lookup('ansible.builtin.env', 'TAG'))), so that the controller and the
    module resolve the same files.
    Paths in the compose files that start with C(~) are refused (the two hosts' home folders differ). Bind mount
    sources are folders of the managed node by nature: they must be absolute paths there."
  - "Inline content goes through Ansible's templating first. Go templates that Swarm expands (for example a
    C(hostname) of C({{.Service.Name}})) must be protected from Jinja, with C(!unsafe) or C({% raw %}); files read
    on the managed node are not templated by Ansible."
seealso:
  - module: swarmops.swarm.swarm_service
  - name: Compose file version 3 reference
    description: The keys of the compose files a stack is deployed from.
    link: https://docs.docker.com/reference/compose-file/legacy-versions/
options:
  name:
    description:
      - Name of the stack (C(docker stack deploy NAME)). Objects of the stack are named C(<name>_<key>) unless the
        compose file gives them a C(name), and carry the label C(com.docker.stack.namespace=<name>).
    type: str
    required: true
  state:
    description:
      - V(present) deploys the stack from O(compose).
      - V(absent) removes the stack's services, then its secrets, configs and networks (every object labelled
        C(com.docker.stack.namespace=<name>)), and waits until the networks are really gone, so the same stack can
        be deployed again right away (C(docker stack rm) returns before that). A stack that does not exist is no
        change.
    type: str
    choices: [present, absent]
    default: present
  compose:
    description:
      - The compose files, merged in this order (C(docker stack deploy -c first -c second)). Each item is either the
        path of a compose file (on the host O(compose_source) names), or a mapping with the content of a compose
        file.
      - With O(compose_source=controller), a relative path is searched as the C(src) of M(ansible.builtin.copy) is
        (in the C(files/) folder of the role, then of the playbook, and in the role's and the playbook's own folder).
      - Required with O(state=present).
    type: list
    elements: raw
  compose_source:
    description:
      - Where the compose files given as paths in O(compose), and the config, secret and env files they name, are
        read.
      - V(managed_node) reads them on the managed node, where the module runs.
      - V(controller) reads them on the controller (the action plugin does, before the module runs); their content
        travels with the module's arguments, hidden from every output (C(no_log)). See the notes for how variables,
        C(~) and bind mount sources are treated then.
      - Inline mappings in O(compose) are the same with either; so is every other option.
    type: str
    choices: [managed_node, controller]
    default: managed_node
  project_dir:
    description:
      - Folder that relative paths in the compose files (C(file) of configs and secrets, C(env_file), bind mount
        sources) resolve from, on the host O(compose_source) names.
      - Defaults to the folder of the first compose file given as a path, as with the docker CLI (relative paths
        of every file resolve from there). Inline content with relative paths needs it when no file is given as a
        path.
      - With O(compose_source=controller), a relative O(project_dir) is searched as the paths in O(compose) are;
        relative bind mount sources are refused then, as they are paths on the managed node.
    type: path
  env:
    description:
      - Variables for the interpolation of the compose files, and for C(environment) entries without a value.
        They take precedence over the managed node's environment, which is used too (with
        O(compose_source=managed_node) only; with V(controller) they and O(secret_env) are the only variables).
    type: dict
  secret_env:
    description:
      - Variables like O(env) whose values are secrets (a password interpolated into a service's C(environment),
        say). They take precedence over O(env). Ansible masks each of their values wherever it would appear in the
        output (the task's arguments at any verbosity, the diff, the result, error messages), so keep them longer
        than a few characters that occur elsewhere in the output.
      - With O(compose_source=controller), the action plugin also resolves the paths of the files the compose
        files name with them, on the controller; they travel to the module hidden, as the files do.
      - A stack secret's content never appears in the output, from wherever it comes; prefer compose secrets to
        secret values in a service's C(environment), which C(docker service inspect) shows to anyone with access to
        the engine.
    type: dict
  prune:
    description:
      - Remove the services of the stack that the compose files no longer declare (C(docker stack deploy --prune)),
        before anything else is deployed.
      - Also removes, once the services converged, the stack's networks, configs and secrets that the compose files
        no longer declare and no service uses.
    type: bool
    default: false
  resolve_image:
    description:
      - Whether to ask the image's registry for its digest and pin the service to it (C(--resolve-image)).
      - V(never) sends the image as written and never contacts a registry.
      - V(changed) asks for services that are created or whose compose image changed; other services keep the image
        they run (pinned or not).
      - V(always) asks for every service on every run (the docker CLI's default); a new digest behind the same tag
        updates the service.
      - A registry that cannot be reached is a warning, as with the docker CLI; the image is then sent as written.
    type: str
    choices: [always, changed, never]
    default: never
  with_registry_auth:
    description:
      - Send the credentials that the managed node's docker client configuration holds for each image's registry
        with the create or update, so the swarm's agents can pull private images
        (C(docker stack deploy --with-registry-auth)). Credentials are not part of a spec; this alone never
        causes an update.
    type: bool
    default: false
  wait:
    description:
      - Wait until every service the run created or updated converged (the same test as
        M(swarmops.swarm.swarm_service)'s O(swarmops.swarm.swarm_service#module:wait)), then remove what the stack
        no longer uses. If the engine pauses or rolls back an update, the module fails and names the failing tasks.
      - As with M(swarmops.swarm.swarm_service), running tasks must stay running for a stability window
        (O(wait_stability)) before a service counts as converged; a crash-looping service makes the wait time out
        with a message naming the tasks that stopped, their error and exit code.
      - With V(false), the module returns once the services are created or updated; old config and secret versions
        are then removed by a later run, when no service refers to them any more.
      - A replicated service whose placement constraints (C(deploy.placement.constraints)) no node matches yet, for
        example V(node.labels.pcidss == yes) before any node carries the label, has tasks that stay pending until a
        node does. With V(true), a run that would create or update such a service fails before anything is written,
        naming the service, its constraints and the nodes. With V(false) it is deployed, as with
        C(docker stack deploy), and the run returns a warning naming the service and the constraints. A service the
        run does not change never fails the run for it, whatever O(wait) says; it warns and is not awaited.
      - O(state=absent) always waits until the networks are gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the services to converge, and for each network to be removed. On timeout the module
        fails and says what it was still waiting for.
    type: int
    default: 300
  wait_stability:
    description:
      - With O(wait), how long the tasks of each created or updated service must stay running after it converged
        (the stability window). A duration such as V(10s) or V(1m), or a number of seconds; V(0) does not verify.
      - Defaults to each service's C(deploy.update_config.monitor), or 5 seconds when it sets none, which is what
        the docker CLI waits after creating or updating a service. The services are watched at the same time.
      - Counts against O(wait_timeout). Services the run does not change are not awaited.
    type: raw
'''

EXAMPLES = r'''
- name: Deploy the shop stack from a compose file on the manager
  swarmops.swarm.swarm_stack:
    name: shop
    compose:
      - /srv/shop/docker-compose.yml
    env:
      WEB_TAG: "1.4.2"

- name: Deploy with an override file, remove services the files no longer declare, pin images to digests
  swarmops.swarm.swarm_stack:
    name: shop
    compose:
      - /srv/shop/docker-compose.yml
      - /srv/shop/docker-compose.prod.yml
    prune: true
    resolve_image: changed
    with_registry_auth: true

- name: Deploy a compose file kept next to the playbook, with the config and secret files beside it
  swarmops.swarm.swarm_stack:
    name: monitoring
    compose_source: controller
    compose:
      - files/monitoring/stack.yml        # configs: {file: ./prometheus.yml}, secrets: {file: ./grafana.pw}
      - files/monitoring/stack.prod.yml
    env:
      GRAFANA_TAG: "{{ grafana_tag }}"
      DOMAIN: "{{ lookup('ansible.builtin.env', 'DOMAIN') }}"

- name: A small stack written inline; its config file must be on the manager
  swarmops.swarm.swarm_stack:
    name: web
    project_dir: /srv/web
    compose:
      - services:
          web:
            image: registry.example.org/web:2
            ports:
              - {target: 80, published: 8080, mode: host}
            configs:
              - source: site
                target: /etc/httpd.conf
            deploy:
              mode: global
              endpoint_mode: dnsrr
              update_config: {parallelism: 1, delay: 10s, failure_action: rollback}
        configs:
          site:
            file: ./httpd.conf

- name: Show what a new release would change, without changing anything
  swarmops.swarm.swarm_stack:
    name: shop
    compose: [/srv/shop/docker-compose.yml]
  check_mode: true
  diff: true

- name: Remove the stack, and wait until its networks are gone
  swarmops.swarm.swarm_stack:
    name: shop
    state: absent
'''

RETURN = r'''
stack:
  description:
    - The stack as deployed (as it would be, in check mode); null with O(state=absent).
  returned: success
  type: dict
  contains:
    name:
      description: Name of the stack.
      type: str
      sample: shop
    services:
      description: The services of the compose files.
      type: list
      elements: dict
      contains:
        name:
          description: Service name (C(<stack>_<service>)).
          type: str
          sample: shop_web
        compose_name:
          description: The service's key in the compose files.
          type: str
          sample: web
        id:
          description: Service ID; null for a service a check run would create.
          type: str
        mode:
          description: V(replicated), V(global), V(replicated-job) or V(global-job).
          type: str
        image:
          description: The image the compose files name.
          type: str
    networks:
      description: Names of the networks the services are attached to (external ones included).
      type: list
      elements: str
      sample: [shop_back, shop_front]
    configs:
      description: For each config of the compose files, the name of the version the services use.
      type: dict
      sample: {site: shop_site-3f2a9c0b71de}
    secrets:
      description: For each secret of the compose files, the name of the version the services use.
      type: dict
      sample: {db_password: shop_db_password}
waited_seconds:
  description: Seconds spent waiting for services to converge (stability windows included) and for removed objects
    to be gone.
  returned: success
  type: float
  sample: 14.2
waited_for:
  description:
    - What the run waited for, one entry per service rollout, removal or network, in the order waited; empty when
      it did not wait.
  returned: success
  type: list
  elements: str
  sample: ["service shop_web: 2/2 tasks running, none stopped within the 5s stability window", "network shop_old to be gone"]
actions:
  description: What the run changed (or, in check mode, would change), in plain words, in the order it is done.
  returned: always
  type: list
  elements: str
  sample:
    - "create config shop_site-3f2a9c0b71de (new content of configs.site, replacing shop_site)"
    - "update service shop_web: configs [...] -> [...]"
    - "remove config shop_site (an old version of shop_site)"
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module
from ansible_collections.swarmops.swarm.plugins.module_utils.stacks import (
    SWARM_STACK_ARGUMENT_SPEC,
    SWARM_STACK_MODULE_KWARGS,
    plan_stack,
)


def main():
    run_module(SWARM_STACK_ARGUMENT_SPEC, plan_stack, **SWARM_STACK_MODULE_KWARGS)


if __name__ == '__main__':
    main()
