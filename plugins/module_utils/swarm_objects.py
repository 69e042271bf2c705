# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets and configs: their content versions, shared by swarm_stack, and the planner of swarm_secret and
swarm_config.

Swarm cannot change a secret's or a config's content. A new content becomes a new version, named
``<name>-<12 hex digits of its content digest>`` (the plain name while it is free); the services are pointed at the
new version and the old one is removed once nothing uses it. A secret's content cannot be read back, so every
secret this collection creates carries a salted, slow digest of its content in a label
(:data:`SECRET_DIGEST_LABEL`), and secrets are compared by that label; configs are compared by their data.

swarm_secret and swarm_config manage one object by its name and the versions of that name. Without ``rotate`` a
content that differs from the version in use fails; with ``rotate`` the planner creates (or reuses) the version of
the task's content, switches every service that uses another version to it (same file name, uid, gid and mode;
one rolling update per service, each awaited), and removes the other versions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import copy
import hashlib
import re

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.services import live_spec_of
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import (
    Rollout,
    Waits,
    rollout_wait_argument_spec,
    stability_seconds,
)

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


def update_service_and_wait(client, params, service, change, what, waits):
    """Write ``change(live spec)`` to a service (read again on "update out of sequence") and, with
    ``params['wait']``, wait until it converged, recorded in ``waits``. ``what`` says what the update is for, in
    the timeout's message. For the services swarm_secret, swarm_config and swarm_network update on their own."""

    def read_and_write():
        current = client.service_inspect(service['ID'])
        client.service_update(service['ID'], current['Version']['Index'], change(live_spec_of(current)))

    client.retry_out_of_sequence(read_and_write)
    if not params['wait']:
        return
    rollout = Rollout.after_update(client, service['ID'], stability_seconds(params))
    name = service['Spec']['Name']
    waits.rollouts({name: rollout}, params['wait_timeout'], 'service %s to converge %s' % (name, what))


# -- swarm_secret and swarm_config -------------------------------------------------------------


def object_argument_spec(kind):
    spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        data=dict(type='str', no_log=kind == 'secret'),
        data_src=dict(type='path'),
        data_source=dict(type='str', default='managed_node', choices=['managed_node', 'controller']),
        data_is_b64=dict(type='bool', default=False),
        labels=dict(type='dict'),
        rotate=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
        # Set by the action plugin with data_source=controller: the base64 bytes of data_src read there.
        _controller_data=dict(type='str', no_log=True),
    )
    spec.update(rollout_wait_argument_spec())
    if kind == 'config':
        spec['template_driver'] = dict(type='str', choices=['golang'])
    return spec


OBJECT_MODULE_KWARGS = dict(mutually_exclusive=[('data', 'data_src')])


def plan_secret(client, params):
    return plan_object(client, params, 'secret')


def plan_config(client, params):
    return plan_object(client, params, 'config')


def plan_object(client, params, kind):
    stability_seconds(params)
    live = _LiveVersions(client, kind, params['name'])
    run = _ObjectRun(client, params, kind, live)
    if params['state'] == 'absent':
        plan = _plan_removal(run)
    else:
        plan = _plan_present(run, _desired_spec(params, kind))
    plan.report = run.report
    return plan


def _desired_spec(params, kind):
    """The spec of the task's content, with ``Data`` as bytes; None when the task gives no content."""
    data = _desired_data(params)
    if data is None:
        return None
    spec = dict(Name=params['name'], Labels=_labels(params), Data=data)
    if params.get('template_driver'):
        spec['Templating'] = dict(Name=params['template_driver'])
    return spec


def _desired_data(params):
    if params['data'] is not None:
        data = params['data'].encode('utf-8')
    elif params['data_src'] is None:
        return None
    elif params['data_source'] == 'controller':
        if params['_controller_data'] is None:
            raise SwarmError(
                'data_source=controller needs the action plugin of the module, which reads data_src on the '
                'controller; run the module as a task of a play, not on its own.'
            )
        data = _decoded(params['_controller_data'], 'The content the action plugin read on the controller')
    else:
        try:
            with open(params['data_src'], 'rb') as handle:
                data = handle.read()
        except (IOError, OSError) as error:
            raise SwarmError('Could not read data_src %s on the managed node: %s' % (params['data_src'], error))
    if params['data_is_b64']:
        data = _decoded(data, 'data_is_b64 is set, but the content')
    return data


