# -*- coding: utf-8 -*-
"""The swarm_engine role on fresh hosts of Debian 12 and 13 (bare sandbox nodes: systemd as PID 1, no Docker).

One sandbox per release, for the whole module; the tests run in order on it, each starting from the state the one
before left: check mode on the fresh hosts predicts the installs and changes nothing (also with Docker's repository
as the source, whose files the `repository` entry point writes as Docker documents them), a real run gives engines
that answer, run again it changes nothing and check mode agrees, a pinned version is held and a pin that differs
from the installed engine is refused, a daemon.json option restarts the engines one host at a time (workers first,
the leader last) while the swarm keeps its quorum and its replicas and a key the role does not manage survives (with
autolock on: without the unlock key the first manager is refused before its restart; with it each manager is
unlocked before the next goes down), live-restore is refused before anything changes, and a host rebooted by
maintain_nodes comes back with its engine in the swarm (Debian 12 only). Every assertion is on the hosts' own state: systemctl, dpkg, the
docker CLI inside the nodes, the files.
"""

import json
import os
import subprocess
import threading
import time

import pytest

from tests.integration.ansible_runner import REPO_ROOT, run_playbook
from tests.integration.conftest import started_sandbox
from tests.integration.playbooks.test_cluster import recap

PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it') + '-engine'
ENGINE_PLAY = """
- name: The swarm_engine role
  hosts: managers:workers
  gather_facts: false
  roles:
    - swarmops.swarm.swarm_engine
"""
REPOSITORY_PLAY = """
- name: The swarm_engine role's repository entry point
  hosts: managers:workers
  gather_facts: false
  tasks:
    - name: Write Docker's repository
      ansible.builtin.include_role:
        name: swarmops.swarm.swarm_engine
        tasks_from: repository
"""
# What each release's distribution gives: the engine's version prefix, its API version and the SDK.
RELEASES = {
    'bookworm': {'engine': '20.10.24', 'api': (1, 41), 'sdk': (5, 0, 3)},
    'trixie': {'engine': '26.1.5', 'api': (1, 45), 'sdk': (5, 0, 3)},
}
# Any ASCII-armoured text does for the key file: apt never reads it here (Docker's servers are not reachable).
KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\ntest key of the integration test\n-----END PGP PUBLIC KEY BLOCK-----'
REPLICAS = 4  # one per node, at most one per node: a restarted node's task has nowhere else to go
PREDICTIONS = {}  # release: what check mode predicted on the fresh hosts, for the real run's test to compare


@pytest.fixture(scope='module', params=sorted(RELEASES))
def hosts(request):
    with started_sandbox(
        managers=3, workers=1, name_prefix='%s-%s' % (PREFIX, request.param), bare=True, suite=request.param
    ) as swarm:
        swarm.suite = request.param
        swarm.release = RELEASES[request.param]
        yield swarm


@pytest.fixture(scope='module')
def playbooks(tmp_path_factory):
    directory = tmp_path_factory.mktemp('engine')
    (directory / 'engine.yml').write_text(ENGINE_PLAY)
    (directory / 'repository.yml').write_text(REPOSITORY_PLAY)
    return directory


def run_role(hosts, playbooks, *arguments, variables=None, play='engine.yml', check=True):
    """Runs one of the plays with --diff; returns (returncode, output)."""
    extra = ['-e', json.dumps(variables)] if variables else []
    return run_playbook(hosts.inventory, playbooks / play, '--diff', *(extra + list(arguments)), check=check)


def flat(output):
    """The output with its line breaks and indentation as single spaces (the YAML callback wraps messages)."""
    return ' '.join(output.split())


def changes(output):
    return dict((host, counters['changed']) for host, counters in recap(output).items())


def assert_no_failure(output):
    counters = recap(output)
    assert counters and all(host['failed'] == 0 and host['unreachable'] == 0 for host in counters.values()), output


def all_hosts(hosts):
    return hosts.managers + hosts.workers


def installed(hosts, name, package):
    rc, stdout, _stderr = hosts.sandbox.exec(
        name, ['dpkg-query', '--show', '--showformat=${db:Status-Abbrev}', package]
    )
    return rc == 0 and stdout[1:2] == 'i'


def daemon_json(hosts, name):
    return json.loads(hosts.sh(name, 'cat /etc/docker/daemon.json'))


def node_ids(hosts):
    return dict(
        line.split() for line in hosts.sh('manager1', "docker node ls --format '{{.Hostname}} {{.ID}}'").splitlines()
    )


def local_node_state(hosts, name):
    return hosts.sh(name, "docker info --format '{{.Swarm.LocalNodeState}}'")


