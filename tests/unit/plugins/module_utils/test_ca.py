# -*- coding: utf-8 -*-
import copy

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.ca import (
    SWARM_CA_ARGUMENT_SPEC,
    certificates_der,
    fingerprint,
    plan_swarm_ca,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from tests.unit.fake_engine import load_fixture

LIVE_ROOT = load_fixture('swarm_inspect.json')['TLSInfo']['TrustRoot']
# The same certificate as LIVE_ROOT, re-wrapped: certificates compare by content, not by PEM line layout.
LIVE_ROOT_REWRAPPED = '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----' % ''.join(
    LIVE_ROOT.split('-----')[2].split()
)
OTHER_ROOT = '-----BEGIN CERTIFICATE-----\nTUlJQm90aGVyY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n'


class FakeCAEngine:
    def __init__(self, nodes_up=3, nodes_down=0):
        self.swarm = load_fixture('swarm_inspect.json')
        self.updates = []
        tls = self.swarm['TLSInfo']
        self.node_list = [
            dict(
                ID='n%d' % index,
                Description=dict(Hostname='node%d' % index, TLSInfo=copy.deepcopy(tls)),
                Status=dict(State='ready' if index < nodes_up else 'down'),
            )
            for index in range(nodes_up + nodes_down)
        ]

    def swarm_inspect(self):
        return copy.deepcopy(self.swarm)

    def nodes(self):
        return copy.deepcopy(self.node_list)

    def swarm_update(self, spec, version, **rotations):
        self.updates.append(copy.deepcopy(spec['CAConfig']))
        self.swarm['Spec'] = copy.deepcopy(spec)
        given = spec['CAConfig'].get('SigningCACert')
        if given:
            self.swarm['TLSInfo'] = dict(TrustRoot=given, CertIssuerSubject='new', CertIssuerPublicKey='new')
            for node in self.node_list:
                if node['Status']['State'] == 'ready':
                    node['Description']['TLSInfo'] = copy.deepcopy(self.swarm['TLSInfo'])

    def retry_out_of_sequence(self, read_and_write):
        return read_and_write()


def params(**given):
    values = dict((name, spec.get('default')) for name, spec in SWARM_CA_ARGUMENT_SPEC.items())
    values.update(given)
    return values


def run(engine, check_mode=False, **given):
    plan = plan_swarm_ca(engine, params(**given))
    plan.execute(check_mode)
    plan.result = plan.report(check_mode)
    return plan


def test_certificates_compare_by_content():
    assert certificates_der(LIVE_ROOT) == certificates_der(LIVE_ROOT_REWRAPPED)
    assert fingerprint(LIVE_ROOT) == fingerprint(LIVE_ROOT_REWRAPPED)
    assert len(fingerprint(LIVE_ROOT).split(':')) == 32


def test_reading_changes_nothing_and_reports_trust_per_node():
    engine = FakeCAEngine(nodes_up=2, nodes_down=1)
    plan = run(engine)
    report = plan.result
    assert not plan.changed and engine.updates == []
    assert report['trust_root'] == LIVE_ROOT
    assert report['node_cert_expiry'] == '2160h'
    assert [node['trusts_current_root'] for node in report['nodes']] == [True, True, True]
    assert report['nodes_down'] == ['node2']


def test_rotate_generates_a_new_root_on_every_run(monkeypatch):
    engine = FakeCAEngine()
    plan = run(engine, rotate=True, wait=False)
    assert plan.changed
    assert engine.updates[0]['ForceRotate'] == 1
    run(engine, rotate=True, wait=False)
    assert engine.updates[1]['ForceRotate'] == 2


def test_a_given_root_that_already_is_the_trust_root_changes_nothing():
    plan = run(FakeCAEngine(), signing_ca_cert=LIVE_ROOT_REWRAPPED, signing_ca_key='KEY')
    assert not plan.changed


def test_switching_to_a_given_root_waits_for_the_nodes_that_are_up():
    engine = FakeCAEngine(nodes_up=2, nodes_down=1)
    predicted = run(engine, check_mode=True, signing_ca_cert=OTHER_ROOT, signing_ca_key='KEY')
    plan = run(engine, signing_ca_cert=OTHER_ROOT, signing_ca_key='KEY')
    report = plan.result
    assert (
        predicted.summaries
        == plan.summaries
        == ['update the swarm CA: rotate to the given root CA %s' % fingerprint(OTHER_ROOT)]
    )
    assert engine.updates == [dict(engine.updates[0], SigningCACert=OTHER_ROOT, SigningCAKey='KEY')]
    assert plan.after['trust_root_fingerprint'] == fingerprint(OTHER_ROOT)
    assert report['trust_root_fingerprint'] == fingerprint(OTHER_ROOT)
    assert report['nodes_down'] == ['node2']
    again = run(engine, signing_ca_cert=OTHER_ROOT, signing_ca_key='KEY')
    assert not again.changed


def test_a_rotation_that_does_not_reach_the_nodes_times_out_naming_them():
    engine = FakeCAEngine()
    engine.swarm['RootRotationInProgress'] = True
    for node in engine.node_list[1:]:
        node['Description']['TLSInfo'] = dict(TrustRoot='old', CertIssuerSubject='old', CertIssuerPublicKey='old')
    with pytest.raises(
        SwarmError,
        match='Timed out after 0s waiting for every node.*1 of 3 nodes that are up '
        'converged; behind: node1, node2; root rotation in progress',
    ):
        run(engine, rotate=True, wait_timeout=0)


def test_a_certificate_without_a_key_or_external_ca_is_refused():
    with pytest.raises(SwarmError, match='signing_ca_cert needs signing_ca_key'):
        run(FakeCAEngine(), signing_ca_cert=OTHER_ROOT)


def test_not_a_certificate_is_refused():
    with pytest.raises(SwarmError, match='must be a PEM certificate'):
        run(FakeCAEngine(), signing_ca_cert='hello', signing_ca_key='KEY')


def test_external_cas_and_expiry_are_compared_and_updated():
    engine = FakeCAEngine()
    external = [dict(url='https://cfssl.example/sign', protocol='cfssl', options=None, ca_cert=None)]
    plan = run(engine, external_ca=external, node_cert_expiry='720h')
    assert plan.summaries == [
        "update the swarm CA: node_cert_expiry '2160h' -> '720h'; external CAs -> https://cfssl.example/sign"
    ]
    assert engine.updates[0]['ExternalCAs'] == [{'Protocol': 'cfssl', 'URL': 'https://cfssl.example/sign'}]
    assert engine.updates[0]['NodeCertExpiry'] == 720 * 3600 * 10**9
    engine.swarm['Spec']['CAConfig']['ExternalCAs'] = engine.updates[0]['ExternalCAs']
    again = run(engine, external_ca=external, node_cert_expiry='720h')
    assert not again.changed


def test_rotate_and_a_given_certificate_exclude_each_other():
    with pytest.raises(SwarmError, match='cannot be combined with signing_ca_cert'):
        run(FakeCAEngine(), rotate=True, signing_ca_cert=OTHER_ROOT, signing_ca_key='KEY')


def test_a_key_that_does_not_belong_to_the_certificate_is_reported_naming_both_options():
    engine = FakeCAEngine()

    def refuse(spec, version, **rotations):
        raise EngineError(
            'Could not update the swarm settings: the Docker engine at unix:///var/run/docker.sock answered: '
            'rpc error: code = InvalidArgument desc = certificate key mismatch',
            status_code=400,
            explanation='rpc error: code = InvalidArgument desc = certificate key mismatch',
        )

    engine.swarm_update = refuse
    with pytest.raises(SwarmError, match='^signing_ca_key is not the private key of signing_ca_cert') as refused:
        run(engine, signing_ca_cert=OTHER_ROOT, signing_ca_key='OTHER KEY')
    assert 'OTHER KEY' not in str(refused.value)
