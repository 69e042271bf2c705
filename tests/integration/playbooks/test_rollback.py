# -*- coding: utf-8 -*-
"""playbooks/rollback.yml returns a service to the image it ran before its last update, and a second run changes
nothing."""

from tests.integration.ansible_runner import REPO_ROOT, run_playbook
from tests.integration.playbooks.test_cluster import recap

PLAYBOOK = REPO_ROOT / 'playbooks' / 'rollback.yml'


def test_rolls_back_to_the_previous_image_then_changes_nothing(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1'])
    # Whole-service batches and short monitors: the CLI and the rollback each wait one monitor period.
    swarm_sandbox.sh(
        'manager1',
        'docker service create --detach=false --quiet --name web --replicas 2 '
        '--endpoint-mode dnsrr --update-parallelism 0 --update-monitor 1s '
        '--rollback-parallelism 0 --rollback-monitor 1s --no-resolve-image swarmops/web:1',
    )
    swarm_sandbox.sh(
        'manager1', 'docker service update --detach=false --quiet --no-resolve-image --image swarmops/web:2 web'
    )

    output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, '-e', 'rollback_service=web')[1]
    image = swarm_sandbox.sh(
        'manager1', "docker service inspect web --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}'"
    )
    assert image == 'swarmops/web:1'
    assert 'web runs swarmops/web:1: 2/2 tasks running; rolled back in' in output

    again = run_playbook(swarm_sandbox.inventory, PLAYBOOK, '-e', 'rollback_service=web')[1]
    assert recap(again)['manager1']['changed'] == 0
    assert 'nothing to roll back' in again
