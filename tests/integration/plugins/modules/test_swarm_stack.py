# -*- coding: utf-8 -*-
"""swarm_stack against the real sandbox: a stack's lifecycle, check mode that predicts exactly, and equivalence
with `docker stack deploy` of the docker CLI in both orders.

The compose files are the unit tests' fixtures (tests/unit/fixtures/compose), copied into manager1. Services run
swarmops/web, with endpoint_mode dnsrr or host-mode ports (the sandbox has no routing mesh), and images are never
resolved (there is no registry). The last test keeps its compose files in a folder of the controller instead
(compose_source=controller).
"""

import base64
import io
import json
import os
import subprocess
import tarfile
import uuid

import pytest
import yaml

from tests.integration.ansible_runner import REPO_ROOT, VENV_BIN, ansible_environment, run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_stack'
STACKS = '/srv/stacks'
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'unit', 'fixtures', 'compose')
NAMESPACE = 'com.docker.stack.namespace'


@pytest.fixture(scope='module')
def stack_swarm(swarm_sandbox):
    """One manager and two workers, the compose fixtures in manager1:/srv/stacks, and the external objects the
    fixtures name."""
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1', 'worker2'])
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode='w') as tar:
        tar.add(FIXTURES, arcname='.')
    rc, stdout, stderr = swarm_sandbox.sandbox.exec(
        'manager1', 'mkdir -p %s && tar -C %s -x' % (STACKS, STACKS), input=archive.getvalue(), timeout=60
    )
    assert rc == 0, stderr or stdout
    swarm_sandbox.sh(
        'manager1',
        'docker network create -d overlay shared_outside >/dev/null && '
        'docker config create va-external-config /etc/hostname >/dev/null && '
        'printf x | docker secret create va-external-secret - >/dev/null',
    )
    return swarm_sandbox


def deploy(stack, *files, **options):
    options.update(name=stack, compose=['%s/%s' % (STACKS, path) for path in files])
    # The stability window is not what most tests here are about: a short one keeps the suite quick.
    options.setdefault('wait_stability', '1s')
    return options


def names(swarm, kind, stack):
    return sorted(
        swarm.sh(
            'manager1', "docker %s ls --filter label=%s=%s --format '{{.Name}}'" % (kind, NAMESPACE, stack)
        ).split()
    )


def services(swarm, stack):
    """{service: (mode, replicas)} from docker service ls."""
    rows = swarm.sh(
        'manager1',
        "docker service ls --filter label=%s=%s --format '{{.Name}} {{.Mode}} {{.Replicas}}'" % (NAMESPACE, stack),
    ).splitlines()
    return dict((name, (mode, replicas)) for name, mode, replicas in (row.split(' ', 2) for row in rows))


def service_field(swarm, service, template):
    return swarm.sh('manager1', "docker service inspect --format '%s' %s" % (template, service))


def remove(swarm, stack):
    run_module(swarm.inventory, 'manager1', MODULE, dict(name=stack, state='absent'))


# -- a stack's lifecycle; the tests below run in order on the same stack ----------------------------

LIFECYCLE = ('lifecycle/stack.yml',)


def test_a_stack_is_deployed_with_check_mode_predicting_it_and_redeployed_without_change(stack_swarm):
    result = run_four_times(stack_swarm.inventory, 'manager1', MODULE, deploy('lc', *LIFECYCLE))
    assert result['actions'] == [
        'create network lc_front (overlay, attachable)',
        'create secret lc_pw',
        'create config lc_site',
        'create service lc_api (replicated, 1 replica, image swarmops/web:1)',
        'create service lc_edge (global, image swarmops/web:2)',
        'create service lc_web (replicated, 2 replicas, image swarmops/web:1)',
    ]
    assert services(stack_swarm, 'lc') == {
        'lc_api': ('replicated', '1/1'),
        'lc_edge': ('global', '3/3'),
        'lc_web': ('replicated', '2/2'),
    }
    assert names(stack_swarm, 'network', 'lc') == ['lc_front']
    assert (
        stack_swarm.sh('manager1', "docker network inspect --format '{{.Driver}} {{.Attachable}}' lc_front")
        == 'overlay true'
    )
    assert names(stack_swarm, 'config', 'lc') == ['lc_site'] and names(stack_swarm, 'secret', 'lc') == ['lc_pw']
    # The global service publishes its port on every node, in host mode.
    page = stack_swarm.sh(
        'worker2',
        'python3 -c "import urllib.request; print(urllib.request.urlopen(\'http://127.0.0.1:8088/\').read().decode())"',
    )
    assert page.startswith('swarmops/web:2 on ')


