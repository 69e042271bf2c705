# -*- coding: utf-8 -*-
"""A swarm in the middle of an engine upgrade: managers on bookworm's Docker 20.10 (API 1.41), workers on trixie's
26.1 (API 1.45), one of them promoted. The cluster playbook forms it, and services and a stack deployed from a
manager of either version are left alone by the same tasks run from a manager of the other: what one engine stored
reads back as declared on the other.
"""

import json
import os

import pytest

from tests.integration.ansible_runner import REPO_ROOT, run_four_times, run_module, run_playbook
from tests.integration.conftest import started_sandbox

PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it') + '-mixed'
OLD_MANAGER = 'manager1'
NEW_MANAGER = 'worker1'  # a trixie worker, promoted below

SERVICE = dict(
    name='web',
    image='swarmops/web:1',
    replicas=3,
    endpoint_mode='dnsrr',
    env={'A': '1'},
    labels={'tier': 'web'},
    healthcheck=dict(test=['CMD', 'true'], interval='2s', retries=2),
    resources=dict(limits=dict(cpus=0.25, memory='32M')),
    update_config=dict(parallelism=1, delay='1s', order='stop-first'),
    publish=[dict(published=8090, target=80, mode='host')],
    resolve_image='never',
)
STACK_COMPOSE = """
services:
  api:
    image: swarmops/web:2
    deploy:
      replicas: 2
      endpoint_mode: dnsrr
      placement:
        constraints: [node.role == worker]
    networks: [back]
    configs:
      - source: site
        target: /etc/site.conf
  cache:
    image: swarmops/web:1
    deploy:
      mode: global
      endpoint_mode: dnsrr
    networks: [back]
networks:
  back:
    driver: overlay
configs:
  site:
    file: ./site.conf
"""


@pytest.fixture(scope='module')
def mixed():
    with started_sandbox(managers=3, workers=2, name_prefix=PREFIX, suite='bookworm', worker_suite='trixie') as swarm:
        yield swarm


def engine_versions(swarm):
    return dict(
        (name, swarm.sh(name, "docker version --format '{{.Server.Version}}'"))
        for name in swarm.managers + swarm.workers
    )


def test_the_cluster_playbook_forms_a_swarm_of_both_engine_versions(mixed):
    versions = engine_versions(mixed)
    assert set(version.split('.')[0] for version in versions.values()) == {'20', '26'}
    assert mixed.api_version(OLD_MANAGER) == (1, 41) and mixed.api_version(NEW_MANAGER) >= (1, 45)

    run_playbook(mixed.inventory, REPO_ROOT / 'playbooks' / 'cluster.yml')
    nodes = mixed.node_list(OLD_MANAGER)
    assert set(nodes) == set(versions) and all(node['status'] == 'Ready' for node in nodes.values())

    # Half-way through an upgrade a new-engine node takes a manager's place.
    run_four_times(mixed.inventory, OLD_MANAGER, 'swarmops.swarm.swarm_node', dict(node=NEW_MANAGER, role='manager'))
    assert mixed.node_list(NEW_MANAGER)[NEW_MANAGER]['manager_status'] == 'Reachable'


@pytest.mark.parametrize('writer, reader', [(OLD_MANAGER, NEW_MANAGER), (NEW_MANAGER, OLD_MANAGER)])
def test_a_service_written_by_one_engine_version_is_as_declared_for_the_other(mixed, writer, reader):
    # Host-mode ports (the sandbox has no routing mesh): each service a port of its own.
    port = 8090 if writer == OLD_MANAGER else 8091
    service = dict(SERVICE, name='web-from-%s' % writer, publish=[dict(published=port, target=80, mode='host')])
    run_four_times(mixed.inventory, writer, 'swarmops.swarm.swarm_service', service)
    again = run_module(mixed.inventory, reader, 'swarmops.swarm.swarm_service', service)
    assert not again.changed, again.get('diff')
    checked = run_module(mixed.inventory, reader, 'swarmops.swarm.swarm_service', service, check=True)
    assert not checked.changed
    running = mixed.sh(
        reader, "docker service ps %s --filter desired-state=running --format '{{.CurrentState}}'" % service['name']
    )
    assert [state.split()[0] for state in running.splitlines()] == ['Running'] * 3


@pytest.mark.parametrize('writer, reader', [(OLD_MANAGER, NEW_MANAGER), (NEW_MANAGER, OLD_MANAGER)])
def test_a_stack_deployed_from_one_engine_version_is_as_declared_for_the_other(mixed, writer, reader):
    stack = 'shop-from-%s' % writer
    for node in (writer, reader):
        mixed.sh(node, "mkdir -p /srv/%s && printf 'site one\\n' > /srv/%s/site.conf" % (stack, stack))
        mixed.sandbox.exec(node, 'cat > /srv/%s/compose.yml' % stack, input=STACK_COMPOSE)
    args = dict(name=stack, compose=['/srv/%s/compose.yml' % stack], resolve_image='never')
    run_four_times(mixed.inventory, writer, 'swarmops.swarm.swarm_stack', args)
    assert not run_module(mixed.inventory, reader, 'swarmops.swarm.swarm_stack', args).changed
    assert not run_module(mixed.inventory, reader, 'swarmops.swarm.swarm_stack', args, check=True).changed
    rows = mixed.sh(reader, "docker stack services %s --format '{{json .}}'" % stack).splitlines()
    replicas = dict((row['Name'], row['Replicas']) for row in map(json.loads, rows))
    assert replicas['%s_api' % stack] == '2/2'
    # Global: one task on every node, of both versions.
    assert replicas['%s_cache' % stack] == '5/5'
