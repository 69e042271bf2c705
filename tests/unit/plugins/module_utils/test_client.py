# -*- coding: utf-8 -*-
import json

import docker
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import client as client_module
from ansible_collections.swarmops.swarm.plugins.module_utils.client import EngineClient
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.transport import EngineResponse, EngineUnreachable


class FakeTransport:
    """Answers requests from a list, as a transport from transport.py would, and records them."""

    api_version = '1.41'

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []

    def send(self, method, path, params=None, body=None, headers=None, timeout=None):
        self.requests.append(dict(method=method, path=path, params=params, body=body, headers=headers))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def answer(status_code=200, payload=None):
    return EngineResponse(status_code, 'application/json', None if payload is None else json.dumps(payload).encode())


def engine(*answers):
    return EngineClient(FakeTransport(answers), 'unix:///var/run/docker.sock')


def test_an_engine_refusal_says_what_was_asked_and_what_the_engine_said():
    client = engine(answer(503, {'message': 'This node is not a swarm manager.'}))
    with pytest.raises(EngineError) as raised:
        client.swarm_inspect()
    assert str(raised.value) == (
        'Could not inspect the swarm: the Docker engine at unix:///var/run/docker.sock '
        'answered: This node is not a swarm manager.'
    )
    assert raised.value.status_code == 503


def test_an_unreachable_engine_is_reported_as_such():
    client = engine(EngineUnreachable('connection refused'))
    with pytest.raises(
        EngineError, match='Could not read the engine information: .* did not answer: connection refused'
    ):
        client.info()


def test_bodies_and_flags_are_sent_as_the_api_expects():
    client = engine(answer(200, None))
    client.swarm_update({'Name': 'default'}, 42, rotate_worker_token=True)
    sent = client.transport.requests[0]
    assert (sent['method'], sent['path']) == ('POST', '/swarm/update')
    assert sent['params'] == {
        'version': 42,
        'rotateWorkerToken': 'true',
        'rotateManagerToken': 'false',
        'rotateManagerUnlockKey': 'false',
    }
    assert sent['body'] == {'Name': 'default'}


def test_writes_that_lose_a_race_are_retried(monkeypatch):
    monkeypatch.setattr(client_module.time, 'sleep', lambda seconds: None)
    client = engine()
    attempts = []

    def read_and_write():
        attempts.append(1)
        if len(attempts) < 3:
            raise EngineError('x', explanation='rpc error: code = Unknown desc = update out of sequence')
        return 'written'

    assert client.retry_out_of_sequence(read_and_write) == 'written'
    assert len(attempts) == 3


def test_other_errors_are_not_retried():
    client = engine()
    attempts = []

    def read_and_write():
        attempts.append(1)
        raise EngineError('x', explanation='invalid spec')

    with pytest.raises(EngineError):
        client.retry_out_of_sequence(read_and_write)
    assert len(attempts) == 1


def test_tls_settings_become_an_sdk_tls_config(tmp_path):
    cert, key, ca = (tmp_path / 'cert.pem', tmp_path / 'key.pem', tmp_path / 'ca.pem')
    for path in (cert, key, ca):
        path.write_text('x')
    config = client_module._tls_config(
        dict(tls_verify=True, client_cert=str(cert), client_key=str(key), ca_path=str(ca)), docker
    )
    assert config.cert == (str(cert), str(key))
    assert config.verify == str(ca)
    assert client_module._tls_config(dict(tls=False, tls_verify=False), docker) is False
    assert client_module._base_url('tcp://10.0.0.5:2376', True) == 'https://10.0.0.5:2376'
    assert client_module._base_url('unix:///var/run/docker.sock', False) == 'unix:///var/run/docker.sock'


def test_a_client_cert_without_key_is_refused():
    with pytest.raises(SwarmError, match='client_cert and client_key must be given together'):
        client_module._tls_config(dict(tls=True, client_cert='/cert.pem'), docker)


@pytest.mark.parametrize(
    'explanation',
    [
        "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online.",
        'rpc error: code = Unknown desc = raft: failed to process the request: node lost leader status',
    ],
)
def test_quorum_loss_is_explained_with_the_way_out(explanation):
    client = engine(answer(503, {'message': explanation}))
    with pytest.raises(EngineError) as raised:
        client.swarm_update({}, 1)
    assert raised.value.quorum_lost and raised.value.details == {'quorum_lost': True}
    assert str(raised.value).startswith('Could not update the swarm settings: ')
    assert 'lost quorum' in str(raised.value) and 'force_new_cluster: true' in str(raised.value)


def test_a_leader_election_is_explained_with_what_to_do():
    client = engine(answer(500, {'message': 'rpc error: code = DeadlineExceeded desc = context deadline exceeded'}))
    with pytest.raises(EngineError) as raised:
        client.services()
    assert raised.value.leaderless and not raised.value.quorum_lost
    assert str(raised.value).startswith('Could not list the services: ')
    assert 'elect a new leader' in str(raised.value) and 'against another manager' in str(raised.value)
