# -*- coding: utf-8 -*-
import pytest
from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.swarmops.swarm.plugins.module_utils import client as client_module
from ansible_collections.swarmops.swarm.plugins.module_utils.client import EngineClient
from ansible_collections.swarmops.swarm.plugins.module_utils.connection_security import (
    cert_path_fallback,
    insecure_tcp_refusal,
    tls_failure_message,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError

VERIFY_FAILED = (
    "HTTPSConnectionPool(host='10.0.0.5', port=2376): Max retries exceeded (Caused by SSLError(SSLCertVerificationError"
    "(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate')))"
)


@pytest.mark.parametrize('docker_host', ['tcp://10.0.0.5:2375', 'http://10.0.0.5:2375'])
def test_a_tcp_engine_without_tls_is_refused_naming_the_host_and_the_way_out(docker_host):
    refusal = insecure_tcp_refusal(docker_host, dict(tls=False, tls_verify=False, allow_insecure_tcp=False))
    assert docker_host in refusal and 'without TLS' in refusal
    assert 'tls_verify: true' in refusal and 'allow_insecure_tcp: true' in refusal


@pytest.mark.parametrize(
    'docker_host, params',
    [
        ('tcp://10.0.0.5:2376', dict(tls_verify=True)),
        ('tcp://10.0.0.5:2376', dict(tls=True)),
        ('tcp://10.0.0.5:2375', dict(allow_insecure_tcp=True)),
        ('unix:///var/run/docker.sock', {}),
        ('ssh://admin@10.0.0.5', {}),
    ],
)
def test_tls_an_explicit_allowance_or_another_transport_passes(docker_host, params):
    assert insecure_tcp_refusal(docker_host, params) is None


def test_the_refusal_comes_before_any_connection(monkeypatch):
    monkeypatch.setattr(client_module, '_sdk_transport', lambda *args: pytest.fail('connected'))
    with pytest.raises(SwarmError, match='allow_insecure_tcp'):
        EngineClient.from_params(dict(docker_host='tcp://10.0.0.5:2375', tls=False, tls_verify=False))


def test_a_verification_failure_names_the_tls_verification_and_the_ca():
    message = tls_failure_message('tcp://10.0.0.5:2376', dict(tls_verify=True, ca_path='/etc/ca.pem'), VERIFY_FAILED)
    assert message.startswith('The TLS verification of the Docker engine at tcp://10.0.0.5:2376 failed')
    assert 'ca_path=/etc/ca.pem' in message and 'CERTIFICATE_VERIFY_FAILED' in message
    assert 'the system CAs' in tls_failure_message('tcp://h:2376', dict(tls_verify=True), VERIFY_FAILED)


def test_other_failures_keep_their_own_message():
    assert tls_failure_message('tcp://h:2376', dict(tls_verify=True), 'Connection refused') is None
    assert tls_failure_message('tcp://h:2376', dict(tls=True), VERIFY_FAILED) is None


def test_certificates_default_to_docker_cert_path_as_for_the_docker_cli(monkeypatch, tmp_path):
    (tmp_path / 'ca.pem').write_text('x')
    monkeypatch.setenv('DOCKER_CERT_PATH', str(tmp_path))
    assert cert_path_fallback('ca.pem') == str(tmp_path / 'ca.pem')
    with pytest.raises(AnsibleFallbackNotFound):
        cert_path_fallback('cert.pem')  # not there: no fallback, as without the variable
    monkeypatch.delenv('DOCKER_CERT_PATH')
    with pytest.raises(AnsibleFallbackNotFound):
        cert_path_fallback('ca.pem')
