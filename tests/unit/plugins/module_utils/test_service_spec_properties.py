# -*- coding: utf-8 -*-
"""Properties of the service options (spec.py over service_spec.py), on generated input.

Junk: any value of any type for any option, after Ansible's own argument validation (as AnsibleModule runs it
before the planner), either is refused by that validation or is turned into API values or a SwarmError, the error
run_module reports with fail_json; never another exception. Valid values: the API spec built from them compares
equal to the values themselves, and so does the view read back from that spec.
"""

import contextlib
import json

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import SERVICE_OPTIONS
from ansible_collections.swarmops.swarm.plugins.module_utils.services import ServiceReferences
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    apply_to_spec,
    argument_spec_of,
    desired_api_values,
    differing_options,
    options_view,
)
from tests.unit.fake_service_engine import FakeServiceEngine

ARGUMENT_SPEC = argument_spec_of(SERVICE_OPTIONS)
VALIDATOR = ArgumentSpecValidator(ARGUMENT_SPEC)
REFERENCES = ServiceReferences(FakeServiceEngine())
# Deterministic and quick: the same examples on every run, so a failure is reproducible and CI never flakes.
PROPERTIES = settings(
    derandomize=True, max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(['', ' ', '0', '-1', '1.5', 'yes', '30s', '1h', 'ALL', '${X}', '{{ x }}', 'a=b', 'a:b', '\x00']),
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


def _junk_for(entry):
    """Junk shaped like an option: dicts with the option's own keys (so suboption code runs), or anything."""
    suboptions = entry.get('options')
    if not suboptions:
        return JUNK
    shaped = st.dictionaries(st.sampled_from(sorted(suboptions)), st.deferred(lambda: _junk_for_any(suboptions)))
    if entry.get('type') == 'list':
        return st.one_of(st.lists(st.one_of(shaped, JUNK), max_size=3), JUNK)
    return st.one_of(shaped, JUNK)


def _junk_for_any(suboptions):
    return st.sampled_from(sorted(suboptions)).flatmap(lambda name: _junk_for(suboptions[name]))


JUNK_PARAMS = st.lists(st.sampled_from(sorted(ARGUMENT_SPEC)), max_size=4, unique=True).flatmap(
    lambda names: st.fixed_dictionaries(dict((name, _junk_for(ARGUMENT_SPEC[name])) for name in names))
)


def validated(params):
    """The parameters as AnsibleModule hands them to the planner, or None where Ansible refuses them itself."""
    try:
        result = VALIDATOR.validate(params)
    except TypeError:
        # ansible-core's own validator fails on a scalar given for an option with suboptions (healthcheck: false)
        # before any module code runs; that is ansible-core's to fix, not this collection's.
        return None
    if result.error_messages:
        return None
    return result.validated_parameters


@PROPERTIES
@given(JUNK_PARAMS)
def test_junk_options_fail_only_with_the_modules_own_error(params):
    checked = validated(params)
    if checked is None:
        return
    with contextlib.suppress(SwarmError):
        desired = desired_api_values(SERVICE_OPTIONS, checked, REFERENCES)
        spec = apply_to_spec(SERVICE_OPTIONS, desired, {})
        differing_options(SERVICE_OPTIONS, desired, spec)
        options_view(SERVICE_OPTIONS, spec, REFERENCES)


NAMES = st.from_regex(r'\A[a-z][a-z0-9_.-]{0,11}\Z')
TEXT = st.text(st.characters(codec='utf-8', exclude_categories=['Cs', 'Cc']), max_size=12)
DURATION = st.one_of(st.integers(0, 10**6), st.integers(0, 10**6).map(lambda seconds: '%ds' % seconds))
VALID_OPTIONS = dict(
    image=st.sampled_from(
        ['swarmops/web:1', 'busybox', 'registry.example.org:5000/team/app:2.1', 'a/b@sha256:' + 'a' * 64]
    ),
    command=st.lists(TEXT, max_size=4),
    entrypoint=st.lists(TEXT, min_size=1, max_size=3),
    env=st.dictionaries(st.from_regex(r'\A[A-Z_][A-Z0-9_]{0,8}\Z'), TEXT, max_size=4),
    labels=st.dictionaries(NAMES, TEXT, max_size=3),
    container_labels=st.dictionaries(NAMES, TEXT, max_size=3),
    hostname=NAMES,
    user=st.sampled_from(['0', '0:0', 'nobody', 'www-data:www-data']),
    groups=st.lists(st.sampled_from(['10', '20', 'audio']), unique=True, max_size=3),
    workdir=st.sampled_from(['/', '/www', '/srv/app']),
    stop_signal=st.sampled_from(['SIGTERM', 'SIGQUIT', 'SIGINT']),
    stop_grace_period=DURATION,
    init=st.booleans(),
    read_only=st.booleans(),
    tty=st.booleans(),
    cap_add=st.lists(st.sampled_from(['NET_ADMIN', 'cap_sys_time', 'CAP_CHOWN']), unique=True, max_size=3),
    sysctls=st.dictionaries(st.sampled_from(['net.core.somaxconn', 'net.ipv4.ip_forward']), st.integers(0, 9)),
    dns=st.lists(st.sampled_from(['10.0.0.53', '1.1.1.1']), unique=True, max_size=2),
    hosts=st.dictionaries(st.sampled_from(['db.local', 'cache']), st.sampled_from(['10.0.0.7', '10.0.0.8'])),
    healthcheck=st.fixed_dictionaries(
        dict(test=st.sampled_from(['true', ['CMD', 'true']]), interval=DURATION, retries=st.integers(0, 9))
    ),
    replicas=st.integers(0, 50),
    endpoint_mode=st.sampled_from(['vip', 'dnsrr']),
    publish=st.lists(
        st.fixed_dictionaries(
            dict(
                target=st.integers(1, 65535),
                published=st.integers(1, 65535),
                protocol=st.sampled_from(['tcp', 'udp', 'sctp']),
                mode=st.sampled_from(['host', 'ingress']),
            )
        ),
        max_size=3,
    ),
    placement=st.fixed_dictionaries(
        dict(
            constraints=st.lists(
                st.sampled_from(['node.role == worker', 'node.labels.zone!=a', 'node.hostname==n1']), unique=True
            )
        )
    ),
    resources=st.fixed_dictionaries(
        dict(
            limits=st.fixed_dictionaries(
                dict(cpus=st.integers(1, 64).map(lambda n: n / 4.0), memory=st.integers(4 * 2**20, 2**34))
            )
        )
    ),
    restart_policy=st.fixed_dictionaries(
        dict(condition=st.sampled_from(['none', 'on-failure', 'any']), delay=DURATION, max_attempts=st.integers(0, 9))
    ),
    update_config=st.fixed_dictionaries(
        dict(parallelism=st.integers(0, 9), delay=DURATION, order=st.sampled_from(['stop-first', 'start-first']))
    ),
    logging=st.fixed_dictionaries(
        dict(driver=st.sampled_from(['json-file', 'local']), options=st.dictionaries(NAMES, TEXT, max_size=2))
    ),
)
VALID_PARAMS = st.lists(st.sampled_from(sorted(VALID_OPTIONS)), max_size=8, unique=True).flatmap(
    lambda names: st.fixed_dictionaries(dict((name, VALID_OPTIONS[name]) for name in names))
)


def _without_nones(value):
    if isinstance(value, dict):
        return dict((key, _without_nones(item)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value


@PROPERTIES
@given(VALID_PARAMS)
def test_valid_options_round_trip_through_the_api_spec(params):
    checked = validated(params)
    assert checked is not None, params
    desired = desired_api_values(SERVICE_OPTIONS, checked, REFERENCES)
    live = json.loads(json.dumps(apply_to_spec(SERVICE_OPTIONS, desired, {})))
    assert differing_options(SERVICE_OPTIONS, desired, live) == []
    view = _without_nones(options_view(SERVICE_OPTIONS, live, REFERENCES, names=list(desired)))
    read_back = desired_api_values(SERVICE_OPTIONS, validated(view), REFERENCES)
    assert differing_options(SERVICE_OPTIONS, read_back, live) == []
    assert sorted(read_back) == sorted(desired)
