# -*- coding: utf-8 -*-
"""Every service option compared both ways against services created with the docker CLI and inspected for real.

"The task" below is how a user would write, in this module's options, the service that
tests/unit/fixtures/service_full.json records (created with `docker service create` and some 70 flags).
"""

import base64
import copy

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import (
    SERVICE_OPTIONS,
    check_constraints,
    check_image_reference,
    check_service_name,
    mode_of,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.services import ServiceReferences
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    apply_to_spec,
    argument_spec_of,
    changed_options,
    desired_api_values,
    differing_options,
    leaves_of,
    options_needing_newer_api,
    options_view,
    reset_options,
)
from tests.unit.fake_engine import load_fixture
from tests.unit.fake_service_engine import FakeServiceEngine

REFERENCES = ServiceReferences(FakeServiceEngine())
FULL = load_fixture('service_full.json')['Spec']
ALL_FIXTURES = ['full', 'global', 'replicated_job', 'global_job', 'updated', 'rolled_back']

FULL_TASK = dict(
    image='swarmops/web:1',
    command='-f -p 80 -h /www',
    entrypoint=['/bin/busybox', 'httpd'],
    env={'A': '1', 'B': 'two', 'FROM_FILE': '1', 'SHARED': 'file'},
    labels={'tier': 'web', 'empty': ''},
    container_labels={'team': 'ops'},
    hostname='{{.Service.Name}}-{{.Task.Slot}}',
    user='0:0',
    groups=['20', '10'],
    workdir='/www',
    stop_signal='SIGQUIT',
    stop_grace_period='20s',
    init=True,
    read_only=True,
    tty=True,
    cap_add=['net_admin'],
    cap_drop=['CAP_MKNOD'],
    sysctls={'net.ipv4.ip_forward': 0},
    ulimits=[{'name': 'nproc', 'soft': 512}, {'name': 'nofile', 'soft': 1024, 'hard': 2048}],
    dns=['10.0.0.53'],
    dns_search=['example.org'],
    dns_options=['ndots:2'],
    hosts={'db.local': '10.0.0.7'},
    healthcheck=dict(
        test='wget -q -O /dev/null http://127.0.0.1/ || exit 1',
        interval='5s',
        timeout=2,
        retries=3,
        start_period='1000ms',
    ),
    isolation='default',
    mounts=[
        dict(type='tmpfs', target='/scratch', tmpfs_size='1M', tmpfs_mode='1770', read_only=False),
        dict(type='bind', source='/tmp', target='/data', read_only=True, propagation='rslave'),
        dict(
            type='volume',
            source='webvol',
            target='/vol',
            read_only=False,
            no_copy=True,
            labels={'purpose': 'cache'},
            driver='local',
            driver_options={'type': 'tmpfs', 'device': 'tmpfs'},
        ),
    ],
    configs=[dict(source='web_conf', target='/etc/web.conf', mode='0440')],
    secrets=[dict(source='web_secret', uid='0', gid='0', mode=0o400)],
    resources=dict(limits=dict(cpus=0.5, memory='64M', pids=100), reservations=dict(cpus=0.1, memory=16777216)),
    restart_policy=dict(condition='on-failure', delay='3s', max_attempts=5, window='60s'),
    placement=dict(
        constraints=['node.role == worker'], preferences=[dict(spread='node.labels.zone')], max_replicas_per_node=2
    ),
    networks=['svc_back', dict(name='svc_front', aliases=['www', 'web'])],
    logging=dict(driver='json-file', options={'max-size': '1m', 'max-file': 2}),
    mode='replicated',
    replicas=2,
    update_config=dict(
        parallelism=2, delay='4s', failure_action='rollback', monitor='3s', max_failure_ratio=0.25, order='start-first'
    ),
    rollback_config=dict(
        parallelism=1, delay='1s', failure_action='continue', monitor='2s', max_failure_ratio=0.1, order='stop-first'
    ),
    endpoint_mode='dnsrr',
    publish=[
        dict(published=5353, target=53, protocol='udp', mode='host'),
        dict(published=8080, target=80, protocol='tcp', mode='host'),
    ],
)

