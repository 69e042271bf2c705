# -*- coding: utf-8 -*-
"""Properties of the compose translation (compose.py, then stack_translate.py), on generated compose documents.

Junk: documents shaped like the compose format (its own schema drives the generator, so every key is reached)
whose values are sometimes of the right type and sometimes anything at all. Reading and translating them either
succeeds or raises ComposeError, the SwarmError run_module reports with fail_json; never another exception.
Valid documents: the service specs translate the same from inline content and from the same YAML in a file, survive
the API's JSON, and compare equal to themselves the way swarm_stack compares a desired spec with a live one.
"""

import contextlib
import json
import os
import tempfile

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ansible_collections.swarmops.swarm.plugins.module_utils import compose
from ansible_collections.swarmops.swarm.plugins.module_utils.compose import ComposeError, load_project
from ansible_collections.swarmops.swarm.plugins.module_utils.stack_translate import translate_stack
from ansible_collections.swarmops.swarm.plugins.module_utils.stacks import comparable_spec, spec_differences

# Deterministic and quick: the same examples on every run, so a failure is reproducible and CI never flakes.
PROPERTIES = settings(
    derandomize=True, max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
PROJECT_DIR = '/nonexistent/project'

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(
        [
            '',
            '0',
            '-1',
            '1.5',
            '10s',
            '1m30s',
            'yes',
            '80',
            '8080:80',
            '8080-8081:80/udp',
            'a:b:c',
            '/a:/b:ro',
            '${X}',
            '${X:-d}',
            '${X:?missing}',
            '$$',
            '${',
            'node.role==manager',
            'host',
            'global',
            '1.2.3.4',
            '=',
        ]
    ),
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)
TYPED = dict(
    string=st.one_of(st.text(max_size=10), SCALARS.filter(lambda value: isinstance(value, str))),
    integer=st.integers(-5, 70000),
    number=st.one_of(st.integers(-5, 70000), st.floats(-5, 1e6)),
    boolean=st.booleans(),
    null=st.none(),
    duration=st.sampled_from(['0', '1s', '1m30s', '250ms', '-1s', '1.5h']),
    any=JUNK,
)
KEY_NAMES = st.sampled_from(['web', 'db', 'a', 'x-extra', 'front', 'back', 'default', 'web!', '', '9'])


def shaped(schema, depth=0):
    """A value for ``schema``: of its shape most of the time, junk some of the time."""
    if depth > 6:
        return JUNK
    if isinstance(schema, str):
        right = TYPED[schema]
    elif isinstance(schema, compose._OneOf):
        right = st.one_of([shaped(alternative, depth + 1) for alternative in schema.alternatives])
    elif isinstance(schema, compose._ListOf):
        right = st.lists(st.deferred(lambda: shaped(schema.items, depth + 1)), max_size=3)
    elif isinstance(schema, compose._MapOf):
        right = st.dictionaries(KEY_NAMES, st.deferred(lambda: shaped(schema.values, depth + 1)), max_size=3)
    else:
        keys = sorted(schema.keys)
        right = st.lists(st.sampled_from(keys), max_size=4, unique=True).flatmap(
            lambda chosen: st.fixed_dictionaries(dict((key, shaped(schema.keys[key], depth + 1)) for key in chosen))
        )
    return st.one_of(right, right, right, JUNK)


def read_and_translate(source):
    return translate_stack('st', load_project([source], environ={'X': '1'}, project_dir=PROJECT_DIR))


@PROPERTIES
@given(shaped(compose._FILE))
# Found by ansible-test's run of this test: a services key that is no mapping reached a check before the validation.
@example(document={'services': True, 'configs': {}})
def test_junk_compose_content_fails_only_with_a_compose_error(document):
    with contextlib.suppress(ComposeError):
        read_and_translate(document)


@PROPERTIES
@given(st.text(alphabet=st.sampled_from('ab: -[]{}\n\'"&*!|>#%@,?$'), max_size=60))
def test_junk_yaml_text_fails_only_with_a_compose_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'compose.yml')
        with open(path, 'w') as handle:
            handle.write(text)
        with contextlib.suppress(ComposeError):
            read_and_translate(path)


NAMES = st.from_regex(r'\A[a-z](?:[a-z0-9-]{0,7}[a-z0-9])?\Z')
TEXT = st.text(st.characters(codec='utf-8', exclude_categories=['Cs', 'Cc']), max_size=10).filter(
    lambda text: '$' not in text
)
DURATION = st.integers(0, 3600).map(lambda seconds: '%ds' % seconds)
VALID_SERVICE_KEYS = dict(
    image=st.sampled_from(['swarmops/web:1', 'busybox', 'registry.example.org:5000/team/app:2.1']),
    command=st.one_of(st.lists(TEXT, max_size=3), st.sampled_from(['httpd -f', 'sleep 10'])),
    environment=st.dictionaries(st.from_regex(r'\A[A-Z_][A-Z0-9_]{0,6}\Z'), TEXT, max_size=3),
    labels=st.dictionaries(NAMES, TEXT, max_size=3),
    hostname=NAMES,
    stop_grace_period=DURATION,
    read_only=st.booleans(),
    init=st.booleans(),
    cap_add=st.lists(st.sampled_from(['NET_ADMIN', 'SYS_TIME']), unique=True, max_size=2),
    ports=st.lists(
        st.fixed_dictionaries(
            dict(target=st.integers(1, 65535), published=st.integers(1, 65535), mode=st.just('host'))
        ),
        max_size=2,
    ),
    healthcheck=st.fixed_dictionaries(
        dict(test=st.just(['CMD', 'true']), interval=DURATION, retries=st.integers(0, 5))
    ),
    deploy=st.fixed_dictionaries(
        dict(
            replicas=st.integers(0, 9),
            endpoint_mode=st.sampled_from(['vip', 'dnsrr']),
            placement=st.fixed_dictionaries(
                dict(constraints=st.lists(st.sampled_from(['node.role==worker', 'node.labels.zone!=a']), unique=True))
            ),
            resources=st.fixed_dictionaries(
                dict(
                    limits=st.fixed_dictionaries(
                        dict(cpus=st.sampled_from(['0.5', '2']), memory=st.sampled_from(['64M', '1G']))
                    )
                )
            ),
            update_config=st.fixed_dictionaries(dict(parallelism=st.integers(0, 3), delay=DURATION)),
        )
    ),
)
VALID_SERVICE = st.lists(st.sampled_from(sorted(VALID_SERVICE_KEYS)), max_size=6, unique=True).flatmap(
    lambda chosen: st.fixed_dictionaries(
        dict([('image', VALID_SERVICE_KEYS['image'])] + [(key, VALID_SERVICE_KEYS[key]) for key in chosen])
    )
)
VALID_DOCUMENT = st.fixed_dictionaries(dict(services=st.dictionaries(NAMES, VALID_SERVICE, min_size=1, max_size=3)))


@PROPERTIES
@given(VALID_DOCUMENT)
def test_valid_compose_content_round_trips(document):
    inline = read_and_translate(document)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'compose.yml')
        with open(path, 'w') as handle:
            yaml.safe_dump(document, handle)
        from_file = read_and_translate(path)
    assert sorted(inline.services) == sorted(document['services'])
    for name, spec in inline.services.items():
        assert from_file.services[name] == spec
        through_api = json.loads(json.dumps(spec))
        assert spec_differences(comparable_spec(through_api), comparable_spec(spec)) == ([], [])
