# -*- coding: utf-8 -*-
"""swarm_config against the real sandbox: a templated config, a rotation that switches a running service to the new
version (whose container reads the new content), and removal refused while in use.

The tests run in order on the same config; the service that uses it is created with the docker CLI.
"""

import pytest

from tests.integration.ansible_runner import run_four_times, run_module
from tests.integration.plugins.modules.test_swarm_secret import (
    WAIT,
    file_in_running_task,
    inspect,
    object_names,
    replicas,
)

MODULE = 'swarmops.swarm.swarm_config'
MANAGER = 'manager1'
# Swarm's Go template, kept from Ansible's Jinja by a Jinja string literal.
TEMPLATE = "{{ 'service={{.Service.Name}}' }}\n"


@pytest.fixture(scope='module')
def swarm(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1', 'worker2'])
    return swarm_sandbox


def test_a_templated_config_is_created_with_its_content_in_the_diff(swarm):
    created = run_four_times(
        swarm.inventory, MANAGER, MODULE, dict(name='app_conf', data=TEMPLATE, template_driver='golang')
    )
    assert created['actions'] == ['create config app_conf']
    assert created['diff']['after']['content'] == 'service={{.Service.Name}}\n'
    assert created['diff']['after']['template_driver'] == 'golang'
    live = inspect(swarm, 'config', 'app_conf')
    assert live['Spec']['Templating'] == {'Name': 'golang'}
    assert created['config'] == dict(name='app_conf', id=live['ID'], labels={}, template_driver='golang')


def test_a_service_using_the_config_is_switched_to_the_rotated_version_and_keeps_running(swarm):
    swarm.sh(
        MANAGER,
        'docker service create --quiet --name web --endpoint-mode dnsrr --no-resolve-image '
        '--config source=app_conf,target=/etc/app.conf,mode=0440 swarmops/web:1',
    )
    assert file_in_running_task(swarm, 'web', '/etc/app.conf') == 'service=web'

    refused = run_module(swarm.inventory, MANAGER, MODULE, dict(name='app_conf', data='plain\n'), expect_failure=True)
    assert "The content of config app_conf differs from the task's" in refused['msg'] and '(web)' in refused['msg']

    args = dict(name='app_conf', data='listen 8080\n', rotate=True, labels=dict(release='2'), **WAIT)
    rotated = run_four_times(swarm.inventory, MANAGER, MODULE, args)
    new_name = rotated['config']['name']
    assert rotated['actions'] == [
        'create config %s (new content, replacing app_conf)' % new_name,
        'update service web: config app_conf -> %s' % new_name,
        'remove config app_conf (an old version of app_conf)',
    ]
    assert (rotated['diff']['before']['content'], rotated['diff']['after']['content']) == (
        'service={{.Service.Name}}\n',
        'listen 8080\n',
    )
    assert rotated['updated_services'] == ['web'] and rotated['config']['template_driver'] is None
    assert object_names(swarm, 'config') == [new_name]
    assert inspect(swarm, 'config', new_name)['Spec']['Labels'] == {'release': '2'}
    (reference,) = inspect(swarm, 'service', 'web')['Spec']['TaskTemplate']['ContainerSpec']['Configs']
    assert reference['ConfigName'] == new_name
    assert reference['File'] == {'Name': '/etc/app.conf', 'UID': '0', 'GID': '0', 'Mode': 0o440}
    assert replicas(swarm, 'web') == '1/1'
    assert file_in_running_task(swarm, 'web', '/etc/app.conf') == 'listen 8080'


def test_removal_is_refused_while_the_service_uses_it(swarm):
    (name,) = object_names(swarm, 'config')
    for check in (True, False):
        refused = run_module(
            swarm.inventory, MANAGER, MODULE, dict(name='app_conf', state='absent'), check=check, expect_failure=True
        )
        assert refused['msg'].startswith('Config %s is used by service web;' % name)
    assert object_names(swarm, 'config') == [name]
    swarm.sh(MANAGER, 'docker service rm web')
    removed = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='app_conf', state='absent'))
    assert removed['actions'] == ['remove config %s' % name] and removed['config'] is None
    assert object_names(swarm, 'config') == []