def test_changing_one_service_changes_only_it(stack_swarm):
    versions = dict((name, service_field(stack_swarm, name, '{{.Version.Index}}')) for name in ('lc_web', 'lc_edge'))
    result = run_four_times(
        stack_swarm.inventory, 'manager1', MODULE, deploy('lc', *LIFECYCLE, env=dict(API_REPLICAS=2))
    )
    assert result['actions'] == ['update service lc_api: replicas 1 -> 2']
    assert result['diff']['before'] == dict(services=dict(lc_api=dict(state='present', replicas=1)))
    assert result['diff']['after'] == dict(services=dict(lc_api=dict(state='present', replicas=2)))
    assert services(stack_swarm, 'lc')['lc_api'] == ('replicated', '2/2')
    assert dict((name, service_field(stack_swarm, name, '{{.Version.Index}}')) for name in versions) == versions


def test_a_changed_config_file_rolls_out_a_new_version_and_removes_the_old_one(stack_swarm):
    stack_swarm.sh('manager1', "printf 'listen 8080\\n' > %s/lifecycle/site.conf" % STACKS)
    result = run_four_times(
        stack_swarm.inventory, 'manager1', MODULE, deploy('lc', *LIFECYCLE, env=dict(API_REPLICAS=2))
    )
    new_version = result['stack']['configs']['site']
    assert new_version.startswith('lc_site-') and len(new_version) == len('lc_site-') + 12
    assert result['actions'] == [
        'create config %s (new content of configs.site, replacing lc_site)' % new_version,
        'update service lc_web: configs ["lc_site"] -> ["%s"]' % new_version,
        'remove config lc_site (an old version of lc_site)',
    ]
    assert names(stack_swarm, 'config', 'lc') == [new_version]
    assert (
        service_field(stack_swarm, 'lc_web', '{{(index .Spec.TaskTemplate.ContainerSpec.Configs 0).ConfigName}}')
        == new_version
    )
    assert services(stack_swarm, 'lc')['lc_web'] == ('replicated', '2/2')


def test_prune_removes_the_services_the_file_no_longer_declares(stack_swarm):
    stack_swarm.sh(
        'manager1',
        "sed '/^  api:/,/^networks:/{/^networks:/!d}' %s/lifecycle/stack.yml > "
        "%s/lifecycle/without-api.yml" % (STACKS, STACKS),
    )
    kept = run_module(stack_swarm.inventory, 'manager1', MODULE, deploy('lc', 'lifecycle/without-api.yml'))
    assert not kept.changed, 'without prune, a service the file no longer declares stays'
    result = run_four_times(
        stack_swarm.inventory, 'manager1', MODULE, deploy('lc', 'lifecycle/without-api.yml', prune=True)
    )
    assert result['actions'] == ['remove service lc_api (no longer in the compose file)']
    assert sorted(services(stack_swarm, 'lc')) == ['lc_edge', 'lc_web']


def test_absent_waits_until_the_stack_is_gone_so_it_can_be_deployed_again_at_once(stack_swarm):
    result = run_four_times(stack_swarm.inventory, 'manager1', MODULE, dict(name='lc', state='absent'))
    assert result['actions'][:2] == ['remove service lc_edge (state absent)', 'remove service lc_web (state absent)']
    assert result['actions'][-1] == 'remove network lc_front (state absent)'
    for kind in ('service', 'network', 'config', 'secret'):
        assert names(stack_swarm, kind, 'lc') == [], kind
    again = run_module(stack_swarm.inventory, 'manager1', MODULE, deploy('lc', 'lifecycle/without-api.yml'))
    assert again.changed and services(stack_swarm, 'lc') == {
        'lc_edge': ('global', '3/3'),
        'lc_web': ('replicated', '2/2'),
    }


