# -*- coding: utf-8 -*-
"""The local socket transport against a real HTTP server on a unix socket, the way the engine listens."""

import json
import os
import socketserver
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler

import ansible_collections
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.client import EngineClient
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from ansible_collections.swarmops.swarm.plugins.module_utils.transport import (
    EngineUnreachable,
    LocalSocketTransport,
)


class _Engine(BaseHTTPRequestHandler):
    """Answers like the engine: /version, a JSON list, a JSON error, an empty 204; records what it was sent."""

    def log_message(self, *args):
        pass

    def _answer(self, status, payload=None, content_type='application/json'):
        body = b'' if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.seen.append(('GET', self.path, None, dict(self.headers)))
        if self.path == '/version':
            self._answer(200, {'ApiVersion': '1.43', 'Version': '24.0.7'})
        elif self.path.startswith('/v1.43/services'):
            self._answer(200, [{'ID': 'abc'}])
        else:
            self._answer(404, {'message': 'page not found'})

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.seen.append(('POST', self.path, body, dict(self.headers)))
        if body and body.get('Name') == 'clash':
            self._answer(
                409, {'message': 'rpc error: code = AlreadyExists desc = name conflicts with an existing object'}
            )
        else:
            self._answer(204)


class _UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def engine_socket(tmp_path):
    path = str(tmp_path / 'docker.sock')
    server = _UnixHTTPServer(path, _Engine)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, 'unix://' + path
    server.shutdown()
    server.server_close()


def test_auto_speaks_the_engines_api_version_and_answers_come_back_parsed(engine_socket):
    server, docker_host = engine_socket
    client = EngineClient.from_params(dict(docker_host=docker_host, api_version='auto', timeout=5))
    assert client.api_version == '1.43'
    assert client.services(filters={'name': 'web'}, status=True) == [{'ID': 'abc'}]
    method, path, _body, _headers = server.seen[-1]
    assert method == 'GET'
    assert path == '/v1.43/services?filters=%7B%22name%22%3A+%5B%22web%22%5D%7D&status=true'


def test_a_json_body_is_sent_and_an_empty_answer_is_none(engine_socket):
    server, docker_host = engine_socket
    client = EngineClient.from_params(dict(docker_host=docker_host, api_version='1.41', timeout=5))
    assert client.swarm_update({'Name': 'default'}, 7) is None
    method, path, body, headers = server.seen[-1]
    assert (method, body, headers['Content-Type']) == ('POST', {'Name': 'default'}, 'application/json')
    assert path.startswith('/v1.41/swarm/update?') and 'version=7' in path
    # An explicit version needs no /version round trip.
    assert [seen[1] for seen in server.seen] == [path]


def test_a_refusal_carries_the_engines_message(engine_socket):
    _server, docker_host = engine_socket
    client = EngineClient.from_params(dict(docker_host=docker_host, timeout=5))
    with pytest.raises(EngineError) as raised:
        client.config_create({'Name': 'clash', 'Data': ''})
    assert raised.value.status_code == 409
    assert str(raised.value) == (
        'Could not create config clash: the Docker engine at %s answered: rpc error: code = AlreadyExists desc = '
        'name conflicts with an existing object' % docker_host
    )


def test_a_missing_socket_is_reported_as_an_engine_that_does_not_answer(tmp_path):
    docker_host = 'unix://%s' % (tmp_path / 'absent.sock')
    with pytest.raises(EngineError, match='Could not reach the Docker engine at %s: .*No such file' % docker_host):
        EngineClient.from_params(dict(docker_host=docker_host, timeout=5))
    transport = LocalSocketTransport(docker_host, 5)
    transport.api_version = '1.41'
    with pytest.raises(EngineUnreachable):
        transport.send('GET', '/info')


def test_the_local_socket_does_not_import_the_docker_sdk(engine_socket):
    """The reason this transport exists: a module run on the node's own socket does not pay for the SDK's imports."""
    _server, docker_host = engine_socket
    program = (
        'import sys\n'
        'from ansible_collections.swarmops.swarm.plugins.module_utils.client import EngineClient\n'
        'client = EngineClient.from_params(dict(docker_host=%r, timeout=5))\n'
        'client.services()\n'
        'print(sorted(name for name in ("docker", "requests", "urllib3") if name in sys.modules))\n' % docker_host
    )
    collections_root = os.path.dirname(list(ansible_collections.__path__)[0])
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([collections_root] + sys.path))
    run = subprocess.run([sys.executable, '-c', program], capture_output=True, text=True, env=environment, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == '[]'
