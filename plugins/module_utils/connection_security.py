# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How safely a module reaches a remote engine: plain TCP refused unless allowed, TLS failures named as such.

The Engine API has no authentication of its own: whoever can talk to it is root on the host, and its answers carry
join tokens and the unlock key. Over plain TCP anyone on the network path can read and drive it, so the connection
options refuse a tcp:// engine without TLS unless the operator says the network is trusted (allow_insecure_tcp).
unix:// and ssh:// engines are not affected: the socket's permissions and SSH protect them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleFallbackNotFound

_PLAIN_TCP_SCHEMES = ('tcp://', 'http://')
# What an SSL error says when the engine's certificate did not verify (OpenSSL, Python's ssl module, urllib3).
_VERIFICATION_SIGNS = ('CERTIFICATE_VERIFY_FAILED', 'certificate verify failed', "doesn't match", 'hostname mismatch')


def cert_path_fallback(filename):
    """An Ansible fallback: ``filename`` in the folder E(DOCKER_CERT_PATH) names, as the docker CLI reads it."""
    folder = os.environ.get('DOCKER_CERT_PATH')
    if folder and os.path.isfile(os.path.join(folder, filename)):
        return os.path.join(folder, filename)
    raise AnsibleFallbackNotFound


def insecure_tcp_refusal(docker_host, params):
    """Why the module will not connect, for a TCP engine without TLS that is not explicitly allowed; else None."""
    if not docker_host.startswith(_PLAIN_TCP_SCHEMES):
        return None
    if params.get('tls') or params.get('tls_verify') or params.get('allow_insecure_tcp'):
        return None
    return (
        'docker_host %s is a TCP address without TLS: anyone on the network path could read the join tokens and '
        'secrets the Engine API carries and drive the engine as root. Set tls_verify: true with ca_path (and '
        'client_cert and client_key) to connect over TLS, or allow_insecure_tcp: true if the network itself is '
        'trusted.' % docker_host
    )


def tls_failure_message(docker_host, params, error):
    """A message that names the TLS verification, for an error of a verified connection that failed it; else None."""
    text = str(error)
    if not params.get('tls_verify') or not any(sign in text for sign in _VERIFICATION_SIGNS):
        return None
    trusted = 'the CA certificate ca_path=%s' % params['ca_path'] if params.get('ca_path') else 'the system CAs'
    return (
        'The TLS verification of the Docker engine at %s failed: its certificate is not signed by %s, or does not '
        'name the address connected to. %s' % (docker_host, trusted, text)
    )