def _decoded(text, what):
    try:
        return base64.b64decode(text, validate=True)
    except (TypeError, ValueError, binascii.Error) as error:
        raise SwarmError('%s is not valid base64: %s.' % (what, error))


def _labels(params):
    if params['labels'] is None:
        return None
    return dict((str(key), '' if value is None else str(value)) for key, value in params['labels'].items())


class _LiveVersions:
    """The versions of one name (the plain name and ``<name>-<digest>``), oldest first, and the services using
    each, from one listing of each."""

    def __init__(self, client, kind, base):
        self.kind = kind
        self.base = base
        listing = getattr(client, kind + 's')() or []
        self.taken = set(object_name(item) for item in listing)
        self.versions = sorted(
            (item for item in listing if is_version_of(object_name(item), base)),
            key=lambda item: (item.get('CreatedAt') or '', object_name(item)),
        )
        self.services = client.services() or []

    def users(self, version_ids):
        """The services whose spec refers to any of these versions, by name."""
        return sorted(
            service['Spec']['Name']
            for service in self.services
            if _references(self.kind, live_spec_of(service)) & set(version_ids)
        )

    def service_named(self, name):
        return next(service for service in self.services if service['Spec']['Name'] == name)

    def current(self):
        """The version in use (the newest of those services use), else the newest; None if there is none."""
        used = [item for item in self.versions if self.users([object_id(item)])]
        candidates = used or self.versions
        return candidates[-1] if candidates else None


def _references(kind, spec):
    """IDs of the configs or secrets a service spec refers to (a config also as a credential spec)."""
    container = (spec.get('TaskTemplate') or {}).get('ContainerSpec') or {}
    field = kind.capitalize()
    ids = set(reference.get('%sID' % field) for reference in container.get('%ss' % field) or [])
    if kind == 'config':
        credential_config = ((container.get('Privileges') or {}).get('CredentialSpec') or {}).get('Config')
        if credential_config:
            ids.add(credential_config)
    return ids


def _live_view(kind, item, users):
    spec = item.get('Spec') or {}
    labels = dict(spec.get('Labels') or {})
    recorded = labels.pop(SECRET_DIGEST_LABEL, None)
    view = dict(state='present', name=object_name(item), labels=labels)
    if templating_of(spec):
        view['template_driver'] = templating_of(spec)
    if kind == 'config':
        view['content'] = shown_config_content(base64.b64decode(spec.get('Data') or ''))
    else:
        view['content'] = _secret_content_view(recorded)
    view['used_by'] = users
    return view


def _secret_content_view(recorded):
    if not recorded:
        return 'not shown (created without a digest label: unknown)'
    return 'not shown (digest %s)' % recorded.rsplit('$', 1)[-1][:12]


