# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where swarmops.swarm talks to the Docker Engine API.

Every module reaches the engine through :class:`EngineClient`. It owns the
connection options, turns every failure into a :class:`EngineError` whose
message says what was asked and what the engine answered, and retries writes
that lost a race against another writer ("update out of sequence").

The wire is in transport.py: the node's own socket through the standard
library, remote engines (TCP, TLS, SSH) through the docker SDK, which is only
imported when it is needed. Endpoints are called directly rather than through
the SDK's helpers, because the SDK versions shipped by distributions (5.0.3 on
Debian 12) lack fields that newer engines accept, and one code path for every
SDK version is easier to trust.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.swarmops.swarm.plugins.module_utils.connection_security import (
    cert_path_fallback,
    insecure_tcp_refusal,
    tls_failure_message,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import (
    ELECTION_HINT,
    QUORUM_RECOVERY_HINT,
    EngineError,
    SwarmError,
    version_tuple,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.transport import (
    UNIX_SCHEME,
    EngineUnreachable,
    LocalSocketTransport,
    SdkTransport,
)

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
MINIMUM_API_VERSION = '1.41'
_OUT_OF_SEQUENCE_ATTEMPTS = 5
CONNECTION_ARGUMENT_SPEC = dict(
    docker_host=dict(
        type='str', default=DEFAULT_DOCKER_HOST, aliases=['docker_url'], fallback=(env_fallback, ['DOCKER_HOST'])
    ),
    tls=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS'])),
    tls_verify=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS_VERIFY'])),
    # As the docker CLI: without these options, DOCKER_CERT_PATH's ca.pem, cert.pem and key.pem.
    ca_path=dict(type='path', aliases=['ca_cert', 'tls_ca_cert'], fallback=(cert_path_fallback, ['ca.pem'])),
    client_cert=dict(
        type='path', aliases=['tls_client_cert', 'cert_path'], fallback=(cert_path_fallback, ['cert.pem'])
    ),
    client_key=dict(
        type='path', aliases=['tls_client_key', 'key_path'], no_log=False, fallback=(cert_path_fallback, ['key.pem'])
    ),
    allow_insecure_tcp=dict(type='bool', default=False),
    api_version=dict(
        type='str', default='auto', aliases=['docker_api_version'], fallback=(env_fallback, ['DOCKER_API_VERSION'])
    ),
    timeout=dict(type='int', default=60, fallback=(env_fallback, ['DOCKER_TIMEOUT'])),
)


def _docker_sdk():
    """The docker SDK, imported only for what needs it: remote engines and registry credentials."""
    try:
        import docker
        from requests.exceptions import RequestException
    except ImportError as error:
        raise SwarmError(
            'The Docker SDK for Python is required on the managed node for a remote engine (tcp://, ssh://) and for '
            'with_registry_auth (Debian/Ubuntu: apt install python3-docker; elsewhere: pip install docker). '
            'Import failed: %s' % error
        )
    return docker, RequestException


def _tls_config(params, docker):
    if not (params.get('tls') or params.get('tls_verify')):
        return False
    client_cert = None
    if params.get('client_cert') or params.get('client_key'):
        if not (params.get('client_cert') and params.get('client_key')):
            raise SwarmError('client_cert and client_key must be given together.')
        client_cert = (params['client_cert'], params['client_key'])
    verify = False
    if params.get('tls_verify'):
        verify = params.get('ca_path') or True
    return docker.tls.TLSConfig(client_cert=client_cert, ca_cert=params.get('ca_path'), verify=verify)


def _base_url(docker_host, tls_enabled):
    # The docker CLI accepts tcp:// and decides on https by the TLS flags; the SDK needs the scheme spelled out.
    if tls_enabled and docker_host.startswith('tcp://'):
        return 'https://' + docker_host[len('tcp://') :]
    return docker_host


def _sdk_transport(params, docker_host):
    docker, request_exception = _docker_sdk()
    try:
        tls_config = _tls_config(params, docker)
        api = docker.APIClient(
            base_url=_base_url(docker_host, bool(tls_config)),
            version=params.get('api_version') or 'auto',
            timeout=params.get('timeout') or 60,
            tls=tls_config,
        )
    except docker.errors.DockerException as error:
        raise EngineError(
            tls_failure_message(docker_host, params, error)
            or 'Could not connect to the Docker engine at %s: %s' % (docker_host, error)
        )
    except request_exception as error:
        raise EngineError(
            tls_failure_message(docker_host, params, error)
            or 'Could not reach the Docker engine at %s: %s' % (docker_host, error)
        )
    return SdkTransport(api, request_exception)


def _local_socket_transport(params, docker_host):
    transport = LocalSocketTransport(docker_host, params.get('timeout') or 60)
    try:
        transport.negotiate(params.get('api_version') or 'auto')
    except EngineUnreachable as error:
        raise EngineError('Could not reach the Docker engine at %s: %s' % (docker_host, error))
    return transport


class EngineClient:
    """Docker Engine API calls used by the swarm modules, over a transport from transport.py."""

    def __init__(self, transport, docker_host):
        self.transport = transport
        self.docker_host = docker_host

    @property
    def api_version(self):
        return self.transport.api_version

    @classmethod
    def from_params(cls, params):
        docker_host = params.get('docker_host') or os.environ.get('DOCKER_HOST') or DEFAULT_DOCKER_HOST
        refusal = insecure_tcp_refusal(docker_host, params)
        if refusal:
            raise SwarmError(refusal)
        if docker_host.startswith(UNIX_SCHEME):
            transport = _local_socket_transport(params, docker_host)
        else:
            transport = _sdk_transport(params, docker_host)
        if version_tuple(transport.api_version) < version_tuple(MINIMUM_API_VERSION):
            raise EngineError(
                'The Docker engine at %s speaks API %s; swarmops.swarm needs API %s or newer.'
                % (docker_host, transport.api_version, MINIMUM_API_VERSION)
            )
        return cls(transport, docker_host)

    # -- transport -------------------------------------------------------------------------

    def request(self, action, method, path, params=None, body=None, timeout=None, headers=None):
        """Call one endpoint; ``action`` says in plain words what was asked, for the error message."""
        try:
            response = self.transport.send(method, path, params=params, body=body, headers=headers, timeout=timeout)
        except EngineUnreachable as error:
            raise EngineError(
                'Could not %s: the Docker engine at %s did not answer: %s' % (action, self.docker_host, error)
            )
        if response.status_code >= 400:
            explanation = response.error_message()
            message = 'Could not %s: the Docker engine at %s answered: %s' % (action, self.docker_host, explanation)
            failure = EngineError(message, status_code=response.status_code, explanation=explanation)
            if failure.quorum_lost:
                failure = EngineError(
                    '%s %s' % (message, QUORUM_RECOVERY_HINT),
                    status_code=response.status_code,
                    explanation=explanation,
                    quorum_lost=True,
                )
            elif failure.leaderless:
                failure = EngineError(
                    '%s %s' % (message, ELECTION_HINT), status_code=response.status_code, explanation=explanation
                )
            raise failure
        return response.value()

    def retry_out_of_sequence(self, read_and_write):
        """Run ``read_and_write`` again when another writer changed the object between our read and our write.

        Swarm objects carry a version; a write with a stale version fails with "update out of sequence".
        The callable must read the object afresh each time it runs.
        """
        for attempt in range(1, _OUT_OF_SEQUENCE_ATTEMPTS + 1):
            try:
                return read_and_write()
            except EngineError as error:
                if 'out of sequence' not in error.explanation or attempt == _OUT_OF_SEQUENCE_ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)

    # -- system and swarm -----------------------------------------------------------------

    def info(self):
        return self.request('read the engine information', 'GET', '/info')

    def swarm_inspect(self):
        return self.request('inspect the swarm', 'GET', '/swarm')

    def swarm_init(self, init_request):
        return self.request('initialise a swarm', 'POST', '/swarm/init', body=init_request)

    def swarm_join(self, join_request, timeout=None):
        return self.request(
            'join the swarm at %s' % ', '.join(join_request['RemoteAddrs']),
            'POST',
            '/swarm/join',
            body=join_request,
            timeout=timeout,
        )

    def swarm_leave(self, force):
        return self.request('leave the swarm', 'POST', '/swarm/leave', params={'force': _flag(force)})

    def swarm_update(
        self, spec, version, rotate_worker_token=False, rotate_manager_token=False, rotate_unlock_key=False
    ):
        params = {
            'version': version,
            'rotateWorkerToken': _flag(rotate_worker_token),
            'rotateManagerToken': _flag(rotate_manager_token),
            'rotateManagerUnlockKey': _flag(rotate_unlock_key),
        }
        return self.request('update the swarm settings', 'POST', '/swarm/update', params=params, body=spec)

    def swarm_unlock(self, unlock_key):
        return self.request('unlock this manager', 'POST', '/swarm/unlock', body={'UnlockKey': unlock_key})

    def swarm_unlock_key(self):
        return self.request('read the swarm unlock key', 'GET', '/swarm/unlockkey').get('UnlockKey') or None

    # -- nodes and tasks ----------------------------------------------------------------------

    def nodes(self):
        return self.request('list the swarm nodes', 'GET', '/nodes')

    def node_inspect(self, node_id):
        return self.request('inspect node %s' % node_id, 'GET', '/nodes/%s' % node_id)

    def node_update(self, node_id, version, spec):
        return self.request(
            'update node %s' % node_id, 'POST', '/nodes/%s/update' % node_id, params={'version': version}, body=spec
        )

    def node_remove(self, node_id, force=False):
        return self.request('remove node %s' % node_id, 'DELETE', '/nodes/%s' % node_id, params={'force': _flag(force)})

    # -- services and tasks, and the networks, configs and secrets services refer to ------------

    def services(self, filters=None, status=False):
        """``status`` adds each service's running/desired/completed task counts (ServiceStatus)."""
        params = _filters(filters)
        if status:
            params['status'] = 'true'
        return self.request('list the services', 'GET', '/services', params=params)

    def service_inspect(self, service_id):
        return self.request('inspect service %s' % service_id, 'GET', '/services/%s' % service_id)

    def service_create(self, spec, with_registry_auth=False):
        return self.request(
            'create service %s' % spec.get('Name'),
            'POST',
            '/services/create',
            body=spec,
            headers=self._registry_auth_header(spec, with_registry_auth),
        )

    def service_update(self, service_id, version, spec, rollback=None, with_registry_auth=False):
        params = {'version': version}
        if rollback:
            params['rollback'] = rollback
        return self.request(
            'update service %s' % spec.get('Name', service_id),
            'POST',
            '/services/%s/update' % service_id,
            params=params,
            body=spec,
            headers=self._registry_auth_header(spec, with_registry_auth),
        )

    def service_remove(self, service_id):
        return self.request('remove service %s' % service_id, 'DELETE', '/services/%s' % service_id)

    def _registry_auth_header(self, spec, with_registry_auth):
        """X-Registry-Auth: the credentials this node's docker config holds for the image's registry, which
        the swarm hands to the agents that pull the image (what the CLI's --with-registry-auth sends)."""
        if not with_registry_auth:
            return None
        docker = _docker_sdk()[0]
        image = ((spec.get('TaskTemplate') or {}).get('ContainerSpec') or {}).get('Image') or ''
        registry = docker.auth.resolve_repository_name(image)[0]
        credentials = docker.auth.resolve_authconfig(docker.auth.load_config(), registry)
        return {'X-Registry-Auth': docker.auth.encode_header(credentials)} if credentials else None

    def tasks(self, filters=None):
        return self.request('list the tasks', 'GET', '/tasks', params=_filters(filters))

    def networks(self, filters=None):
        return self.request('list the networks', 'GET', '/networks', params=_filters(filters))

    def network_inspect(self, network, scope=None):
        """One network by name, ID or ID prefix; ``scope='swarm'`` asks the swarm, as the engine does when a
        service spec names a network (it finds the swarm's own ``host`` and ``bridge``, which no listing shows)."""
        return self.request(
            'inspect network %s' % network,
            'GET',
            '/networks/%s' % network,
            params={'scope': scope} if scope else None,
        )

    def configs(self, filters=None):
        return self.request('list the configs', 'GET', '/configs', params=_filters(filters))

    def secrets(self, filters=None):
        return self.request('list the secrets', 'GET', '/secrets', params=_filters(filters))

    # -- stacks: writing networks, configs and secrets, and reading image digests (swarm_stack) --

    def network_create(self, request):
        return self.request('create network %s' % request['Name'], 'POST', '/networks/create', body=request)

    def network_remove(self, network_id, name=None):
        return self.request('remove network %s' % (name or network_id), 'DELETE', '/networks/%s' % network_id)

    def config_create(self, spec):
        return self.request('create config %s' % spec['Name'], 'POST', '/configs/create', body=spec)

    def config_update(self, config_id, version, spec):
        return self.request(
            'update config %s' % spec['Name'],
            'POST',
            '/configs/%s/update' % config_id,
            params={'version': version},
            body=spec,
        )

    def config_remove(self, config_id, name=None):
        return self.request('remove config %s' % (name or config_id), 'DELETE', '/configs/%s' % config_id)

    def secret_create(self, spec):
        return self.request('create secret %s' % spec['Name'], 'POST', '/secrets/create', body=spec)

    def secret_update(self, secret_id, version, spec):
        return self.request(
            'update secret %s' % spec['Name'],
            'POST',
            '/secrets/%s/update' % secret_id,
            params={'version': version},
            body=spec,
        )

    def secret_remove(self, secret_id, name=None):
        return self.request('remove secret %s' % (name or secret_id), 'DELETE', '/secrets/%s' % secret_id)

    def distribution_inspect(self, image, with_registry_auth=False):
        """The image's digest and platforms as its registry reports them (the engine asks the registry)."""
        spec = {'TaskTemplate': {'ContainerSpec': {'Image': image}}}
        return self.request(
            'read the digest of image %s from its registry' % image,
            'GET',
            '/distribution/%s/json' % image,
            headers=self._registry_auth_header(spec, with_registry_auth),
        )


def _flag(value):
    return 'true' if value else 'false'


def _filters(filters):
    """The API's filter parameter: a JSON mapping of filter name to a list of values."""
    if not filters:
        return {}
    return {
        'filters': json.dumps(
            dict((name, values if isinstance(values, list) else [values]) for name, values in filters.items())
        )
    }
