# -*- coding: utf-8 -*-
"""swarm_service against the real sandbox: create, update, roll out, roll back, scale, jobs and removal.

The swarm is formed once for this file; tests run in order and build on each other's services where that saves a
rollout (the rolling update leaves a previous spec for the rollback test). Services use endpoint_mode dnsrr and
host-mode ports, as the sandbox has no IPVS, and resolve_image never, as it has no registry.
"""

import json
from datetime import datetime

import pytest

from tests.integration.ansible_runner import run_four_times, run_module
from tests.integration.waiting import wait_for

MODULE = 'swarmops.swarm.swarm_service'
MANAGER = 'manager1'

MANY_OPTIONS = dict(
    name='many',
    image='swarmops/web:1',
    replicas=2,
    endpoint_mode='dnsrr',
    env={'A': '1'},
    labels={'tier': 'web', 'empty': ''},
    container_labels={'team': 'ops'},
    hostname="{{ '{{.Service.Name}}-{{.Task.Slot}}' }}",
    workdir='/',
    stop_signal='SIGTERM',
    stop_grace_period='3s',
    init=True,
    read_only=True,
    cap_add=['NET_ADMIN'],
    cap_drop=['MKNOD'],
    sysctls={'net.ipv4.ip_forward': '0'},
    ulimits=[dict(name='nofile', soft=1024, hard=2048)],
    dns_options=['ndots:2'],
    hosts={'db.local': '10.0.0.7'},
    healthcheck=dict(
        test=['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/'],
        interval='2s',
        timeout='1s',
        retries=3,
        start_period='1s',
    ),
    mounts=[dict(type='tmpfs', target='/www', tmpfs_size='1M'), dict(type='volume', source='manyvol', target='/vol')],
    configs=[dict(source='web_conf', target='/etc/web.conf', mode='0440')],
    secrets=[dict(source='web_secret')],
    resources=dict(limits=dict(cpus=0.5, memory='64M', pids=100), reservations=dict(memory='8M')),
    restart_policy=dict(condition='on-failure', delay='1s', max_attempts=3),
    placement=dict(constraints=['node.role==worker'], max_replicas_per_node=1),
    networks=[dict(name='svc_front', aliases=['many-web'])],
    logging=dict(driver='json-file', options={'max-size': '1m'}),
    # stop-first: a host-mode port and one task per worker leave no room to start a new task beside the old one.
    update_config=dict(parallelism=1, delay='1s', monitor='2s', failure_action='rollback', order='stop-first'),
    rollback_config=dict(parallelism=2, monitor='1s'),
    publish=[dict(published=8081, target=80, mode='host')],
    wait_timeout=90,
)


@pytest.fixture(scope='module')
def swarm(swarm_sandbox):
    swarm_sandbox.form_swarm()
    swarm_sandbox.sh(MANAGER, 'docker network create -d overlay svc_front')
    swarm_sandbox.sh(MANAGER, 'sh -c "echo listen 80 | docker config create web_conf -"')
    swarm_sandbox.sh(MANAGER, 'sh -c "echo s3cret | docker secret create web_secret -"')
    return swarm_sandbox


def inspect(swarm, name):
    return json.loads(swarm.sh(MANAGER, 'docker service inspect %s' % name))[0]


def tasks(swarm, name):
    return json.loads(
        swarm.sh(
            MANAGER,
            'python3 -c "import docker, json; print(json.dumps(docker.APIClient().tasks('
            'filters={\'service\': \'%s\'})))"' % name,
        )
    )


def running(swarm, name):
    return [
        task
        for task in tasks(swarm, name)
        if task['DesiredState'] == 'running' and task['Status']['State'] == 'running'
    ]


def container_spec(service):
    return service['Spec']['TaskTemplate']['ContainerSpec']


def timestamp(text):
    # The engine writes nanoseconds; Python reads microseconds.
    head, _dot, fraction = text.rstrip('Z').partition('.')
    return datetime.strptime('%s.%s' % (head, (fraction + '000000')[:6]), '%Y-%m-%dT%H:%M:%S.%f').timestamp()