def _plan_present(run, desired):
    live = run.live
    kind, base = run.kind, live.base
    current = live.current()
    if desired is None:
        if current is None:
            raise SwarmError('%s %s does not exist; give data or data_src to create it.' % (kind.capitalize(), base))
        return _plan_labels_only(run, current)
    digest = content_digest(kind, base, desired)
    comparisons = dict((object_id(item), same_content(kind, base, desired, digest, item)) for item in live.versions)
    plan = Plan()
    if not run.params['rotate']:
        if current is not None and comparisons[object_id(current)] is False:
            raise SwarmError(
                'The content of %s %s differs from the task\'s, and Swarm cannot change a %s\'s content in place. '
                'Set rotate: true to create a new version of it, switch the services that use it (%s) to the new '
                'version and remove the old one.'
                % (kind, object_name(current), kind, ', '.join(live.users([object_id(current)])) or 'none')
            )
        if current is not None and comparisons[object_id(current)] is None:
            plan.warn(
                'Secret %s carries no %s label (it was not created by swarmops.swarm), so its content cannot be '
                'compared with the task\'s; it is left as it is. rotate: true replaces it with a version of the '
                'task\'s content.' % (object_name(current), SECRET_DIGEST_LABEL)
            )
        target = current
    else:
        matching = [item for item in live.versions if comparisons[object_id(item)]]
        # Of the versions with this content, the one in use now.
        target = current if current in matching else (matching[-1] if matching else None)
    plan.before = _live_view(kind, current, live.users([object_id(current)])) if current else dict(state='absent')
    # After a rotation the chosen version serves every service that used any version; else the current's.
    if run.params['rotate']:
        users_after = live.users([object_id(item) for item in live.versions])
    else:
        users_after = live.users([object_id(current)]) if current else []
    if target is None:
        _plan_creation(run, plan, desired, digest, current, users_after)
    else:
        run.chosen(object_name(target), object_id(target), target)
        _plan_label_update(run, plan, target, desired['Labels'])
        plan.after = _live_view(kind, target, users_after)
        if desired['Labels'] is not None:
            plan.after['labels'] = desired['Labels']
    if run.params['rotate']:
        _plan_switch(run, plan, [item for item in live.versions if item is not target])
    return plan


def _plan_labels_only(run, current):
    plan = Plan(before=_live_view(run.kind, current, run.live.users([object_id(current)])))
    run.chosen(object_name(current), object_id(current), current)
    labels = _labels(run.params)
    _plan_label_update(run, plan, current, labels)
    if labels is not None:
        plan.after['labels'] = labels
    return plan


def _plan_label_update(run, plan, live_object, labels):
    live_labels = dict(live_object['Spec'].get('Labels') or {})
    recorded = live_labels.pop(SECRET_DIGEST_LABEL, None)
    if labels is None or live_labels == labels:
        return
    name = object_name(live_object)
    sent = dict(labels)
    if recorded:
        sent[SECRET_DIGEST_LABEL] = recorded
    plan.add(
        'update the labels of %s %s' % (run.kind, name),
        lambda: update_labels(run.client, run.kind, live_object, sent),
    )


def _plan_creation(run, plan, desired, digest, current, users_after):
    kind, live = run.kind, run.live
    spec = copy.deepcopy(desired)
    spec['Name'] = version_name(kind, live.base, digest, live.taken)
    if spec['Labels'] is None:
        # A new version keeps the labels of the one it replaces.
        spec['Labels'] = dict((current['Spec'].get('Labels') or {}) if current else {})
        spec['Labels'].pop(SECRET_DIGEST_LABEL, None)
    if kind == 'secret':
        spec['Labels'][SECRET_DIGEST_LABEL] = digest
    run.chosen(spec['Name'], None, None)
    plan.after = dict(file_object_view(kind, spec), name=spec['Name'], used_by=users_after)
    if kind == 'secret':
        plan.after['content'] = _secret_content_view(digest)
    replaced = [object_name(item) for item in live.versions]
    plan.add(
        'create %s %s%s'
        % (kind, spec['Name'], ' (new content, replacing %s)' % ', '.join(replaced) if replaced else ''),
        lambda: run.create(spec),
    )


def _plan_switch(run, plan, old_versions):
    """Point every service that uses an old version at the chosen one, then remove the old versions."""
    old_ids = [object_id(item) for item in old_versions]
    old_names = [object_name(item) for item in old_versions]
    for service_name in run.live.users(old_ids):
        service = run.live.service_named(service_name)
        plan.add(
            'update service %s: %s %s -> %s'
            % (service_name, run.kind, ', '.join(_used_names(run, service, old_ids)), run.target_name),
            lambda service=service: run.switch_service(service, old_ids),
        )
        run.planned_updates.append(service_name)
    for item, name in zip(old_versions, old_names):
        plan.add(
            'remove %s %s (an old version of %s)' % (run.kind, name, run.live.base),
            lambda item=item: run.remove(item),
        )


