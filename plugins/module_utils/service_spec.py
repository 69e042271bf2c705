# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every swarm_service option that maps to the Engine API ServiceSpec, each declared once.

The argument spec, the API payload, the comparison with a live service and the diff view all derive from
SERVICE_OPTIONS (see spec.py). A new option is one more declaration here plus its documentation.

Converters turn the module's spelling into the API's (``to_api``), back for display (``from_api``), and say when
two API values mean the same (``same``): the order of a constraint list means nothing, "swarmops/web:1" is the
same image as "swarmops/web:1@sha256:..." when the task pins no digest.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import re
import shlex

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError, version_tuple
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    OptionGroup,
    SpecOption,
    bytes_to_size,
    duration_option,
    file_mode_to_int,
    get_path,
    int_to_file_mode,
    non_negative,
    normalise,
    size_to_bytes,
    unordered,
)

SECOND = 10**9
CONTAINER = ('TaskTemplate', 'ContainerSpec')

# Service modes as the CLI names them, and the key of the API's Mode object for each.
MODE_KEYS = {
    'replicated': 'Replicated',
    'global': 'Global',
    'replicated-job': 'ReplicatedJob',
    'global-job': 'GlobalJob',
}
_MODE_NAMES = dict((key, name) for name, key in MODE_KEYS.items())

# What the engine runs with when a service has no UpdateConfig / RollbackConfig at all. Once the object exists,
# a field it lacks is the zero value, so these are written in before a first suboption is set.
ROLLOUT_DEFAULTS = {
    'Parallelism': 1,
    'Delay': 0,
    'FailureAction': 'pause',
    'Monitor': 5 * SECOND,
    'MaxFailureRatio': 0,
    'Order': 'stop-first',
}


# -- plain values --------------------------------------------------------------------------


def _command_line(value, option_name):
    """A command as a list of arguments; a string is split like a shell would, without running one."""
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    try:
        return shlex.split(str(value))
    except ValueError as error:
        raise SwarmError('%s could not be split into arguments: %s' % (option_name, error))


def _string_mapping(value, option_name):
    if not isinstance(value, dict):
        raise SwarmError('%s must be a mapping, not %r.' % (option_name, value))
    return dict((str(key), _string_value(item, '%s.%s' % (option_name, key))) for key, item in value.items())


def _string_value(value, option_name):
    # YAML turns yes/no/true into booleans; their string form is ambiguous ("True" or "true"), so ask for quotes.
    if isinstance(value, bool):
        raise SwarmError('%s is the boolean %r; quote it to say which string is meant.' % (option_name, value))
    if isinstance(value, (dict, list, tuple)):
        raise SwarmError('%s must be a string or a number, not %r.' % (option_name, value))
    return '' if value is None else str(value)


def _capabilities(value, option_name):
    return [_capability(item) for item in value]


def _capability(name):
    name = str(name).strip().upper()
    return name if name == 'ALL' or name.startswith('CAP_') else 'CAP_' + name


def _cpus_to_nano(value, option_name):
    try:
        return int(round(float(value) * SECOND))
    except (TypeError, ValueError):
        raise SwarmError('%s must be a number of CPUs such as 0.5, not %r.' % (option_name, value))


def _nano_to_cpus(nano_cpus):
    return nano_cpus / float(SECOND)


def _size(value, option_name):
    return size_to_bytes(value, option_name)


def _same_constraints(desired, live):
    return unordered()(_spaceless(desired), _spaceless(live))


def _spaceless(constraints):
    return [re.sub(r'\s*(==|!=)\s*', r'\1', item.strip()) for item in constraints or []]


# -- names, image references, constraints: what the engine would refuse, refused here first ------

# Swarm's own rules (swarmkit's controlapi): a service name is one DNS label of at most 63 characters.
_DNS_LABEL = re.compile(r'^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$')
_SERVICE_NAME_LIMIT = 63
# The grammar of docker image references (distribution/reference): [domain/]path[:tag][@digest].
_DOMAIN_COMPONENT = r'(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
_PATH_COMPONENT = r'[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
_IMAGE_REFERENCE = re.compile(
    r'^(?:(?:%(d)s(?:\.%(d)s)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?/)?%(p)s(?:/%(p)s)*'
    r'(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$'
    % dict(d=_DOMAIN_COMPONENT, p=_PATH_COMPONENT)
)
# Placement constraints as swarmkit parses them: "key==value" or "key!=value", keys it knows.
_CONSTRAINT_VALUE = re.compile(r'^[a-z0-9:\-_\s.*()?+\[\]\\^$|/]+$', re.IGNORECASE)
_CONSTRAINT_KEYS = ('node.id', 'node.hostname', 'node.role', 'node.platform.os', 'node.platform.arch')
_CONSTRAINT_KEY_PREFIXES = ('node.labels.', 'engine.labels.')


def check_service_name(name, option_name='name'):
    """Refuse a service name the engine would refuse ("name must be valid as a DNS name component")."""
    if not isinstance(name, str) or not _DNS_LABEL.match(name) or len(name) > _SERVICE_NAME_LIMIT:
        raise SwarmError(
            '%s %r is not a valid service name: Swarm needs a DNS label (letters, digits, "-" and "_", starting and '
            'ending with a letter or digit, at most %d characters).' % (option_name, name, _SERVICE_NAME_LIMIT)
        )
    return name