def test_a_service_with_many_options_is_created_as_declared(swarm):
    result = run_four_times(swarm.inventory, MANAGER, MODULE, MANY_OPTIONS)
    assert result['actions'] == ['create service many (replicated, 2 replicas, image swarmops/web:1)']
    assert result['service']['running_tasks'] == 2

    service = inspect(swarm, 'many')
    container = container_spec(service)
    template = service['Spec']['TaskTemplate']
    assert service['Spec']['Labels'] == {'tier': 'web', 'empty': ''}
    assert container['Env'] == ['A=1'] and container['Labels'] == {'team': 'ops'}
    assert container['Hostname'] == '{{.Service.Name}}-{{.Task.Slot}}'
    assert container['Init'] is True and container['ReadOnly'] is True
    assert container['CapabilityAdd'] == ['CAP_NET_ADMIN'] and container['CapabilityDrop'] == ['CAP_MKNOD']
    assert container['Ulimits'] == [{'Name': 'nofile', 'Soft': 1024, 'Hard': 2048}]
    assert container['Hosts'] == ['10.0.0.7 db.local'] and container['DNSConfig']['Options'] == ['ndots:2']
    assert container['Healthcheck']['Test'][0] == 'CMD' and container['Healthcheck']['Interval'] == 2 * 10**9
    assert container['StopGracePeriod'] == 3 * 10**9
    assert {mount['Target']: mount['Type'] for mount in container['Mounts']} == {'/www': 'tmpfs', '/vol': 'volume'}
    assert container['Configs'][0]['ConfigName'] == 'web_conf' and container['Configs'][0]['File']['Mode'] == 0o440
    assert container['Secrets'][0]['File']['Name'] == 'web_secret'
    assert template['Resources']['Limits'] == {'NanoCPUs': 500000000, 'MemoryBytes': 64 * 1024**2, 'Pids': 100}
    assert template['RestartPolicy']['Condition'] == 'on-failure' and template['RestartPolicy']['MaxAttempts'] == 3
    assert template['Placement']['Constraints'] == ['node.role==worker'] and template['Placement']['MaxReplicas'] == 1
    network_id = swarm.sh(MANAGER, "docker network inspect -f '{{.Id}}' svc_front")
    assert template['Networks'] == [{'Target': network_id, 'Aliases': ['many-web']}]
    assert template['LogDriver'] == {'Name': 'json-file', 'Options': {'max-size': '1m'}}
    assert service['Spec']['UpdateConfig']['Delay'] == 10**9
    assert service['Spec']['UpdateConfig']['FailureAction'] == 'rollback'
    assert service['Spec']['RollbackConfig']['Parallelism'] == 2
    assert service['Spec']['EndpointSpec'] == {
        'Mode': 'dnsrr',
        'Ports': [{'Protocol': 'tcp', 'TargetPort': 80, 'PublishedPort': 8081, 'PublishMode': 'host'}],
    }
    workers = {
        swarm.sh(MANAGER, "docker node inspect -f '{{.Description.Hostname}}' %s" % task['NodeID'])
        for task in running(swarm, 'many')
    }
    assert workers == {'worker1', 'worker2'}


def test_changing_one_option_changes_only_it(swarm):
    before = inspect(swarm, 'many')['Spec']
    labels = {'tier': 'web', 'empty': '', 'release': '2'}
    result = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='many', labels=labels))
    # A mapping by the keys that changed, as swarm_stack says it; the diff has the whole of it.
    assert result['actions'] == ['update service many: labels.release None -> 2']
    assert result['diff'] == {
        'before': {'state': 'present', 'labels': {'tier': 'web', 'empty': ''}},
        'after': {'state': 'present', 'labels': labels},
    }
    after = inspect(swarm, 'many')['Spec']
    assert after.pop('Labels') == labels
    before.pop('Labels')
    assert after == before, 'every option the task left out keeps its live value'


