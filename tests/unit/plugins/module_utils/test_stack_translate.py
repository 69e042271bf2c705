# -*- coding: utf-8 -*-
"""Compose to Engine API specs, field for field as the docker CLI converts them.

The reference is real: tests/unit/fixtures/stack_cli_deployed.json holds what the engine stored after
`docker stack deploy` (docker CLI 20.10) of the compose fixtures `full` (stack rec) and `ingress` + override
(stack ing). The translation of the same files must equal it, once the IDs in the stored specs are read as names
and the defaults the engine fills in on its own are left out.
"""

import base64
import copy
import os

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.compose import ComposeError, load_project
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import get_path, normalise, remove_path
from ansible_collections.swarmops.swarm.plugins.module_utils.stack_translate import (
    effective_capabilities,
    translate_stack,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.stacks import LiveState, comparable_spec
from tests.unit.fake_stack_engine import CLI_DEPLOYED, FakeStackEngine
from tests.unit.plugins.module_utils.test_compose import FULL, INGRESS, OVERRIDE

# Fields the engine fills in when a spec leaves them out (seen on Docker 20.10), with the value it fills in.
_ENGINE_FILLED = [
    (('TaskTemplate', 'ContainerSpec', 'Isolation'), 'default'),
    (('TaskTemplate', 'ContainerSpec', 'Privileges'), {'CredentialSpec': None, 'SELinuxContext': None}),
    (('UpdateConfig', 'FailureAction'), 'pause'),
    (('UpdateConfig', 'Order'), 'stop-first'),
    (('RollbackConfig', 'FailureAction'), 'pause'),
    (('RollbackConfig', 'Order'), 'stop-first'),
    (('EndpointSpec', 'Mode'), 'vip'),
    (('TaskTemplate', 'RestartPolicy', 'MaxAttempts'), 0),
]


def stored_as_sent(stack, name, desired):
    """The recorded spec of a service, with names for IDs and without the fields the engine filled in."""
    live = LiveState(FakeStackEngine(recorded=True), stack)
    stored = comparable_spec(live.stack_services()['%s_%s' % (stack, name)]['Spec'], live)
    for path, value in _ENGINE_FILLED:
        if get_path(stored, path) == value and get_path(desired, path) is None:
            remove_path(stored, path)
    return stored


def translated(stack, *files):
    return translate_stack(stack, load_project(list(files), environ={}))


@pytest.mark.parametrize(
    'stack, files, service',
    [
        ('rec', (FULL,), 'web'),
        ('rec', (FULL,), 'agent'),
        ('rec', (FULL,), 'worker'),
        ('ing', (INGRESS, OVERRIDE), 'api'),
        ('ing', (INGRESS, OVERRIDE), 'cron'),
    ],
)
def test_services_translate_to_exactly_what_docker_stack_deploy_sent(stack, files, service):
    desired = translated(stack, *files).services[service]
    assert normalise(comparable_spec(desired)) == normalise(stored_as_sent(stack, service, desired))


def test_the_recorded_networks_configs_and_secrets_are_what_the_translation_creates():
    specs = translated('rec', FULL)
    recorded_networks = dict((network['Name'], network) for network in CLI_DEPLOYED['networks'])
    assert sorted(specs.networks) == ['rec_back', 'rec_default', 'rec_front']
    assert specs.external_networks == {'shared_outside': 'outside'}
    for name, network in specs.networks.items():
        request, stored = network['request'], recorded_networks[name]
        assert (request['Driver'], bool(request.get('Attachable')), request['Labels']) == (
            stored['Driver'],
            stored['Attachable'],
            stored['Labels'],
        )
        for key, value in (request.get('Options') or {}).items():
            assert stored['Options'][key] == value
        assert [item['Subnet'] for item in (request.get('IPAM') or {}).get('Config') or []] in (
            [],
            [item['Subnet'] for item in stored['IPAM']['Config']],
        )
    (recorded_config,) = CLI_DEPLOYED['configs']
    site = specs.configs['site']
    assert (site.name, site.spec['Labels']) == (recorded_config['Spec']['Name'], recorded_config['Spec']['Labels'])
    assert site.spec['Data'] == base64.b64decode(recorded_config['Spec']['Data'])
    recorded_secrets = dict((secret['Spec']['Name'], secret['Spec']['Labels']) for secret in CLI_DEPLOYED['secrets'])
    assert dict((item.name, item.spec['Labels']) for item in specs.secrets.values()) == recorded_secrets


def test_stack_names_and_labels():
    specs = translated('shop', FULL)
    web = specs.services['web']
    assert web['Name'] == 'shop_web'
    assert web['Labels'] == {
        'com.docker.stack.namespace': 'shop',
        'com.docker.stack.image': 'swarmops/web:1',
        'com.example.team': 'ops',
    }
    assert web['TaskTemplate']['ContainerSpec']['Labels'] == {'com.docker.stack.namespace': 'shop', 'tier': 'web'}
    assert [attachment['Target'] for attachment in specs.services['agent']['TaskTemplate']['Networks']] == [
        'shared_outside',
        'shop_back',
    ]
    assert specs.services['worker']['TaskTemplate']['Networks'] == [dict(Target='shop_default', Aliases=['worker'])]


def service(**keys):
    keys.setdefault('image', 'swarmops/web:1')
    return dict(services=dict(app=keys))


def translate(content, stack='s'):
    return translate_stack(stack, load_project([content], environ={}, project_dir='/'))


@pytest.mark.parametrize(
    'deploy, mode',
    [
        ({}, {'Replicated': {}}),
        (dict(replicas=0), {'Replicated': {'Replicas': 0}}),
        (dict(mode='global'), {'Global': {}}),
        (dict(mode='replicated-job', replicas=4), {'ReplicatedJob': {'MaxConcurrent': 4, 'TotalCompletions': 4}}),
        (dict(mode='global-job'), {'GlobalJob': {}}),
    ],
)
def test_modes_including_jobs(deploy, mode):
    assert translate(service(deploy=deploy)).services['app']['Mode'] == mode


@pytest.mark.parametrize(
    'deploy, message',
    [
        (dict(mode='global', replicas=2), 'deploy.replicas can only be used with mode replicated or replicated-job'),
        (dict(mode='daemon'), "deploy.mode: unknown mode 'daemon'"),
        (dict(resources=dict(limits=dict(cpus='0.0000000001'))), 'deploy.resources.limits.cpus: .* is too precise'),
    ],
)
def test_invalid_deploy_values_name_the_service(deploy, message):
    with pytest.raises(ComposeError, match=r'^compose\[0\] \(inline\): services.app: %s' % message):
        translate(service(deploy=deploy))


@pytest.mark.parametrize(
    'restart, policy',
    [
        ('no', None),
        ('always', {'Condition': 'any'}),
        ('unless-stopped', {'Condition': 'any'}),
        ('on-failure', {'Condition': 'on-failure'}),
        ('on-failure:3', {'Condition': 'on-failure', 'MaxAttempts': 3}),
    ],
)
def test_the_restart_key_is_the_restart_policy_when_deploy_has_none(restart, policy):
    template = translate(service(restart=restart)).services['app']['TaskTemplate']
    assert template.get('RestartPolicy') == policy
    with pytest.raises(ComposeError, match="restart: 'sometimes' is not one of"):
        translate(service(restart='sometimes'))


def test_healthcheck_disable_and_its_conflict_with_test():
    assert translate(service(healthcheck=dict(disable=True))).services['app']['TaskTemplate']['ContainerSpec'][
        'Healthcheck'
    ] == {'Test': ['NONE']}
    with pytest.raises(ComposeError, match='test and disable cannot be set together'):
        translate(service(healthcheck=dict(disable=True, test='true')))
    check = translate(service(healthcheck=dict(test='curl -f http://localhost', retries=0, interval='1m30s')))
    assert check.services['app']['TaskTemplate']['ContainerSpec']['Healthcheck'] == {
        'Test': ['CMD-SHELL', 'curl -f http://localhost'],
        'Interval': 90 * 10**9,
    }


def test_capabilities_are_normalised_like_the_cli():
    assert effective_capabilities(['net_admin', 'CAP_SYS_TIME', 'chown'], ['chown', 'mknod']) == (
        ['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_SYS_TIME'],
        ['CAP_MKNOD'],
    )
    assert effective_capabilities(['all', 'chown'], ['ALL']) == (['ALL'], [])


def test_ports_in_both_syntaxes_and_endpoint_mode():
    spec = translate(
        service(
            ports=['8080:80', dict(target=53, published=53, protocol='udp', mode='host'), '9000'],
            deploy=dict(endpoint_mode='VIP'),
        )
    ).services['app']
    assert spec['EndpointSpec'] == {
        'Mode': 'vip',
        'Ports': [
            {'Protocol': 'tcp', 'TargetPort': 9000, 'PublishMode': 'ingress'},
            {'Protocol': 'udp', 'TargetPort': 53, 'PublishedPort': 53, 'PublishMode': 'host'},
            {'Protocol': 'tcp', 'TargetPort': 80, 'PublishedPort': 8080, 'PublishMode': 'ingress'},
        ],
    }


def test_networks_external_named_and_builtin():
    specs = translate(
        dict(
            services=dict(
                app=dict(
                    image='w',
                    networks=dict(
                        front=dict(
                            aliases=['www'], driver_opts={'com.docker.network.endpoint.macaddress': '02:42:ac:11:65:43'}
                        ),
                        hostnet=None,
                        shared=None,
                    ),
                )
            ),
            networks=dict(
                front=dict(
                    name='custom-front', internal=True, ipam=dict(driver='default', config=[dict(subnet='10.9.0.0/24')])
                ),
                hostnet=dict(external=True, name='host'),
                shared=dict(external=dict(name='legacy')),
            ),
        )
    )
    assert specs.services['app']['TaskTemplate']['Networks'] == [
        {
            'Target': 'custom-front',
            'Aliases': ['www', 'app'],
            'DriverOpts': {'com.docker.network.endpoint.macaddress': '02:42:ac:11:65:43'},
        },
        {'Target': 'host'},
        {'Target': 'legacy', 'Aliases': ['app']},
    ]
    assert specs.networks == {
        'custom-front': dict(
            key='front',
            request=dict(
                Name='custom-front',
                Driver='overlay',
                Labels={'com.docker.stack.namespace': 's'},
                Internal=True,
                IPAM=dict(Driver='default', Config=[dict(Subnet='10.9.0.0/24')]),
            ),
        )
    }
    assert specs.external_networks == {'host': 'hostnet', 'legacy': 'shared'}


@pytest.mark.parametrize(
    'content, message',
    [
        (service(networks=['nowhere']), "networks: undefined network 'nowhere'"),
        (service(configs=['nothing']), "configs: undefined config 'nothing'"),
        (service(secrets=['nothing']), "secrets: undefined secret 'nothing'"),
        (service(volumes=['data:/data']), "volumes: undefined volume 'data'"),
        (dict(services=dict(app=dict(command='true'))), 'image is missing'),
        (
            service(volumes=[dict(type='tmpfs', target='/t', bind=dict(propagation='shared'))]),
            'volumes: bind options are incompatible with type tmpfs',
        ),
    ],
)
def test_undefined_references_fail_naming_the_service(content, message):
    with pytest.raises(ComposeError, match=r'^compose\[0\] \(inline\): services.app: %s' % message):
        translate(content)


def test_an_error_in_a_service_names_every_file_that_declares_it():
    override = dict(services=dict(web=dict(networks=['nowhere'])))
    with pytest.raises(ComposeError) as failure:
        translate_stack('s', load_project([FULL, override], environ={}))
    assert str(failure.value).startswith(
        "%s + compose[1] (inline): services.web: networks: undefined network 'nowhere'" % FULL
    )


def test_configs_secrets_names_templating_and_credential_specs():
    specs = translate(
        dict(
            services=dict(
                app=dict(
                    image='w',
                    configs=['tpl', dict(source='named', target='/etc/n', mode=0o600)],
                    secrets=['ext'],
                    credential_spec=dict(config='cred'),
                )
            ),
            configs=dict(
                tpl=dict(file='/etc/hostname', template_driver='golang'),
                named=dict(file='/etc/hostname', name='fixed-name'),
                cred=dict(external=True, name='gmsa'),
            ),
            secrets=dict(ext=dict(external=True), drv=dict(driver='vault', driver_opts=dict(path='x'))),
        )
    )
    container = specs.services['app']['TaskTemplate']['ContainerSpec']
    assert container['Configs'] == [
        {'ConfigName': 'fixed-name', 'File': dict(Name='/etc/n', UID='0', GID='0', Mode=0o600)},
        {'ConfigName': 's_tpl', 'File': dict(Name='tpl', UID='0', GID='0', Mode=0o444)},
        {'ConfigName': 'gmsa', 'Runtime': {}},
    ]
    assert container['Privileges'] == {'CredentialSpec': {'Config': 'gmsa'}}
    assert container['Secrets'] == [{'SecretName': 'ext', 'File': dict(Name='ext', UID='0', GID='0', Mode=0o444)}]
    assert specs.configs['tpl'].spec['Templating'] == {'Name': 'golang'}
    assert specs.configs['cred'].external and specs.configs['cred'].spec is None
    assert specs.secrets['drv'].spec == {
        'Name': 's_drv',
        'Labels': {'com.docker.stack.namespace': 's'},
        'Data': b'',
        'Driver': {'Name': 'vault', 'Options': {'path': 'x'}},
    }


def test_fields_newer_engines_have_are_listed_with_their_api_version():
    specs = translate(service(oom_score_adj=-500, healthcheck=dict(test='true', start_interval='1s')))
    assert specs.api_requirements == [
        ('services.app.healthcheck.start_interval', '1.44'),
        ('services.app.oom_score_adj', '1.46'),
    ]


def test_volume_options_follow_the_cli():
    specs = translate(
        dict(
            services=dict(
                app=dict(
                    image='w',
                    volumes=[
                        dict(type='volume', source='ext', target='/e', volume=dict(nocopy=True)),
                        dict(type='volume', source='plain', target='/p', consistency='cached'),
                        dict(type='bind', source='/srv', target='/srv', bind=dict(propagation='rslave')),
                        dict(type='tmpfs', target='/t', tmpfs=dict(size='64m')),
                    ],
                )
            ),
            volumes=dict(ext=dict(external=True, name='shared-data'), plain=dict(driver_opts={})),
        )
    )
    assert specs.services['app']['TaskTemplate']['ContainerSpec']['Mounts'] == [
        dict(Type='volume', Target='/e', Source='shared-data', VolumeOptions=dict(NoCopy=True)),
        dict(
            Type='volume',
            Target='/p',
            Source='s_plain',
            Consistency='cached',
            VolumeOptions=dict(Labels={'com.docker.stack.namespace': 's'}, DriverConfig={}),
        ),
        dict(Type='bind', Target='/srv', Source='/srv', BindOptions=dict(Propagation='rslave')),
        dict(Type='tmpfs', Target='/t', TmpfsOptions=dict(SizeBytes=64 * 1024**2)),
    ]


def test_the_translation_does_not_change_the_project():
    project = load_project([FULL], environ={})
    before = copy.deepcopy(project.services)
    translate_stack('x', project)
    translate_stack('y', project)
    assert project.services == before
    assert os.path.basename(FULL) == 'stack.yml'


@pytest.mark.parametrize(
    'name, keys, message',
    [
        ('web!', {}, r"services\.web!: the service name 's_web!' is not a valid service name"),
        ('web', dict(image='swarmops/web:1:2'), r"services\.web: image 'swarmops/web:1:2' is not a valid image"),
        (
            'web',
            dict(deploy=dict(placement=dict(constraints=['node.role manager']))),
            r"services\.web: deploy\.placement\.constraints: 'node\.role manager' is not a constraint",
        ),
    ],
)
def test_what_the_engine_would_refuse_fails_the_translation_naming_the_service(name, keys, message):
    keys.setdefault('image', 'swarmops/web:1')
    with pytest.raises(ComposeError, match=message):
        translate(dict(services={name: keys}))


def test_a_volume_subpath_is_sent_and_needs_api_1_45():
    specs = translate(
        dict(
            services=dict(
                app=dict(
                    image='w', volumes=[dict(type='volume', source='data', target='/d', volume=dict(subpath='a/b'))]
                )
            ),
            volumes=dict(data=dict(external=True)),
        )
    )
    mount = specs.services['app']['TaskTemplate']['ContainerSpec']['Mounts'][0]
    assert mount['VolumeOptions'] == dict(Subpath='a/b')
    assert specs.api_requirements == [('services.app.volumes', '1.45')]
