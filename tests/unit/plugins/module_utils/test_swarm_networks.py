# -*- coding: utf-8 -*-
"""The swarm_network planner over the stack's fake engine: creation, settings that differ, re-creation with the
services detached and attached again, removal, the ingress network and configuration-only networks."""

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_networks import (
    network_argument_spec,
    plan_network,
)
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine

SUBNET = '10.20.0.0/24'
ENCRYPTED_NET = dict(name='back', attachable=True, encrypted=True, ipam=dict(config=[dict(subnet=SUBNET)]))


def encrypted_net(**changes):
    """ENCRYPTED_NET with some settings changed or added."""
    task = dict(ENCRYPTED_NET)
    task.update(changes)
    return task


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    use_fake_time(monkeypatch)


def params(**task):
    values = dict((name, spec.get('default')) for name, spec in network_argument_spec().items())
    values.update(task)
    return values


def apply(engine, **task):
    """Plan in check mode and for real, assert both agree, apply; the real run's result."""
    predicted = plan_network(engine, params(**task))
    predicted_result = predicted.report(True)
    engine.calls = []
    plan = plan_network(engine, params(**task))
    assert (plan.summaries, plan.before, plan.after) == (predicted.summaries, predicted.before, predicted.after)
    plan.execute(check_mode=False)
    result = plan.report(False)
    for key in ('detached_services', 'reattached_services'):
        assert result[key] == predicted_result[key]
    result['actions'] = plan.summaries
    result['diff'] = dict(before=plan.before, after=plan.after)
    result['predicted'] = predicted_result
    return result


def unchanged(engine, **task):
    engine.calls = []
    plan = plan_network(engine, params(**task))
    assert plan.summaries == [] and plan.before == plan.after
    plan.execute(check_mode=False)
    assert engine.calls == []
    return plan.report(False)


def refused(engine, **task):
    engine.calls = []
    with pytest.raises(SwarmError) as raised:
        plan_network(engine, params(**task))
    assert engine.calls == []
    return raised.value


def live(engine, name):
    (network,) = [item for item in engine.networks_by_id.values() if item['Name'] == name]
    return network


def service_on(engine, network_name, service='api', aliases=('web',), ports=None):
    spec = dict(
        Name=service,
        TaskTemplate=dict(
            ContainerSpec=dict(Image='swarmops/web:1'),
            Networks=[dict(Target=network_name, Aliases=list(aliases), DriverOpts={'opt': '1'})],
        ),
    )
    if ports is not None:
        spec['EndpointSpec'] = dict(Ports=ports)
        if not network_name:
            spec['TaskTemplate'].pop('Networks')
    engine.service_create(spec)
    engine.calls = []


def attachments(engine, service='api'):
    return engine.service_named(service)['Spec']['TaskTemplate'].get('Networks') or []


def test_an_encrypted_attachable_overlay_is_created_with_its_subnet_and_then_left_alone():
    engine = FakeStackEngine()
    created = apply(engine, labels=dict(app='shop'), **ENCRYPTED_NET)
    assert created['actions'] == ['create network back (overlay, attachable, encrypted, %s)' % SUBNET]
    ((_path, request),) = engine.calls
    assert request['Options'] == {'encrypted': ''} and request['Attachable'] is True
    assert request['IPAM']['Config'] == [dict(Subnet=SUBNET)] and request['Labels'] == {'app': 'shop'}
    network = live(engine, 'back')
    assert created['network']['id'] == network['Id'] and created['predicted']['network']['id'] is None
    assert created['network']['encrypted'] is True and created['network']['driver_opts'] == {}
    assert created['diff']['before'] == {'state': 'absent'}
    assert created['diff']['after']['services'] == []
    again = unchanged(engine, labels=dict(app='shop'), **ENCRYPTED_NET)
    assert again['network']['id'] == network['Id']
    assert again['network']['ipam']['config'] == [dict(subnet=SUBNET, gateway='10.20.0.1')]
    # Settings the task leaves out are not compared.
    unchanged(engine, name='back', attachable=True, encrypted=True)


def test_settings_that_differ_are_named_and_refused_without_recreate():
    engine = FakeStackEngine()
    apply(engine, **ENCRYPTED_NET)
    error = refused(
        engine,
        **encrypted_net(
            internal=True,
            encrypted=False,
            labels=dict(a='b'),
            ipam=dict(config=[dict(subnet='10.30.0.0/24')]),
        ),
    )
    message = str(error)
    assert 'recreate: true' in message and 'cannot change' in message
    assert error.details['differences'][0] == 'internal false -> true'
    assert 'encrypted true -> false' in error.details['differences']
    assert any(item.startswith('ipam ') and '10.30.0.0/24' in item for item in error.details['differences'])
    assert any(item.startswith('labels {} -> ') for item in error.details['differences'])


def test_recreate_is_refused_while_services_are_attached_naming_them():
    engine = FakeStackEngine()
    apply(engine, **ENCRYPTED_NET)
    service_on(engine, 'back')
    service_on(engine, 'back', service='worker')
    error = refused(engine, recreate=True, **encrypted_net(internal=True))
    assert str(error).startswith('Network back is used by services api, worker;') and 'force: true' in str(error)
    assert error.details['services'] == ['api', 'worker']