def check_image_reference(reference, option_name='image'):
    """Refuse an image reference that is not [registry/]repository[:tag][@digest] (repository in lowercase)."""
    if not isinstance(reference, str) or not _IMAGE_REFERENCE.match(reference):
        raise SwarmError(
            '%s %r is not a valid image reference: write [registry[:port]/]repository[:tag][@digest], the '
            'repository in lowercase letters, digits and separators, the tag at most 128 characters of letters, '
            'digits, "_", "." and "-".' % (option_name, reference)
        )
    return reference


def check_constraints(constraints, option_name='placement.constraints'):
    """Refuse placement constraints the engine cannot parse, or whose key no node has (they never match)."""
    for constraint in constraints or []:
        operator = '==' if '==' in constraint else '!=' if '!=' in constraint else None
        key, value = [part.strip() for part in constraint.split(operator, 1)] if operator else ('', '')
        if operator is None or not value or not _CONSTRAINT_VALUE.match(value):
            raise SwarmError(
                '%s: %r is not a constraint: write key==value or key!=value, for example node.role==manager or '
                'node.labels.zone!=a.' % (option_name, constraint)
            )
        if key not in _CONSTRAINT_KEYS and not (key.startswith(_CONSTRAINT_KEY_PREFIXES) and key[-1] != '.'):
            raise SwarmError(
                '%s: %r names %r, which no node has: the keys are %s, node.labels.<label> and '
                'engine.labels.<label>.' % (option_name, constraint, key, ', '.join(_CONSTRAINT_KEYS))
            )
    return constraints


def _image_option(value, option_name):
    return check_image_reference(value, option_name)


def _constraints_option(value, option_name):
    return check_constraints([str(item) for item in value], option_name)


# -- image ---------------------------------------------------------------------------------


def _image_parts(reference):
    """(repository, tag, digest) with Docker Hub's implicit parts spelled out, so equal references compare equal."""
    reference, _at, digest = reference.partition('@')
    repository, tag = reference, 'latest'
    last_part = reference.rsplit('/', 1)[-1]
    if ':' in last_part:
        repository, tag = reference.rsplit(':', 1)
    if '/' not in repository or not re.match(r'^[^/]*[.:][^/]*/|^localhost/', repository):
        repository = 'docker.io/' + repository
    if repository.startswith('docker.io/') and repository.count('/') == 1:
        repository = 'docker.io/library/' + repository[len('docker.io/') :]
    return repository, tag, digest or None


def _same_image(desired, live):
    """Compare by name and tag; the digest counts only when the task pins one."""
    if live is None:
        return False
    wanted, running = _image_parts(desired), _image_parts(live)
    if wanted[2] is None:
        running = running[:2] + (None,)
    return wanted == running


# -- environment ---------------------------------------------------------------------------


def _env_from_params(params):
    """env_files first, then env, like the docker CLI; a later value of a variable wins."""
    entries = []
    for path in params.get('env_files') or []:
        entries.extend(_env_file_entries(path))
    env = params.get('env')
    if isinstance(env, dict):
        entries.extend('%s=%s' % (key, _string_value(value, 'env.%s' % key)) for key, value in env.items())
    elif env is not None:
        entries.extend(_scalar_items(env, 'env', 'a mapping of variables or a list of "NAME=value" strings'))
    if env is None and not params.get('env_files'):
        return None
    return entries


def _scalar_items(value, option_name, expected):
    """The items of a raw option that takes a list of strings, as strings; anything else is refused, naming it.

    A lone string is refused too: iterating it would make one entry per character.
    """
    if not isinstance(value, (list, tuple)) or any(isinstance(item, (dict, list, tuple)) for item in value):
        raise SwarmError('%s must be %s, not %r.' % (option_name, expected, value))
    return [str(item) for item in value]


def _env_file_entries(path):
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except (IOError, OSError) as error:
        raise SwarmError('Could not read env file %s on the managed node: %s' % (path, error))
    entries = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if '=' not in line:
            # A bare name takes its value from the environment, as with the CLI; unset names are left out.
            if line in os.environ:
                entries.append('%s=%s' % (line, os.environ[line]))
            continue
        entries.append(line)
    return entries


def _env_to_api(entries, option_name):
    variables = _env_mapping(entries)
    return ['%s=%s' % (key, value) if value is not None else key for key, value in sorted(variables.items())]


def _env_mapping(entries):
    variables = {}
    for entry in entries or []:
        key, separator, value = entry.partition('=')
        variables[key] = value if separator else None
    return variables


def _same_env(desired, live):
    return _env_mapping(desired) == _env_mapping(live)


# -- hosts, ulimits, healthcheck -----------------------------------------------------------