def engine_run(hosts, name):
    """(stopped, started) of docker.service's last restart, in the kernel's monotonic microseconds, which the node
    containers share, so the hosts' times compare."""
    properties = hosts.sh(
        name, 'systemctl show docker --property ActiveExitTimestampMonotonic --property ActiveEnterTimestampMonotonic'
    )
    values = dict(line.split('=', 1) for line in properties.splitlines())
    return int(values['ActiveExitTimestampMonotonic']), int(values['ActiveEnterTimestampMonotonic'])


def test_check_mode_on_fresh_hosts_predicts_the_installs_and_changes_nothing(hosts, playbooks):
    for name in all_hosts(hosts):
        assert not installed(hosts, name, 'docker.io'), '%s is not a fresh host' % name
    lists_before = dict((name, hosts.sh(name, 'ls /var/lib/apt/lists')) for name in all_hosts(hosts))

    output = run_role(hosts, playbooks, '--check')[1]

    assert_no_failure(output)
    # One predicted change per host: apt-get's simulation of the engine, the SDK and python3-apt (the host has no
    # python3-apt, so the apt module cannot predict, and its lists were never fetched, so a temporary copy is read).
    assert changes(output) == dict((name, 1) for name in all_hosts(hosts)), output
    assert 'starting the engine, waiting for it and adding users to the docker group are not predicted' in flat(output)
    for name in all_hosts(hosts):
        assert not installed(hosts, name, 'docker.io') and not installed(hosts, name, 'python3-apt')
        assert hosts.sh(name, 'ls /var/lib/apt/lists') == lists_before[name], 'check mode changed apt lists'
        assert hosts.sandbox.exec(name, 'test -e /etc/docker')[0] != 0
        assert hosts.sh(name, "find /tmp -maxdepth 1 -name '*.swarm_engine_lists'") == '', 'temporary lists left'
    PREDICTIONS[hosts.suite] = changes(output)


def test_docker_repository_is_written_as_docker_documents_it_and_check_mode_predicts_it(hosts, playbooks):
    variables = {'swarm_engine_repository_key': KEY}
    # The main entry point with Docker's repository, in check mode: the repository would be written, so apt cannot
    # be asked what it offers; the role says so instead of failing.
    output = run_role(hosts, playbooks, '--check', variables=dict(variables, swarm_engine_source='docker'))[1]
    assert_no_failure(output)
    assert 'so apt does not know Docker' in flat(output)  # the YAML callback doubles the apostrophe
    assert changes(output) == dict((name, 2) for name in all_hosts(hosts)), output  # the key, the source file

    predicted = run_role(hosts, playbooks, '--check', variables=variables, play='repository.yml')[1]
    applied = run_role(hosts, playbooks, variables=variables, play='repository.yml')[1]
    again = run_role(hosts, playbooks, variables=variables, play='repository.yml')[1]
    checked_again = run_role(hosts, playbooks, '--check', variables=variables, play='repository.yml')[1]
    try:
        assert changes(predicted) == changes(applied) == dict((name, 2) for name in all_hosts(hosts))
        assert set(changes(again).values()) == set(changes(checked_again).values()) == {0}
        for name in all_hosts(hosts):
            assert hosts.sh(name, 'cat /etc/apt/sources.list.d/docker.sources').splitlines()[1:] == [
                'Types: deb',
                'URIs: https://download.docker.com/linux/debian',
                'Suites: %s' % hosts.suite,
                'Components: stable',
                'Signed-By: /etc/apt/keyrings/docker.asc',
            ]
            assert hosts.sh(name, 'cat /etc/apt/keyrings/docker.asc') == KEY
            assert hosts.sh(name, 'stat -c %a /etc/apt/keyrings/docker.asc /etc/apt/sources.list.d/docker.sources') == (
                '644\n644'
            )
        # A mirror and a key downloaded from it (a file: URL, as nothing else is reachable), only while missing.
        # The mirror's key is a file of the test's own: the releases keep their archive keyrings under other names.
        mirror = {
            'swarm_engine_repository_url': 'http://docker-mirror.invalid/linux/debian',
            'swarm_engine_repository_key_url': 'file:///root/mirror-key.asc',
        }
        for name in all_hosts(hosts):
            hosts.sh(name, 'rm /etc/apt/keyrings/docker.asc')
            hosts.sandbox.exec(name, 'cat > /root/mirror-key.asc', input=KEY + '\n')
        assert_no_failure(run_role(hosts, playbooks, variables=mirror, play='repository.yml')[1])
        assert set(changes(run_role(hosts, playbooks, variables=mirror, play='repository.yml')[1]).values()) == {0}
        for name in all_hosts(hosts):
            assert 'URIs: http://docker-mirror.invalid/linux/debian' in hosts.sh(
                name, 'cat /etc/apt/sources.list.d/docker.sources'
            )
            hosts.sh(name, 'cmp /etc/apt/keyrings/docker.asc /root/mirror-key.asc')
    finally:
        # apt cannot reach Docker's repository here: the engine comes from the distribution in the next tests.
        for name in all_hosts(hosts):
            hosts.sh(name, 'rm -f /etc/apt/sources.list.d/docker.sources /etc/apt/keyrings/docker.asc')


