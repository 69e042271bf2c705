# -*- coding: utf-8 -*-
"""Reading compose files like docker stack deploy: YAML, interpolation, key checks, canonical services, merging."""

import os

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.compose import (
    ComposeError,
    interpolate_text,
    load_project,
)
from tests.unit.fake_engine import FIXTURES

COMPOSE = os.path.join(FIXTURES, 'compose')
FULL = os.path.join(COMPOSE, 'full', 'stack.yml')
INGRESS = os.path.join(COMPOSE, 'ingress', 'stack.yml')
OVERRIDE = os.path.join(COMPOSE, 'ingress', 'override.yml')


def invalid(name):
    return os.path.join(COMPOSE, 'invalid', name)


def lookup_in(variables):
    return lambda name: (variables.get(name), name in variables)


# -- interpolation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'text, expected',
    [
        ('$SET', 'value'),
        ('${SET}', 'value'),
        ('${UNSET}', ''),
        ('a-${SET}-b', 'a-value-b'),
        ('${SET:-default}', 'value'),
        ('${EMPTY:-default}', 'default'),
        ('${UNSET:-default}', 'default'),
        ('${SET-default}', 'value'),
        ('${EMPTY-default}', ''),
        ('${UNSET-default}', 'default'),
        ('${SET:?message}', 'value'),
        ('${EMPTY?message}', ''),
        ('$$SET', '$SET'),
        ('cost: $$5', 'cost: $5'),
        ('${UNSET:-${nested}', '${nested'),
        ('$SET-tail', 'value'),
    ],
)
def test_interpolation_reads_variables_like_the_docker_cli(text, expected):
    assert interpolate_text(text, lookup_in(dict(SET='value', EMPTY=''))) == expected


@pytest.mark.parametrize(
    'text, message',
    [
        ('${UNSET:?set it please}', 'required variable UNSET is missing a value: set it please'),
        ('${EMPTY:?must-not-be-empty}', 'required variable EMPTY is missing a value: must-not-be-empty'),
        ('${UNSET?needed}', 'required variable UNSET is missing a value: needed'),
        ('trailing $', 'invalid interpolation format'),
        ('${}', 'invalid interpolation format'),
    ],
)
def test_interpolation_refuses_missing_required_variables_and_bad_syntax(text, message):
    with pytest.raises(Exception, match=message):
        interpolate_text(text, lookup_in(dict(EMPTY='')))


def test_interpolated_values_are_cast_where_the_format_wants_numbers_and_booleans():
    web = dict(
        image='web', read_only='$RO', deploy=dict(replicas='${N}'), ports=[dict(target='${PORT}', published=8080)]
    )
    project = load_project([dict(services=dict(web=web))], variables=dict(N=3, RO='yes', PORT='80'), environ={})
    web = project.services['web']
    assert web['deploy']['replicas'] == 3 and web['read_only'] is True and web['ports'][0]['target'] == 80


def test_the_env_option_wins_over_the_environment_and_both_feed_environment_entries_without_value():
    project = load_project(
        [FULL],
        variables=dict(WEB_IMAGE='swarmops/web:2'),
        environ=dict(WEB_IMAGE='ignored', WEB_REPLICAS='4', FROM_ENV='from-environment', EMPTY='filled', USER='nobody'),
    )
    web = project.services['web']
    assert web['image'] == 'swarmops/web:2' and web['deploy']['replicas'] == 4
    # env_file first, then environment; a variable without value (or an empty one) is taken from the variables.
    assert web['environment'] == {
        'GREETING': 'hello $USER',
        'FROM_ENV': 'from-environment',
        'REPLICAS_NOTE': '4 replicas',
        'LOG_LEVEL': 'info',
        'EMPTY': 'filled',
        'SPACED': 'kept as is  ',
    }


def test_a_missing_required_variable_names_the_file_and_the_key():
    with pytest.raises(ComposeError) as failure:
        load_project([invalid('required_variable.yml')], environ={})
    assert str(failure.value) == (
        '%s: services.web.image: required variable WEB_TAG is missing a value: set WEB_TAG to the release to '
        'deploy.' % invalid('required_variable.yml')
    )
    assert (
        load_project([invalid('required_variable.yml')], dict(WEB_TAG='7'), environ={}).services['web']['image']
        == 'swarmops/web:7'
    )


# -- the full fixture ----------------------------------------------------------------------------


