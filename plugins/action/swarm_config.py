# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_config on the controller: read ``data_src`` there with ``data_source=controller``, as swarm_secret does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.swarmops.swarm.plugins.action.swarm_secret import ActionModule as SecretActionModule


class ActionModule(SecretActionModule):
    MODULE = 'swarmops.swarm.swarm_config'