def _hosts_to_api(value, option_name):
    """{hostname: ip} (or the CLI's "hostname:ip" strings) as the API's /etc/hosts lines "ip hostname"."""
    if isinstance(value, dict):
        pairs = value.items()
    else:
        items = _scalar_items(value, option_name, 'a mapping of hostname to ip or a list of "hostname:ip" strings')
        pairs = [item.split(':', 1) for item in items]
        if any(len(pair) != 2 for pair in pairs):
            raise SwarmError('%s entries must be "hostname:ip" (or give a mapping of hostname to ip).' % option_name)
    return sorted('%s %s' % (ip, host) for host, ip in pairs)


def _hosts_from_api(lines):
    hosts = {}
    for line in lines:
        parts = line.split()
        for host in parts[1:]:
            hosts[host] = parts[0]
    return hosts


def _same_hosts(desired, live):
    return _hosts_from_api(desired or []) == _hosts_from_api(live or [])


def _ulimits_to_api(value, option_name):
    ulimits = []
    for item in value:
        soft = item['soft']
        ulimits.append(
            {'Name': item['name'], 'Soft': soft, 'Hard': item['hard'] if item.get('hard') is not None else soft}
        )
    return ulimits


def _ulimits_from_api(ulimits):
    return [dict(name=item['Name'], soft=item.get('Soft'), hard=item.get('Hard')) for item in ulimits]


def _healthcheck_test(value, option_name):
    """A string runs in the container's shell (CMD-SHELL); a list is an exec form unless it names its form."""
    if isinstance(value, (list, tuple)):
        value = [str(item) for item in value]
        if value and value[0] in ('CMD', 'CMD-SHELL', 'NONE'):
            return value
        return ['CMD'] + value
    return ['CMD-SHELL', str(value)]


# -- mounts --------------------------------------------------------------------------------


def _mounts_to_api(value, option_name):
    return [_mount_to_api(item, '%s[%d]' % (option_name, index)) for index, item in enumerate(value)]


def _mount_to_api(item, option_name):
    mount = {'Type': item['type'], 'Target': item['target']}
    if item.get('source'):
        mount['Source'] = item['source']
    if item.get('read_only'):
        mount['ReadOnly'] = True
    if item.get('consistency'):
        mount['Consistency'] = item['consistency']
    by_type = {
        'bind': (
            'BindOptions',
            dict(
                Propagation=item.get('propagation'),
                **_BIND_RECURSIVE_TO_API.get(item.get('bind_recursive') or 'enabled', {}),
            ),
        ),
        'volume': (
            'VolumeOptions',
            dict(
                NoCopy=item.get('no_copy') or None,
                Subpath=item.get('subpath'),
                Labels=item.get('labels') and _string_mapping(item['labels'], option_name + '.labels'),
                DriverConfig=normalise(
                    dict(
                        Name=item.get('driver'),
                        Options=item.get('driver_options')
                        and _string_mapping(item['driver_options'], option_name + '.driver_options'),
                    )
                ),
            ),
        ),
        'tmpfs': (
            'TmpfsOptions',
            dict(
                SizeBytes=item.get('tmpfs_size') and size_to_bytes(item['tmpfs_size'], option_name + '.tmpfs_size'),
                Mode=item.get('tmpfs_mode') and file_mode_to_int(item['tmpfs_mode'], option_name + '.tmpfs_mode'),
            ),
        ),
    }
    foreign = [name for name, kinds in _MOUNT_TYPE_OPTIONS.items() if item.get(name) and item['type'] not in kinds]
    if foreign:
        raise SwarmError('%s: %s do not apply to a %s mount.' % (option_name, ', '.join(sorted(foreign)), item['type']))
    if item['type'] in by_type:
        key, options = by_type[item['type']]
        options = normalise(options)
        if options:
            mount[key] = options
    return mount


# The CLI's bind-recursive values and the BindOptions fields each one sets ("enabled" is the engine's default).
# The CLI's "writable" and "readonly" (ReadOnlyNonRecursive, ReadOnlyForceRecursive) are container fields: Docker
# 26.1 drops them from a service's mounts, so they are not offered here.
_BIND_RECURSIVE_TO_API = {
    'enabled': {},
    'disabled': {'NonRecursive': True},
}

# The first Engine API version that has each mount field (or mount type); older ones are older than API 1.41.
MOUNT_API_VERSIONS = (
    (('Type',), 'cluster', '1.42'),
    (('VolumeOptions', 'Subpath'), None, '1.45'),
)


def mounts_min_api_version(mounts):
    """The Engine API version a list of API mounts needs, or None when every engine we support has their fields;
    swarm_service and swarm_stack both ask this of the mounts they send."""
    needed = []
    for mount in mounts or []:
        for path, value, version in MOUNT_API_VERSIONS:
            found = get_path(mount, path)
            if found is not None and (value is None or found == value):
                needed.append(version)
    return max(needed, key=version_tuple) if needed else None


_MOUNT_TYPE_OPTIONS = {
    'propagation': ('bind',),
    'bind_recursive': ('bind',),
    'subpath': ('volume',),
    'no_copy': ('volume',),
    'labels': ('volume',),
    'driver': ('volume',),
    'driver_options': ('volume',),
    'tmpfs_size': ('tmpfs',),
    'tmpfs_mode': ('tmpfs',),
}