def test_a_rolling_update_replaces_tasks_in_waves(swarm):
    create = dict(
        name='roll',
        image='swarmops/web:1',
        replicas=6,
        endpoint_mode='dnsrr',
        update_config=dict(parallelism=2, delay='3s', monitor='1s'),
        rollback_config=dict(parallelism=6, monitor='1s'),
    )
    run_module(swarm.inventory, MANAGER, MODULE, create)
    result = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='roll', image='swarmops/web:2'))
    assert result['actions'] == ['update service roll: image swarmops/web:1 -> swarmops/web:2']
    assert result['service']['update_status']['state'] == 'completed'

    new_tasks = [task for task in running(swarm, 'roll') if task['Spec']['ContainerSpec']['Image'] == 'swarmops/web:2']
    assert len(new_tasks) == 6
    created = sorted(timestamp(task['CreatedAt']) for task in new_tasks)
    waves = [created[index : index + 2] for index in range(0, 6, 2)]
    assert all(wave[1] - wave[0] < 1.5 for wave in waves), created
    assert all(later[0] - earlier[1] >= 2.5 for earlier, later in zip(waves, waves[1:])), created
    assert result['waited_seconds'] >= 6
    assert result['waited_for'] == ['service roll: 6/6 tasks running, none stopped within the 1s stability window'], (
        'the window is the update monitor'
    )


def test_a_failing_health_check_rolls_back_and_fails_naming_the_tasks(swarm):
    run_module(
        swarm.inventory,
        MANAGER,
        MODULE,
        dict(
            name='fragile',
            image='swarmops/web:1',
            replicas=2,
            endpoint_mode='dnsrr',
            update_config=dict(failure_action='rollback', monitor='4s'),
            rollback_config=dict(parallelism=2, monitor='1s'),
        ),
    )
    failed = run_module(
        swarm.inventory,
        MANAGER,
        MODULE,
        dict(name='fragile', healthcheck=dict(test=['CMD', 'false'], interval='1s', timeout='1s', retries=1)),
        expect_failure=True,
    )
    assert failed['msg'].startswith(
        'Service fragile: the update failed and the engine rolled it back (rollback_completed'
    )
    assert 'Failing tasks: fragile.' in failed['msg']
    service = inspect(swarm, 'fragile')
    assert 'Healthcheck' not in container_spec(service), 'back on the previous spec'
    assert service['UpdateStatus']['State'] == 'rollback_completed'
    # The engine calls the rollback completed once it replaced the task it had updated; on a loaded machine the
    # replacement may still be starting then (CI saw 1 of 2 running).
    wait_for(lambda: len(running(swarm, 'fragile')) == 2, 'both replicas of fragile running on the previous spec')
    assert all('Healthcheck' not in task['Spec']['ContainerSpec'] for task in running(swarm, 'fragile'))


def test_a_crash_looping_service_is_not_converged_and_the_failure_names_its_exit_code(swarm):
    # Each task runs for a second: long enough to be seen running, not to stay up for the stability window.
    crashing = dict(
        name='crashing',
        image='swarmops/web:1',
        endpoint_mode='dnsrr',
        command=['sh', '-c', 'sleep 1; exit 3'],
        restart_policy=dict(condition='on-failure', delay='1s'),
        wait_timeout=10,
    )
    failed = run_module(swarm.inventory, MANAGER, MODULE, crashing, expect_failure=True)
    assert failed['msg'].startswith('Timed out after 10s waiting for service crashing to converge; last seen: ')
    assert 'crashing.1 (' in failed['msg'] and 'failed (task: non-zero exit (3)), exit code 3' in failed['msg']
    run_module(swarm.inventory, MANAGER, MODULE, dict(name='crashing', state='absent', wait=False))


def test_rollback_restores_the_previous_spec_once(swarm):
    result = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='roll', rollback=True))
    assert result['actions'] == ['roll service roll back to its previous spec: image swarmops/web:2 -> swarmops/web:1']
    service = inspect(swarm, 'roll')
    assert container_spec(service)['Image'] == 'swarmops/web:1'
    assert service['UpdateStatus']['State'] == 'rollback_completed'
    assert {task['Spec']['ContainerSpec']['Image'] for task in running(swarm, 'roll')} == {'swarmops/web:1'}


def test_scale(swarm):
    result = run_module(swarm.inventory, MANAGER, MODULE, dict(name='roll', replicas=3))
    assert result['actions'] == ['update service roll: replicas 6 -> 3']
    assert len(running(swarm, 'roll')) == 3
    assert not run_module(swarm.inventory, MANAGER, MODULE, dict(name='roll', replicas=3), check=True).changed


