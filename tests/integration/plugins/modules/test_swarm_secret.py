# -*- coding: utf-8 -*-
"""swarm_secret against the real sandbox: create and relabel, a rotation that switches a running service to the
new version (which its container then reads), removal refused while in use, and a file read on the controller.

The tests run in order on the same secret. The service that uses it is created with the docker CLI, as a user's
own service would be; it runs swarmops/web (busybox), whose `cat` reads the secret inside its container.
"""

import json
import uuid

import pytest

from tests.integration.ansible_runner import run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_secret'
MANAGER = 'manager1'
FIRST = 'first-%s' % uuid.uuid4().hex
SECOND = 'second-%s' % uuid.uuid4().hex
# A short stability window: what the rollout waits for is not what these tests are about.
WAIT = dict(wait_stability='1s', wait_timeout=120)


@pytest.fixture(scope='module')
def swarm(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1', 'worker2'])
    return swarm_sandbox


def object_names(swarm, kind):
    return sorted(swarm.sh(MANAGER, "docker %s ls --format '{{.Name}}'" % kind).split())


def inspect(swarm, kind, name):
    return json.loads(swarm.sh(MANAGER, 'docker %s inspect %s' % (kind, name)))[0]


def file_in_running_task(swarm, service, path):
    """What the service's one running task reads at ``path``, in its container on whichever node runs it."""
    node = swarm.sh(
        MANAGER, "docker service ps %s --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'" % service
    )
    hostname, state = node.split(' ', 1)
    assert state.startswith('Running'), node
    container = swarm.sh(hostname, 'docker ps -q --filter label=com.docker.swarm.service.name=%s' % service)
    return swarm.sh(hostname, 'docker exec %s cat %s' % (container, path))


def replicas(swarm, service):
    return swarm.sh(MANAGER, "docker service ls --filter name=%s --format '{{.Replicas}}'" % service)


def test_a_secret_is_created_and_relabelled_and_its_content_never_shows(swarm):
    created = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='app_pw', data=FIRST, labels=dict(app='db')))
    assert created['actions'] == ['create secret app_pw']
    assert created['diff']['before'] == {'state': 'absent'}
    assert created['diff']['after']['labels'] == {'app': 'db'}
    live = inspect(swarm, 'secret', 'app_pw')
    assert created['secret'] == dict(name='app_pw', id=live['ID'], labels={'app': 'db'})
    assert live['Spec']['Labels']['swarmops.swarm.content-digest'].startswith('pbkdf2-sha256$')
    assert FIRST not in json.dumps(created)

    relabelled = run_four_times(
        swarm.inventory, MANAGER, MODULE, dict(name='app_pw', data=FIRST, labels=dict(app='db', tier='data'))
    )
    assert relabelled['actions'] == ['update the labels of secret app_pw']
    assert inspect(swarm, 'secret', 'app_pw')['ID'] == live['ID'], 'labels change in place'
    assert object_names(swarm, 'secret') == ['app_pw']


def test_a_service_using_the_secret_is_switched_to_the_rotated_version_and_keeps_running(swarm):
    swarm.sh(
        MANAGER,
        'docker service create --quiet --name db --endpoint-mode dnsrr --no-resolve-image '
        '--secret source=app_pw,target=db_password,uid=70,gid=70,mode=0400 swarmops/web:1',
    )
    assert file_in_running_task(swarm, 'db', '/run/secrets/db_password') == FIRST

    refused = run_module(swarm.inventory, MANAGER, MODULE, dict(name='app_pw', data=SECOND), expect_failure=True)
    assert "Set rotate: true" in refused['msg'] and '(db)' in refused['msg']
    assert SECOND not in json.dumps(refused)

    rotated = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='app_pw', data=SECOND, rotate=True, **WAIT))
    new_name = rotated['secret']['name']
    assert new_name.startswith('app_pw-') and len(new_name) == len('app_pw-') + 12
    assert rotated['actions'] == [
        'create secret %s (new content, replacing app_pw)' % new_name,
        'update service db: secret app_pw -> %s' % new_name,
        'remove secret app_pw (an old version of app_pw)',
    ]
    assert rotated['updated_services'] == ['db'] and rotated['waited_for'][0].startswith('service db: 1/1 tasks')
    assert rotated['diff']['before']['used_by'] == rotated['diff']['after']['used_by'] == ['db']
    assert SECOND not in json.dumps(rotated) and FIRST not in json.dumps(rotated)
    assert object_names(swarm, 'secret') == [new_name]
    assert rotated['secret']['labels'] == {'app': 'db', 'tier': 'data'}, 'the new version keeps the labels'

    (reference,) = inspect(swarm, 'service', 'db')['Spec']['TaskTemplate']['ContainerSpec']['Secrets']
    assert reference['SecretName'] == new_name and reference['SecretID'] == rotated['secret']['id']
    assert reference['File'] == {'Name': 'db_password', 'UID': '70', 'GID': '70', 'Mode': 0o400}
    assert replicas(swarm, 'db') == '1/1'
    assert file_in_running_task(swarm, 'db', '/run/secrets/db_password') == SECOND


def test_removal_is_refused_while_the_service_uses_it_and_force_takes_it_out_first(swarm):
    (name,) = object_names(swarm, 'secret')
    for check in (True, False):
        refused = run_module(
            swarm.inventory, MANAGER, MODULE, dict(name='app_pw', state='absent'), check=check, expect_failure=True
        )
        assert refused['msg'].startswith('Secret %s is used by service db;' % name)
    assert object_names(swarm, 'secret') == [name]

    removed = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='app_pw', state='absent', force=True, **WAIT))
    assert removed['actions'] == ['update service db: remove secret %s' % name, 'remove secret %s' % name]
    assert removed['secret'] is None and removed['updated_services'] == ['db']
    assert object_names(swarm, 'secret') == []
    assert inspect(swarm, 'service', 'db')['Spec']['TaskTemplate']['ContainerSpec'].get('Secrets') in (None, [])
    assert replicas(swarm, 'db') == '1/1'
    swarm.sh(MANAGER, 'docker service rm db')


def test_a_file_on_the_controller_is_read_there_and_never_shows(swarm, tmp_path):
    key = 'key-%s' % uuid.uuid4().hex
    (tmp_path / 'tls.key').write_text(key)
    args = dict(name='tls_key', data_src=str(tmp_path / 'tls.key'), data_source='controller')
    created = run_four_times(swarm.inventory, MANAGER, MODULE, args)
    assert created['actions'] == ['create secret tls_key'] and key not in json.dumps(created)
    (tmp_path / 'tls.key').write_text(key + '-2')
    refused = run_module(swarm.inventory, MANAGER, MODULE, args, expect_failure=True)
    assert 'differs' in refused['msg']
    run_module(swarm.inventory, MANAGER, MODULE, dict(name='tls_key', state='absent'))
    assert object_names(swarm, 'secret') == []
