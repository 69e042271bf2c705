# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options swarm_secret and swarm_config share; their argument spec is object_argument_spec() in
    # plugins/module_utils/swarm_objects.py, and both modules run the same planner there.
    DOCUMENTATION = r'''
options:
  name:
    description:
      - The name the object is managed by. Its versions are named V(<name>) and V(<name>-<12 hex digits>) (see
        O(rotate)); the module finds all of them by this name.
    type: str
    required: true
  state:
    description:
      - V(present) creates the object, or updates its labels, or (with O(rotate)) replaces its content.
      - V(absent) removes the object and every version of it. Swarm removes nothing a service uses; the module
        then fails, naming the services, unless O(force=true). A missing object is no change.
    type: str
    choices: [present, absent]
    default: present
  data:
    description:
      - The content, as text (UTF-8), or as base64 with O(data_is_b64=true).
      - Mutually exclusive with O(data_src). Without either, an existing object keeps its content and only
        O(labels) are managed; creating one needs content.
    type: str
  data_src:
    description:
      - A file whose bytes are the content, read on the host O(data_source) names.
      - On the managed node, give an absolute path. On the controller, a relative path is searched as the C(src) of
        M(ansible.builtin.copy) is (in the C(files/) folder of the role, then of the playbook, and in their own
        folders).
    type: path
  data_source:
    description:
      - Where O(data_src) is read, as O(swarmops.swarm.swarm_stack#module:compose_source) of
        M(swarmops.swarm.swarm_stack) says where compose files are read.
      - V(managed_node) reads it on the managed node, where the module runs.
      - V(controller) reads it on the controller (the action plugin does, before the module runs); a file encrypted
        with Ansible Vault is decrypted, as by M(ansible.builtin.copy). Its content travels with the module's
        arguments in a hidden argument marked C(no_log), and nothing is copied to the managed node.
    type: str
    choices: [managed_node, controller]
    default: managed_node
  data_is_b64:
    description:
      - The content (O(data), or the bytes of O(data_src)) is base64; the object gets the decoded bytes. For binary
        content, such as a keystore.
    type: bool
    default: false
  labels:
    description:
      - The object's labels. Swarm changes labels in place, without a new version.
      - Left out, the labels are not managed (a new version keeps those of the version it replaces). V({}) removes
        every label.
      - The label C(swarmops.swarm.content-digest) that secrets carry is the module's own and is not shown.
    type: dict
  rotate:
    description:
      - "Swarm cannot change the content of a secret or a config. With V(false), a content that differs from the
        object's fails with a message saying so, before anything is written."
      - "With V(true), the content becomes a new version named V(<name>-<12 hex digits of its digest>) (the plain
        O(name) when that is free), with the labels of the version it replaces. Every service that uses an older
        version is switched to the new one with the same file name (target), uid, gid and mode, in one rolling update
        per service, following the service's update config, each awaited (O(wait)) before the next service is
        updated. The older versions are then removed."
      - A run that finds the task's content already in a version makes that version the current one (and still
        switches services that use older versions, for example after an interrupted run) and creates nothing.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), an object that services use is taken out of those services first (one rolling update
        each, awaited with O(wait)), then removed. Their tasks then run without the file.
    type: bool
    default: false
  wait:
    description:
      - Wait until each service the run updates (O(rotate), O(force)) converged before updating the next. Its tasks
        must run the new spec and stay running for O(wait_stability), as M(swarmops.swarm.swarm_service) waits. If the
        engine pauses or rolls back the update, the module fails naming the failing tasks, and the services not yet
        updated keep the old version.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for each service with O(wait).
    type: int
    default: 300
  wait_stability:
    description:
      - With O(wait), how long the tasks of an updated service must stay running (a duration such as V(10s), or
        seconds). Defaults to the service's update monitor, or 5 seconds.
    type: raw
notes:
  - Runs on a swarm manager.
  - Check mode reports exactly what a real run does (its RV(actions), the diff and RV(updated_services)); diff mode
    shows the version, its labels, its content (never for a secret) and the services that use it.
  - "Objects made by other tools can be managed by name: a config's content is compared by reading it back; a
    secret's cannot be read back, so one without the digest label is taken as it is (with a warning), and
    O(rotate=true) replaces it once with a version that carries the label."
'''
