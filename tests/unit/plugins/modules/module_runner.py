# -*- coding: utf-8 -*-
"""Run a module's main() in-process with given arguments and an in-memory engine; return its JSON result."""

import json

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import plan as plan_module

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    import contextlib

    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        previous = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = previous


def run_module_main(main, engine, monkeypatch, capsys, args):
    monkeypatch.setattr(plan_module.EngineClient, 'from_params', classmethod(lambda cls, params: engine))
    with patch_module_args(args), pytest.raises(SystemExit):
        main()
    return json.loads(capsys.readouterr().out)
