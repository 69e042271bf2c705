# -*- coding: utf-8 -*-
"""Bad input on the real sandbox: every module refuses it with a message naming the option and the problem, and
the cluster is exactly as before (swarm spec, nodes, services, networks, configs, secrets, each node's membership).

One swarm serves the whole file: manager1 leads, worker1 is a member, worker2 is outside any swarm (the join
cases), manager3 runs a swarm of its own (the foreign join token). A service `occupant` holds published ports
8080 (host mode) and 8081 (ingress) for the port conflict cases.
"""

import json

import pytest

from tests.integration.ansible_runner import run_module
from tests.integration.pki import make_root_ca

MANAGER = 'manager1'
OUTSIDER = 'worker2'
FILES = '/srv/badinput'
ONE_SHOT = dict(wait_stability='1s', wait_timeout=60)

# Everything an operator would see changed, read by the manager's own docker SDK; versions included so that even
# a write that leaves the same spec behind is caught.
SNAPSHOT = r'''
import docker, json
api = docker.APIClient()
def named(items, *fields):
    return sorted((dict((f, i.get(f)) for f in fields) for i in items), key=lambda i: json.dumps(i, sort_keys=True))
swarm = api.inspect_swarm()
print(json.dumps(dict(
    swarm=dict(spec=swarm['Spec'], version=swarm['Version'], tokens=swarm['JoinTokens'],
               ca=swarm.get('TLSInfo'), rotation=swarm.get('RootRotationInProgress')),
    nodes=sorted((n['ID'], n['Description']['Hostname'], n['Spec']) for n in api.nodes()),
    services=named(api.services(), 'ID', 'Version', 'Spec'),
    networks=named([n for n in api.networks() if n.get('Scope') == 'swarm'], 'Id', 'Name', 'Labels'),
    configs=named(api.configs(), 'ID', 'Version', 'Spec'),
    secrets=named(api.secrets(), 'ID', 'Version', 'Spec'),
), sort_keys=True))
'''


def cluster_state(swarm):
    state = json.loads(swarm.sh(MANAGER, "python3 - <<'EOF'\n%s\nEOF" % SNAPSHOT))
    state['members'] = dict(
        (node, swarm.sh(node, "docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}}'"))
        for node in ('worker1', OUTSIDER, 'manager3')
    )
    return state


def put_file(swarm, path, text):
    rc, stdout, stderr = swarm.sandbox.exec(MANAGER, 'mkdir -p %s && cat > %s' % (FILES, path), input=text.encode())
    assert rc == 0, stderr or stdout


@pytest.fixture(scope='module')
def swarm(swarm_sandbox, tmp_path_factory):
    swarm_sandbox.form_swarm(managers=[MANAGER], workers=['worker1'])
    swarm_sandbox.sh('manager3', 'docker swarm init --advertise-addr %s' % swarm_sandbox.address['manager3'])
    swarm_sandbox.sh(
        MANAGER,
        'docker service create --quiet --detach --name occupant --no-resolve-image '
        '--publish mode=host,published=8080,target=80 --publish mode=ingress,published=8081,target=81 '
        'swarmops/web:1',
    )
    put_file(swarm_sandbox, FILES + '/malformed.yml', 'services:\n  web:\n    image: swarmops/web:1\n   ports: [80\n')
    first, second = tmp_path_factory.mktemp('first'), tmp_path_factory.mktemp('second')
    swarm_sandbox.ca_cert = make_root_ca(first, 'badinput first')[0].read_text()
    swarm_sandbox.other_ca_key = make_root_ca(second, 'badinput second')[1].read_text()
    return swarm_sandbox


def service(**options):
    spec = dict(name='fresh', image='swarmops/web:1', endpoint_mode='dnsrr', resolve_image='never')
    spec.update(ONE_SHOT)
    spec.update(options)
    return spec


def stack(*services, **top):
    document = dict(services=dict(services))
    document.update(top)
    return dict(name='fresh', compose=[document], resolve_image='never', **ONE_SHOT)


def web(**keys):
    definition = dict(image='swarmops/web:1', deploy=dict(endpoint_mode='dnsrr'))
    definition.update(keys)
    return definition


