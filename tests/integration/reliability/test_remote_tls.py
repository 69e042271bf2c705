# -*- coding: utf-8 -*-
"""A remote engine over TCP: reached with TLS verified against the given CA, refused with a CA that did not sign
its certificate (a message naming the TLS verification), and refused without TLS unless allow_insecure_tcp says so.

worker2 runs a second engine that listens only on TCP with TLS (dockerd --tlsverify, with certificates made here)
and a plain TCP relay to its own engine; swarm_info runs on worker1 against both. worker1 and worker2's own engine
are in the swarm and the second engine is not, so each answer shows which engine gave it.
"""

from tests.integration.ansible_runner import run_module
from tests.integration.pki import issue_certificate, make_root_ca

ENGINE_NODE, CLIENT_NODE = 'worker2', 'worker1'
TLS_PORT, PLAIN_PORT = 2376, 2375
CERTS = '/etc/swarmops-tls'
TLS_ENGINE = (
    'dockerd --host tcp://0.0.0.0:%d --tlsverify --tlscacert %s/ca.pem --tlscert %s/server.pem --tlskey %s/server-key.pem'
    ' --data-root /tmp/tls-engine --exec-root /run/tls-engine --pidfile /run/tls-engine.pid --storage-driver vfs'
    ' --iptables=false --bridge=none' % (TLS_PORT, CERTS, CERTS, CERTS)
)
# A plain TCP relay to the node's own engine socket, as an engine bound to tcp:// without TLS would answer.
PLAIN_RELAY = (
    '''
import socket, threading
def pipe(source, target):
    while True:
        data = source.recv(65536)
        if not data:
            break
        target.sendall(data)
    target.shutdown(socket.SHUT_WR)
listener = socket.create_server(('0.0.0.0', %d))
while True:
    client = listener.accept()[0]
    engine = socket.socket(socket.AF_UNIX)
    engine.connect('/var/run/docker.sock')
    for pair in ((client, engine), (engine, client)):
        threading.Thread(target=pipe, args=pair, daemon=True).start()
'''
    % PLAIN_PORT
)
MODULE = 'swarmops.swarm.swarm_info'


def _put(swarm, node, path, content):
    rc, _stdout, stderr = swarm.sandbox.exec(node, 'mkdir -p %s && cat > %s' % (CERTS, path), input=content)
    assert rc == 0, stderr


def _start_listeners(swarm, address):
    swarm.sh(ENGINE_NODE, 'setsid %s >/tmp/tls-engine.log 2>&1 </dev/null &' % TLS_ENGINE)
    swarm.sh(
        ENGINE_NODE, 'setsid python3 %s/relay.py >/dev/null 2>&1 </dev/null & echo $! >/run/plain-relay.pid' % CERTS
    )
    # Both answer once the docker CLI on the engine node reads their version.
    tls_cli = 'docker --tlsverify --tlscacert %s/ca.pem --tlscert %s/cert.pem --tlskey %s/key.pem' % ((CERTS,) * 3)
    swarm.sh(
        ENGINE_NODE,
        'for attempt in $(seq 60); do %s -H tcp://%s:%d version >/dev/null 2>&1 && docker -H tcp://127.0.0.1:%d '
        'version >/dev/null 2>&1 && exit 0; sleep 0.5; done; cat /tmp/tls-engine.log; exit 1'
        % (tls_cli, address, TLS_PORT, PLAIN_PORT),
    )


def _stop_listeners(swarm):
    # The engine's pid file has no trailing newline: one cat per file. Then wait for the engine to be gone, so that
    # a later test finds the node as it was.
    swarm.sh(
        ENGINE_NODE,
        'engine=$(cat /run/tls-engine.pid); kill $(cat /run/plain-relay.pid); kill $engine; '
        'while kill -0 $engine 2>/dev/null; do sleep 0.2; done',
        check=False,
    )


def test_tls_verified_against_the_given_ca_is_required_for_a_tcp_engine(swarm_sandbox, tmp_path):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=[CLIENT_NODE, ENGINE_NODE])
    address = swarm_sandbox.address[ENGINE_NODE]
    root = make_root_ca(tmp_path, 'swarmops engine CA')
    server = issue_certificate(tmp_path, 'server', root, 'server', address)
    client = issue_certificate(tmp_path, 'client', root, 'client')
    (tmp_path / 'other').mkdir()
    other_root = make_root_ca(tmp_path / 'other', 'some other CA')
    for node, path, source in (
        (ENGINE_NODE, 'ca.pem', root[0]),
        (ENGINE_NODE, 'server.pem', server[0]),
        (ENGINE_NODE, 'server-key.pem', server[1]),
        (ENGINE_NODE, 'cert.pem', client[0]),
        (ENGINE_NODE, 'key.pem', client[1]),
        (CLIENT_NODE, 'ca.pem', root[0]),
        (CLIENT_NODE, 'other-ca.pem', other_root[0]),
        (CLIENT_NODE, 'cert.pem', client[0]),
        (CLIENT_NODE, 'key.pem', client[1]),
    ):
        _put(swarm_sandbox, node, '%s/%s' % (CERTS, path), source.read_text())
    _put(swarm_sandbox, ENGINE_NODE, '%s/relay.py' % CERTS, PLAIN_RELAY)
    _start_listeners(swarm_sandbox, address)
    try:
        tls = dict(
            docker_host='tcp://%s:%d' % (address, TLS_PORT),
            tls_verify=True,
            ca_path='%s/ca.pem' % CERTS,
            client_cert='%s/cert.pem' % CERTS,
            client_key='%s/key.pem' % CERTS,
        )
        verified = run_module(swarm_sandbox.inventory, CLIENT_NODE, MODULE, tls)
        assert verified['swarm']['local_node_state'] == 'inactive'  # the TLS engine, not worker1's own

        other_ca = dict(tls, ca_path='%s/other-ca.pem' % CERTS)
        refused = run_module(swarm_sandbox.inventory, CLIENT_NODE, MODULE, other_ca, expect_failure=True)
        assert refused['msg'].startswith(
            'The TLS verification of the Docker engine at tcp://%s:%d failed: its certificate is not signed by the '
            'CA certificate ca_path=%s/other-ca.pem' % (address, TLS_PORT, CERTS)
        ), refused['msg']

        plain = dict(docker_host='tcp://%s:%d' % (address, PLAIN_PORT))
        insecure = run_module(swarm_sandbox.inventory, CLIENT_NODE, MODULE, plain, expect_failure=True)
        assert insecure['msg'].startswith(
            'docker_host tcp://%s:%d is a TCP address without TLS' % (address, PLAIN_PORT)
        )
        assert 'allow_insecure_tcp: true' in insecure['msg']
        allowed = run_module(swarm_sandbox.inventory, CLIENT_NODE, MODULE, dict(plain, allow_insecure_tcp=True))
        assert allowed['swarm']['node_addr'] == address  # worker2's own engine, through the relay
    finally:
        _stop_listeners(swarm_sandbox)