# -- a crash-looping service ------------------------------------------------------------------------


def test_a_crash_looping_service_fails_the_deploy_naming_its_exit_code(stack_swarm):
    # The task runs for a second (it is seen running), then exits: it never stays up for the stability window.
    crashing = dict(
        image='swarmops/web:1',
        command=['sh', '-c', 'sleep 1; exit 3'],
        deploy=dict(endpoint_mode='dnsrr', restart_policy=dict(condition='on-failure', delay='1s')),
    )
    failed = run_module(
        stack_swarm.inventory,
        'manager1',
        MODULE,
        dict(name='crash', compose=[dict(services=dict(app=crashing))], wait_timeout=10),
        expect_failure=True,
    )
    assert failed['msg'].startswith(
        'Timed out after 10s waiting for the services of stack crash to converge; last seen: crash_app: '
    )
    assert 'crash_app.1 (' in failed['msg'] and 'failed (task: non-zero exit (3)), exit code 3' in failed['msg']
    remove(stack_swarm, 'crash')


# -- networks compare by what they resolve to: the swarm's own host network ---------------------------------

# docker stack deploy of Docker 20.10 wants a version.
HOST_AGENT = dict(
    version='3.8',
    services=dict(agent=dict(image='swarmops/web:1', networks=['hostnet'], deploy=dict(mode='global'))),
    networks=dict(hostnet=dict(external=True, name='host')),
)


def write_compose(swarm, path, compose):
    """A compose file in manager1:/srv/stacks, for the module and the docker CLI alike."""
    folder = os.path.dirname('%s/%s' % (STACKS, path))
    rc, stdout, stderr = swarm.sandbox.exec(
        'manager1',
        'mkdir -p %s && cat > %s/%s' % (folder, STACKS, path),
        input=yaml.safe_dump(compose).encode(),
        timeout=60,
    )
    assert rc == 0, stderr or stdout


def test_a_service_on_the_external_host_network_is_unchanged_on_the_next_run(stack_swarm):
    write_compose(stack_swarm, 'hostagent/stack.yml', HOST_AGENT)
    args = deploy('mon', 'hostagent/stack.yml')
    created = run_four_times(stack_swarm.inventory, 'manager1', MODULE, args)
    assert created['actions'] == ['create service mon_agent (global, image swarmops/web:1)']
    swarm_host = stack_swarm.sh(
        'manager1',
        'python3 -c "import docker; print(docker.APIClient().inspect_network(\'host\', scope=\'swarm\')[\'Id\'])"',
    )
    assert service_field(stack_swarm, 'mon_agent', '{{json .Spec.TaskTemplate.Networks}}') == json.dumps(
        [{'Target': swarm_host}], separators=(',', ':')
    )
    assert services(stack_swarm, 'mon') == {'mon_agent': ('global', '3/3')}
    version = service_field(stack_swarm, 'mon_agent', '{{.Version.Index}}')
    for check in (True, False):
        again = run_module(stack_swarm.inventory, 'manager1', MODULE, args, check=check)
        assert not again.changed, again['actions']
    assert service_field(stack_swarm, 'mon_agent', '{{.Version.Index}}') == version, 'never updated'

    # The same stack deployed by the docker CLI: still no change.
    cli_deploy(stack_swarm, 'mon', 'hostagent/stack.yml')
    after_cli = run_module(stack_swarm.inventory, 'manager1', MODULE, args)
    assert not after_cli.changed, after_cli['actions']
    remove(stack_swarm, 'mon')


# -- a service no node can take yet ------------------------------------------------------------------

PCI_STACK = dict(
    version='3.8',
    services=dict(
        web=dict(
            image='swarmops/web:1',
            deploy=dict(endpoint_mode='dnsrr', placement=dict(constraints=['node.labels.pcidss == yes'])),
        )
    ),
)


def pci_warnings(result):
    return [warning for warning in result.get('warnings') or [] if 'service pci_web ' in warning]