# One different value per option (suboptions named group.option); each must be the only difference reported.
CHANGES = {
    'image': 'swarmops/web:2',
    'command': ['-f', '-p', '8080'],
    'entrypoint': '/bin/sh -c',
    'env': {'A': '1', 'B': 'three', 'FROM_FILE': '1', 'SHARED': 'file'},
    'labels': {'tier': 'web'},
    'container_labels': {'team': 'dev'},
    'hostname': 'web',
    'user': 'nobody',
    'groups': ['10'],
    'workdir': '/',
    'stop_signal': 'SIGTERM',
    'stop_grace_period': '10s',
    'init': False,
    'read_only': False,
    'tty': False,
    'oom_score_adj': 200,
    'privileges.credential_spec': dict(file='web.json'),
    'privileges.selinux_context': dict(type='container_t', level='s0:c1,c2'),
    'privileges.seccomp': dict(mode='unconfined'),
    'privileges.apparmor': 'disabled',
    'privileges.no_new_privileges': True,
    'cap_add': ['NET_ADMIN', 'SYS_TIME'],
    'cap_drop': ['ALL'],
    'sysctls': {'net.ipv4.ip_forward': '1'},
    'ulimits': [{'name': 'nofile', 'soft': 1024, 'hard': 4096}, {'name': 'nproc', 'soft': 512}],
    'dns': ['10.0.0.54'],
    'dns_search': ['example.com'],
    'dns_options': ['ndots:1'],
    'hosts': ['db.local:10.0.0.8'],
    'healthcheck.test': ['CMD', 'true'],
    'healthcheck.interval': '6s',
    'healthcheck.timeout': '3s',
    'healthcheck.retries': 4,
    'healthcheck.start_period': '2s',
    'healthcheck.start_interval': '1s',
    'isolation': 'process',
    'mounts': [dict(type='tmpfs', target='/scratch')],
    'configs': [dict(source='web_conf', target='/etc/web.conf', mode='0444')],
    'secrets': [dict(source='web_secret', target='other')],
    'resources.limits.cpus': 1,
    'resources.limits.memory': '128M',
    'resources.limits.pids': 200,
    'resources.reservations.cpus': 0.2,
    'resources.reservations.memory': '32M',
    'resources.reservations.generic_resources': [dict(kind='gpu', value=1)],
    'restart_policy.condition': 'any',
    'restart_policy.delay': '5s',
    'restart_policy.max_attempts': 0,
    'restart_policy.window': '2m',
    'placement.constraints': ['node.role==manager'],
    'placement.preferences': [dict(spread='node.labels.rack')],
    'placement.max_replicas_per_node': 0,
    'placement.platforms': [dict(architecture='arm64', os='linux')],
    'networks': ['svc_back', 'svc_front'],
    'logging.driver': 'local',
    'logging.options': {'max-size': '2m'},
    'mode': 'global',
    'replicas': 3,
    'max_concurrent': 2,
    'update_config.parallelism': 1,
    'update_config.delay': '5s',
    'update_config.failure_action': 'pause',
    'update_config.monitor': '5s',
    'update_config.max_failure_ratio': 0,
    'update_config.order': 'stop-first',
    'rollback_config.parallelism': 2,
    'rollback_config.delay': 0,
    'rollback_config.failure_action': 'pause',
    'rollback_config.monitor': '5s',
    'rollback_config.max_failure_ratio': 0.5,
    'rollback_config.order': 'start-first',
    'endpoint_mode': 'vip',
    'publish': [
        dict(published=8080, target=80, protocol='tcp', mode='ingress'),
        dict(published=5353, target=53, protocol='udp', mode='host'),
    ],
}
# Options that do not exist on the full fixture's service (a replicated service on API 1.41) are checked on others.
NOT_ON_FULL = {'max_concurrent', 'healthcheck.start_interval'}
LEAF_NAMES = [option.name for option in leaves_of(SERVICE_OPTIONS)]


def desired(params):
    return desired_api_values(SERVICE_OPTIONS, params, REFERENCES)


def with_change(params, dotted_name, value):
    changed = copy.deepcopy(params)
    target = changed
    keys = dotted_name.split('.')
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value
    return changed


def test_every_option_has_a_change_case():
    assert sorted(CHANGES) == sorted(LEAF_NAMES)


def test_the_task_that_describes_a_cli_created_service_reports_no_difference():
    assert differing_options(SERVICE_OPTIONS, desired(FULL_TASK), FULL) == []


