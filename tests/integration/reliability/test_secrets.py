# -*- coding: utf-8 -*-
"""No secret in any output: every module path that carries one runs at -vvv with --diff, for real and in check mode,
and the whole captured output is searched for each secret value.

The secrets: the join tokens and the unlock key (after their rotation, as swarm_join, swarm_info and swarm_unlock
handle them), the key of a given root CA (swarm_ca), a stack secret read from a file on the managed node, a value
that reaches the stack through its secret_env option from the controller's environment, a registry password that
with_registry_auth sends, and swarm_secret's content given as text, as base64 and as a file on the controller, then
rotated to a new value while a service uses it. Tasks whose results hold a secret set no_log, as the modules
document; the tasks that take a secret as input do not, so the modules themselves must keep it out of their results,
diffs and errors.
"""

import base64
import json
import secrets

from tests.integration.ansible_runner import ansible_environment, run_playbook
from tests.integration.pki import make_root_ca

# Formed, rotated and joined; the CA replaced; a stack with a file secret, an environment value and registry auth.
FIRST_PLAYBOOK = '''
- hosts: manager1
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_init:
        advertise_addr: "{{ sandbox_address }}"
        autolock_managers: true
      no_log: true
    - swarmops.swarm.swarm_init:
        rotate_worker_token: true
        rotate_manager_token: true
        rotate_unlock_key: true
      register: swarm
      no_log: true
- hosts: manager2:manager3:worker1
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_join:
        remote_addrs: ["{{ hostvars.manager1.swarm.manager_addr }}"]
        worker_token: "{{ hostvars.manager1.swarm.join_tokens.worker }}"
        manager_token: "{{ hostvars.manager1.swarm.join_tokens.manager }}"
        role: "{{ 'manager' if inventory_hostname in groups.managers else 'worker' }}"
- hosts: manager1
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_ca:
        signing_ca_cert: "{{ lookup('ansible.builtin.file', ca_cert_file) }}"
        signing_ca_key: "{{ lookup('ansible.builtin.file', ca_key_file) }}"
    - swarmops.swarm.swarm_stack:
        name: vault
        with_registry_auth: true
        wait_stability: 1
        secret_env:
          API_TOKEN: "{{ lookup('ansible.builtin.env', 'SWARMOPS_TEST_API_TOKEN') }}"
        compose:
          - services:
              app:
                image: swarmops/web:1
                environment: [API_TOKEN]
                secrets: [db_password]
            secrets:
              db_password:
                file: /root/db_password
    - swarmops.swarm.swarm_secret:
        name: api_key
        data: "{{ lookup('ansible.builtin.env', api_key_variable) }}"
        rotate: true
      register: api_key_secret
    - swarmops.swarm.swarm_secret:
        name: keystore
        data: "{{ lookup('ansible.builtin.env', 'SWARMOPS_TEST_KEYSTORE') | b64encode }}"
        data_is_b64: true
    - swarmops.swarm.swarm_secret:
        name: tls_key
        data_src: "{{ controller_secret_file }}"
        data_source: controller
    - swarmops.swarm.swarm_service:
        name: api
        image: swarmops/web:1
        secrets: [{source: "{{ api_key_secret.secret.name }}", target: api_key}]
        wait_stability: 1
    # The check run passes the rotated value to the first api_key task too, as a playbook that follows the rotation
    # does: every task then compares its content with the live version's digest label.
    - swarmops.swarm.swarm_secret:
        name: api_key
        data: "{{ lookup('ansible.builtin.env', 'SWARMOPS_TEST_API_KEY_ROTATED') }}"
        rotate: true
        wait_stability: 1
'''

# manager2 restarted, so locked (manager1 and manager3 keep the quorum): the unlock key from swarm_info unlocks it.
UNLOCK_PLAYBOOK = '''
- hosts: manager1
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_info:
        join_tokens: true
        unlock_key: true
      register: secrets
      no_log: true
- hosts: manager2
  gather_facts: false
  tasks:
    - swarmops.swarm.swarm_unlock:
        unlock_key: "{{ hostvars.manager1.secrets.unlock_key }}"
'''


