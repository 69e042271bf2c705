# -*- coding: utf-8 -*-
"""swarm_init against the real sandbox: every case in check mode, for real, again, and again in check mode."""

from tests.integration.ansible_runner import run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_init'


def test_creates_a_swarm_with_the_given_settings(swarm_sandbox):
    swarm_sandbox.reset()
    address = swarm_sandbox.address['manager1']
    result = run_four_times(
        swarm_sandbox.inventory,
        'manager1',
        MODULE,
        dict(
            advertise_addr=address,
            task_history_retention_limit=3,
            node_cert_expiry='720h',
            default_addr_pool=['10.77.0.0/16'],
            subnet_size=26,
            labels={'env': 'sandbox', 'empty': ''},
        ),
    )

    info = swarm_sandbox.swarm_info('manager1')
    assert info['LocalNodeState'] == 'active' and info['ControlAvailable'] is True
    live = swarm_sandbox.swarm_inspect('manager1')
    assert live['ID'] == result['swarm_id']
    assert live['Spec']['Orchestration']['TaskHistoryRetentionLimit'] == 3
    assert live['Spec']['CAConfig']['NodeCertExpiry'] == 720 * 3600 * 10**9
    assert live['Spec']['Labels'] == {'env': 'sandbox', 'empty': ''}
    assert live['DefaultAddrPool'] == ['10.77.0.0/16'] and live['SubnetSize'] == 26
    assert result['manager_addr'] == '%s:2377' % address
    assert result['join_tokens']['worker'] == swarm_sandbox.token('manager1', 'worker')
    assert result['join_tokens']['manager'] == swarm_sandbox.token('manager1', 'manager')


def test_updates_only_what_differs_and_keeps_the_rest(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=[])
    swarm_sandbox.sh('manager1', 'docker swarm update --task-history-limit 7')
    result = run_four_times(
        swarm_sandbox.inventory,
        'manager1',
        MODULE,
        dict(snapshot_interval=5000, dispatcher_heartbeat_period='10s', keep_old_snapshots=1),
    )

    assert result['actions'] == [
        "update the swarm: snapshot_interval 10000 -> 5000; keep_old_snapshots 0 -> 1; "
        "dispatcher_heartbeat_period '5s' -> '10s'"
    ]
    spec = swarm_sandbox.swarm_inspect('manager1')['Spec']
    assert spec['Raft']['SnapshotInterval'] == 5000 and spec['Raft']['KeepOldSnapshots'] == 1
    assert spec['Dispatcher']['HeartbeatPeriod'] == 10 * 10**9
    assert spec['Orchestration']['TaskHistoryRetentionLimit'] == 7, 'an option the task left out was reset'


def test_init_only_settings_that_differ_are_warned_about(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=[])
    before = swarm_sandbox.swarm_inspect('manager1')
    result = run_module(swarm_sandbox.inventory, 'manager1', MODULE, dict(data_path_port=7789, subnet_size=20))
    assert not result.changed
    assert any('data_path_port is only applied when a swarm is created' in warning for warning in result['warnings'])
    assert swarm_sandbox.swarm_inspect('manager1')['Version'] == before['Version']


def test_token_rotation_replaces_the_token(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=[])
    old_token = swarm_sandbox.token('manager1', 'worker')
    result = run_module(swarm_sandbox.inventory, 'manager1', MODULE, dict(rotate_worker_token=True))
    assert result.changed
    new_token = swarm_sandbox.token('manager1', 'worker')
    assert new_token != old_token and result['join_tokens']['worker'] == new_token
    assert result['join_tokens']['manager'] == swarm_sandbox.token('manager1', 'manager')


def test_autolock_returns_the_unlock_key(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=[])
    result = run_four_times(swarm_sandbox.inventory, 'manager1', MODULE, dict(autolock_managers=True))
    assert swarm_sandbox.swarm_inspect('manager1')['Spec']['EncryptionConfig']['AutoLockManagers'] is True
    assert result['unlock_key'] == swarm_sandbox.sh('manager1', 'docker swarm unlock-key -q')
    run_four_times(swarm_sandbox.inventory, 'manager1', MODULE, dict(autolock_managers=False))
    assert swarm_sandbox.swarm_inspect('manager1')['Spec']['EncryptionConfig']['AutoLockManagers'] is False


def test_on_a_worker_it_says_to_run_on_a_manager(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1'])
    result = run_module(swarm_sandbox.inventory, 'worker1', MODULE, {}, expect_failure=True)
    assert 'This node is a worker of the swarm managed by %s:2377' % swarm_sandbox.address['manager1'] in result['msg']
    assert 'Run it on a manager' in result['msg']


def test_teardown_refuses_while_managers_are_reachable_then_removes_the_last(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1', 'manager2'], workers=[])
    refused = run_module(swarm_sandbox.inventory, 'manager1', MODULE, dict(state='absent'), expect_failure=True)
    assert 'other managers are reachable: manager2' in refused['msg']
    assert swarm_sandbox.swarm_info('manager1')['LocalNodeState'] == 'active'

    swarm_sandbox.demote('manager1', 'manager2')
    swarm_sandbox.sh('manager2', 'docker swarm leave')
    run_four_times(swarm_sandbox.inventory, 'manager1', MODULE, dict(state='absent'))
    assert swarm_sandbox.swarm_info('manager1')['LocalNodeState'] == 'inactive'


def test_force_new_cluster_recovers_a_swarm_that_lost_quorum(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1', 'manager2', 'manager3'], workers=['worker1'])
    swarm_sandbox.sh(
        'manager1',
        'docker service create --detach --name web --replicas 2 --endpoint-mode dnsrr '
        '--no-resolve-image swarmops/web:1',
    )
    service_id = swarm_sandbox.sh('manager1', "docker service inspect --format '{{.ID}}' web")
    swarm_sandbox.sandbox.stop_node('manager2')
    swarm_sandbox.sandbox.stop_node('manager3')
    try:
        swarm_sandbox.wait_for_quorum_loss('manager1')
        lost = run_module(
            swarm_sandbox.inventory, 'manager1', MODULE, dict(task_history_retention_limit=3), expect_failure=True
        )
        assert 'has lost quorum' in lost['msg'] and 'force_new_cluster: true' in lost['msg']

        run_four_times(swarm_sandbox.inventory, 'manager1', MODULE, dict(force_new_cluster=True))

        assert swarm_sandbox.sh('manager1', "docker service inspect --format '{{.ID}}' web") == service_id
        nodes = swarm_sandbox.node_list('manager1')
        assert nodes['manager1']['manager_status'] == 'Leader'
        assert swarm_sandbox.swarm_inspect('manager1')['Spec']['Raft']['SnapshotInterval'] == 10000
    finally:
        swarm_sandbox.sandbox.start_node('manager2')
        swarm_sandbox.sandbox.start_node('manager3')
        swarm_sandbox.reset()