def test_a_constraint_no_node_matches_yet_fails_fast_with_wait_and_deploys_with_a_warning_without(stack_swarm):
    write_compose(stack_swarm, 'pci/stack.yml', PCI_STACK)
    args = deploy('pci', 'pci/stack.yml')
    refused = run_module(stack_swarm.inventory, 'manager1', MODULE, args, expect_failure=True)
    assert refused['msg'].startswith(
        'No node matches the placement constraints of service pci_web (node.labels.pcidss == yes), so its tasks '
        'cannot start until a node does, and this run would wait for them.'
    )
    for kind in ('service', 'network'):
        assert names(stack_swarm, kind, 'pci') == [], kind

    created = run_four_times(stack_swarm.inventory, 'manager1', MODULE, dict(args, wait=False))
    assert created['actions'] == [
        'create network pci_default (overlay)',
        'create service pci_web (replicated, 1 replica, image swarmops/web:1)',
    ]
    (warning,) = pci_warnings(created)
    assert warning.startswith(
        'No node matches the placement constraints of service pci_web (node.labels.pcidss == yes) yet: its tasks '
        'stay pending until a node does, and this run did not wait for them.'
    )
    assert service_field(stack_swarm, 'pci_web', '{{json .Spec.TaskTemplate.Placement.Constraints}}') == (
        '["node.labels.pcidss == yes"]'
    )
    assert services(stack_swarm, 'pci') == {'pci_web': ('replicated', '0/1')}

    # With wait (the default), a run that changes nothing never fails for it, nor waits for its pending task.
    for check in (True, False):
        unchanged = run_module(stack_swarm.inventory, 'manager1', MODULE, args, check=check)
        assert not unchanged.changed and pci_warnings(unchanged) == [warning]
        assert unchanged['waited_for'] == []

    # The same stack deployed by the docker CLI, then by the module with wait: no change, no failure.
    remove(stack_swarm, 'pci')
    cli_deploy(stack_swarm, 'pci', 'pci/stack.yml')
    after_cli = run_module(stack_swarm.inventory, 'manager1', MODULE, args)
    assert not after_cli.changed and pci_warnings(after_cli) == [warning]
    assert services(stack_swarm, 'pci') == {'pci_web': ('replicated', '0/1')}
    remove(stack_swarm, 'pci')


# -- invalid input changes nothing ------------------------------------------------------------------


@pytest.mark.parametrize(
    'path, message',
    [
        ('invalid/undefined_network.yml', "services.web: networks: undefined network 'backend'"),
        (
            'invalid/missing_config_file.yml',
            'configs.site.file: could not read /srv/stacks/invalid/does-not-exist.conf',
        ),
    ],
)
def test_invalid_compose_fails_before_anything_is_created(stack_swarm, path, message):
    result = run_module(stack_swarm.inventory, 'manager1', MODULE, deploy('bad', path), expect_failure=True)
    assert message in result['msg']
    for kind in ('service', 'network', 'config'):
        assert names(stack_swarm, kind, 'bad') == [], kind


# -- equivalence with docker stack deploy ---------------------------------------------------------

EQUIVALENCE = [('rec', 'full/stack.yml'), ('va', 'variety/stack.yml')]


def cli_deploy(swarm, stack, path):
    folder, name = os.path.split(path)
    swarm.sh(
        'manager1', 'cd %s/%s && docker stack deploy --resolve-image never -c %s %s' % (STACKS, folder, name, stack)
    )


@pytest.mark.parametrize('stack, path', EQUIVALENCE)
def test_docker_stack_deploy_and_swarm_stack_agree_in_both_orders(stack_swarm, stack, path):
    # The docker CLI first: every object is its own (secrets without our digest label, for one).
    cli_deploy(stack_swarm, stack, path)
    after_cli = run_module(stack_swarm.inventory, 'manager1', MODULE, deploy(stack, path))
    assert not after_cli.changed, after_cli['actions']
    # swarm_stack first, on a clean slate; check mode predicts the creation, a second run changes nothing.
    remove(stack_swarm, stack)
    created = run_four_times(stack_swarm.inventory, 'manager1', MODULE, deploy(stack, path))
    assert created.changed and names(stack_swarm, 'service', stack) == sorted(
        service['name'] for service in created['stack']['services']
    )
    cli_deploy(stack_swarm, stack, path)
    after_both = run_module(stack_swarm.inventory, 'manager1', MODULE, deploy(stack, path))
    assert not after_both.changed, after_both['actions']