def test_a_global_service_runs_once_per_node_and_its_mode_changes_only_by_recreation(swarm):
    # The stability window is not what this test is about: a short one keeps it quick.
    agent = dict(name='agent', image='swarmops/web:1', mode='global', endpoint_mode='dnsrr', wait_stability='1s')
    result = run_module(swarm.inventory, MANAGER, MODULE, agent)
    assert result['service']['running_tasks'] == 5
    assert not run_module(swarm.inventory, MANAGER, MODULE, agent, check=True).changed
    assert len({task['NodeID'] for task in running(swarm, 'agent')}) == 5

    refused = run_module(
        swarm.inventory, MANAGER, MODULE, dict(name='agent', mode='replicated', replicas=1), expect_failure=True
    )
    assert 'Service agent is global; the task asks for replicated' in refused['msg']
    assert inspect(swarm, 'agent')['Spec']['Mode'] == {'Global': {}}

    recreated = run_module(
        swarm.inventory,
        MANAGER,
        MODULE,
        dict(name='agent', mode='replicated', replicas=1, recreate=True, wait_stability='1s'),
    )
    assert [action.split(':')[0] for action in recreated['actions']] == [
        'remove service agent to re-create it',
        'create service agent (replicated, 1 replica, image swarmops/web',
    ]
    assert inspect(swarm, 'agent')['Spec']['Mode'] == {'Replicated': {'Replicas': 1}}
    assert len(running(swarm, 'agent')) == 1


def test_a_replicated_job_runs_to_completion_once(swarm):
    result = run_four_times(
        swarm.inventory,
        MANAGER,
        MODULE,
        dict(
            name='once',
            image='swarmops/web:1',
            mode='replicated-job',
            replicas=3,
            max_concurrent=2,
            command=['true'],
            restart_policy=dict(condition='none'),
        ),
    )
    assert result['service']['completed_tasks'] == 3
    states = [task['Status']['State'] for task in tasks(swarm, 'once')]
    assert states == ['complete'] * 3


def test_start_interval_is_refused_clearly_before_api_1_44_and_kept_after(swarm):
    options = dict(name='roll', healthcheck=dict(start_interval='1s'))
    if swarm.api_version(MANAGER) < (1, 44):
        result = run_module(swarm.inventory, MANAGER, MODULE, options, expect_failure=True)
        assert 'speaks API 1.41; healthcheck.start_interval needs API 1.44 or newer' in result['msg']
        return
    run_four_times(swarm.inventory, MANAGER, MODULE, options)
    healthcheck = inspect(swarm, 'roll')['Spec']['TaskTemplate']['ContainerSpec']['Healthcheck']
    assert healthcheck['StartInterval'] == 1000000000


# Options of the current docker CLI that every sandbox engine (API 1.41 and newer) has.
EVERY_ENGINE = dict(
    name='platformed',
    image='swarmops/web:1',
    endpoint_mode='dnsrr',
    placement=dict(platforms=[dict(architecture='amd64', os='linux')]),
    mounts=[dict(type='bind', source='/tmp', target='/host-tmp', bind_recursive='disabled')],
    wait_timeout=60,
)

# Options of newer engines: (options, the API version that has them, what the engine stores).
NEWER = [
    (dict(privileges=dict(no_new_privileges=True)), '1.44', ('Privileges', 'NoNewPrivileges'), True),
    (dict(privileges=dict(apparmor='disabled')), '1.44', ('Privileges', 'AppArmor', 'Mode'), 'disabled'),
    (dict(privileges=dict(seccomp=dict(mode='unconfined'))), '1.44', ('Privileges', 'Seccomp', 'Mode'), 'unconfined'),
    (dict(oom_score_adj=100), '1.46', ('OomScoreAdj',), 100),
]


def test_platforms_and_a_non_recursive_bind_work_on_every_engine(swarm):
    result = run_four_times(swarm.inventory, MANAGER, MODULE, EVERY_ENGINE)
    assert result['service']['running_tasks'] == 1
    service = inspect(swarm, 'platformed')
    assert service['Spec']['TaskTemplate']['Placement']['Platforms'] == [{'Architecture': 'amd64', 'OS': 'linux'}]
    assert container_spec(service)['Mounts'] == [
        # The engine adds the default propagation.
        {
            'Type': 'bind',
            'Source': '/tmp',
            'Target': '/host-tmp',
            'BindOptions': {'Propagation': 'rprivate', 'NonRecursive': True},
        }
    ]