def _mounts_from_api(mounts):
    return [_mount_from_api(mount) for mount in mounts]


def _mount_from_api(mount):
    bind = mount.get('BindOptions') or {}
    volume = mount.get('VolumeOptions') or {}
    driver = volume.get('DriverConfig') or {}
    tmpfs = mount.get('TmpfsOptions') or {}
    view = dict(
        type=mount.get('Type'),
        source=mount.get('Source'),
        target=mount.get('Target'),
        read_only=bool(mount.get('ReadOnly')),
        consistency=mount.get('Consistency'),
        # rprivate is the default the engine writes in; shown, it would make an unchanged bind mount differ.
        propagation=bind.get('Propagation') if bind.get('Propagation') != 'rprivate' else None,
        bind_recursive=_bind_recursive_from_api(bind),
        subpath=volume.get('Subpath'),
        no_copy=volume.get('NoCopy'),
        labels=volume.get('Labels'),
        driver=driver.get('Name'),
        driver_options=driver.get('Options'),
        tmpfs_size=tmpfs.get('SizeBytes') and bytes_to_size(tmpfs['SizeBytes']),
        tmpfs_mode=tmpfs.get('Mode') and int_to_file_mode(tmpfs['Mode']),
    )
    return dict((key, value) for key, value in view.items() if value is not None)


def _bind_recursive_from_api(bind):
    for name, fields in _BIND_RECURSIVE_TO_API.items():
        if fields and all(bind.get(key) for key in fields):
            return name
    return None


def _same_mounts(desired, live):
    # The engine leaves out a false ReadOnly and a "default" consistency; compare what they mean.
    return unordered(key=lambda mount: mount.get('Target') or '')(_mount_meanings(desired), _mount_meanings(live))


def _mount_meanings(mounts):
    meanings = []
    for mount in mounts or []:
        mount = dict(mount)
        if not mount.get('ReadOnly'):
            mount.pop('ReadOnly', None)
        if mount.get('Consistency') == 'default':
            mount.pop('Consistency')
        # The engine keeps false BindOptions flags the API was sent, and fills in the default propagation once
        # there are BindOptions at all; false, rprivate and absent mean the same.
        if isinstance(mount.get('BindOptions'), dict):
            bind = dict(
                (key, value)
                for key, value in mount['BindOptions'].items()
                if value not in (False, None, '') and not (key == 'Propagation' and value == 'rprivate')
            )
            if bind:
                mount['BindOptions'] = bind
            else:
                mount.pop('BindOptions')
        meanings.append(mount)
    return meanings


# -- configs and secrets -------------------------------------------------------------------


def _file_references_to_api(kind):
    """Configs and secrets by name, with the file they become in the container; IDs are resolved later."""
    name_key = '%sName' % kind

    def to_api(value, option_name):
        references = []
        for item in value:
            default_target = item['source'] if kind == 'Secret' else '/' + item['source']
            references.append(
                {
                    name_key: item['source'],
                    'File': {
                        'Name': item.get('target') or default_target,
                        'UID': str(item['uid']) if item.get('uid') is not None else '0',
                        'GID': str(item['gid']) if item.get('gid') is not None else '0',
                        'Mode': file_mode_to_int(item['mode'], option_name + '.mode')
                        if item.get('mode') is not None
                        else 0o444,
                    },
                }
            )
        return references

    return to_api


def _file_references_resolve(kind):
    def resolve(references, lookup):
        for reference in references:
            reference['%sID' % kind] = lookup.object_id(kind.lower(), reference['%sName' % kind])
        return references

    return resolve


def _file_references_from_api(kind):
    def from_api(references):
        return [
            dict(
                source=reference.get('%sName' % kind),
                target=(reference.get('File') or {}).get('Name'),
                uid=(reference.get('File') or {}).get('UID'),
                gid=(reference.get('File') or {}).get('GID'),
                mode=int_to_file_mode((reference.get('File') or {}).get('Mode') or 0),
            )
            for reference in references
        ]

    return from_api


_FILE_REFERENCE_SUBOPTIONS = dict(
    source=dict(type='str', required=True, aliases=['name']),
    target=dict(type='str'),
    uid=dict(type='str'),
    gid=dict(type='str'),
    mode=dict(type='raw'),
)


# -- networks ------------------------------------------------------------------------------


def _networks_to_api(value, option_name):
    attachments = []
    for item in value:
        if isinstance(item, dict):
            if not item.get('name'):
                raise SwarmError('%s entries that are mappings need a name.' % option_name)
            attachment = {'Target': item['name']}
            if item.get('aliases'):
                attachment['Aliases'] = [str(alias) for alias in item['aliases']]
            if item.get('driver_opts'):
                attachment['DriverOpts'] = _string_mapping(item['driver_opts'], option_name + '.driver_opts')
        else:
            attachment = {'Target': str(item)}
        attachments.append(attachment)
    return attachments


def _networks_resolve(attachments, lookup):
    for attachment in attachments:
        attachment['Target'] = lookup.object_id('network', attachment['Target'])
    return attachments


