# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options of every module; their argument spec is CONNECTION_ARGUMENT_SPEC in
    # plugins/module_utils/client.py. Set them once for all modules of the collection with
    # module_defaults: group/swarmops.swarm.swarm.
    DOCUMENTATION = r'''
options:
  docker_host:
    description:
      - The Docker engine the module talks to, as the docker CLI writes it, for example
        C(unix:///var/run/docker.sock) or C(tcp://10.0.0.5:2376).
      - The module runs on the managed node, so the default socket is that node's own engine.
      - If not given, the environment variable E(DOCKER_HOST) of the managed node is used, then
        C(unix:///var/run/docker.sock).
      - A C(tcp://) engine needs O(tls_verify) (or O(tls)), unless O(allow_insecure_tcp=true).
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  allow_insecure_tcp:
    description:
      - Connect to a C(tcp://) (or C(http://)) O(docker_host) without TLS.
      - By default such a connection is refused before anything is sent. The Engine API has no authentication of
        its own; over plain TCP anyone on the network path can read what it carries (join tokens, the unlock key,
        secrets being created) and drive the engine, which is root on its host. Set it only for a network that is
        itself trusted (a private link, a tunnel); prefer O(tls_verify) with client certificates, or C(ssh://).
      - C(unix://) and C(ssh://) engines are not affected.
    type: bool
    default: false
  tls:
    description:
      - Connect with TLS without verifying the engine's certificate. The traffic is encrypted, but anyone who can
        intercept it can pose as the engine; prefer O(tls_verify).
      - Ignored when O(tls_verify=true), which implies TLS.
      - Falls back to the environment variable E(DOCKER_TLS).
    type: bool
    default: false
  tls_verify:
    description:
      - Connect with TLS and verify the engine's certificate against O(ca_path) (or the system trust store); it
        must be signed by that CA and name the address of O(docker_host). A certificate that does not verify fails
        the module with a message that names the TLS verification, before any request.
      - Falls back to the environment variable E(DOCKER_TLS_VERIFY) (V(1) turns it on, as for the docker CLI).
    type: bool
    default: false
  ca_path:
    description:
      - Path on the managed node to the CA certificate that signed the engine's certificate.
      - If not given, C(ca.pem) in the folder the environment variable E(DOCKER_CERT_PATH) names, if it is there
        (as for the docker CLI).
    type: path
    aliases: [ca_cert, tls_ca_cert]
  client_cert:
    description:
      - Path on the managed node to the client certificate presented to the engine. Needs O(client_key).
      - If not given, C(cert.pem) in the folder E(DOCKER_CERT_PATH) names, if it is there.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - Path on the managed node to the key of O(client_cert).
      - If not given, C(key.pem) in the folder E(DOCKER_CERT_PATH) names, if it is there.
    type: path
    aliases: [tls_client_key, key_path]
  api_version:
    description:
      - The Engine API version to speak. V(auto) asks the engine and uses its version.
      - The collection needs API 1.41 (Docker Engine 20.10) or newer.
      - Falls back to the environment variable E(DOCKER_API_VERSION).
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for each answer of the engine.
      - Falls back to the environment variable E(DOCKER_TIMEOUT).
    type: int
    default: 60
requirements:
  - Python 3 on the managed node.
  - The Docker SDK for Python 5.0.3 or newer on the managed node for an engine reached over C(tcp://) or C(ssh://),
    and for the C(with_registry_auth) option of swarm_service and swarm_stack (Debian and Ubuntu package
    C(python3-docker); or C(pip install docker)).
    The node's own engine socket (C(unix://), the default) is reached through Python's standard library.
  - Docker Engine 20.10 (API 1.41) or newer.
'''

    ATTRIBUTES = r'''
attributes:
  check_mode:
    support: full
    description: Check mode reports exactly the changes a real run would make, from the same plan.
  diff_mode:
    support: full
    description: Diff mode shows the affected settings before and after.
  action_group:
    support: full
    membership:
      - swarmops.swarm.swarm
    description: Use C(group/swarmops.swarm.swarm) in C(module_defaults) to set the connection options once.
'''
