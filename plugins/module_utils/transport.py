# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wire under EngineClient: how one HTTP request reaches the Docker engine and how its answer comes back.

A module run is a short process that makes a handful of requests, so its start-up is most of its cost. Modules
usually talk to the engine of the node they run on, over its unix socket; there the requests go through the
standard library's http.client and the docker SDK is not imported at all (it imports requests and urllib3, a
quarter of a second on a small node, more than all the API calls of a typical run). Remote engines (tcp://, TLS,
ssh://) go through the docker SDK's transport, which handles TLS and SSH the way the docker CLI does.

Both transports answer every request with an :class:`EngineResponse`, whatever its status; EngineClient decides
what a status means. Only an engine that cannot be reached at all raises :class:`EngineUnreachable`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

try:
    from http.client import HTTPConnection, HTTPException
    from urllib.parse import quote, urlencode
except ImportError:  # pragma: no cover - Python 2 controllers only import this file, they never run it
    HTTPConnection = object
    HTTPException = Exception
    quote = urlencode = None

UNIX_SCHEME = 'unix://'


class EngineUnreachable(Exception):
    """The engine did not answer: no socket, connection refused, timeout, a broken connection."""


class EngineResponse:
    """One answer of the engine: its HTTP status, its content type and its body."""

    def __init__(self, status_code, content_type, content):
        self.status_code = status_code
        self.content_type = content_type or ''
        self.content = content or b''

    def value(self):
        """The body as the API means it: parsed JSON, text, or None for an empty answer."""
        if self.status_code == 204 or not self.content:
            return None
        if 'json' in self.content_type:
            return json.loads(self.content.decode('utf-8'))
        return self.content.decode('utf-8', 'replace')

    def error_message(self):
        """What the engine said about a refused request: the `message` of its JSON error body, or the body."""
        try:
            message = json.loads(self.content.decode('utf-8')).get('message')
        except (ValueError, AttributeError):
            message = None
        return (message or self.content.decode('utf-8', 'replace') or 'HTTP status %d' % self.status_code).strip()


class _UnixHTTPConnection(HTTPConnection):
    """http.client's connection over a unix socket instead of TCP."""

    def __init__(self, socket_path, timeout):
        # The host only fills the Host header; the engine ignores it.
        HTTPConnection.__init__(self, 'localhost', timeout=timeout)
        self.socket_path = socket_path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class LocalSocketTransport:
    """Requests to the engine behind a unix socket, through the standard library only."""

    def __init__(self, docker_host, timeout):
        self.socket_path = docker_host[len(UNIX_SCHEME) :]
        self.timeout = timeout
        self.api_version = None

    def negotiate(self, api_version):
        """Speak ``api_version``, or the engine's own version for ``auto`` (as the docker SDK does)."""
        if api_version and api_version != 'auto':
            self.api_version = api_version
            return
        answer = self.send('GET', '/version', versioned=False)
        if answer.status_code != 200:
            raise EngineUnreachable(
                'it answered HTTP %d to GET /version: %s' % (answer.status_code, answer.error_message())
            )
        self.api_version = answer.value()['ApiVersion']

    def send(self, method, path, params=None, body=None, headers=None, timeout=None, versioned=True):
        url = quote(('/v%s%s' % (self.api_version, path)) if versioned else path, safe='/:@')
        query = urlencode(sorted((params or {}).items()))
        if query:
            url += '?' + query
        request_headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode('utf-8')
            request_headers['Content-Type'] = 'application/json'
        connection = _UnixHTTPConnection(self.socket_path, timeout or self.timeout)
        try:
            connection.request(method, url, body=payload, headers=request_headers)
            response = connection.getresponse()
            return EngineResponse(response.status, response.getheader('Content-Type'), response.read())
        except (OSError, HTTPException) as error:
            raise EngineUnreachable(_describe(error))
        finally:
            connection.close()


class SdkTransport:
    """Requests to a remote engine through the docker SDK's low-level client (TCP, TLS, SSH)."""

    def __init__(self, api, request_exception):
        self.api = api
        self.api_version = api.api_version
        self._request_exception = request_exception

    def send(self, method, path, params=None, body=None, headers=None, timeout=None):
        url = self.api._url(path)
        kwargs = {'params': params or {}}
        if timeout is not None:
            kwargs['timeout'] = timeout
        if headers:
            kwargs['headers'] = headers
        try:
            if method == 'GET':
                response = self.api._get(url, **kwargs)
            elif method == 'DELETE':
                response = self.api._delete(url, **kwargs)
            elif body is not None:
                response = self.api._post_json(url, data=body, **kwargs)
            else:
                response = self.api._post(url, **kwargs)
        except self._request_exception as error:
            raise EngineUnreachable(str(error))
        return EngineResponse(response.status_code, response.headers.get('Content-Type'), response.content)


def _describe(error):
    if isinstance(error, socket.timeout):
        return 'no answer within the timeout (%s)' % error
    return str(error) or type(error).__name__