def _networks_describe(attachments, lookup):
    return [
        dict(attachment, Target=lookup.network_name(attachment['Target']) if lookup else attachment['Target'])
        for attachment in attachments
    ]


def _networks_from_api(attachments):
    view = []
    for attachment in attachments:
        if attachment.get('Aliases') or attachment.get('DriverOpts'):
            entry = dict(name=attachment['Target'], aliases=attachment.get('Aliases') or [])
            if attachment.get('DriverOpts'):
                entry['driver_opts'] = attachment['DriverOpts']
            view.append(entry)
        else:
            view.append(attachment['Target'])
    return view


def _same_networks(desired, live):
    def meaning(attachments):
        return [dict(attachment, Aliases=sorted(attachment.get('Aliases') or [])) for attachment in attachments or []]

    return unordered(key=lambda attachment: attachment.get('Target'))(meaning(desired), meaning(live))


# -- ports ---------------------------------------------------------------------------------


def _ports_to_api(value, option_name):
    ports = []
    for item in value:
        port = {
            'Protocol': item.get('protocol') or 'tcp',
            'TargetPort': item['target'],
            'PublishMode': item.get('mode') or 'ingress',
        }
        if item.get('published'):
            port['PublishedPort'] = item['published']
        ports.append(port)
    return ports


def _ports_from_api(ports):
    return [
        dict(
            published=port.get('PublishedPort'),
            target=port.get('TargetPort'),
            protocol=port.get('Protocol') or 'tcp',
            mode=port.get('PublishMode') or 'ingress',
        )
        for port in ports
    ]


def _same_ports(desired, live):
    def meaning(ports):
        return [
            dict(port, Protocol=port.get('Protocol') or 'tcp', PublishMode=port.get('PublishMode') or 'ingress')
            for port in ports or []
        ]

    return unordered()(meaning(desired), meaning(live))


# -- placement and resources ---------------------------------------------------------------


def _preferences_to_api(value, option_name):
    return [{'Spread': {'SpreadDescriptor': item['spread']}} for item in value]


def _preferences_from_api(preferences):
    return [dict(spread=(item.get('Spread') or {}).get('SpreadDescriptor')) for item in preferences]


def _generic_resources_to_api(value, option_name):
    resources = []
    for item in value:
        amount = item['value']
        if isinstance(amount, int) and not isinstance(amount, bool):
            resources.append({'DiscreteResourceSpec': {'Kind': item['kind'], 'Value': amount}})
        elif isinstance(amount, str) and amount.isdigit():
            resources.append({'DiscreteResourceSpec': {'Kind': item['kind'], 'Value': int(amount)}})
        else:
            resources.append({'NamedResourceSpec': {'Kind': item['kind'], 'Value': str(amount)}})
    return resources


def _generic_resources_from_api(resources):
    view = []
    for resource in resources:
        spec = resource.get('DiscreteResourceSpec') or resource.get('NamedResourceSpec') or {}
        view.append(dict(kind=spec.get('Kind'), value=spec.get('Value')))
    return view


# -- mode ----------------------------------------------------------------------------------


def _mode_to_api(value, option_name):
    return {MODE_KEYS[value]: {}}


def mode_of(mode_object):
    """The CLI's name of an API Mode object; a service without one is replicated."""
    for key in MODE_KEYS.values():
        if key in (mode_object or {}):
            return _MODE_NAMES[key]
    return 'replicated'


def _same_mode(desired, live):
    return mode_of(desired) == mode_of(live)


def _merge_mode(live, desired):
    # The mode option chooses the kind only; replica counts live inside and are options of their own.
    return live if mode_of(live) == mode_of(desired) else desired


def _replicas_path(spec):
    mode = mode_of(spec.get('Mode'))
    if mode == 'replicated':
        return ('Mode', 'Replicated', 'Replicas')
    if mode == 'replicated-job':
        return ('Mode', 'ReplicatedJob', 'TotalCompletions')
    return None


def _max_concurrent_path(spec):
    return ('Mode', 'ReplicatedJob', 'MaxConcurrent') if mode_of(spec.get('Mode')) == 'replicated-job' else None


# -- privileges and platforms --------------------------------------------------------------

# ContainerSpec.OomScoreAdj; swarm_stack gates its compose key on the same version.
OOM_SCORE_ADJ_API_VERSION = '1.46'
# Privileges.Seccomp, Privileges.AppArmor and Privileges.NoNewPrivileges for services.
PRIVILEGES_API_VERSION = '1.44'


def credential_spec_to_api(value, option_name):
    """A credential spec as the API takes it: exactly one of file or registry (a config-held one needs a runtime
    config reference, which only swarm_stack writes)."""
    given = [key for key in ('file', 'registry') if value.get(key)]
    if len(given) != 1:
        raise SwarmError('%s: give exactly one of file and registry.' % option_name)
    return {given[0].capitalize(): value[given[0]]}


def _credential_spec_from_api(credential_spec):
    return dict((key.lower(), value) for key, value in credential_spec.items() if value)


