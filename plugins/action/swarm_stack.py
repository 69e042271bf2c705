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

from ansible.errors import AnsibleError
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.common.validation import check_type_dict, check_type_list
from ansible.plugins.action import ActionBase

from ansible_collections.swarmops.swarm.plugins.module_utils.client import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.compose import ControllerFiles, load_project


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        module_args = dict(self._task.args)
        if module_args.get('compose_source') == 'controller' and module_args.get('state', 'present') == 'present':
            try:
                module_args.update(self._read_on_controller(module_args))
            except (AnsibleError, SwarmError, TypeError) as error:
                # A path may hold a secret_env value: masked here as the module's no_log masks it in its messages.
                secret_env = module_args.get('secret_env')
                secrets = (
                    set(to_text(value) for value in secret_env.values()) if isinstance(secret_env, dict) else set()
                )
                result.update(failed=True, changed=False, msg=remove_values(to_text(error), secrets))
                return result
        wrap_async = self._task.async_val
        try:
            result.update(
                self._execute_module(
                    module_name='swarmops.swarm.swarm_stack',
                    module_args=module_args,
                    task_vars=task_vars,
                    wrap_async=wrap_async,
                )
            )
        finally:
            # The module's remote copy holds its arguments (the files' contents, when pipelining is off): whatever
            # happened, it goes, as the normal action removes it. An async job still needs it.
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _read_on_controller(self, module_args):
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