# (case id, module, host, args, words the message must contain)
CASES = [
    # swarm_init
    ('init-state-choice', 'swarm_init', MANAGER, dict(state='maybe'), ['state', 'maybe']),
    ('init-port-type', 'swarm_init', MANAGER, dict(data_path_port='high'), ['data_path_port', 'high']),
    ('init-cert-expiry', 'swarm_init', MANAGER, dict(node_cert_expiry='ten days'), ['node_cert_expiry']),
    (
        'init-heartbeat',
        'swarm_init',
        MANAGER,
        dict(dispatcher_heartbeat_period='soon'),
        ['dispatcher_heartbeat_period'],
    ),
    (
        'init-negative-limit',
        'swarm_init',
        MANAGER,
        dict(task_history_retention_limit=-2),
        ['task_history_retention_limit'],
    ),
    ('init-labels-type', 'swarm_init', MANAGER, dict(labels='tier'), ['labels']),
    # swarm_join
    ('join-role-choice', 'swarm_join', OUTSIDER, dict(role='boss', join_token='x', remote_addrs=['m:2377']), ['role']),
    ('join-timeout-type', 'swarm_join', OUTSIDER, dict(timeout='long', remote_addrs=['m:2377']), ['timeout']),
    (
        'join-malformed-token',
        'swarm_join',
        OUTSIDER,
        dict(join_token='SWMTKN-1-short', remote_addrs=['m:2377']),
        ['join token', 'malformed'],
    ),
    # swarm_node
    ('node-availability', 'swarm_node', MANAGER, dict(node='worker1', availability='sleep'), ['availability', 'sleep']),
    ('node-unknown', 'swarm_node', MANAGER, dict(node='nosuchnode', availability='drain'), ['nosuchnode']),
    ('node-nested-label', 'swarm_node', MANAGER, dict(node='worker1', labels=dict(zone=dict(a=1))), ['labels.zone']),
    ('node-wait-timeout', 'swarm_node', MANAGER, dict(node='worker1', wait_timeout='later'), ['wait_timeout']),
    # swarm_info
    ('info-bool', 'swarm_info', MANAGER, dict(nodes='perhaps'), ['nodes', 'perhaps']),
    (
        'info-task-filter',
        'swarm_info',
        MANAGER,
        dict(tasks=True, tasks_filters=dict(colour='red')),
        ['tasks_filters', 'colour'],
    ),
    # swarm_service
    ('service-replicas-type', 'swarm_service', MANAGER, service(replicas='three'), ['replicas', 'three']),
    ('service-replicas-negative', 'swarm_service', MANAGER, service(replicas=-1), ['replicas']),
    ('service-mode-choice', 'swarm_service', MANAGER, service(mode='sometimes'), ['mode', 'sometimes']),
    ('service-grace-period', 'swarm_service', MANAGER, service(stop_grace_period='forever'), ['stop_grace_period']),
    ('service-cpus', 'swarm_service', MANAGER, service(resources=dict(limits=dict(cpus='lots'))), ['cpus']),
    (
        'service-port-type',
        'swarm_service',
        MANAGER,
        service(publish=[dict(target='eighty', published=9000)]),
        ['publish', 'target'],
    ),
    (
        'service-mount-type',
        'swarm_service',
        MANAGER,
        service(mounts=[dict(type='floppy', target='/a')]),
        ['mounts', 'floppy'],
    ),
    ('service-env-nested', 'swarm_service', MANAGER, service(env=dict(A=dict(b=1))), ['env.A']),
    ('service-env-string', 'swarm_service', MANAGER, service(env='A=1'), ['env']),
    ('service-hosts-type', 'swarm_service', MANAGER, service(hosts=True), ['hosts']),
    ('service-dns-name', 'swarm_service', MANAGER, service(name='web_front!'), ['name', 'web_front!']),
    ('service-bad-image', 'swarm_service', MANAGER, service(image='Swarmops/Web::1'), ['image', 'Swarmops/Web::1']),
    (
        'service-port-host-conflict',
        'swarm_service',
        MANAGER,
        service(publish=[dict(target=80, published=8081, mode='host')]),
        ['publish', '8081', 'occupant'],
    ),
    (
        'service-port-ingress-conflict',
        'swarm_service',
        MANAGER,
        service(endpoint_mode='vip', publish=[dict(target=80, published=8080)]),
        ['publish', '8080', 'occupant'],
    ),
    (
        'service-no-node-matches',
        'swarm_service',
        MANAGER,
        service(placement=dict(constraints=['node.labels.rack==r9'])),
        ['no node', 'node.labels.rack==r9'],
    ),
    (
        'service-constraint-syntax',
        'swarm_service',
        MANAGER,
        service(placement=dict(constraints=['node.role=manager'])),
        ['constraint', 'node.role=manager'],
    ),
    (
        'service-constraint-key',
        'swarm_service',
        MANAGER,
        service(placement=dict(constraints=['node.colour==red'])),
        ['constraint', 'node.colour'],
    ),
    # swarm_stack
    ('stack-name', 'swarm_stack', MANAGER, dict(stack(('web', web())), name='bad name!'), ['name', 'bad name!']),
    ('stack-unknown-key', 'swarm_stack', MANAGER, stack(('web', web(colour='red'))), ['colour']),
    (
        'stack-unknown-deploy-key',
        'swarm_stack',
        MANAGER,
        stack(('web', web(deploy=dict(replica=2)))),
        ['deploy', 'replica'],
    ),
    (
        'stack-malformed-yaml',
        'swarm_stack',
        MANAGER,
        dict(name='fresh', compose=[FILES + '/malformed.yml'], **ONE_SHOT),
        ['malformed.yml', 'line'],
    ),
    (
        'stack-missing-variable',
        'swarm_stack',
        MANAGER,
        stack(('web', web(image='swarmops/web:${WEB_TAG:?set WEB_TAG}'))),
        ['WEB_TAG', 'set WEB_TAG'],
    ),
    (
        'stack-missing-config-file',
        'swarm_stack',
        MANAGER,
        dict(stack(('web', web(configs=['site'])), configs=dict(site=dict(file='./absent.conf'))), project_dir=FILES),
        ['absent.conf'],
    ),
    (
        'stack-missing-secret-file',
        'swarm_stack',
        MANAGER,
        dict(
            stack(('web', web(secrets=['key'])), secrets=dict(key=dict(file=FILES + '/absent.key'))), project_dir=FILES
        ),
        ['absent.key'],
    ),
    ('stack-dns-name', 'swarm_stack', MANAGER, stack(('web!', web())), ['web!']),
    (
        'stack-bad-image',
        'swarm_stack',
        MANAGER,
        stack(('web', web(image='swarmops/web:1:2'))),
        ['image', 'swarmops/web:1:2'],
    ),
    (
        'stack-port-host-conflict',
        'swarm_stack',
        MANAGER,
        stack(('web', web(ports=[dict(target=80, published=8081, mode='host')]))),
        ['services.web.ports', '8081', 'occupant'],
    ),
    (
        'stack-port-ingress-conflict',
        'swarm_stack',
        MANAGER,
        stack(('web', web(deploy=dict(), ports=['8081:80']))),
        ['services.web.ports', '8081', 'occupant'],
    ),
    (
        'stack-no-node-matches',
        'swarm_stack',
        MANAGER,
        stack(('web', web(deploy=dict(endpoint_mode='dnsrr', placement=dict(constraints=['node.labels.rack==r9']))))),
        ['no node', 'node.labels.rack==r9'],
    ),
    (
        'stack-constraint-syntax',
        'swarm_stack',
        MANAGER,
        stack(('web', web(deploy=dict(endpoint_mode='dnsrr', placement=dict(constraints=['node.role manager']))))),
        ['constraint', 'node.role manager'],
    ),
    (
        'stack-replicas-type',
        'swarm_stack',
        MANAGER,
        stack(('web', web(deploy=dict(replicas='two')))),
        ['replicas', 'two'],
    ),
    # swarm_ca
    ('ca-expiry', 'swarm_ca', MANAGER, dict(node_cert_expiry='soonish'), ['node_cert_expiry']),
    ('ca-key-without-cert', 'swarm_ca', MANAGER, dict(signing_ca_key='x'), ['signing_ca_cert']),
    (
        'ca-external-protocol',
        'swarm_ca',
        MANAGER,
        dict(external_ca=[dict(protocol='acme', url='https://ca:8888')]),
        ['external_ca', 'acme'],
    ),
    # swarm_unlock
    ('unlock-key-format', 'swarm_unlock', MANAGER, dict(unlock_key='open sesame'), ['unlock_key']),
]