def _seccomp_to_api(value, option_name):
    seccomp = {'Mode': value['mode']}
    if value.get('profile'):
        if value['mode'] != 'custom':
            raise SwarmError('%s.profile applies only to mode custom.' % option_name)
        # The API field is bytes, which JSON carries as base64.
        seccomp['Profile'] = base64.b64encode(to_bytes(value['profile'])).decode('ascii')
    elif value['mode'] == 'custom':
        raise SwarmError('%s: mode custom needs a profile.' % option_name)
    return seccomp


def _seccomp_from_api(seccomp):
    view = {'mode': seccomp.get('Mode')}
    if seccomp.get('Profile'):
        view['profile'] = base64.b64decode(seccomp['Profile']).decode('utf-8')
    return view


def _same_seccomp(desired, live):
    def meaning(seccomp):
        # A profile is JSON: compare what it says, not how it is spaced.
        seccomp = dict(seccomp or {})
        if seccomp.get('Profile'):
            text = base64.b64decode(seccomp['Profile']).decode('utf-8')
            try:
                seccomp['Profile'] = json.loads(text)
            except ValueError:
                seccomp['Profile'] = text
        return seccomp

    return meaning(desired) == meaning(live)


def _platforms_to_api(value, option_name):
    return [normalise(dict(Architecture=item.get('architecture'), OS=item.get('os'))) or {} for item in value]


def _platforms_from_api(platforms):
    return [dict(architecture=item.get('Architecture'), os=item.get('OS')) for item in platforms]


_SELINUX_FIELDS = dict(disable='Disable', user='User', role='Role', type='Type', level='Level')


def _selinux_to_api(value, option_name):
    return normalise(dict((field, value.get(name)) for name, field in _SELINUX_FIELDS.items())) or {}


def _selinux_from_api(context):
    return dict((name, context[field]) for name, field in _SELINUX_FIELDS.items() if context.get(field))


def _same_selinux(desired, live):
    def meaning(context):
        return dict((key, value) for key, value in (context or {}).items() if value)

    return meaning(desired) == meaning(live)


# -- the declarations ----------------------------------------------------------------------


def _rollout_options(failure_actions):
    return (
        SpecOption('parallelism', dict(type='int'), ('Parallelism',), api_default=0),
        duration_option('delay', ('Delay',), api_default=0),
        SpecOption(
            'failure_action', dict(type='str', choices=list(failure_actions)), ('FailureAction',), api_default='pause'
        ),
        duration_option('monitor', ('Monitor',), api_default=0),
        SpecOption('max_failure_ratio', dict(type='float'), ('MaxFailureRatio',), api_default=0),
        SpecOption(
            'order', dict(type='str', choices=['stop-first', 'start-first']), ('Order',), api_default='stop-first'
        ),
    )


def _file_reference_option(name, kind):
    # The option names Swarm secrets and configs; it never carries their content, so it is not hidden from logs.
    return SpecOption(
        name,
        dict(type='list', elements='dict', options=_FILE_REFERENCE_SUBOPTIONS, no_log=False),
        CONTAINER + ('%ss' % kind,),
        to_api=_file_references_to_api(kind),
        resolve=_file_references_resolve(kind),
        from_api=_file_references_from_api(kind),
        same=unordered(key=lambda reference: (reference.get('File') or {}).get('Name') or ''),
    )


_MOUNT_SUBOPTIONS = dict(
    type=dict(type='str', default='volume', choices=['bind', 'volume', 'tmpfs', 'npipe', 'cluster']),
    source=dict(type='str'),
    target=dict(type='str', required=True),
    read_only=dict(type='bool', default=False),
    consistency=dict(type='str', choices=['default', 'consistent', 'cached', 'delegated']),
    propagation=dict(type='str', choices=['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']),
    bind_recursive=dict(type='str', choices=list(_BIND_RECURSIVE_TO_API)),
    subpath=dict(type='str'),
    no_copy=dict(type='bool'),
    labels=dict(type='dict'),
    driver=dict(type='str'),
    driver_options=dict(type='dict'),
    tmpfs_size=dict(type='raw'),
    tmpfs_mode=dict(type='raw'),
)