# -- compose files on the controller ----------------------------------------------------------------


def run_very_verbose(swarm, args):
    """One real run at -vvv with the default output (its results in JSON), as an operator debugging it sees it."""
    completed = subprocess.run(
        [
            str(VENV_BIN / 'ansible'),
            'manager1',
            '-i',
            str(swarm.inventory),
            '-m',
            MODULE,
            '-a',
            json.dumps(args),
            '-vvv',
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        env=ansible_environment(ANSIBLE_CALLBACK_RESULT_FORMAT='json'),
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    return output


def test_compose_files_on_the_controller_deploy_their_config_and_secret_files_which_never_show(stack_swarm, tmp_path):
    secret = 'ctlfiles-%s' % uuid.uuid4().hex
    (tmp_path / 'stack.yml').write_text(
        yaml.safe_dump(
            dict(
                services=dict(
                    web=dict(
                        image='swarmops/web:1',
                        init=True,
                        env_file='./web.env',
                        configs=[dict(source='site', target='/etc/site.conf')],
                        secrets=['pw'],
                        deploy=dict(replicas=1, endpoint_mode='dnsrr'),
                    )
                ),
                configs=dict(site=dict(file='./conf/site.conf')),
                secrets=dict(pw=dict(file='./pw.txt')),
            )
        )
    )
    (tmp_path / 'conf').mkdir()
    (tmp_path / 'conf' / 'site.conf').write_text('listen 80\n')
    (tmp_path / 'pw.txt').write_text(secret)
    (tmp_path / 'web.env').write_text('GREETING=hello from the controller\n')
    args = dict(name='ctl', compose_source='controller', compose=[str(tmp_path / 'stack.yml')], wait_stability='1s')

    created = run_four_times(stack_swarm.inventory, 'manager1', MODULE, args)
    assert created['actions'] == [
        'create network ctl_default (overlay)',
        'create secret ctl_pw',
        'create config ctl_site',
        'create service ctl_web (replicated, 1 replica, image swarmops/web:1)',
    ]
    assert services(stack_swarm, 'ctl') == {'ctl_web': ('replicated', '1/1')}
    assert service_field(stack_swarm, 'ctl_web', '{{json .Spec.TaskTemplate.ContainerSpec.Env}}') == (
        '["GREETING=hello from the controller"]'
    )
    assert names(stack_swarm, 'secret', 'ctl') == ['ctl_pw']

    # A new content on the controller: a new config version, the service switched to it, the old one removed.
    (tmp_path / 'conf' / 'site.conf').write_text('listen 8080\n')
    predicted = run_module(stack_swarm.inventory, 'manager1', MODULE, args, check=True)
    new_version = predicted['stack']['configs']['site']
    assert predicted['actions'] == [
        'create config %s (new content of configs.site, replacing ctl_site)' % new_version,
        'update service ctl_web: configs ["ctl_site"] -> ["%s"]' % new_version,
        'remove config ctl_site (an old version of ctl_site)',
    ]
    output = run_very_verbose(stack_swarm, args)
    assert 'manager1 | CHANGED' in output and all(json.dumps(action) in output for action in predicted['actions'])
    assert names(stack_swarm, 'config', 'ctl') == [new_version]
    assert (
        service_field(
            stack_swarm, 'ctl_web', '{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.ConfigName}}{{end}}'
        )
        == new_version
    )
    data = stack_swarm.sh('manager1', "docker config inspect --format '{{json .Spec.Data}}' %s" % new_version)
    assert base64.b64decode(json.loads(data)) == b'listen 8080\n'
    assert services(stack_swarm, 'ctl') == {'ctl_web': ('replicated', '1/1')}

    # The secret went to the module in its arguments (no_log): never in any result, nor in what -vvv shows.
    for shown in (json.dumps([created, predicted]), output):
        assert secret not in shown and base64.b64encode(secret.encode()).decode() not in shown