def test_options_of_newer_engines_are_refused_by_name_on_older_ones_and_stored_on_newer(swarm):
    api = swarm.api_version(MANAGER)
    too_new, accepted = [], []
    for case in NEWER:
        (too_new if api < tuple(int(part) for part in case[1].split('.')) else accepted).append(case)

    def task(cases, **extra):
        options = dict(name='platformed', **extra)
        for case_options, _needed, _path, _stored in cases:
            for key, value in case_options.items():
                options[key] = dict(options.get(key) or {}, **value) if isinstance(value, dict) else value
        return options

    if too_new:
        before = inspect(swarm, 'platformed')['Spec']
        result = run_module(swarm.inventory, MANAGER, MODULE, task(too_new), expect_failure=True)
        assert 'speaks API %d.%d' % api in result['msg']
        for case_options, needed, _path, _stored in too_new:
            key, value = next(iter(case_options.items()))
            name = '%s.%s' % (key, next(iter(value))) if isinstance(value, dict) else key
            assert '%s needs API %s or newer' % (name, needed) in result['msg'], result['msg']
        assert inspect(swarm, 'platformed')['Spec'] == before, 'nothing is written'
    if accepted:
        run_four_times(swarm.inventory, MANAGER, MODULE, task(accepted, wait_timeout=60))
        container = container_spec(inspect(swarm, 'platformed'))
        for _options, _needed, path, stored in accepted:
            value = container
            for key in path:
                value = value[key]
            assert value == stored, (path, container)


def test_a_volume_subpath_is_refused_before_api_1_45_and_stored_from_it(swarm):
    # The subpath does not exist in the fresh volume, so the tasks fail: only the spec is checked, without waiting.
    options = dict(
        name='subpathed',
        image='swarmops/web:1',
        endpoint_mode='dnsrr',
        mounts=[dict(type='volume', source='subvol', target='/data', subpath='www')],
        restart_policy=dict(condition='none'),
        wait=False,
    )
    if swarm.api_version(MANAGER) < (1, 45):
        result = run_module(swarm.inventory, MANAGER, MODULE, options, expect_failure=True)
        assert 'mounts needs API 1.45 or newer' in result['msg']
        return
    run_four_times(swarm.inventory, MANAGER, MODULE, options)
    assert container_spec(inspect(swarm, 'subpathed'))['Mounts'][0]['VolumeOptions'] == {'Subpath': 'www'}


def test_absent_removes_the_service_and_waits_for_its_tasks(swarm):
    result = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='many', state='absent'))
    assert result['actions'] == ['remove service many']
    assert swarm.sh(MANAGER, 'docker service ls -q --filter name=many') == ''
    for worker in swarm.workers:
        assert swarm.sh(worker, 'docker ps -q --filter label=com.docker.swarm.service.name=many') == ''


# -- networks compare by what they resolve to: the swarm's own host network ----------------------------------


def swarm_scope_network_id(swarm, name):
    """The ID the swarm gives its predefined network of this name, which `docker network ls` never shows."""
    return swarm.sh(
        MANAGER,
        'python3 -c "import docker; print(docker.APIClient().inspect_network(\'%s\', scope=\'swarm\')[\'Id\'])"' % name,
    )


def test_the_host_network_is_unchanged_on_the_next_run_by_name_or_by_id(swarm):
    # node-exporter's way: one task per node, in the node's own network namespace.
    agent = dict(name='hostagent', image='swarmops/web:1', mode='global', networks=['host'], wait_stability='1s')
    result = run_four_times(swarm.inventory, MANAGER, MODULE, agent)
    assert result['actions'] == ['create service hostagent (global, image swarmops/web:1)']
    assert result['diff']['after']['networks'] == ['host']
    swarm_host = swarm_scope_network_id(swarm, 'host')
    local_host = swarm.sh(MANAGER, "docker network inspect -f '{{.Id}}' host")
    assert swarm_host != local_host
    service = inspect(swarm, 'hostagent')
    assert service['Spec']['TaskTemplate']['Networks'] == [{'Target': swarm_host}]
    task_ids = sorted(task['ID'] for task in running(swarm, 'hostagent'))
    assert len(task_ids) == 5

    for given in (swarm_host, swarm_host[:12], local_host):
        for check in (True, False):
            again = run_module(swarm.inventory, MANAGER, MODULE, dict(agent, networks=[given]), check=check)
            assert not again.changed, (given, again['actions'])
            assert again['diff']['before'] == again['diff']['after']
    assert inspect(swarm, 'hostagent')['Version'] == service['Version'], 'never updated'
    assert sorted(task['ID'] for task in running(swarm, 'hostagent')) == task_ids, 'no task restarted'
    swarm.sh(MANAGER, 'docker service rm hostagent')