SERVICE_OPTIONS = (
    SpecOption('image', dict(type='str'), CONTAINER + ('Image',), to_api=_image_option, same=_same_image),
    SpecOption('command', dict(type='raw', aliases=['args']), CONTAINER + ('Args',), to_api=_command_line),
    SpecOption('entrypoint', dict(type='raw'), CONTAINER + ('Command',), to_api=_command_line),
    SpecOption(
        'env',
        dict(type='raw'),
        CONTAINER + ('Env',),
        read=_env_from_params,
        to_api=_env_to_api,
        from_api=_env_mapping,
        same=_same_env,
        companions=dict(env_files=dict(type='list', elements='path')),
    ),
    SpecOption('labels', dict(type='dict'), ('Labels',), to_api=_string_mapping),
    SpecOption('container_labels', dict(type='dict'), CONTAINER + ('Labels',), to_api=_string_mapping),
    SpecOption('hostname', dict(type='str'), CONTAINER + ('Hostname',)),
    SpecOption('user', dict(type='str'), CONTAINER + ('User',)),
    SpecOption('groups', dict(type='list', elements='str'), CONTAINER + ('Groups',), same=unordered()),
    SpecOption('workdir', dict(type='str'), CONTAINER + ('Dir',)),
    SpecOption('stop_signal', dict(type='str'), CONTAINER + ('StopSignal',)),
    duration_option('stop_grace_period', CONTAINER + ('StopGracePeriod',), api_default=10 * SECOND),
    SpecOption('init', dict(type='bool'), CONTAINER + ('Init',), api_default=False),
    SpecOption('read_only', dict(type='bool'), CONTAINER + ('ReadOnly',), api_default=False),
    SpecOption('tty', dict(type='bool'), CONTAINER + ('TTY',), api_default=False),
    SpecOption(
        'oom_score_adj',
        dict(type='int'),
        CONTAINER + ('OomScoreAdj',),
        api_default=0,
        min_api_version=OOM_SCORE_ADJ_API_VERSION,
    ),
    OptionGroup(
        'privileges',
        CONTAINER + ('Privileges',),
        (
            SpecOption(
                'credential_spec',
                dict(
                    type='dict',
                    options=dict(file=dict(type='str'), registry=dict(type='str')),
                ),
                ('CredentialSpec',),
                to_api=credential_spec_to_api,
                from_api=_credential_spec_from_api,
            ),
            SpecOption(
                'selinux_context',
                dict(
                    type='dict',
                    options=dict(
                        disable=dict(type='bool'),
                        user=dict(type='str'),
                        role=dict(type='str'),
                        type=dict(type='str'),
                        level=dict(type='str'),
                    ),
                ),
                ('SELinuxContext',),
                to_api=_selinux_to_api,
                from_api=_selinux_from_api,
                same=_same_selinux,
            ),
            SpecOption(
                'seccomp',
                dict(
                    type='dict',
                    options=dict(
                        mode=dict(type='str', required=True, choices=['default', 'unconfined', 'custom']),
                        profile=dict(type='str'),
                    ),
                ),
                ('Seccomp',),
                to_api=_seccomp_to_api,
                from_api=_seccomp_from_api,
                same=_same_seccomp,
                api_default={'Mode': 'default'},
                min_api_version=PRIVILEGES_API_VERSION,
            ),
            SpecOption(
                'apparmor',
                dict(type='str', choices=['default', 'disabled']),
                ('AppArmor', 'Mode'),
                api_default='default',
                min_api_version=PRIVILEGES_API_VERSION,
            ),
            SpecOption(
                'no_new_privileges',
                dict(type='bool'),
                ('NoNewPrivileges',),
                api_default=False,
                min_api_version=PRIVILEGES_API_VERSION,
            ),
        ),
    ),
    SpecOption(
        'cap_add',
        dict(type='list', elements='str'),
        CONTAINER + ('CapabilityAdd',),
        to_api=_capabilities,
        same=unordered(),
    ),
    SpecOption(
        'cap_drop',
        dict(type='list', elements='str'),
        CONTAINER + ('CapabilityDrop',),
        to_api=_capabilities,
        same=unordered(),
    ),
    SpecOption('sysctls', dict(type='dict'), CONTAINER + ('Sysctls',), to_api=_string_mapping),
    SpecOption(
        'ulimits',
        dict(
            type='list',
            elements='dict',
            options=dict(
                name=dict(type='str', required=True), soft=dict(type='int', required=True), hard=dict(type='int')
            ),
        ),
        CONTAINER + ('Ulimits',),
        to_api=_ulimits_to_api,
        from_api=_ulimits_from_api,
        same=unordered(key=lambda ulimit: ulimit.get('Name')),
    ),
    SpecOption('dns', dict(type='list', elements='str'), CONTAINER + ('DNSConfig', 'Nameservers')),
    SpecOption('dns_search', dict(type='list', elements='str'), CONTAINER + ('DNSConfig', 'Search')),
    SpecOption('dns_options', dict(type='list', elements='str'), CONTAINER + ('DNSConfig', 'Options')),
    SpecOption(
        'hosts',
        dict(type='raw'),
        CONTAINER + ('Hosts',),
        to_api=_hosts_to_api,
        from_api=_hosts_from_api,
        same=_same_hosts,
    ),
    OptionGroup(
        'healthcheck',
        CONTAINER + ('Healthcheck',),
        (
            SpecOption('test', dict(type='raw'), ('Test',), to_api=_healthcheck_test),
            duration_option('interval', ('Interval',)),
            duration_option('timeout', ('Timeout',)),
            SpecOption('retries', dict(type='int'), ('Retries',)),
            duration_option('start_period', ('StartPeriod',)),
            duration_option('start_interval', ('StartInterval',), min_api_version='1.44'),
        ),
    ),
    SpecOption(
        'isolation',
        dict(type='str', choices=['default', 'process', 'hyperv']),
        CONTAINER + ('Isolation',),
        api_default='default',
    ),
    SpecOption(
        'mounts',
        dict(type='list', elements='dict', options=_MOUNT_SUBOPTIONS),
        CONTAINER + ('Mounts',),
        to_api=_mounts_to_api,
        from_api=_mounts_from_api,
        same=_same_mounts,
        min_api_version=mounts_min_api_version,
    ),
    _file_reference_option('configs', 'Config'),
    _file_reference_option('secrets', 'Secret'),
    OptionGroup(
        'resources',
        ('TaskTemplate', 'Resources'),
        (
            OptionGroup(
                'limits',
                ('Limits',),
                (
                    SpecOption('cpus', dict(type='float'), ('NanoCPUs',), to_api=_cpus_to_nano, from_api=_nano_to_cpus),
                    SpecOption('memory', dict(type='raw'), ('MemoryBytes',), to_api=_size, from_api=bytes_to_size),
                    SpecOption('pids', dict(type='int'), ('Pids',)),
                ),
            ),
            OptionGroup(
                'reservations',
                ('Reservations',),
                (
                    SpecOption('cpus', dict(type='float'), ('NanoCPUs',), to_api=_cpus_to_nano, from_api=_nano_to_cpus),
                    SpecOption('memory', dict(type='raw'), ('MemoryBytes',), to_api=_size, from_api=bytes_to_size),
                    SpecOption(
                        'generic_resources',
                        dict(
                            type='list',
                            elements='dict',
                            options=dict(kind=dict(type='str', required=True), value=dict(type='raw', required=True)),
                        ),
                        ('GenericResources',),
                        to_api=_generic_resources_to_api,
                        from_api=_generic_resources_from_api,
                        same=unordered(),
                    ),
                ),
            ),
        ),
    ),
    OptionGroup(
        'restart_policy',
        ('TaskTemplate', 'RestartPolicy'),
        (
            SpecOption(
                'condition', dict(type='str', choices=['none', 'on-failure', 'any']), ('Condition',), api_default='any'
            ),
            duration_option('delay', ('Delay',), api_default=5 * SECOND),
            SpecOption('max_attempts', dict(type='int'), ('MaxAttempts',), api_default=0),
            duration_option('window', ('Window',), api_default=0),
        ),
    ),
    OptionGroup(
        'placement',
        ('TaskTemplate', 'Placement'),
        (
            SpecOption(
                'constraints',
                dict(type='list', elements='str'),
                ('Constraints',),
                to_api=_constraints_option,
                same=_same_constraints,
            ),
            SpecOption(
                'preferences',
                dict(type='list', elements='dict', options=dict(spread=dict(type='str', required=True))),
                ('Preferences',),
                to_api=_preferences_to_api,
                from_api=_preferences_from_api,
            ),
            SpecOption('max_replicas_per_node', dict(type='int'), ('MaxReplicas',), api_default=0),
            SpecOption(
                'platforms',
                dict(
                    type='list',
                    elements='dict',
                    options=dict(architecture=dict(type='str'), os=dict(type='str')),
                ),
                ('Platforms',),
                to_api=_platforms_to_api,
                from_api=_platforms_from_api,
                same=unordered(),
            ),
        ),
    ),
    SpecOption(
        'networks',
        dict(type='list', elements='raw'),
        ('TaskTemplate', 'Networks'),
        to_api=_networks_to_api,
        resolve=_networks_resolve,
        describe=_networks_describe,
        from_api=_networks_from_api,
        same=_same_networks,
    ),
    OptionGroup(
        'logging',
        ('TaskTemplate', 'LogDriver'),
        (
            SpecOption('driver', dict(type='str'), ('Name',)),
            SpecOption('options', dict(type='dict'), ('Options',), to_api=_string_mapping),
        ),
    ),
    SpecOption(
        'mode',
        dict(type='str', choices=list(MODE_KEYS)),
        ('Mode',),
        to_api=_mode_to_api,
        from_api=mode_of,
        same=_same_mode,
        merge=_merge_mode,
        api_default={'Replicated': {}},
    ),
    SpecOption(
        'replicas',
        dict(type='int'),
        _replicas_path,
        to_api=non_negative,
        api_default=1,
        description='replicas applies only to replicated and replicated-job services.',
    ),
    SpecOption(
        'max_concurrent',
        dict(type='int'),
        _max_concurrent_path,
        description='max_concurrent applies only to replicated-job services.',
    ),
    OptionGroup(
        'update_config',
        ('UpdateConfig',),
        _rollout_options(('continue', 'pause', 'rollback')),
        when_absent=ROLLOUT_DEFAULTS,
    ),
    OptionGroup(
        'rollback_config', ('RollbackConfig',), _rollout_options(('continue', 'pause')), when_absent=ROLLOUT_DEFAULTS
    ),
    SpecOption(
        'endpoint_mode', dict(type='str', choices=['vip', 'dnsrr']), ('EndpointSpec', 'Mode'), api_default='vip'
    ),
    SpecOption(
        'publish',
        dict(
            type='list',
            elements='dict',
            options=dict(
                published=dict(type='int'),
                target=dict(type='int', required=True),
                protocol=dict(type='str', default='tcp', choices=['tcp', 'udp', 'sctp']),
                mode=dict(type='str', default='ingress', choices=['ingress', 'host']),
            ),
        ),
        ('EndpointSpec', 'Ports'),
        to_api=_ports_to_api,
        from_api=_ports_from_api,
        same=_same_ports,
    ),
)