def test_the_full_fixture_becomes_canonical_services():
    project = load_project([FULL], environ={})
    web, agent, worker = (project.services[name] for name in ('web', 'agent', 'worker'))
    assert web['image'] == 'swarmops/web:1' and web['labels'] == dict(tier='web'), 'from the x- anchor'
    assert web['stop_grace_period'] == '5s'
    assert web['command'] == ['httpd', '-f', '-p', '80', '-h', '/www']
    assert web['networks'] == dict(front=dict(aliases=['www'], driver_opts={}), back=None)
    assert web['ports'] == [dict(target=80, published=8081, protocol='tcp', mode='host')]
    assert web['secrets'] == [
        dict(source='pw'),
        dict(source='token', target='api-token', uid='100', gid='101', mode=0o400),
    ]
    assert web['sysctls'] == {'net.core.somaxconn': '1024'}
    assert web['ulimits'] == dict(nofile=dict(soft=1024, hard=2048), nproc=dict(soft=512, hard=512))
    assert web['extra_hosts'] == ['db.internal:10.1.2.3'] and web['dns'] == ['10.0.0.2']
    assert agent['networks'] == dict(back=None, outside=None)
    assert agent['volumes'] == [
        dict(type='volume', source='data', target='/data'),
        dict(type='volume', source='logs', target='/logs', read_only=True),
        dict(type='tmpfs', target='/cache', tmpfs=dict(size=1000000)),
        dict(type='bind', source='/tmp', target='/host-tmp', read_only=True),
    ]
    assert worker['restart'] == 'on-failure' and worker['networks'] is None
    assert project.networks['outside'] == dict(
        external=True,
        name='shared_outside',
        driver='',
        driver_opts={},
        internal=False,
        attachable=False,
        labels={},
        ipam_driver='',
        subnets=[],
    )
    assert project.networks['front']['labels'] == dict(purpose='front')
    assert project.networks['back']['subnets'] == ['10.77.0.0/24']
    assert project.configs['site']['data'] == b'server { listen 80; }\n'
    assert project.configs['site']['file'] == os.path.join(COMPOSE, 'full', 'site.conf')
    assert project.secrets['token']['labels'] == dict(rotated='2026-11')
    assert project.volumes['logs'] == dict(
        external=False, name=None, driver='local', driver_opts=dict(type='tmpfs', device='tmpfs'), labels={}
    )


def test_keys_swarm_ignores_are_warnings():
    project = load_project([FULL], environ={})
    assert project.warnings == [
        '%s: services.worker.container_name is ignored: Swarm names the containers of a service itself.' % FULL,
        '%s: services.worker.depends_on is ignored: Swarm starts the services of a stack independently; make them '
        'retry until what they need is up.' % FULL,
    ]


# -- invalid files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'name, message',
    [
        (
            'unknown_key.yml',
            'services.web.deploy.placment is not a known key (known here: endpoint_mode, labels, mode, '
            'placement, replicas, resources, restart_policy, rollback_config, update_config)',
        ),
        (
            'missing_config_file.yml',
            'configs.site.file: could not read %s: No such file or directory.'
            % os.path.join(COMPOSE, 'invalid', 'does-not-exist.conf'),
        ),
        ('bad_yaml.yml', 'is not valid YAML'),
        ('duplicate_key.yml', "the key 'image' is defined twice in one mapping"),
    ],
)
def test_an_invalid_file_fails_naming_the_file_the_key_and_the_reason(name, message):
    with pytest.raises(ComposeError) as failure:
        load_project([invalid(name)], environ={})
    assert str(failure.value).startswith(invalid(name)) and message in str(failure.value)


@pytest.mark.parametrize(
    'content, message',
    [
        (
            dict(services=dict(web=dict(image='web', environment=dict(DEBUG=True)))),
            'services.web.environment.DEBUG must be a string or a number or empty, not the boolean true (quote it',
        ),
        (
            dict(services=dict(web=dict(image='web', deploy=dict(replicas='two')))),
            'services.web.deploy.replicas must be an integer, not \'two\'',
        ),
        (
            dict(services=dict(web=dict(image='web', healthcheck=dict(interval=10)))),
            'services.web.healthcheck.interval must be a duration such as "10s" or "1m30s", not 10',
        ),
        (
            dict(services=dict(web=dict(image='web', volumes_from=['db']))),
            'services.web.volumes_from is not supported: define a volume under the top-level volumes',
        ),
        (dict(version='2.4', services={}), "version '2.4' is not supported"),
        (dict(services=dict(web=dict(image='web', ports=['http:80']))), "'http:80' is not a port"),
        (dict(services=dict(web=dict(image='web', env_file='web.env'))), "the relative path 'web.env' needs a folder"),
        (
            dict(services=dict(web=dict(image='web', volumes=[dict(type='cluster', source='x', target='/x')]))),
            "the mount type 'cluster' is not one of volume, bind, tmpfs, npipe",
        ),
        (
            dict(networks=dict(front=dict(external=dict(name='a'), name='b'))),
            'networks.external.name and networks.name conflict',
        ),
        ('services: {}', 'must be the path of a compose file or a mapping'),
    ],
)
def test_invalid_inline_content_fails_before_anything_else(content, message):
    with pytest.raises(ComposeError) as failure:
        load_project([content] if not isinstance(content, str) else [1], environ={})
    assert message in str(failure.value)