def test_a_real_run_installs_and_starts_the_engine_then_nothing_changes(hosts, playbooks):
    applied = run_role(hosts, playbooks)[1]

    assert_no_failure(applied)
    assert changes(applied) == PREDICTIONS[hosts.suite], 'check mode did not predict the real run'
    for name in all_hosts(hosts):
        assert hosts.sh(name, 'systemctl is-active docker') == 'active'
        assert hosts.sh(name, 'systemctl is-enabled docker') == 'enabled'
        assert hosts.sh(name, "docker version --format '{{.Server.Version}}'").startswith(hosts.release['engine'])
        assert hosts.api_version(name) == hosts.release['api']
        sdk = hosts.sh(name, "python3 -c 'import docker; print(docker.__version__)'")
        assert tuple(int(part) for part in sdk.split('.')[:3]) >= hosts.release['sdk']
        hosts.sh(name, "python3 -c 'import yaml'")  # swarm_stack reads compose files on the node
        # The recommended packages are left out (needrestart would restart services after upgrades).
        assert not installed(hosts, name, 'needrestart') and not installed(hosts, name, 'git')
    again = run_role(hosts, playbooks)[1]
    checked_again = run_role(hosts, playbooks, '--check')[1]
    assert set(changes(again).values()) == set(changes(checked_again).values()) == {0}, (again, checked_again)


def test_a_pinned_version_is_held_and_a_different_one_refused(hosts, playbooks):
    limit = ['--limit', 'worker1']
    pin = {'swarm_engine_version': hosts.release['engine']}

    predicted = run_role(hosts, playbooks, '--check', *limit, variables=pin)[1]
    applied = run_role(hosts, playbooks, *limit, variables=pin)[1]
    again = run_role(hosts, playbooks, *limit, variables=pin)[1]
    assert changes(predicted) == changes(applied) == {'worker1': 1}, (predicted, applied)  # the hold
    assert changes(again) == {'worker1': 0}
    assert hosts.sh('worker1', 'dpkg --get-selections docker.io').split() == ['docker.io', 'hold']

    rc, output = run_role(hosts, playbooks, *limit, variables={'swarm_engine_version': '19.03'}, check=False)
    assert rc != 0 and 'but swarm_engine_version is 19.03' in flat(output) and 'swarm_engine_upgrade=true' in output
    rc, output = run_role(
        hosts, playbooks, *limit, variables={'swarm_engine_version': '19.03', 'swarm_engine_upgrade': True}, check=False
    )
    assert rc != 0 and 'matches swarm_engine_version=19.03' in flat(output)
    assert hosts.sh('worker1', "docker version --format '{{.Server.Version}}'").startswith(hosts.release['engine'])

    released = run_role(hosts, playbooks, *limit)[1]
    assert changes(released) == {'worker1': 1}
    assert hosts.sh('worker1', 'dpkg --get-selections docker.io').split() == ['docker.io', 'install']