@pytest.mark.parametrize('name', sorted(set(CHANGES) - NOT_ON_FULL))
def test_each_changed_option_is_the_only_difference(name):
    task = dict(FULL_TASK)
    if name == 'mode':
        del task['replicas']  # a global service has no replica count
    changed = desired(with_change(task, name, CHANGES[name]))
    assert differing_options(SERVICE_OPTIONS, changed, FULL) == [name]
    merged = apply_to_spec(SERVICE_OPTIONS, changed, FULL)
    # A global service loses its replica count with its mode.
    assert changed_options(SERVICE_OPTIONS, FULL, merged) == [name] + (['replicas'] if name == 'mode' else [])


def test_max_concurrent_is_compared_on_a_replicated_job():
    live = load_fixture('service_replicated_job.json')['Spec']
    assert (
        differing_options(SERVICE_OPTIONS, desired(dict(mode='replicated-job', replicas=4, max_concurrent=2)), live)
        == []
    )
    assert differing_options(SERVICE_OPTIONS, desired(dict(max_concurrent=3)), live) == ['max_concurrent']
    assert differing_options(SERVICE_OPTIONS, desired(dict(replicas=5)), live) == ['replicas']


def test_the_live_service_reads_back_as_the_task_wrote_it():
    view = options_view(SERVICE_OPTIONS, FULL, REFERENCES)
    assert view['image'] == 'swarmops/web:1'
    assert view['command'] == ['-f', '-p', '80', '-h', '/www']
    assert view['env'] == FULL_TASK['env']
    assert view['stop_grace_period'] == '20s'
    assert view['cap_add'] == ['CAP_NET_ADMIN']
    assert view['hosts'] == FULL_TASK['hosts']
    assert view['healthcheck']['test'] == ['CMD-SHELL', FULL_TASK['healthcheck']['test']]
    assert view['healthcheck']['start_period'] == '1s'
    assert view['resources'] == dict(
        limits=dict(cpus=0.5, memory='64M', pids=100), reservations=dict(cpus=0.1, memory='16M', generic_resources=None)
    )
    assert view['restart_policy'] == dict(condition='on-failure', delay='3s', max_attempts=5, window='1m')
    assert view['networks'] == [dict(name='svc_front', aliases=['web', 'www']), 'svc_back']
    assert view['secrets'] == [dict(source='web_secret', target='web_secret', uid='0', gid='0', mode='0400')]
    assert view['configs'][0]['mode'] == '0440'
    assert {
        'type': 'tmpfs',
        'target': '/scratch',
        'read_only': False,
        'tmpfs_size': '1M',
        'tmpfs_mode': '1770',
    } in view['mounts']
    assert view['mode'] == 'replicated' and view['replicas'] == 2 and view['max_concurrent'] is None
    assert view['publish'][0] == dict(published=8080, target=80, protocol='tcp', mode='host')


@pytest.mark.parametrize('fixture', ALL_FIXTURES)
def test_reading_a_live_service_and_writing_it_back_as_a_task_is_no_change(fixture):
    live = load_fixture('service_%s.json' % fixture)['Spec']
    task = options_view(SERVICE_OPTIONS, live, REFERENCES)
    assert differing_options(SERVICE_OPTIONS, desired(task), live) == []


def test_engine_defaults_equal_absent_fields():
    minimal = load_fixture('service_updated.json')['Spec']
    defaults = dict(
        stop_grace_period='10s',
        init=False,
        read_only=False,
        isolation='default',
        mode='replicated',
        endpoint_mode='dnsrr',
        restart_policy=dict(condition='any', delay='5s', max_attempts=0),
        update_config=dict(parallelism=1, failure_action='pause', monitor='5s', order='stop-first'),
        placement=dict(max_replicas_per_node=0),
    )
    assert differing_options(SERVICE_OPTIONS, desired(defaults), minimal) == []


def test_one_update_setting_on_a_service_without_any_keeps_the_engine_defaults_of_the_others():
    spec = apply_to_spec(SERVICE_OPTIONS, desired(dict(update_config=dict(parallelism=3))), {'Name': 'web'})
    assert spec['UpdateConfig'] == {
        'Parallelism': 3,
        'Delay': 0,
        'FailureAction': 'pause',
        'Monitor': 5 * 10**9,
        'MaxFailureRatio': 0,
        'Order': 'stop-first',
    }


