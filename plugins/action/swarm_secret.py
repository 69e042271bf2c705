# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_secret (and swarm_config) on the controller: with ``data_source=controller``, read ``data_src`` there.

The file is found like the ``src`` of ansible.builtin.copy and read through Ansible's loader, so a file encrypted
with Ansible Vault arrives decrypted. Its bytes travel to the module base64-encoded in the hidden ``no_log``
argument ``_controller_data``, and ``data_src`` becomes the controller path, for the module's messages.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.swarmops.swarm.plugins.plugin_utils.controller_content import ControllerContentAction


class ActionModule(ControllerContentAction):
    MODULE = 'swarmops.swarm.swarm_secret'

    def reads_on_controller(self, module_args):
        return (
            module_args.get('data_source') == 'controller'
            and module_args.get('state', 'present') == 'present'
            and module_args.get('data_src') is not None
        )

    def read_on_controller(self, module_args):
        path = self._find_needle('files', module_args['data_src'])
        real_path = self._loader.get_real_file(path, decrypt=True)
        try:
            with open(real_path, 'rb') as handle:
                data = handle.read()
        except (IOError, OSError) as error:
            raise AnsibleError('Could not read data_src %s on the controller: %s' % (path, error))
        finally:
            self._loader.cleanup_tmp_file(real_path)
        return dict(data_src=path, _controller_data=to_text(base64.b64encode(data)))
