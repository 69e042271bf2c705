# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan first, then apply: the single place where check mode, ``changed`` and the diff are decided.

A module's planner reads the live state, compares it with the task and returns a :class:`Plan`: the steps that
would bring the live state to the desired one, and the before/after views for the diff. :func:`run_module` then
applies the steps unless in check mode. ``changed``, the diff and check mode's prediction all come from the same
list of steps, so a check run cannot disagree with a real one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.swarmops.swarm.plugins.module_utils.client import CONNECTION_ARGUMENT_SPEC, EngineClient
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError


class PlanStep:
    def __init__(self, summary, apply):
        self.summary = summary
        self.apply = apply


class Plan:
    """What a task would change, and how to report the outcome.

    ``before`` and ``after`` are the views shown in diff mode. ``report`` is called after the steps ran (or
    would have run, in check mode) and returns the module's result values; it receives ``check_mode`` so it can
    avoid reading state that a check run did not create.
    """

    def __init__(self, before=None, after=None):
        self.steps = []
        self.before = before if before is not None else {}
        self.after = after if after is not None else copy.deepcopy(self.before)
        self.warnings = []
        self.report = lambda check_mode: {}
        # What a real run that changes nothing still does before it reports (read and wait, never write): a
        # module that waits for convergence makes sure an earlier run's unfinished change converged.
        self.settle = None

    def add(self, summary, apply):
        self.steps.append(PlanStep(summary, apply))

    def warn(self, message):
        self.warnings.append(message)

    @property
    def changed(self):
        return bool(self.steps)

    @property
    def summaries(self):
        return [step.summary for step in self.steps]

    def execute(self, check_mode):
        if check_mode:
            return
        for step in self.steps:
            step.apply()
        if not self.steps and self.settle is not None:
            self.settle()


def run_module(argument_spec, planner, **module_kwargs):
    """Build the AnsibleModule, plan with ``planner(client, params)``, apply, and exit."""
    full_spec = dict(CONNECTION_ARGUMENT_SPEC)
    full_spec.update(argument_spec)
    module = AnsibleModule(argument_spec=full_spec, supports_check_mode=True, **module_kwargs)
    plan = None
    failure = None
    try:
        client = EngineClient.from_params(module.params)
        plan = planner(client, module.params)
        plan.execute(check_mode=module.check_mode)
        report = plan.report(module.check_mode)
    except SwarmError as error:
        failure = error
    if failure is not None:
        # Failed outside the except block: a SwarmError is a message for the operator, not a traceback.
        details = dict(failure.details)
        if plan is not None:
            details['actions'] = plan.summaries
        module.fail_json(msg=str(failure), **details)
    for warning in plan.warnings:
        module.warn(warning)
    result = dict(report)
    result['changed'] = plan.changed
    result['actions'] = plan.summaries
    if module._diff:
        result['diff'] = dict(before=plan.before, after=plan.after)
    module.exit_json(**result)
