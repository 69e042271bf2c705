# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins of modules that can read their content on the controller (swarm_stack, swarm_secret,
swarm_config): read there, send the bytes to the module in a hidden ``no_log`` argument, run the module.

The content is not copied to the managed node as a file of its own: it travels in the module's arguments, whose
remote copy is removed whatever happens. A task that does not ask for the controller goes to the module unchanged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError


class ControllerContentAction(ActionBase):
    """Subclasses name their module and say when and how to read on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True
    MODULE = None

    def reads_on_controller(self, module_args):
        raise NotImplementedError

    def read_on_controller(self, module_args):
        """The module arguments that replace the task's (paths made absolute, the content's bytes)."""
        raise NotImplementedError

    def hidden_values(self, module_args):
        """Values of the task that an error message must not show."""
        return set()

    def run(self, tmp=None, task_vars=None):
        result = super(ControllerContentAction, self).run(tmp, task_vars)
        module_args = dict(self._task.args)
        if self.reads_on_controller(module_args):
            try:
                module_args.update(self.read_on_controller(module_args))
            except (AnsibleError, SwarmError, TypeError) as error:
                # Masked here as the module's no_log masks them in its own messages.
                result.update(
                    failed=True, changed=False, msg=remove_values(to_text(error), self.hidden_values(module_args))
                )
                return result
        wrap_async = self._task.async_val
        try:
            result.update(
                self._execute_module(
                    module_name=self.MODULE, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async
                )
            )
        finally:
            # The module's remote copy holds its arguments (the content, when pipelining is off): whatever
            # happened, it goes, as the normal action removes it. An async job still needs it.
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