def tampered(token):
    """The token with one character of its secret changed: well-formed, and no longer the swarm's."""
    return token[:-1] + ('a' if token[-1] != 'a' else 'b')


# Cases whose arguments come from the sandbox: (case id, module, host, args(swarm), words of the message).
LIVE_CASES = [
    (
        'join-token-of-another-swarm',
        'swarm_join',
        OUTSIDER,
        lambda swarm: dict(
            join_token=swarm.token('manager3', 'worker'), remote_addrs=[swarm.address[MANAGER]], timeout=20
        ),
        ['join token belongs to another swarm'],
    ),
    (
        'join-tampered-token',
        'swarm_join',
        OUTSIDER,
        lambda swarm: dict(
            join_token=tampered(swarm.token(MANAGER, 'worker')), remote_addrs=[swarm.address[MANAGER]], timeout=20
        ),
        ['join token is not one of', 'current tokens'],
    ),
    (
        'join-unreachable-manager',
        'swarm_join',
        OUTSIDER,
        lambda swarm: dict(
            join_token=swarm.token(MANAGER, 'worker'), remote_addrs=['%s:2999' % swarm.address[MANAGER]], timeout=20
        ),
        ['2999'],
    ),
    (
        'ca-cert-not-matching-key',
        'swarm_ca',
        MANAGER,
        lambda swarm: dict(signing_ca_cert=swarm.ca_cert, signing_ca_key=swarm.other_ca_key, wait_timeout=60),
        ['signing_ca_cert', 'signing_ca_key'],
    ),
]
CASES += list(LIVE_CASES)


@pytest.mark.parametrize('case', CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(swarm, case):
    name, module, host, args, words = case
    before = cluster_state(swarm)
    args = args(swarm) if callable(args) else args
    result = run_module(swarm.inventory, host, 'swarmops.swarm.' + module, args, expect_failure=True)
    after = cluster_state(swarm)
    message = result.get('msg', '')
    print('%s: %s' % (name, message))
    assert 'Traceback (most recent call last)' not in json.dumps(result) and 'module_stderr' not in result, result
    for word in words:
        assert word.lower() in message.lower(), 'the message does not name %r: %s' % (word, message)
    assert after == before, 'the refused %s changed the cluster' % module
