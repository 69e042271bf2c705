# -*- coding: utf-8 -*-
"""playbooks/cluster.yml (the swarm_cluster role) forms or extends the sandbox's swarm, idempotently, and never shows a
secret."""

import json
import re

import yaml
from ansible.parsing.vault import VaultLib, VaultSecret

from tests.integration.ansible_runner import REPO_ROOT, run_playbook

PLAYBOOK = REPO_ROOT / 'playbooks' / 'cluster.yml'


def recap(output):
    """{host: {'ok': n, 'changed': n, 'failed': n, ...}} from the PLAY RECAP."""
    hosts = {}
    for host, counters in re.findall(r'^(\S+)\s+:\s+(ok=.*)$', output, re.MULTILINE):
        hosts[host] = dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counters))
    return hosts


def test_forms_the_swarm_then_changes_nothing_and_never_shows_a_token(swarm_sandbox):
    swarm_sandbox.reset()
    first_output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--diff', '-vvv')[1]

    nodes = swarm_sandbox.node_list('manager1')
    assert set(nodes) == set(swarm_sandbox.managers + swarm_sandbox.workers)
    assert all(node['status'] == 'Ready' for node in nodes.values())
    assert [name for name, node in sorted(nodes.items()) if node['manager_status']] == swarm_sandbox.managers
    assert nodes['manager1']['manager_status'] == 'Leader'
    assert recap(first_output)['worker2']['changed'] == 1

    second_output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--diff', '-vvv')[1]
    assert set(recap(second_output)) == set(nodes)
    assert all(counters['changed'] == 0 and counters['failed'] == 0 for counters in recap(second_output).values())

    secrets = [swarm_sandbox.token('manager1', 'worker'), swarm_sandbox.token('manager1', 'manager')]
    for output in (first_output, second_output):
        for secret in secrets:
            assert secret not in output
            assert secret.split('-')[-1] not in output, 'the secret part of a join token was shown'


def test_sets_the_swarm_settings_and_autolock_and_keeps_the_unlock_key_in_a_vault_file(swarm_sandbox, tmp_path):
    swarm_sandbox.reset()
    key_file = tmp_path / 'unlock_key.yml'
    settings = json.dumps(
        dict(
            swarm_cluster_autolock_managers=True,
            swarm_cluster_task_history_retention_limit=2,
            swarm_cluster_dispatcher_heartbeat_period='2s',
            swarm_cluster_swarm_labels={'env': 'test'},
            swarm_cluster_unlock_key_file=str(key_file),
            swarm_cluster_unlock_key_vault_password='the vault password',
        )
    )
    outputs = [run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--diff', '-vvv', '-e', settings)[1]]

    spec = swarm_sandbox.swarm_inspect('manager1')['Spec']
    assert spec['EncryptionConfig']['AutoLockManagers'] is True
    assert spec['Orchestration']['TaskHistoryRetentionLimit'] == 2
    assert spec['Dispatcher']['HeartbeatPeriod'] == 2 * 10**9
    assert spec['Labels'] == {'env': 'test'}
    unlock_key = swarm_sandbox.sh('manager1', 'docker swarm unlock-key -q')
    vaulted = key_file.read_text()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert vaulted.startswith('$ANSIBLE_VAULT;')
    vault = VaultLib([('default', VaultSecret(b'the vault password'))])
    assert yaml.safe_load(vault.decrypt(vaulted)) == {'swarm_cluster_unlock_key': unlock_key}

    outputs.append(run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--diff', '-vvv', '-e', settings)[1])
    outputs.append(run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--check', '--diff', '-vvv', '-e', settings)[1])
    for output in outputs[1:]:
        assert all(counters['changed'] == 0 and counters['failed'] == 0 for counters in recap(output).values())
    assert key_file.read_text() == vaulted, 'the file was written again with the same key'
    for output in outputs:
        assert unlock_key not in output and unlock_key.split('-')[-1] not in output, 'the unlock key was shown'


def regrouped_inventory(swarm_sandbox, directory, managers, workers, host_vars=None):
    """The sandbox's inventory with other hosts in the managers and workers groups, and extra host variables."""
    inventory = yaml.safe_load(swarm_sandbox.inventory.read_text())
    hosts = {}
    for group in inventory['all']['children'].values():
        hosts.update(group['hosts'])
    for host, variables in (host_vars or {}).items():
        hosts[host] = dict(hosts[host], **variables)
    inventory['all']['children'] = {
        'managers': {'hosts': dict((host, hosts[host]) for host in managers)},
        'workers': {'hosts': dict((host, hosts[host]) for host in workers)},
    }
    path = directory / 'inventory.yml'
    path.write_text(yaml.safe_dump(inventory))
    return path


def node_spec(swarm_sandbox, manager, node):
    return json.loads(swarm_sandbox.sh(manager, "docker node inspect %s --format '{{json .Spec}}'" % node))


def test_extends_the_swarm_from_any_manager_moves_hosts_between_groups_and_rejoins_a_rebuilt_host(
    swarm_sandbox, tmp_path
):
    # manager1, the first host of the managers group, is not in the swarm: the swarm is extended from manager2.
    swarm_sandbox.form_swarm(managers=['manager2', 'manager3'], workers=['worker1', 'worker2'])
    swarm_id = swarm_sandbox.swarm_info('manager2')['Cluster']['ID']
    # worker2's engine forgets the swarm, as a rebuilt machine's would; the swarm keeps its node, down.
    swarm_sandbox.sh('worker2', 'docker swarm leave')
    swarm_sandbox.wait_for_node_status('manager2', 'worker2', 'Down')
    inventory = regrouped_inventory(
        swarm_sandbox,
        tmp_path,
        managers=['manager1', 'manager2', 'worker1'],
        workers=['manager3', 'worker2'],
        host_vars={
            'worker2': {'swarm_cluster_node_labels': {'zone': 'b', 'ssd': ''}},
            'manager3': {'swarm_cluster_node_availability': 'drain'},
        },
    )

    run_playbook(inventory, PLAYBOOK, '--diff')

    assert swarm_sandbox.swarm_info('manager1')['Cluster']['ID'] == swarm_id
    nodes = swarm_sandbox.node_list('manager2')
    assert len(swarm_sandbox.sh('manager2', 'docker node ls -q').split()) == 5, 'the old worker2 node is still listed'
    assert all(node['status'] == 'Ready' for node in nodes.values())
    assert sorted(name for name, node in nodes.items() if node['manager_status']) == ['manager1', 'manager2', 'worker1']
    assert node_spec(swarm_sandbox, 'manager2', 'worker2')['Labels'] == {'zone': 'b', 'ssd': ''}
    assert nodes['manager3']['availability'] == 'Drain'

    again = run_playbook(inventory, PLAYBOOK, '--diff')[1]
    assert all(counters['changed'] == 0 and counters['failed'] == 0 for counters in recap(again).values())


def test_refuses_to_merge_two_swarms(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1'])
    swarm_sandbox.sh('manager2', 'docker swarm init --advertise-addr %s' % swarm_sandbox.address['manager2'])
    other_swarm_id = swarm_sandbox.swarm_info('manager2')['Cluster']['ID']

    returncode, output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, check=False)

    assert returncode != 0
    assert 'belong to 2 different swarms' in output
    assert swarm_sandbox.swarm_info('manager2')['Cluster']['ID'] == other_swarm_id
    assert swarm_sandbox.swarm_info('manager3')['LocalNodeState'] == 'inactive', 'a host joined although the run failed'