def test_a_service_the_docker_cli_put_on_the_host_network_is_unchanged(swarm):
    # No replicas: a second service on the nodes' own port 80 is not what this test is about.
    swarm.sh(
        MANAGER,
        'docker service create -d --name hostcli --network host --replicas 0 --no-resolve-image swarmops/web:1',
    )
    version = inspect(swarm, 'hostcli')['Version']
    for check in (True, False):
        result = run_module(swarm.inventory, MANAGER, MODULE, dict(name='hostcli', networks=['host']), check=check)
        assert not result.changed, result['actions']
        assert result['diff']['before'] == result['diff']['after'] == dict(state='present', networks=['host'])
    assert inspect(swarm, 'hostcli')['Version'] == version
    swarm.sh(MANAGER, 'docker service rm hostcli')


# -- a service no node can take yet ----------------------------------------------------------------------------

PCI = dict(
    name='pci',
    image='swarmops/web:1',
    replicas=1,
    endpoint_mode='dnsrr',
    placement=dict(constraints=['node.labels.pcidss==yes']),
    wait_stability='1s',
)
PCI_WARNING = (
    'No node matches the placement constraints of service pci (node.labels.pcidss==yes) yet: its tasks stay pending '
    'until a node does, and this run did not wait for them.'
)


def pci_warnings(result):
    return [warning for warning in result.get('warnings') or [] if 'service pci ' in warning]


def test_a_constraint_no_node_matches_yet_fails_fast_with_wait_and_deploys_with_a_warning_without(swarm):
    refused = run_module(swarm.inventory, MANAGER, MODULE, PCI, expect_failure=True)
    assert refused['msg'].startswith(
        'No node matches the placement constraints of service pci (node.labels.pcidss==yes), so its tasks cannot '
        'start until a node does, and this run would wait for them.'
    )
    assert 'set wait: false' in refused['msg']
    assert swarm.sh(MANAGER, 'docker service ls -q --filter name=pci') == ''

    created = run_four_times(swarm.inventory, MANAGER, MODULE, dict(PCI, wait=False))
    assert created['actions'] == ['create service pci (replicated, 1 replica, image swarmops/web:1)']
    (warning,) = pci_warnings(created)
    assert warning.startswith(PCI_WARNING)
    service = inspect(swarm, 'pci')
    assert service['Spec']['TaskTemplate']['Placement']['Constraints'] == ['node.labels.pcidss==yes']
    assert running(swarm, 'pci') == []
    (pending,) = [task for task in tasks(swarm, 'pci') if task['DesiredState'] == 'running']
    assert pending['Status']['State'] == 'pending' and 'no suitable node' in pending['Status']['Err']

    # A run that changes nothing never fails for it, and does not wait for the pending task, with wait too.
    for check in (True, False):
        unchanged = run_module(swarm.inventory, MANAGER, MODULE, PCI, check=check)
        assert not unchanged.changed and pci_warnings(unchanged) == [warning]
        assert check or unchanged['waited_for'] == []
    # A change the run would wait for still fails fast, and changes nothing.
    scaled = run_module(swarm.inventory, MANAGER, MODULE, dict(PCI, replicas=2), expect_failure=True)
    assert scaled['msg'].startswith(
        'No node matches the placement constraints of service pci (node.labels.pcidss==yes)'
    )
    assert inspect(swarm, 'pci')['Version'] == service['Version']

    # The operator labels a node: the pending task runs there, and the warning is gone.
    swarm.sh(MANAGER, 'docker node update --label-add pcidss=yes worker1')
    placed = run_module(swarm.inventory, MANAGER, MODULE, PCI)
    assert not placed.changed and pci_warnings(placed) == []
    (task,) = running(swarm, 'pci')
    assert swarm.sh(MANAGER, "docker node inspect -f '{{.Description.Hostname}}' %s" % task['NodeID']) == 'worker1'
    swarm.sh(MANAGER, 'docker service rm pci && docker node update --label-rm pcidss worker1')
