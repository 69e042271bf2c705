# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The swarm's root CA: reading it, rotating it, switching to a given or external CA, and waiting for every node
to trust the new root (swarm_ca)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import SWARM_SPEC_OPTIONS
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    apply_to_spec,
    desired_api_values,
    differing_options,
    options_view,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import wait_until

# node_cert_expiry is declared once, with swarm_init's settings.
CA_SPEC_OPTIONS = tuple(option for option in SWARM_SPEC_OPTIONS if option.name == 'node_cert_expiry')

SWARM_CA_ARGUMENT_SPEC = dict(
    rotate=dict(type='bool', default=False),
    signing_ca_cert=dict(type='str'),
    signing_ca_key=dict(type='str', no_log=True),
    external_ca=dict(
        type='list',
        elements='dict',
        options=dict(
            url=dict(type='str', required=True),
            protocol=dict(type='str', default='cfssl', choices=['cfssl']),
            options=dict(type='dict'),
            ca_cert=dict(type='str'),
        ),
    ),
    node_cert_expiry=dict(type='raw'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
)
SWARM_CA_MODULE_KWARGS = dict(
    required_by=dict(signing_ca_key=('signing_ca_cert',)),
)

_PEM_CERTIFICATE = re.compile(r'-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----', re.DOTALL)


def certificates_der(pem_text):
    """The DER bytes of every certificate in a PEM text, so certificates compare by content, not by formatting."""
    blocks = _PEM_CERTIFICATE.findall(pem_text or '')
    try:
        return [base64.b64decode(''.join(block.split())) for block in blocks]
    except (binascii.Error, ValueError):
        raise SwarmError('signing_ca_cert is not a valid PEM certificate.')


def fingerprint(pem_text):
    """SHA-256 fingerprint of the first certificate, written the way `openssl x509 -fingerprint -sha256` does."""
    certificates = certificates_der(pem_text)
    if not certificates:
        return None
    digest = hashlib.sha256(certificates[0]).hexdigest().upper()
    return ':'.join(digest[index : index + 2] for index in range(0, len(digest), 2))


def _external_cas_to_api(external_cas):
    return [
        dict(
            (key, value)
            for key, value in (
                ('Protocol', external_ca['protocol']),
                ('URL', external_ca['url']),
                ('Options', external_ca.get('options')),
                ('CACert', external_ca.get('ca_cert')),
            )
            if value
        )
        for external_ca in external_cas
    ]


def _external_cas_view(api_external_cas):
    return [
        dict(
            url=external_ca.get('URL'),
            protocol=external_ca.get('Protocol'),
            options=external_ca.get('Options') or None,
            ca_cert_fingerprint=fingerprint(external_ca.get('CACert')),
        )
        for external_ca in api_external_cas or []
    ]


def _ca_view(live):
    ca_config = (live.get('Spec') or {}).get('CAConfig') or {}
    view = dict(
        trust_root_fingerprint=fingerprint((live.get('TLSInfo') or {}).get('TrustRoot')),
        external_ca=_external_cas_view(ca_config.get('ExternalCAs')),
    )
    view.update(options_view(CA_SPEC_OPTIONS, live.get('Spec') or {}))
    return view


def plan_swarm_ca(client, params):
    live = client.swarm_inspect()
    live_spec = live.get('Spec') or {}
    live_ca_config = live_spec.get('CAConfig') or {}
    desired = desired_api_values(CA_SPEC_OPTIONS, params)
    before = _ca_view(live)
    after = dict(before)
    after.update(options_view(CA_SPEC_OPTIONS, apply_to_spec(CA_SPEC_OPTIONS, desired, live_spec)))
    changes = [
        '%s %r -> %r' % (name, before[name], after[name])
        for name in differing_options(CA_SPEC_OPTIONS, desired, live_spec)
    ]

    ca_config_changes = {}
    if params.get('external_ca') is not None:
        wanted_external_cas = _external_cas_to_api(params['external_ca'])
        if wanted_external_cas != (live_ca_config.get('ExternalCAs') or []):
            ca_config_changes['ExternalCAs'] = wanted_external_cas
            after['external_ca'] = _external_cas_view(wanted_external_cas)
            changes.append('external CAs -> %s' % (', '.join(ca['url'] for ca in params['external_ca']) or 'none'))

    rotation = _rotation(params, live)
    if rotation:
        ca_config_changes.update(rotation['ca_config'])
        after['trust_root_fingerprint'] = rotation['new_fingerprint']
        changes.append(rotation['summary'])

    plan = Plan(before=before, after=after)
    if changes:
        plan.add('update the swarm CA: %s' % '; '.join(changes), lambda: _update_ca(client, desired, ca_config_changes))
    waits_for_rotation = bool(rotation) and params['wait']
    plan.report = lambda check_mode: _report(client, params, plan, waits_for_rotation and not check_mode)
    return plan


def _rotation(params, live):
    """The CAConfig fields that start a root rotation, or None when the trust root is already as asked."""
    if params['rotate'] and params.get('signing_ca_cert'):
        raise SwarmError(
            'rotate: true makes the swarm generate a new root CA; it cannot be combined with '
            'signing_ca_cert, which rotates to the given one.'
        )
    if params['rotate']:
        forced = ((live.get('Spec') or {}).get('CAConfig') or {}).get('ForceRotate') or 0
        return dict(
            ca_config={'ForceRotate': forced + 1, 'SigningCACert': '', 'SigningCAKey': ''},
            new_fingerprint='(a new root generated by the swarm)',
            summary='rotate to a new root CA generated by the swarm',
        )
    given_certificate = params.get('signing_ca_cert')
    if not given_certificate:
        return None
    if not certificates_der(given_certificate):
        raise SwarmError('signing_ca_cert must be a PEM certificate (-----BEGIN CERTIFICATE----- ...).')
    if not params.get('signing_ca_key') and not params.get('external_ca'):
        raise SwarmError(
            'signing_ca_cert needs signing_ca_key (the swarm signs with it) or external_ca (an '
            'external CA signs with it).'
        )
    current_root = (live.get('TLSInfo') or {}).get('TrustRoot')
    if certificates_der(given_certificate)[:1] == certificates_der(current_root)[:1] and not live.get(
        'RootRotationInProgress'
    ):
        return None
    ca_config = {'SigningCACert': given_certificate, 'SigningCAKey': params.get('signing_ca_key') or ''}
    return dict(
        ca_config=ca_config,
        new_fingerprint=fingerprint(given_certificate),
        summary='rotate to the given root CA %s' % fingerprint(given_certificate),
    )


def _update_ca(client, desired, ca_config_changes):
    def read_and_write():
        live = client.swarm_inspect()
        spec = apply_to_spec(CA_SPEC_OPTIONS, desired, live.get('Spec') or {})
        spec.setdefault('CAConfig', {}).update(ca_config_changes)
        client.swarm_update(spec, live['Version']['Index'])

    try:
        client.retry_out_of_sequence(read_and_write)
    except EngineError as error:
        # The engine checks the pair before it changes anything; say which options do not belong together.
        if 'certificate key mismatch' in str(error):
            raise SwarmError(
                'signing_ca_key is not the private key of signing_ca_cert (the engine answered "certificate key '
                'mismatch"): give the key that belongs to that certificate. The swarm CA was not changed.'
            )
        raise


def _report(client, params, plan, wait_for_rotation):
    waited_seconds = 0
    if wait_for_rotation:
        waited_seconds = wait_until(
            lambda: _rotation_progress(client),
            params['wait_timeout'],
            'every node that is up to trust the new root CA and hold a certificate issued by it',
            interval=1,
        )[1]
    live = client.swarm_inspect()
    nodes = sorted(
        (_node_trust(node, live.get('TLSInfo') or {}) for node in client.nodes()),
        key=lambda node: node['hostname'] or '',
    )
    result = dict(
        _ca_view(live),
        trust_root=(live.get('TLSInfo') or {}).get('TrustRoot'),
        root_rotation_in_progress=bool(live.get('RootRotationInProgress')),
        nodes=nodes,
        nodes_down=sorted(node['hostname'] for node in nodes if node['status'] != 'ready'),
        waited_seconds=waited_seconds,
    )
    if wait_for_rotation and result['root_rotation_in_progress'] and result['nodes_down']:
        plan.warn(
            'The root rotation finishes when the nodes that are down come back (%s): until then the swarm '
            'trusts both the old and the new root.' % ', '.join(result['nodes_down'])
        )
    return result


def _node_trust(node, desired_tls):
    tls = (node.get('Description') or {}).get('TLSInfo') or {}
    return dict(
        id=node.get('ID'),
        hostname=(node.get('Description') or {}).get('Hostname'),
        status=(node.get('Status') or {}).get('State'),
        trusts_current_root=tls.get('TrustRoot') == desired_tls.get('TrustRoot'),
        certificate_from_current_root=(
            tls.get('CertIssuerPublicKey') == desired_tls.get('CertIssuerPublicKey')
            and tls.get('CertIssuerSubject') == desired_tls.get('CertIssuerSubject')
        ),
    )


def _rotation_progress(client):
    """Done when every node that is up trusts the current root and holds a certificate it issued.

    Nodes that are down are not waited for: they are listed in the result (nodes_down) and catch up when they
    return.
    """
    live = client.swarm_inspect()
    nodes = [_node_trust(node, live.get('TLSInfo') or {}) for node in client.nodes()]
    nodes_up = [node for node in nodes if node['status'] == 'ready']
    behind = sorted(
        node['hostname']
        for node in nodes_up
        if not (node['trusts_current_root'] and node['certificate_from_current_root'])
    )
    nodes_down = [node for node in nodes if node['status'] != 'ready']
    done = not behind and (not live.get('RootRotationInProgress') or bool(nodes_down))
    status = '%d of %d nodes that are up converged' % (len(nodes_up) - len(behind), len(nodes_up))
    if behind:
        status += '; behind: %s' % ', '.join(behind)
    if live.get('RootRotationInProgress'):
        status += '; root rotation in progress'
    return done, status
