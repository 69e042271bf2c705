# -*- coding: utf-8 -*-
"""playbooks/rolling_update.yml rolls a service out to a new image; a rollout whose new tasks turn unhealthy is
rolled back by the swarm itself, and the play fails saying so."""

from tests.integration.ansible_runner import REPO_ROOT, run_playbook

PLAYBOOK = REPO_ROOT / 'playbooks' / 'rolling_update.yml'
# Healthy unless the task's environment says BROKEN=1: an update that sets it can never converge.
CREATE_WEB = (
    "docker service create --detach=false --quiet --name web --replicas 2 --endpoint-mode dnsrr "
    "--rollback-parallelism 0 --rollback-monitor 1s --no-resolve-image --health-cmd 'test \"$BROKEN\" != 1' --health-interval 1s --health-retries 1 "
    "swarmops/web:1"
)
FAST = [
    '-e',
    'rolling_update_service=web',
    '-e',
    'rolling_update_delay=0s',
    '-e',
    'rolling_update_monitor=3s',
    '-e',
    'rolling_update_parallelism=2',
]


def spec_image(swarm_sandbox):
    return swarm_sandbox.sh(
        'manager1', "docker service inspect web --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}'"
    )


def test_updates_the_image_then_a_failing_update_is_rolled_back_and_the_play_fails(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1'])
    swarm_sandbox.sh('manager1', CREATE_WEB)

    output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, *FAST, '-e', 'rolling_update_image=swarmops/web:2')[1]
    assert spec_image(swarm_sandbox) == 'swarmops/web:2'
    assert 'web runs swarmops/web:2: 2/2 tasks running; updated in' in output
    update_config = swarm_sandbox.sh(
        'manager1',
        "docker service inspect web --format '{{.Spec.UpdateConfig.Parallelism}} {{.Spec.UpdateConfig.FailureAction}}'",
    )
    assert update_config == '2 rollback'

    returncode, output = run_playbook(
        swarm_sandbox.inventory,
        PLAYBOOK,
        *FAST,
        '-e',
        'rolling_update_image=swarmops/web:1',
        '-e',
        '{"rolling_update_env": {"BROKEN": "1"}}',
        check=False,
    )
    assert returncode != 0
    reported = (
        'The update of web to swarmops/web:1 failed and the swarm rolled it back: '
        'the service runs swarmops/web:2 again (2/2 tasks running)'
    )
    assert reported in ' '.join(output.split()), output[-4000:]
    assert spec_image(swarm_sandbox) == 'swarmops/web:2'
    assert (
        swarm_sandbox.sh('manager1', "docker service inspect web --format '{{.UpdateStatus.State}}'")
        == 'rollback_completed'
    )


def test_refuses_to_run_without_an_image(swarm_sandbox):
    returncode, output = run_playbook(
        swarm_sandbox.inventory, PLAYBOOK, '-e', 'rolling_update_service=web', check=False
    )
    assert returncode != 0
    assert 'rolling_update needs rolling_update_service' in output