def test_recreate_with_force_detaches_recreates_and_reattaches_with_the_same_aliases():
    engine = FakeStackEngine()
    apply(engine, **ENCRYPTED_NET)
    service_on(engine, 'back')
    old_id = live(engine, 'back')['Id']
    task = encrypted_net(ipam=dict(config=[dict(subnet='10.30.0.0/24')]), recreate=True, force=True)
    recreated = apply(engine, **task)
    assert recreated['actions'] == [
        'update service api: detach from network back',
        'remove network back (to re-create it: ipam %r -> %r)'
        % (
            dict(driver='default', options={}, config=[dict(subnet=SUBNET, gateway='10.20.0.1')]),
            dict(driver='default', options={}, config=[dict(subnet='10.30.0.0/24')]),
        ),
        'create network back (overlay, attachable, encrypted, 10.30.0.0/24)',
        'update service api: attach to the new network back',
    ]
    assert recreated['detached_services'] == recreated['reattached_services'] == ['api']
    assert len(recreated['waited_for']) == 2
    new = live(engine, 'back')
    assert new['Id'] != old_id and recreated['network']['id'] == new['Id']
    assert recreated['predicted']['network']['id'] is None
    assert new['IPAM']['Config'][0]['Subnet'] == '10.30.0.0/24' and new['Options']['encrypted'] == ''
    assert attachments(engine) == [dict(Target=new['Id'], Aliases=['web'], DriverOpts={'opt': '1'})]
    assert recreated['diff']['before']['services'] == recreated['diff']['after']['services'] == ['api']
    unchanged(engine, **task)


def test_a_recreated_network_keeps_the_live_settings_the_task_leaves_out():
    engine = FakeStackEngine()
    apply(engine, **ENCRYPTED_NET)
    apply(engine, name='back', attachable=True, encrypted=True, labels=dict(tier='back'), recreate=True)
    network = live(engine, 'back')
    assert network['Labels'] == {'tier': 'back'}
    assert network['IPAM']['Config'] == [dict(Subnet=SUBNET, Gateway='10.20.0.1')]


def test_removal_is_refused_while_used_and_force_detaches_first():
    engine = FakeStackEngine()
    apply(engine, **ENCRYPTED_NET)
    service_on(engine, 'back')
    error = refused(engine, name='back', state='absent')
    assert str(error).startswith('Network back is used by service api; Swarm removes no network a service uses.')
    removed = apply(engine, name='back', state='absent', force=True)
    assert removed['actions'] == ['update service api: detach from network back', 'remove network back']
    assert removed['network'] is None and removed['detached_services'] == ['api']
    assert removed['reattached_services'] == []
    assert 'back' not in engine.names('network') and attachments(engine) == []
    assert removed['diff']['after'] == {'state': 'absent'}
    unchanged(engine, name='back', state='absent')


def test_ingress_is_recreated_on_another_subnet_only_while_no_service_publishes_in_ingress_mode():
    engine = FakeStackEngine()
    ingress = dict(name='ingress', ingress=True, ipam=dict(config=[dict(subnet='10.11.0.0/16')]), recreate=True)
    service_on(engine, '', service='web', ports=[dict(TargetPort=80, PublishedPort=8080)])
    # A port the engine chose is published in ingress mode too.
    service_on(engine, '', service='api', ports=[dict(TargetPort=81)])
    service_on(engine, '', service='agent', ports=[dict(TargetPort=80, PublishedPort=9100, PublishMode='host')])
    for force in (False, True):
        error = refused(engine, force=force, **ingress)
        assert 'publish ports in ingress mode: api, web.' in str(error) and error.details['services'] == ['api', 'web']
    for name in ('web', 'api'):
        engine.service_remove(engine.service_named(name)['ID'])
    recreated = apply(engine, **ingress)
    assert recreated['actions'][1] == 'create network ingress (overlay, ingress, 10.11.0.0/16)'
    network = live(engine, 'ingress')
    assert network['Ingress'] is True and network['IPAM']['Config'][0]['Subnet'] == '10.11.0.0/16'
    unchanged(engine, **ingress)


def test_a_config_only_network_has_no_driver_to_compare_and_the_swarm_network_takes_it():
    engine = FakeStackEngine()
    config = dict(
        name='lan_config',
        config_only=True,
        scope='local',
        driver_opts=dict(parent='eth0'),
        ipam=dict(config=[dict(subnet='192.168.10.0/24', ip_range='192.168.10.128/25')]),
    )
    created = apply(engine, **config)
    assert 'Driver' not in engine.calls[0][1] and created['actions'] == [
        'create network lan_config (config only, 192.168.10.0/24)'
    ]
    unchanged(engine, **config)
    lan = dict(name='lan', driver='macvlan', scope='swarm', config_from='lan_config')
    apply(engine, **lan)
    assert engine.calls[0][1]['ConfigFrom'] == {'Network': 'lan_config'}
    unchanged(engine, **lan)
    assert refused(engine, **dict(lan, driver_opts=dict(parent='eth1'))).details['differences'] == [
        "driver_opts {} -> {'parent': 'eth1'}"
    ]
