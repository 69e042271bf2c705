# -*- coding: utf-8 -*-
"""The errors apart from the client: pure code raises them without importing the HTTP client."""

import ast
import os

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import errors as errors_module
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import (
    EngineError,
    SwarmError,
    refuse_newer_api,
    version_tuple,
)

COLLECTION = 'ansible_collections.swarmops.swarm'
# The collection's root folder: errors.py is plugins/module_utils/errors.py in it.
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(errors_module.__file__))))
# Code that builds specs and plans without talking to an engine, and the controller side of the action plugins.
PURE_MODULES = [
    'ansible_collections.swarmops.swarm.plugins.module_utils.compose',
    'ansible_collections.swarmops.swarm.plugins.module_utils.placement',
    'ansible_collections.swarmops.swarm.plugins.module_utils.service_spec',
    'ansible_collections.swarmops.swarm.plugins.module_utils.spec',
    'ansible_collections.swarmops.swarm.plugins.module_utils.stack_translate',
    'ansible_collections.swarmops.swarm.plugins.plugin_utils.controller_content',
]
ENGINE_SIDE = [
    'ansible_collections.swarmops.swarm.plugins.module_utils.client',
    'ansible_collections.swarmops.swarm.plugins.module_utils.transport',
]


def collection_imports(module, seen=None):
    """Every module of the collection that ``module`` imports, directly or through the others (read from the
    sources, so the answer does not depend on what other tests imported)."""
    seen = set() if seen is None else seen
    path = os.path.join(COLLECTION_ROOT, *module.split('.')[len(COLLECTION.split('.')) :]) + '.py'
    with open(path) as source:
        tree = ast.parse(source.read())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + ['%s.%s' % (node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            candidate = os.path.join(COLLECTION_ROOT, *name.split('.')[len(COLLECTION.split('.')) :]) + '.py'
            if name.startswith(COLLECTION + '.') and name not in seen and os.path.isfile(candidate):
                seen.add(name)
                collection_imports(name, seen)
    return seen


@pytest.mark.parametrize('module', PURE_MODULES)
def test_pure_code_imports_neither_the_client_nor_its_transport(module):
    assert not collection_imports(module) & set(ENGINE_SIDE)


def test_the_import_walk_finds_the_client_where_it_is_used():
    assert set(ENGINE_SIDE) <= collection_imports('ansible_collections.swarmops.swarm.plugins.module_utils.plan')


def test_api_versions_compare_by_number():
    assert version_tuple('1.41') < version_tuple('1.45') < version_tuple('1.100')
    assert version_tuple(1.44) == (1, 44)


def test_a_refusal_names_each_field_and_the_version_it_needs():
    with pytest.raises(SwarmError) as raised:
        refuse_newer_api('unix:///var/run/docker.sock', '1.41', [('oom_score_adj', '1.46'), ('mounts', '1.45')], 'keys')
    assert str(raised.value) == (
        'The Docker engine at unix:///var/run/docker.sock speaks API 1.41; oom_score_adj needs API 1.46 or newer; '
        'mounts needs API 1.45 or newer. Leave these keys out for this engine.'
    )
    refuse_newer_api('unix:///var/run/docker.sock', '1.45', [], 'options')


@pytest.mark.parametrize(
    'explanation, quorum_lost, leaderless',
    [
        ('rpc error: code = Unknown desc = The swarm does not have a leader.', True, True),
        ('rpc error: code = DeadlineExceeded desc = context deadline exceeded', False, True),
        ('service web not found', False, False),
    ],
)
def test_engine_errors_say_whether_the_swarm_had_a_leader(explanation, quorum_lost, leaderless):
    error = EngineError('Could not list the services: %s' % explanation, status_code=503, explanation=explanation)
    assert isinstance(error, SwarmError)
    assert (error.quorum_lost, error.leaderless) == (quorum_lost, leaderless)
