# -*- coding: utf-8 -*-
"""playbooks/rotate_ca.yml with a given root CA: every node trusts it, a second run changes nothing, and neither the
CA key nor the unlock key appears in a -vvv run's output."""

from tests.integration.ansible_runner import REPO_ROOT, run_playbook
from tests.integration.playbooks.test_cluster import recap
from tests.integration.pki import make_root_ca


def test_rotating_to_a_given_root_then_again_and_no_key_in_the_output(swarm_sandbox, tmp_path):
    swarm_sandbox.form_swarm(managers=['manager1', 'manager2'], workers=['worker1'])
    certificate, key = make_root_ca(tmp_path, 'swarmops playbook root')
    extra = ['-e', 'swarm_ca_cert_file=%s' % certificate, '-e', 'swarm_ca_key_file=%s' % key, '-vvv', '--diff']

    first = run_playbook(swarm_sandbox.inventory, REPO_ROOT / 'playbooks' / 'rotate_ca.yml', *extra)[1]
    assert '3 of 3 nodes trust it' in first
    second = run_playbook(swarm_sandbox.inventory, REPO_ROOT / 'playbooks' / 'rotate_ca.yml', *extra)[1]
    assert recap(second)['manager1']['changed'] == 0

    unlock_playbook = tmp_path / 'autolock.yml'
    unlock_playbook.write_text('''
- hosts: managers[0]
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_init:
        autolock_managers: true
      register: swarm
      no_log: true
- hosts: manager1:manager2
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_unlock:
        unlock_key: "{{ hostvars[groups['managers'][0]].swarm.unlock_key }}"
''')
    autolock = run_playbook(swarm_sandbox.inventory, unlock_playbook, '-vvv', '--diff')[1]

    key_body = ''.join(key.read_text().split('-----')[2].split())
    unlock_key = swarm_sandbox.sh('manager1', 'docker swarm unlock-key -q')
    for output in (first, second, autolock):
        assert key_body[:40] not in ''.join(output.split())
        assert unlock_key not in output
