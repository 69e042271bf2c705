# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_stack on the controller: with ``compose_source=controller``, read the compose files there and send them on.

The compose files given as paths are found like the ``src`` of ansible.builtin.copy, loaded with the module's own
loader (so every config, secret and env file they name is read, from the same folders the module would use), and
the bytes of every file read travel to the module base64-encoded in the hidden ``no_log`` argument
``_controller_files``, keyed by their controller paths. The module loads the project again from those bytes, so its
plan, check mode, diff and messages are those of the same files on the managed node, naming the controller paths.
Nothing is written on the managed node: nothing to clean up, whatever happens.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.common.validation import check_type_dict, check_type_list

from ansible_collections.swarmops.swarm.plugins.module_utils.compose import ControllerFiles, load_project
from ansible_collections.swarmops.swarm.plugins.plugin_utils.controller_content import ControllerContentAction


class ActionModule(ControllerContentAction):
    MODULE = 'swarmops.swarm.swarm_stack'

    def reads_on_controller(self, module_args):
        return module_args.get('compose_source') == 'controller' and module_args.get('state', 'present') == 'present'

    def hidden_values(self, module_args):
        # A path may hold a secret_env value.
        secret_env = module_args.get('secret_env')
        return set(to_text(value) for value in secret_env.values()) if isinstance(secret_env, dict) else set()

    def read_on_controller(self, module_args):
        """The module arguments that replace the task's: controller paths made absolute, and the files' bytes."""
        compose = [
            self._find_needle('files', source) if isinstance(source, str) else source
            for source in check_type_list(module_args.get('compose') or [])
        ]
        project_dir = module_args.get('project_dir')
        if project_dir is not None:
            project_dir = self._find_needle('files', project_dir)
        files = ControllerFiles()
        if compose:
            # The variables the module uses then (env, secret_env over it), and no environment: the managed node's
            # is not known here.
            variables = dict(
                (name, value)
                for option in ('env', 'secret_env')
                if module_args.get(option) is not None
                for name, value in check_type_dict(module_args[option]).items()
            )
            load_project(compose, variables, project_dir, environ={}, files=files)
        return dict(
            compose=compose,
            project_dir=project_dir,
            _controller_files=dict(
                (path, to_text(base64.b64encode(data))) for path, data in sorted(files.contents.items())
            ),
        )
