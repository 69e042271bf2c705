# -*- coding: utf-8 -*-
"""playbooks/deploy_stack.yml deploys a compose file kept on the controller, shows the services with their replicas,
changes nothing on a second run, and removes a service the file no longer declares when asked to prune."""

import json

import yaml

from tests.integration.ansible_runner import REPO_ROOT, run_playbook
from tests.integration.playbooks.test_cluster import recap

PLAYBOOK = REPO_ROOT / 'playbooks' / 'deploy_stack.yml'


def compose(services):
    return yaml.safe_dump(
        {
            'services': dict(
                (
                    name,
                    {
                        'image': 'swarmops/web:1',
                        'environment': {'GREETING': '${GREETING}'},
                        'deploy': {'replicas': 2, 'endpoint_mode': 'dnsrr'},
                    },
                )
                for name in services
            )
        }
    )


def stack_services(swarm_sandbox):
    rows = swarm_sandbox.sh(
        'manager1', "docker service ls --filter label=com.docker.stack.namespace=pbstack --format '{{json .}}'"
    ).splitlines()
    return dict((row['Name'], row) for row in map(json.loads, rows))


def test_deploys_shows_the_replicas_changes_nothing_again_then_prunes(swarm_sandbox, tmp_path):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1'])
    compose_file = tmp_path / 'stack.yml'
    compose_file.write_text(compose(['web', 'api']))
    extra = [
        '-e',
        'deploy_stack_name=pbstack',
        '-e',
        'deploy_stack_compose_files=%s' % compose_file,
        '-e',
        '{"deploy_stack_env": {"GREETING": "hello"}}',
    ]

    first = run_playbook(swarm_sandbox.inventory, PLAYBOOK, *extra)[1]
    services = stack_services(swarm_sandbox)
    assert sorted(services) == ['pbstack_api', 'pbstack_web']
    assert all(row['Image'] == 'swarmops/web:1' and row['Replicas'] == '2/2' for row in services.values())
    assert 'pbstack_web  swarmops/web:1  replicated  2/2 running' in first
    env = swarm_sandbox.sh(
        'manager1', "docker service inspect pbstack_web --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'"
    )
    assert json.loads(env) == ['GREETING=hello']

    again = run_playbook(swarm_sandbox.inventory, PLAYBOOK, *extra)[1]
    assert recap(again)['manager1']['changed'] == 0

    compose_file.write_text(compose(['web']))
    run_playbook(swarm_sandbox.inventory, PLAYBOOK, *extra, '-e', 'deploy_stack_prune=true')
    assert sorted(stack_services(swarm_sandbox)) == ['pbstack_web']


def test_refuses_to_run_without_a_stack_name(swarm_sandbox):
    returncode, output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, check=False)
    assert returncode != 0
    assert 'deploy_stack needs deploy_stack_name' in output