def _used_names(run, service, old_ids):
    names = dict((object_id(item), object_name(item)) for item in run.live.versions)
    return sorted(
        set(names[identifier] for identifier in _references(run.kind, live_spec_of(service)) if identifier in old_ids)
    )


def _plan_removal(run):
    live = run.live
    kind = run.kind
    plan = Plan()
    if not live.versions:
        plan.before = plan.after = dict(state='absent')
        return plan
    ids = [object_id(item) for item in live.versions]
    users = live.users(ids)
    if users and not run.params['force']:
        raise SwarmError(
            '%s %s is used by service%s %s; Swarm removes no %s a service uses. Remove it from %s first, or set '
            'force: true to have this module take it out of %s (one rolling update each) and then remove it.'
            % (
                kind.capitalize(),
                ', '.join(object_name(item) for item in live.versions),
                's' if len(users) > 1 else '',
                ', '.join(users),
                kind,
                'them' if len(users) > 1 else 'it',
                'them' if len(users) > 1 else 'it',
            )
        )
    current = live.current()
    plan.before = _live_view(kind, current, users)
    plan.after = dict(state='absent')
    for service_name in users:
        service = live.service_named(service_name)
        plan.add(
            'update service %s: remove %s %s' % (service_name, kind, ', '.join(_used_names(run, service, ids))),
            lambda service=service: run.detach_service(service, ids),
        )
        run.planned_updates.append(service_name)
    for item in live.versions:
        plan.add('remove %s %s' % (kind, object_name(item)), lambda item=item: run.remove(item))
    return plan


class _ObjectRun:
    """Applies the plan's steps and reports: knows the chosen version (listed or just created), and waits for
    each service it updates before it updates the next."""

    def __init__(self, client, params, kind, live):
        self.client = client
        self.params = params
        self.kind = kind
        self.live = live
        self.target_name = None
        self.target_id = None
        self._target = None
        self.planned_updates = []
        self.waits = Waits()

    def chosen(self, name, identifier, live_object):
        self.target_name, self.target_id, self._target = name, identifier, live_object

    def create(self, spec):
        self.target_id = create_file_object(self.client, self.kind, spec)
        self._target = dict(ID=self.target_id, Spec=spec)

    def remove(self, item):
        getattr(self.client, self.kind + '_remove')(object_id(item), object_name(item))

    def switch_service(self, service, old_ids):
        field = self.kind.capitalize()

        def switched(spec):
            container = spec['TaskTemplate']['ContainerSpec']
            for reference in container.get('%ss' % field) or []:
                if reference.get('%sID' % field) in old_ids:
                    reference['%sID' % field] = self.target_id
                    reference['%sName' % field] = self.target_name
            credential_spec = (container.get('Privileges') or {}).get('CredentialSpec') or {}
            if credential_spec.get('Config') in old_ids:
                credential_spec['Config'] = self.target_id
            return spec

        self._update_service(service, switched, 'on %s %s' % (self.kind, self.target_name))

    def detach_service(self, service, old_ids):
        field = self.kind.capitalize()

        def detached(spec):
            container = spec['TaskTemplate']['ContainerSpec']
            container['%ss' % field] = [
                reference
                for reference in container.get('%ss' % field) or []
                if reference.get('%sID' % field) not in old_ids
            ]
            return spec

        self._update_service(service, detached, 'without %s %s' % (self.kind, self.live.base))

    def _update_service(self, service, change, what):
        update_service_and_wait(self.client, self.params, service, change, what, self.waits)

    def report(self, check_mode):
        result = dict(self.waits.result(), updated_services=list(self.planned_updates))
        result[self.kind] = None
        if self.params['state'] == 'present' and self.target_name is not None:
            spec = (self._target or {}).get('Spec') or {}
            labels = dict(spec.get('Labels') or {})
            labels.pop(SECRET_DIGEST_LABEL, None)
            if self.params['labels'] is not None:
                labels = _labels(self.params)
            result[self.kind] = dict(name=self.target_name, id=self.target_id, labels=labels)
            if self.kind == 'config':
                result[self.kind]['template_driver'] = templating_of(spec) or None
        return result