def test_a_daemon_option_restarts_the_engines_one_at_a_time_keeping_quorum_replicas_and_unmanaged_keys(
    hosts, playbooks
):
    for name in all_hosts(hosts):
        hosts.sh(name, 'echo \'{"max-concurrent-downloads": 4}\' > /etc/docker/daemon.json && systemctl restart docker')
    # With autolock on: each manager comes back locked from its restart and must be unlocked before the next one.
    cluster = run_playbook(
        hosts.inventory, REPO_ROOT / 'playbooks' / 'cluster.yml', '-e', 'swarm_cluster_autolock_managers=true'
    )
    assert_no_failure(cluster[1])
    unlock_key = hosts.sh('manager1', 'docker swarm unlock-key -q')
    assert unlock_key.startswith('SWMKEY-'), 'autolock is not on'
    hosts.sh(
        'manager1',
        'docker service create --detach=false --quiet --name spread --replicas %d --replicas-max-per-node 1 '
        '--endpoint-mode dnsrr --no-resolve-image swarmops/web:1' % REPLICAS,
    )
    leader = [name for name, node in hosts.node_list('manager1').items() if node['manager_status'] == 'Leader'][0]
    runs_before = dict((name, engine_run(hosts, name)) for name in all_hosts(hosts))
    variables = {'swarm_engine_log_driver': 'local', 'swarm_engine_log_options': {'max-size': '5m'}}

    samples = []
    done = threading.Event()

    def ask(manager):
        """(running tasks, reachable managers) as the manager sees them, or None if it does not answer."""
        try:
            rc, stdout, _stderr = hosts.sandbox.exec(
                manager,
                "docker service ps spread --filter desired-state=running --format '{{.CurrentState}}' && "
                "echo --- && docker node ls --format '{{.ManagerStatus}}'",
                timeout=15,
            )
        except subprocess.TimeoutExpired:
            return None
        if rc != 0:
            return None
        tasks, managers = stdout.split('---\n')
        running = sum(line.startswith('Running') for line in tasks.splitlines())
        return running, sum(line in ('Leader', 'Reachable') for line in managers.splitlines())

    def sample():
        # Whichever manager answers: `docker node ls` answers only while the managers have a leader (their quorum).
        while not done.is_set():
            answer = next(filter(None, map(ask, hosts.managers)), None)
            samples.append((time.monotonic(), answer))
            time.sleep(0.5)

    predicted = run_role(hosts, playbooks, '--check', variables=variables)[1]
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        # Without the key the worker restarts, and the first manager is refused before its restart: none is locked.
        refused = run_role(hosts, playbooks, variables=variables, check=False)[1]
        runs_refused = dict((name, engine_run(hosts, name)) for name in all_hosts(hosts))
        swarm_states = dict((name, local_node_state(hosts, name)) for name in all_hosts(hosts))
        applied = run_role(hosts, playbooks, variables=dict(variables, swarm_engine_unlock_key=unlock_key))[1]
    finally:
        finished = time.monotonic()
        done.set()
        sampler.join()

    assert_no_failure(predicted)
    order = ['worker1'] + sorted(name for name in hosts.managers if name != leader) + [leader]
    assert sum(counters['failed'] for counters in recap(refused).values()) == 1, refused
    refusal = '%s is a manager of a swarm with autolock on: after its restart it would stay locked' % order[1]
    assert refusal in flat(refused), refused
    assert 'Set swarm_engine_unlock_key' in flat(refused), refused
    assert runs_refused['worker1'] != runs_before['worker1'], 'the worker was not restarted'
    assert all(runs_refused[name] == runs_before[name] for name in hosts.managers), (runs_before, runs_refused)
    assert set(swarm_states.values()) == {'active'}, swarm_states
    assert_no_failure(applied)
    assert unlock_key not in applied, 'the unlock key was shown'
    # Check mode shows the daemon.json change and the restart it implies (workers first, the leader last), and
    # restarts nothing itself.
    assert 'a real run restarts the engines of %s, one host at a time' % ', '.join(order) in flat(predicted)
    assert all(count >= 2 for count in changes(predicted).values()), predicted  # daemon.json, the restart to come
    for name in all_hosts(hosts):
        assert daemon_json(hosts, name) == {
            'max-concurrent-downloads': 4,  # not managed by the role: kept
            'log-driver': 'local',
            'log-opts': {'max-size': '5m'},
        }
        assert hosts.sh(name, "docker info --format '{{.LoggingDriver}}'") == 'local', '%s did not restart' % name
    runs = dict((name, engine_run(hosts, name)) for name in all_hosts(hosts))
    assert all(runs[name] != runs_before[name] for name in runs), (runs_before, runs)
    # One at a time, in that order: each engine was stopped only after the one before had started again.
    assert sorted(runs, key=lambda name: runs[name][0]) == order, runs
    for previous, following in zip(order, order[1:]):
        assert runs[following][0] > runs[previous][1], '%s stopped before %s was back' % (following, previous)
    # The sampler ran to the end of the run (it stops on nothing but the event), every 0.5 s plus the asking.
    assert samples and samples[-1][0] >= finished - 20, 'the sampling stopped early'
    answers = [answer for _when, answer in samples]
    assert None not in answers, 'no manager answered at some point: the swarm lost its quorum (%s)' % answers
    assert min(reachable for _running, reachable in answers) >= 2, answers  # of 3 managers: the majority
    assert min(running for running, _reachable in answers) >= REPLICAS - 1, answers
    nodes = hosts.node_list('manager1')
    assert len(nodes) == len(all_hosts(hosts)) and all(node['status'] == 'Ready' for node in nodes.values()), nodes
    # Every manager came back locked from its restart and was unlocked before the next one went down.
    assert dict((name, local_node_state(hosts, name)) for name in all_hosts(hosts)) == dict.fromkeys(
        all_hosts(hosts), 'active'
    )

    again = run_role(hosts, playbooks, variables=variables)[1]
    checked_again = run_role(hosts, playbooks, '--check', variables=variables)[1]
    assert set(changes(again).values()) == set(changes(checked_again).values()) == {0}, (again, checked_again)
    assert dict((name, engine_run(hosts, name)) for name in all_hosts(hosts)) == runs, 'an engine restarted again'