def test_a_missing_file_and_a_top_level_that_is_not_a_mapping_fail(tmp_path):
    with pytest.raises(ComposeError, match='Could not read compose file /nonexistent.yml on the managed node'):
        load_project(['/nonexistent.yml'])
    listed = tmp_path / 'list.yml'
    listed.write_text('- a\n- b\n')
    with pytest.raises(ComposeError, match='the top level of a compose file must be a mapping'):
        load_project([str(listed)])


# -- syntaxes ------------------------------------------------------------------------------------


def test_short_port_syntax_expands_like_the_docker_cli():
    project = load_project([INGRESS], environ={})
    assert project.services['api']['ports'] == [
        dict(target=80, published=8085, protocol='tcp', mode='ingress'),
        dict(target=9090, published=9090, protocol='udp', mode='ingress'),
        dict(target=9091, published=9091, protocol='udp', mode='ingress'),
        dict(target=8443, published=0, protocol='tcp', mode='ingress'),
    ]
    project = load_project([dict(services=dict(web=dict(image='w', ports=['127.0.0.1:8080:80', 8000])))], environ={})
    ports = project.services['web']['ports']
    assert [(port['published'], port['target']) for port in ports] == [(8080, 80), (0, 8000)]
    assert 'the address in \'127.0.0.1:8080:80\' is ignored' in project.warnings[0]


def test_short_volume_syntax_and_relative_bind_sources(tmp_path):
    project = load_project(
        [
            dict(
                services=dict(
                    web=dict(image='w', volumes=['cache:/cache:nocopy', './html:/www:ro,rshared', '/anonymous'])
                ),
                volumes=dict(cache=None),
            )
        ],
        project_dir=str(tmp_path),
        environ={},
    )
    assert project.services['web']['volumes'] == [
        dict(type='volume', source='cache', target='/cache', volume=dict(nocopy=True)),
        dict(
            type='bind', source=str(tmp_path / 'html'), target='/www', read_only=True, bind=dict(propagation='rshared')
        ),
        dict(type='volume', target='/anonymous'),
    ]


def test_relative_paths_of_every_file_resolve_from_the_first_files_folder(tmp_path):
    (tmp_path / 'site.conf').write_text('a')
    other = tmp_path / 'other'
    other.mkdir()
    (other / 'extra.yml').write_text('configs:\n  extra:\n    file: ./site.conf\n')
    (tmp_path / 'stack.yml').write_text('services: {}\n')
    project = load_project([str(tmp_path / 'stack.yml'), str(other / 'extra.yml')], environ={})
    assert project.configs['extra']['data'] == b'a'


# -- merging -------------------------------------------------------------------------------------


def test_a_later_file_overrides_and_extends_the_earlier_one():
    project = load_project([INGRESS, OVERRIDE], environ={})
    api = project.services['api']
    assert api['image'] == 'swarmops/web:2'
    assert api['environment'] == dict(MODE='override', KEEP='1'), 'mappings merge key by key'
    assert api['deploy']['replicas'] == 3
    assert api['deploy']['placement']['constraints'] == ['node.role == worker', 'node.labels.zone == a'], 'appended'
    assert api['deploy']['labels'] == dict(stage='prod')
    assert api['deploy']['update_config'] == dict(parallelism=1), 'kept from the first file'
    # Ports merge by published port: 8085 now targets 8080, the others stay.
    assert sorted((port['published'], port['target']) for port in api['ports']) == [
        (0, 8443),
        (8085, 8080),
        (9090, 9090),
        (9091, 9091),
    ]
    assert project.services['cron']['deploy']['replicas'] == 0


def test_merging_replaces_commands_and_keeps_values_a_later_file_leaves_empty():
    base = dict(
        services=dict(
            web=dict(
                image='w',
                command=['a', 'b'],
                read_only=True,
                logging=dict(driver='json-file', options={'max-size': '1m'}),
                networks=dict(front=dict(aliases=['x'])),
                deploy=dict(replicas=3),
            )
        ),
        configs=dict(site=dict(file='/etc/hostname')),
    )
    override = dict(
        services=dict(
            web=dict(
                command='c',
                read_only=False,
                logging=dict(options={'max-file': '2'}),
                networks=['front', 'back'],
                deploy=dict(replicas=0),
            )
        ),
        configs=dict(site=dict(file='/etc/hostname', labels=dict(a='b'))),
    )
    web = load_project([base, override], environ={}).services['web']
    assert web['command'] == ['c']
    assert web['read_only'] is True, 'false does not override, as with the docker CLI'
    assert web['deploy']['replicas'] == 0, 'replicas is a pointer in the CLI: zero overrides'
    assert web['logging'] == dict(driver='json-file', options={'max-size': '1m', 'max-file': '2'})
    assert web['networks'] == dict(front=dict(aliases=['x'], driver_opts={}), back=None)