def test_merge_keeps_every_option_the_task_leaves_out():
    merged = apply_to_spec(SERVICE_OPTIONS, desired(dict(image='swarmops/web:2', update_config=dict(delay='9s'))), FULL)
    assert merged['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:2'
    assert merged['UpdateConfig'] == dict(FULL['UpdateConfig'], Delay=9 * 10**9)
    assert merged['TaskTemplate']['Placement'] == FULL['TaskTemplate']['Placement']
    assert FULL['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:1', 'the live spec must not change'


def test_replace_resets_what_the_task_leaves_out_and_keeps_undeclared_fields():
    live = copy.deepcopy(FULL)
    live['TaskTemplate']['ContainerSpec']['OpenStdin'] = True
    replaced = apply_to_spec(
        SERVICE_OPTIONS, desired(dict(image='swarmops/web:1', replicas=2)), reset_options(SERVICE_OPTIONS, live)
    )
    changed = changed_options(SERVICE_OPTIONS, live, replaced)
    assert 'image' not in changed and 'replicas' not in changed
    assert {'env', 'placement.constraints', 'update_config.parallelism', 'networks', 'publish'} <= set(changed)
    assert replaced['TaskTemplate']['ContainerSpec']['OpenStdin'] is True
    assert 'UpdateConfig' not in replaced and 'Networks' not in replaced['TaskTemplate']


@pytest.mark.parametrize(
    'desired_image, live_image, same',
    [
        ('swarmops/web:1', 'swarmops/web:1@sha256:' + 'a' * 64, True),
        ('swarmops/web:1@sha256:' + 'b' * 64, 'swarmops/web:1@sha256:' + 'a' * 64, False),
        ('nginx', 'docker.io/library/nginx:latest', True),
        ('registry.example.org:5000/web:1', 'registry.example.org:5000/web:1', True),
        ('registry.example.org:5000/web', 'registry.example.org:5000/web:2', False),
        ('localhost/web:1', 'docker.io/localhost/web:1', False),
    ],
)
def test_images_compare_by_name_and_tag(desired_image, live_image, same):
    live = {'TaskTemplate': {'ContainerSpec': {'Image': live_image}}}
    assert (differing_options(SERVICE_OPTIONS, desired(dict(image=desired_image)), live) == []) is same


def test_env_list_dict_and_files_mean_the_same(tmp_path):
    env_file = tmp_path / 'web.env'
    env_file.write_text('# comment\nFROM_FILE=1\n\nSHARED=overridden\n')
    task = dict(env_files=[str(env_file)], env=['A=1', 'B=two', 'SHARED=file'])
    assert differing_options(SERVICE_OPTIONS, desired(task), FULL) == []


def test_env_values_must_be_strings():
    with pytest.raises(SwarmError, match='env.DEBUG is the boolean True; quote it'):
        desired(dict(env={'DEBUG': True}))


def test_a_missing_env_file_is_a_clear_failure():
    with pytest.raises(SwarmError, match='Could not read env file /nonexistent.env on the managed node'):
        desired(dict(env_files=['/nonexistent.env']))


def test_an_env_file_name_without_value_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv('FROM_ENV', 'yes')
    env_file = tmp_path / 'web.env'
    env_file.write_text('FROM_ENV\nUNSET_NAME\n')
    assert desired(dict(env_files=[str(env_file)]))['env'] == ['FROM_ENV=yes']


def test_networks_configs_and_secrets_are_resolved_to_ids():
    values = desired(
        dict(networks=['svc_front'], configs=[dict(source='web_conf')], secrets=[dict(source='web_secret')])
    )
    assert values['networks'] == [{'Target': 'bcpvcb0uohram0bqke7wfgits'}]
    assert values['configs'][0]['ConfigID'] == 'c0nuabke8emac8rna3zghdvj1'
    assert values['configs'][0]['File'] == {'Name': '/web_conf', 'UID': '0', 'GID': '0', 'Mode': 0o444}
    assert values['secrets'][0]['SecretID'] == 'ebw4xwmat4h8oorx6d9pvffod'
    assert values['secrets'][0]['File']['Name'] == 'web_secret'


def test_a_missing_network_is_named():
    with pytest.raises(SwarmError, match="The network 'backend' does not exist in this swarm"):
        desired(dict(networks=['backend']))


def test_healthcheck_forms():
    assert desired(dict(healthcheck=dict(test='curl -f localhost')))['healthcheck.test'] == [
        'CMD-SHELL',
        'curl -f localhost',
    ]
    assert desired(dict(healthcheck=dict(test=['false'])))['healthcheck.test'] == ['CMD', 'false']
    assert desired(dict(healthcheck=dict(test=['NONE'])))['healthcheck.test'] == ['NONE']


def test_start_interval_needs_api_1_44():
    values = desired(dict(healthcheck=dict(start_interval='1s')))
    assert options_needing_newer_api(SERVICE_OPTIONS, values, '1.41') == [('healthcheck.start_interval', '1.44')]
    assert options_needing_newer_api(SERVICE_OPTIONS, values, '1.45') == []


def test_modes_compare_by_kind_and_replicas_follow_the_mode():
    job = load_fixture('service_replicated_job.json')['Spec']
    assert mode_of(job['Mode']) == 'replicated-job'
    assert differing_options(SERVICE_OPTIONS, desired(dict(mode='replicated-job')), job) == []
    assert differing_options(SERVICE_OPTIONS, desired(dict(mode='global-job')), job) == ['mode']
    merged = apply_to_spec(SERVICE_OPTIONS, desired(dict(replicas=6)), job)
    assert merged['Mode'] == {'ReplicatedJob': {'MaxConcurrent': 2, 'TotalCompletions': 6}}


def test_replicas_on_a_global_service_is_refused():
    glob = load_fixture('service_global.json')['Spec']
    with pytest.raises(SwarmError, match='replicas applies only to replicated and replicated-job services'):
        apply_to_spec(SERVICE_OPTIONS, desired(dict(replicas=3)), glob)


@pytest.mark.parametrize(
    'bad, message',
    [
        (dict(resources=dict(limits=dict(memory='lots'))), 'resources.limits.memory must be a size'),
        (dict(stop_grace_period='soon'), 'stop_grace_period must be a duration'),
        (
            dict(mounts=[dict(type='bind', source='/a', target='/b', tmpfs_size='1M')]),
            r'mounts\[0\]: tmpfs_size do not apply to a bind mount',
        ),
        (dict(configs=[dict(source='web_conf', mode='rw')]), 'configs.mode must be an octal file mode'),
    ],
)
def test_bad_values_are_named(bad, message):
    with pytest.raises(SwarmError, match=message):
        desired(bad)


def test_suboptions_are_declared_without_defaults_so_unset_ones_stay_unmanaged():
    for name, spec in argument_spec_of(SERVICE_OPTIONS).items():
        assert 'default' not in spec, name
        for suboption in (spec.get('options') or {}).values() if spec.get('type') == 'dict' else ():
            assert 'default' not in suboption, name


# -- bad input refused before the engine sees it ------------------------------------------------


@pytest.mark.parametrize('name', ['web', 'web_front', 'a-b-1', 'x' * 63])
def test_service_names_swarm_accepts(name):
    assert check_service_name(name) == name


@pytest.mark.parametrize('name', ['web!', '-web', 'web-', 'web.front', '', 'x' * 64])
def test_service_names_that_are_no_dns_label_are_refused(name):
    with pytest.raises(SwarmError, match=r"name '.*' is not a valid service name"):
        check_service_name(name)


@pytest.mark.parametrize(
    'image',
    ['busybox', 'swarmops/web:1', 'registry.example.org:5000/team/app:2.1', 'localhost/x', 'a/b@sha256:' + 'a' * 64],
)
def test_image_references_docker_accepts(image):
    assert check_image_reference(image) == image


@pytest.mark.parametrize('image', ['Swarmops/Web::1', 'swarmops/web:1:2', 'UPPER', 'a b', '', 'web@sha256:short'])
def test_bad_image_references_are_refused_naming_the_option(image):
    with pytest.raises(SwarmError, match=r'^image .* is not a valid image reference'):
        check_image_reference(image)


def test_constraints_the_engine_parses_are_kept():
    constraints = ['node.role == manager', 'node.labels.zone!=a', 'engine.labels.ssd==true', 'node.hostname==n-1']
    assert check_constraints(constraints) == constraints


@pytest.mark.parametrize(
    'constraint, reason',
    [
        ('node.role=manager', 'is not a constraint'),
        ('node.role manager', 'is not a constraint'),
        ('node.role==', 'is not a constraint'),
        ('node.colour==red', 'which no node has'),
        ('node.labels.==a', 'which no node has'),
    ],
)
def test_constraints_the_engine_cannot_use_are_refused(constraint, reason):
    with pytest.raises(SwarmError, match=reason) as refused:
        check_constraints([constraint], 'placement.constraints')
    assert str(refused.value).startswith('placement.constraints: %r' % constraint)


@pytest.mark.parametrize(
    'params, message',
    [
        (dict(replicas=-1), 'replicas must be 0 or more'),
        (dict(env=dict(A=dict(b=1))), 'env.A must be a string or a number'),
        (dict(env='A=1'), 'env must be a mapping of variables or a list'),
        (dict(env=[['A', '1']]), 'env must be a mapping of variables or a list'),
        (dict(hosts=True), 'hosts must be a mapping of hostname to ip'),
        (dict(labels=dict(tier=['web'])), 'labels.tier must be a string or a number'),
        (dict(image='Web:1'), 'image .Web:1. is not a valid image reference'),
        (dict(placement=dict(constraints=['node.role=manager'])), 'placement.constraints: .node.role=manager.'),
    ],
)
def test_option_values_of_the_wrong_shape_are_refused_naming_the_option(params, message):
    with pytest.raises(SwarmError, match=message):
        desired_api_values(SERVICE_OPTIONS, params, REFERENCES)


# -- options of newer engines ------------------------------------------------------------------


def test_bind_recursive_cluster_mounts_and_subpath_reach_the_api_and_read_back():
    mounts = [
        dict(type='bind', source='/srv', target='/srv', read_only=True, bind_recursive='enabled'),
        dict(type='bind', source='/opt', target='/opt', bind_recursive='disabled'),
        dict(type='volume', source='data', target='/d', subpath='a/b'),
        dict(type='cluster', source='group:db', target='/db'),
    ]
    sent = desired(dict(mounts=mounts))['mounts']
    assert sent == [
        dict(Type='bind', Target='/srv', Source='/srv', ReadOnly=True),
        dict(Type='bind', Target='/opt', Source='/opt', BindOptions=dict(NonRecursive=True)),
        dict(Type='volume', Target='/d', Source='data', VolumeOptions=dict(Subpath='a/b')),
        dict(Type='cluster', Target='/db', Source='group:db'),
    ]
    view = options_view(SERVICE_OPTIONS, {'TaskTemplate': {'ContainerSpec': {'Mounts': sent}}})['mounts']
    assert 'bind_recursive' not in view[0] and view[1]['bind_recursive'] == 'disabled'
    assert view[2]['subpath'] == 'a/b'
    # The engine keeps the false flags an older client sent; they mean the same as absent ones.
    # The engine also fills in the default propagation once a mount has BindOptions.
    bind = dict(NonRecursive=True, ReadOnlyNonRecursive=False, Propagation='rprivate')
    live = [dict(sent[1], BindOptions=bind)]
    assert (
        differing_options(
            SERVICE_OPTIONS, desired(dict(mounts=mounts[1:2])), {'TaskTemplate': {'ContainerSpec': {'Mounts': live}}}
        )
        == []
    )


def test_mount_options_of_other_types_are_refused():
    with pytest.raises(SwarmError, match=r'mounts\[0\]: subpath do not apply to a bind mount'):
        desired(dict(mounts=[dict(type='bind', source='/s', target='/s', subpath='x')]))


@pytest.mark.parametrize(
    'params, needed',
    [
        (dict(oom_score_adj=-100), [('oom_score_adj', '1.46')]),
        (dict(privileges=dict(no_new_privileges=True)), [('privileges.no_new_privileges', '1.44')]),
        (dict(privileges=dict(seccomp=dict(mode='unconfined'))), [('privileges.seccomp', '1.44')]),
        (dict(privileges=dict(apparmor='disabled')), [('privileges.apparmor', '1.44')]),
        (dict(mounts=[dict(type='volume', source='v', target='/v', subpath='x')]), [('mounts', '1.45')]),
        (dict(mounts=[dict(type='cluster', source='v', target='/v')]), [('mounts', '1.42')]),
        (dict(mounts=[dict(type='bind', source='/s', target='/s', bind_recursive='disabled')]), []),
        (dict(mounts=[dict(type='tmpfs', target='/t')]), []),
        (dict(placement=dict(platforms=[dict(architecture='amd64', os='linux')])), []),
        (dict(privileges=dict(selinux_context=dict(type='container_t'))), []),
        (dict(privileges=dict(credential_spec=dict(file='a.json'))), []),
    ],
)
def test_options_newer_than_api_1_41_are_named_with_the_version_they_need(params, needed):
    full = dict(params)
    for item in full.get('mounts') or []:
        item.setdefault('read_only', False)
    assert options_needing_newer_api(SERVICE_OPTIONS, desired(full), '1.41') == needed
    assert options_needing_newer_api(SERVICE_OPTIONS, desired(full), '1.46') == []


def test_a_seccomp_profile_is_sent_as_base64_and_compared_by_its_json():
    profile = '{"defaultAction": "SCMP_ACT_ALLOW"}'
    sent = desired(dict(privileges=dict(seccomp=dict(mode='custom', profile=profile))))['privileges.seccomp']
    assert sent['Mode'] == 'custom' and base64.b64decode(sent['Profile']).decode() == profile
    respaced = base64.b64encode(b'{"defaultAction":"SCMP_ACT_ALLOW"}').decode()
    live = {'TaskTemplate': {'ContainerSpec': {'Privileges': {'Seccomp': {'Mode': 'custom', 'Profile': respaced}}}}}
    assert differing_options(SERVICE_OPTIONS, {'privileges.seccomp': sent}, live) == []
    assert options_view(SERVICE_OPTIONS, live)['privileges']['seccomp'] == dict(
        mode='custom', profile='{"defaultAction":"SCMP_ACT_ALLOW"}'
    )
    with pytest.raises(SwarmError, match='mode custom needs a profile'):
        desired(dict(privileges=dict(seccomp=dict(mode='custom'))))
    with pytest.raises(SwarmError, match='profile applies only to mode custom'):
        desired(dict(privileges=dict(seccomp=dict(mode='default', profile=profile))))


def test_privileges_are_managed_one_by_one_and_defaults_equal_absent_fields():
    live = {'TaskTemplate': {'ContainerSpec': {'Privileges': {'NoNewPrivileges': True}}}}
    changed = desired(dict(privileges=dict(apparmor='disabled', seccomp=dict(mode='default'))))
    assert differing_options(SERVICE_OPTIONS, changed, live) == ['privileges.apparmor']
    merged = apply_to_spec(SERVICE_OPTIONS, changed, live)
    assert merged['TaskTemplate']['ContainerSpec']['Privileges'] == {
        'NoNewPrivileges': True,
        'AppArmor': {'Mode': 'disabled'},
        'Seccomp': {'Mode': 'default'},
    }
    bare = {'TaskTemplate': {'ContainerSpec': {}}}
    assert (
        differing_options(
            SERVICE_OPTIONS, desired(dict(oom_score_adj=0, privileges=dict(no_new_privileges=False))), bare
        )
        == []
    )


def test_a_credential_spec_is_one_of_file_and_registry():
    assert desired(dict(privileges=dict(credential_spec=dict(file='gmsa.json'))))['privileges.credential_spec'] == {
        'File': 'gmsa.json'
    }
    with pytest.raises(SwarmError, match='exactly one of file and registry'):
        desired(dict(privileges=dict(credential_spec=dict(file='a.json', registry='b'))))


def test_placement_platforms_compare_in_any_order():
    platforms = [dict(architecture='arm64', os='linux'), dict(architecture='amd64', os='linux')]
    live = {
        'TaskTemplate': {
            'Placement': {'Platforms': [dict(Architecture='amd64', OS='linux'), dict(Architecture='arm64', OS='linux')]}
        }
    }
    assert differing_options(SERVICE_OPTIONS, desired(dict(placement=dict(platforms=platforms))), live) == []
    assert options_view(SERVICE_OPTIONS, live)['placement']['platforms'][0] == dict(architecture='amd64', os='linux')
