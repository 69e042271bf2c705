# -*- coding: utf-8 -*-
"""An action plugin of the collection on a task, with its module call recorded instead of made."""

import importlib
from unittest import mock


class ActionUnderTest:
    def __init__(self, basedir, args, module, check_mode=False, vault_secrets=None):
        from ansible.parsing.dataloader import DataLoader

        # Imported here, not at the top of a test file: importing controller code switches module_utils into
        # controller mode (see the controller_context fixtures).
        plugin = importlib.import_module('ansible_collections.swarmops.swarm.plugins.action.%s' % module)
        task = mock.MagicMock(args=args, check_mode=check_mode, async_val=0, action='swarmops.swarm.%s' % module)
        task.get_search_path.return_value = [str(basedir)]
        loader = DataLoader()
        loader.set_basedir(str(basedir))
        if vault_secrets:
            loader.set_vault_secrets(vault_secrets)
        connection = mock.MagicMock()
        connection._shell.tmpdir = None
        self.plugin = plugin.ActionModule(
            task, connection, mock.MagicMock(), loader, mock.MagicMock(), mock.MagicMock()
        )
        self.module_calls = []
        self.plugin._execute_module = self._record

    def _record(self, module_name=None, module_args=None, task_vars=None, wrap_async=False):
        self.module_calls.append((module_name, module_args))
        return dict(changed=False)

    def run(self):
        return self.plugin.run(task_vars={})

    @property
    def module_args(self):
        assert len(self.module_calls) == 1
        return self.module_calls[0][1]