def test_no_secret_appears_in_any_output_at_vvv_with_diff_real_or_checked(swarm_sandbox, tmp_path):
    swarm_sandbox.reset()
    file_secret, env_secret, registry_password = ('%s-%s' % (kind, secrets.token_hex(12)) for kind in 'fer')
    api_key, api_key_rotated, keystore, tls_key = ('%s-%s' % (kind, secrets.token_hex(12)) for kind in 'akst')
    controller_secret_file = tmp_path / 'tls.key'
    controller_secret_file.write_text(tls_key)
    swarm_sandbox.sh('manager1', 'printf %%s %s > /root/db_password' % file_secret)
    registry_auth = base64.b64encode(('swarmops:%s' % registry_password).encode()).decode()
    docker_config = json.dumps({'auths': {'https://index.docker.io/v1/': {'auth': registry_auth}}})
    swarm_sandbox.sh('manager1', "mkdir -p /root/.docker && echo '%s' > /root/.docker/config.json" % docker_config)
    ca_cert, ca_key = make_root_ca(tmp_path, 'swarmops secrets test root')
    playbook, unlock_playbook = tmp_path / 'secrets.yml', tmp_path / 'unlock.yml'
    playbook.write_text(FIRST_PLAYBOOK)
    unlock_playbook.write_text(UNLOCK_PLAYBOOK)
    env = ansible_environment(
        SWARMOPS_TEST_API_TOKEN=env_secret,
        SWARMOPS_TEST_API_KEY=api_key,
        SWARMOPS_TEST_API_KEY_ROTATED=api_key_rotated,
        SWARMOPS_TEST_KEYSTORE=keystore,
    )
    extra = [
        '-vvv',
        '--diff',
        '-e',
        'ca_cert_file=%s ca_key_file=%s controller_secret_file=%s' % (ca_cert, ca_key, controller_secret_file),
    ]

    first_key, rotated_key = ('api_key_variable=SWARMOPS_TEST_API_KEY%s' % suffix for suffix in ('', '_ROTATED'))
    outputs = [run_playbook(swarm_sandbox.inventory, playbook, *extra, '-e', first_key, env=env)[1]]
    # It all happened: the members joined, the swarm is locked, trusts the given root and runs the stack's secret.
    assert sorted(swarm_sandbox.node_list('manager1')) == ['manager1', 'manager2', 'manager3', 'worker1']
    assert swarm_sandbox.swarm_inspect('manager1')['Spec']['EncryptionConfig']['AutoLockManagers']
    assert swarm_sandbox.swarm_inspect('manager1')['TLSInfo']['TrustRoot'].strip() == ca_cert.read_text().strip()
    secret_names = swarm_sandbox.sh('manager1', "docker secret ls --format '{{.Name}}'").split()
    rotated = [name for name in secret_names if name.startswith('api_key-')]
    assert sorted(set(secret_names) - set(rotated)) == ['keystore', 'tls_key', 'vault_db_password'], secret_names
    assert len(rotated) == 1, secret_names
    api_secrets = swarm_sandbox.sh(
        'manager1', "docker service inspect api --format '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}'"
    )
    assert [(item['SecretName'], item['File']['Name']) for item in json.loads(api_secrets)] == [(rotated[0], 'api_key')]

    swarm_sandbox.sandbox.stop_node('manager2')
    swarm_sandbox.sandbox.start_node('manager2')
    assert swarm_sandbox.swarm_info('manager2')['LocalNodeState'] == 'locked'
    outputs.append(run_playbook(swarm_sandbox.inventory, unlock_playbook, *extra, env=env)[1])
    assert swarm_sandbox.swarm_info('manager2')['LocalNodeState'] == 'active'
    # Check mode: the rotations are predicted again, every other task compares its secrets with the live swarm.
    outputs.append(run_playbook(swarm_sandbox.inventory, playbook, '--check', *extra, '-e', rotated_key, env=env)[1])
    outputs.append(run_playbook(swarm_sandbox.inventory, unlock_playbook, '--check', *extra, env=env)[1])

    key_body = ''.join(ca_key.read_text().split('-----')[2].split())
    secret_values = dict(
        worker_token=swarm_sandbox.token('manager1', 'worker'),
        manager_token=swarm_sandbox.token('manager1', 'manager'),
        unlock_key=swarm_sandbox.sh('manager1', 'docker swarm unlock-key -q'),
        ca_key_start=key_body[:40],
        ca_key_end=key_body[-40:],
        file_secret=file_secret,
        env_secret=env_secret,
        registry_password=registry_password,
        registry_auth=registry_auth,
        api_key=api_key,
        api_key_rotated=api_key_rotated,
        keystore=keystore,
        keystore_b64=base64.b64encode(keystore.encode()).decode(),
        tls_key=tls_key,
    )
    for run, output in enumerate(outputs, 1):
        assert 'PLAY RECAP' in output and 'ESTABLISH DOCKER CONNECTION' in output, output
        # A key wrapped over lines (or over escaped newlines, in JSON) still matches.
        joined = ''.join(output.replace('\\n', ' ').split())
        leaked = sorted(name for name, value in secret_values.items() if value in output or value in joined)
        assert not leaked, 'run %d showed %s:\n%s' % (run, ', '.join(leaked), output)
