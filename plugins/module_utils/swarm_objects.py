# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets and configs: their content versions (swarm_stack).

Swarm cannot change a secret's or a config's content. A new content becomes a new version, named
``<name>-<12 hex digits of its content digest>`` (the plain name while it is free); the services are pointed at the
new version and the old one is removed once nothing uses it. A secret's content cannot be read back, so every
secret this collection creates carries a salted, slow digest of its content in a label
(:data:`SECRET_DIGEST_LABEL`), and secrets are compared by that label; configs are compared by their data.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re

from ansible_collections.swarmops.swarm.plugins.module_utils.client import SwarmError

SECRET_DIGEST_LABEL = 'swarmops.swarm.content-digest'
_PBKDF2_ITERATIONS = 100000
_VERSION_SUFFIX = re.compile(r'^-[0-9a-f]{12}$')
OBJECT_NAME_LIMIT = 64
_SHOWN_CONFIG_BYTES = 4096


# -- content versions (swarm_stack and the object modules) --------------------------------------


def secret_digest(data, salt, iterations=None):
    """What the digest label of a secret says: a salted PBKDF2 digest, slow to guess a short secret from."""
    iterations = iterations or _PBKDF2_ITERATIONS
    digest = hashlib.pbkdf2_hmac('sha256', data, salt.encode('utf-8'), iterations)
    return 'pbkdf2-sha256$%d$%s$%s' % (iterations, salt, binascii.hexlify(digest).decode('ascii'))


def content_digest(kind, name, spec):
    """The digest of a desired spec's content (``Data`` as bytes, and its templating); secrets salt it with their
    name."""
    if kind == 'secret':
        return secret_digest(spec['Data'] + templating_of(spec).encode('utf-8'), name)
    return hashlib.sha256(spec['Data'] + b'\0' + templating_of(spec).encode('utf-8')).hexdigest()


def templating_of(spec):
    return ((spec or {}).get('Templating') or {}).get('Name') or ''


def is_version_of(name, base):
    return name == base or (name.startswith(base) and bool(_VERSION_SUFFIX.match(name[len(base) :])))


def same_content(kind, name, spec, digest, live_object):
    """Whether a live object holds a desired spec's content: True, False, or None when it cannot be known (a
    secret without our digest label). ``name`` is the name the digest was salted with."""
    live_spec = live_object.get('Spec') or {}
    if templating_of(live_spec) != templating_of(spec):
        return False
    if kind == 'config':
        return base64.b64decode(live_spec.get('Data') or '') == spec['Data']
    if ((live_spec.get('Driver') or {}).get('Name') or '') != ((spec.get('Driver') or {}).get('Name') or ''):
        return False
    recorded = (live_spec.get('Labels') or {}).get(SECRET_DIGEST_LABEL)
    if not recorded:
        return None
    parts = recorded.split('$')
    if len(parts) != 4 or not parts[1].isdigit():
        return False
    if (int(parts[1]), parts[2]) == (_PBKDF2_ITERATIONS, name):
        return recorded == digest
    return recorded == secret_digest(spec['Data'] + templating_of(spec).encode('utf-8'), parts[2], int(parts[1]))


def version_name(kind, base, digest, taken):
    """The name of a new version: the plain name while it is free, else ``<name>-<12 hex digits>``."""
    name = base if base not in taken else '%s-%s' % (base, digest.rsplit('$', 1)[-1][:12])
    if len(name) > OBJECT_NAME_LIMIT:
        raise SwarmError(
            'The %s name %s is longer than the %d characters Swarm allows; give the %s a shorter name.'
            % (kind, name, OBJECT_NAME_LIMIT, kind)
        )
    return name


def file_object_view(kind, spec):
    """What the diff shows of a desired spec: its labels (without the digest), templating and, for a config, its
    content (text up to 4 KiB, else its SHA-256). A secret's content is never shown."""
    labels = dict(spec.get('Labels') or {})
    labels.pop(SECRET_DIGEST_LABEL, None)
    view = dict(state='present', labels=labels)
    if templating_of(spec):
        view['template_driver'] = templating_of(spec)
    if kind == 'config':
        view['content'] = shown_config_content(spec['Data'])
    return view


def shown_config_content(data):
    try:
        text = data.decode('utf-8') if len(data) <= _SHOWN_CONFIG_BYTES else None
    except UnicodeDecodeError:
        text = None
    return text if text is not None else 'sha256:%s (%d bytes)' % (hashlib.sha256(data).hexdigest(), len(data))


def create_file_object(client, kind, spec):
    """Create a version from a desired spec (``Data`` as bytes); its ID."""
    body = dict(spec, Data=base64.b64encode(spec['Data']).decode('ascii'))
    return getattr(client, kind + '_create')(body)['ID']


def update_labels(client, kind, live_object, labels):
    """Labels are the one thing Swarm changes in place: the live spec goes back with them."""
    spec = dict(live_object['Spec'], Labels=labels)
    getattr(client, kind + '_update')(object_id(live_object), live_object['Version']['Index'], spec)


def object_id(item):
    return item.get('ID') or item.get('Id')


def object_name(item):
    return item.get('Name') or (item.get('Spec') or {}).get('Name')
