# -*- coding: utf-8 -*-
"""The AWX / Automation Platform path: the execution environment definition builds a valid context, and the
playbooks run through ansible-runner (the engine AWX runs jobs with), with extra vars passed as a job template
passes them, against the sandbox."""

import json
import secrets
import shutil
import subprocess

import ansible_runner

from sandbox.inventory import monitoring_vars
from tests.integration.ansible_runner import REPO_ROOT, VENV_BIN, ansible_environment


def test_ansible_builder_creates_a_build_context(tmp_path):
    subprocess.run(
        [
            str(VENV_BIN / 'ansible-builder'),
            'create',
            '-f',
            str(REPO_ROOT / 'execution-environment.yml'),
            '-c',
            str(tmp_path / 'context'),
        ],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
    )
    containerfile = (tmp_path / 'context' / 'Dockerfile').read_text()
    assert 'ansible-galaxy collection install' in containerfile
    assert 'requirements.yml' in containerfile and 'pip_install' in containerfile
    built_requirements = (tmp_path / 'context' / '_build' / 'requirements.txt').read_text()
    assert 'docker>=5.0.3' in built_requirements
    assert 'swarmops/swarm.git' in (tmp_path / 'context' / '_build' / 'requirements.yml').read_text()


def run_job(private_data_dir, inventory, playbook, extravars):
    """What an AWX job does: a private data dir, an inventory, extra vars from the template and its survey."""
    environment = ansible_environment()
    private_data_dir.mkdir()
    runner = ansible_runner.run(
        private_data_dir=str(private_data_dir),
        playbook=playbook,
        inventory=str(inventory),
        extravars=extravars,
        envvars=dict((name, environment[name]) for name in ('ANSIBLE_CONFIG', 'ANSIBLE_COLLECTIONS_PATH', 'PATH')),
        quiet=True,
        json_mode=False,
    )
    events = list(runner.events)
    stats = next(event['event_data'] for event in events if event['event'] == 'playbook_on_stats')
    return runner, events, stats


def test_the_cluster_playbook_runs_as_an_awx_job(swarm_sandbox, tmp_path):
    swarm_sandbox.reset()
    inventory = tmp_path / 'inventory.yml'
    shutil.copy(swarm_sandbox.inventory, inventory)
    extravars = {'swarm_cluster_managers_group': 'managers', 'swarm_cluster_workers_group': 'workers'}

    first, events, stats = run_job(tmp_path / 'job1', inventory, 'swarmops.swarm.cluster', extravars)
    assert (first.status, first.rc) == ('successful', 0), first.stdout.read()
    assert sum(stats['changed'].values()) >= len(swarm_sandbox.managers + swarm_sandbox.workers)
    assert any(
        event['event'] == 'runner_on_ok' and event['event_data'].get('resolved_action') == 'swarmops.swarm.swarm_join'
        for event in events
    )
    assert len(swarm_sandbox.node_list('manager1')) == len(swarm_sandbox.managers + swarm_sandbox.workers)

    second, events, stats = run_job(tmp_path / 'job2', inventory, 'swarmops.swarm.cluster', extravars)
    assert second.status == 'successful' and sum(stats['changed'].values()) == 0

    tokens = [swarm_sandbox.token('manager1', role) for role in ('worker', 'manager')]
    job_output = json.dumps(events)
    for job in (tmp_path / 'job1', tmp_path / 'job2'):
        for stdout in job.glob('artifacts/*/stdout'):
            job_output += stdout.read_text()
        for event_file in job.glob('artifacts/*/job_events/*.json'):
            job_output += event_file.read_text()
    assert not [token for token in tokens if token in job_output], 'a join token is in the job events or output'


def _job_output(events, *jobs):
    """Everything an AWX user can see of jobs: their events (as runner streamed them) and their artifacts."""
    output = json.dumps(events)
    for job in jobs:
        for artifact in job.glob('artifacts/*/stdout'):
            output += artifact.read_text()
        for event_file in job.glob('artifacts/*/job_events/*.json'):
            output += event_file.read_text()
    return output


def test_the_site_and_deploy_stack_playbooks_run_as_awx_jobs(swarm_sandbox, tmp_path):
    swarm_sandbox.reset()
    inventory = tmp_path / 'inventory.yml'
    shutil.copy(swarm_sandbox.inventory, inventory)
    # What a job template's extra vars and survey give: the groups, the monitoring stack's passwords (survey password
    # fields), and the images this machine can run (no registry here), with the modes the sandbox's nodes support.
    passwords = {
        name: 'awx-survey-' + secrets.token_hex(8)
        for name in (
            'swarm_monitoring_admin_password',
            'swarm_monitoring_prometheus_password',
            'swarm_monitoring_alertmanager_password',
        )
    }
    site_vars = dict(
        monitoring_vars(swarm_sandbox.sandbox.load_monitoring_images()),
        swarm_cluster_managers_group='managers',
        swarm_cluster_workers_group='workers',
        site_firewall=False,
        **passwords,
    )

    site, events, stats = run_job(tmp_path / 'site', inventory, 'swarmops.swarm.site', site_vars)
    assert (site.status, site.rc) == ('successful', 0), site.stdout.read()
    assert sum(stats['changed'].values()) > 0
    assert any(
        event['event'] == 'runner_on_ok' and event['event_data'].get('resolved_action') == 'swarmops.swarm.swarm_stack'
        for event in events
    )
    monitoring = swarm_sandbox.sh(
        'manager1', "docker service ls --filter label=com.docker.stack.namespace=monitoring --format '{{.Name}}'"
    ).split()
    assert 'monitoring_prometheus' in monitoring and 'monitoring_node-exporter' in monitoring
    site_output = _job_output(events, tmp_path / 'site')
    assert not [name for name, password in passwords.items() if password in site_output], 'a password is in the output'

    compose = tmp_path / 'shop.yml'
    compose.write_text(
        'services:\n'
        '  web:\n'
        '    image: swarmops/web:1\n'
        '    environment: {GREETING: "${GREETING}"}\n'
        '    deploy: {replicas: 2, endpoint_mode: dnsrr}\n'
    )
    stack_vars = {
        'deploy_stack_name': 'shop',
        'deploy_stack_compose_files': str(compose),
        'deploy_stack_env': {'GREETING': 'hello'},
    }
    deploy, events, stats = run_job(tmp_path / 'deploy1', inventory, 'swarmops.swarm.deploy_stack', stack_vars)
    assert (deploy.status, deploy.rc) == ('successful', 0), deploy.stdout.read()
    assert sum(stats['changed'].values()) == 1
    replicas = swarm_sandbox.sh('manager1', "docker service ls --filter name=shop_web --format '{{.Replicas}}'")
    assert replicas == '2/2'
    environment = swarm_sandbox.sh(
        'manager1', "docker service inspect shop_web --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'"
    )
    assert json.loads(environment) == ['GREETING=hello']

    again, events, stats = run_job(tmp_path / 'deploy2', inventory, 'swarmops.swarm.deploy_stack', stack_vars)
    assert again.status == 'successful' and sum(stats['changed'].values()) == 0