def test_live_restore_is_refused_before_anything_changes(hosts, playbooks):
    before = dict((name, daemon_json(hosts, name)) for name in all_hosts(hosts))
    runs_before = dict((name, engine_run(hosts, name)) for name in all_hosts(hosts))

    rc, output = run_role(
        hosts, playbooks, variables={'swarm_engine_daemon_options': {'live-restore': True}}, check=False
    )

    assert rc != 0
    assert 'daemon.json option live-restore: true (from swarm_engine_daemon_options on' in flat(output)
    assert dict((name, daemon_json(hosts, name)) for name in all_hosts(hosts)) == before
    assert dict((name, engine_run(hosts, name)) for name in all_hosts(hosts)) == runs_before


# PID 1's start, in clock ticks since the kernel booted: a node container shares its host's kernel (and boot_id), but
# its systemd starts anew with each reboot of the container.
BOOT_TIME_COMMAND = "awk '{print $22}' /proc/1/stat"


def test_a_rebooted_host_comes_back_with_its_engine_in_the_swarm_and_a_manager_unlocked(hosts, tmp_path):
    """maintain_nodes' reboot on the hosts the role installed: the engine it enabled starts at boot, the node rejoins,
    and a manager that autolock left locked is unlocked. A reboot is the same on both releases: once is enough."""
    if hosts.suite != 'bookworm':
        pytest.skip('the reboot runs on the Debian 12 hosts only')
    # With a node drained, three nodes remain for the replicas (at most one per node).
    hosts.sh('manager1', 'docker service scale --detach=false spread=%d' % (REPLICAS - 1))
    unlock_key = hosts.sh('manager1', 'docker swarm unlock-key -q')
    leader = [name for name, node in hosts.node_list('manager1').items() if node['manager_status'] == 'Leader'][0]
    follower = sorted(name for name in hosts.managers if name != leader)[0]
    rebooted = ['worker1', follower]
    boots = dict((name, hosts.sh(name, BOOT_TIME_COMMAND)) for name in all_hosts(hosts))
    ids = node_ids(hosts)
    report_file = tmp_path / 'report.json'
    variables = {
        'maintain_hosts': ':'.join(rebooted),
        'maintain_action': 'reboot',
        'maintain_become': False,  # root through docker exec
        'maintain_reboot_boot_time_command': BOOT_TIME_COMMAND,
        'maintain_unlock_key': unlock_key,
        'maintain_report_file': str(report_file),
        'maintain_state_file': str(tmp_path / 'round.done'),
    }

    rc, output = run_playbook(
        hosts.inventory, REPO_ROOT / 'playbooks' / 'maintain_nodes.yml', '-e', json.dumps(variables), check=False
    )

    assert rc == 0, output
    assert unlock_key not in output, 'the unlock key was shown'
    after = dict((name, hosts.sh(name, BOOT_TIME_COMMAND)) for name in all_hosts(hosts))
    assert [name for name in all_hosts(hosts) if after[name] != boots[name]] == sorted(rebooted), (boots, after)
    assert hosts.sh(follower, 'systemctl is-active docker') == 'active'
    assert local_node_state(hosts, follower) == 'active', 'the rebooted manager is still locked'
    assert node_ids(hosts) == ids
    nodes = hosts.node_list('manager1')
    assert all(node['status'] == 'Ready' and node['availability'] == 'Active' for node in nodes.values()), nodes
    report = json.loads(report_file.read_text())
    assert [host['host'] for host in report['hosts']] == rebooted, report  # the worker first
    assert all(host['engine_version_before'] == host['engine_version_after'] for host in report['hosts']), report
    running = hosts.sh(
        'manager1', "docker service ps spread --filter desired-state=running --format '{{.CurrentState}}'"
    )
    assert sum(line.startswith('Running') for line in running.splitlines()) == REPLICAS - 1, running
