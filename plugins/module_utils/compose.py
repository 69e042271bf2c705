# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compose files read the way ``docker stack deploy -c a.yml -c b.yml`` reads them (swarm_stack).

Each file is parsed (YAML anchors and ``<<`` merge keys included), its variables are interpolated like the docker
CLI does (``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}``, ``${VAR?error}``, ``$$``), its keys
are checked against the compose file format 3, and its services are brought into one canonical shape (environment
as a mapping, ports and volumes in long syntax, ...). The files are then merged in order, and the contents of the
config and secret files they name are read. Anything wrong fails here, before the stack is touched, with the file,
the key and the reason.

Keys that Swarm does not use (build, depends_on, container_name, ...) are not errors: they end up in
:attr:`ComposeProject.warnings`, the way the docker CLI prints "Ignoring unsupported options".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import errno
import os
import re
import shlex

try:
    import yaml
except ImportError:  # pragma: no cover - exercised on hosts without PyYAML
    yaml = None

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError


class ComposeError(SwarmError):
    """A compose file the stack cannot be deployed from; the message names the file, the key and the reason."""


class ComposeProject:
    """The merged compose files: canonical services and the top-level networks, volumes, configs and secrets."""

    def __init__(self):
        self.services = {}
        self.service_files = {}
        self.networks = {}
        self.volumes = {}
        self.configs = {}
        self.secrets = {}
        self.warnings = []


class NodeFiles:
    """The files compose files name (compose files, configs, secrets, env files), read where the module runs."""

    on_controller = False

    def read(self, path):
        with open(path, 'rb') as handle:
            return handle.read()

    def name(self, path):
        """``path`` as error messages show it."""
        return path


class ControllerFiles(NodeFiles):
    """The files of compose files kept on the controller (swarm_stack's ``compose_source=controller``).

    The action plugin loads the project on the controller with ``ControllerFiles()``, which reads the controller's
    disk and keeps every file it read in :attr:`contents`; the module loads it again from those contents
    (``ControllerFiles(contents)``), so both read the same bytes under the same paths. Paths cannot start with "~"
    (the two hosts' home folders differ), and a relative bind mount source has no folder on the managed node to
    resolve from.
    """

    on_controller = True

    def __init__(self, contents=None):
        self._from_disk = contents is None
        self.contents = {} if contents is None else contents

    def read(self, path):
        if self._from_disk:
            self.contents[path] = super(ControllerFiles, self).read(path)
        elif path not in self.contents:
            raise IOError(errno.ENOENT, 'it is not among the files the action plugin read on the controller')
        return self.contents[path]

    def name(self, path):
        return '%s on the controller' % path


# -- the compose file format -----------------------------------------------------------------
# A small schema language: a type name, a _Keys mapping (extension keys "x-" allowed where the format allows
# them), a _MapOf (any key), a _ListOf, or a _OneOf of alternatives.


class _Keys:
    def __init__(self, keys, extensions=False, required=()):
        self.keys = keys
        self.extensions = extensions
        self.required = required


class _MapOf:
    def __init__(self, values):
        self.values = values


class _ListOf:
    def __init__(self, items):
        self.items = items


class _OneOf:
    def __init__(self, *alternatives):
        self.alternatives = alternatives


_STRING_LIST = _ListOf('string')
_STRING_OR_LIST = _OneOf('string', _STRING_LIST)
# Mapping values may be strings, numbers or null; a YAML boolean (yes, true, on) is refused as the docker CLI does.
_LIST_OR_DICT = _OneOf(_MapOf(_OneOf('string', 'number', 'null')), _STRING_LIST)
_STRING_MAP = _MapOf(_OneOf('string', 'number'))
_ROLLOUT = _Keys(
    dict(
        parallelism='integer',
        delay='duration',
        failure_action='string',
        monitor='duration',
        max_failure_ratio='number',
        order='string',
    )
)
_FILE_REFERENCE = _OneOf(
    'string', _Keys(dict(source='string', target='string', uid='string', gid='string', mode='number'))
)
_EXTERNAL = _OneOf('boolean', _Keys(dict(name='string')))

_DEPLOY = _Keys(
    dict(
        mode='string',
        replicas='integer',
        endpoint_mode='string',
        labels=_LIST_OR_DICT,
        placement=_Keys(
            dict(
                constraints=_STRING_LIST,
                preferences=_ListOf(_Keys(dict(spread='string'))),
                max_replicas_per_node='integer',
            )
        ),
        resources=_Keys(
            dict(
                limits=_Keys(dict(cpus=_OneOf('string', 'number'), memory=_OneOf('string', 'integer'), pids='integer')),
                reservations=_Keys(
                    dict(
                        cpus=_OneOf('string', 'number'),
                        memory=_OneOf('string', 'integer'),
                        generic_resources=_ListOf(
                            _Keys(dict(discrete_resource_spec=_Keys(dict(kind='string', value='number'))))
                        ),
                    )
                ),
            )
        ),
        restart_policy=_Keys(dict(condition='string', delay='duration', max_attempts='integer', window='duration')),
        update_config=_ROLLOUT,
        rollback_config=_ROLLOUT,
    )
)

_SERVICE = _Keys(
    dict(
        # translated into the service spec
        image='string',
        command=_OneOf('null', 'string', _STRING_LIST),
        entrypoint=_OneOf('null', 'string', _STRING_LIST),
        environment=_LIST_OR_DICT,
        env_file=_STRING_OR_LIST,
        labels=_LIST_OR_DICT,
        hostname='string',
        user='string',
        working_dir='string',
        stop_signal='string',
        stop_grace_period='duration',
        tty='boolean',
        stdin_open='boolean',
        read_only='boolean',
        init='boolean',
        isolation='string',
        oom_score_adj='integer',
        dns=_STRING_OR_LIST,
        dns_search=_STRING_OR_LIST,
        extra_hosts=_LIST_OR_DICT,
        sysctls=_LIST_OR_DICT,
        ulimits=_MapOf(_OneOf('integer', _Keys(dict(soft='integer', hard='integer'), required=('soft', 'hard')))),
        cap_add=_STRING_LIST,
        cap_drop=_STRING_LIST,
        ports=_ListOf(
            _OneOf(
                'number', 'string', _Keys(dict(mode='string', target='integer', published='integer', protocol='string'))
            )
        ),
        networks=_OneOf(
            _STRING_LIST,
            _MapOf(
                _OneOf(
                    'null',
                    _Keys(
                        dict(
                            aliases=_STRING_LIST, driver_opts=_STRING_MAP, ipv4_address='string', ipv6_address='string'
                        )
                    ),
                )
            ),
        ),
        volumes=_ListOf(
            _OneOf(
                'string',
                _Keys(
                    dict(
                        type='string',
                        source='string',
                        target='string',
                        read_only='boolean',
                        consistency='string',
                        bind=_Keys(dict(propagation='string')),
                        volume=_Keys(dict(nocopy='boolean', subpath='string')),
                        tmpfs=_Keys(dict(size=_OneOf('integer', 'string'))),
                    ),
                    required=('type',),
                ),
            )
        ),
        configs=_ListOf(_FILE_REFERENCE),
        secrets=_ListOf(_FILE_REFERENCE),
        healthcheck=_Keys(
            dict(
                test=_STRING_OR_LIST,
                interval='duration',
                timeout='duration',
                retries='number',
                start_period='duration',
                start_interval='duration',
                disable='boolean',
            )
        ),
        logging=_Keys(dict(driver='string', options=_MapOf(_OneOf('string', 'number', 'null')))),
        credential_spec=_Keys(dict(config='string', file='string', registry='string')),
        deploy=_DEPLOY,
        restart='string',
        # accepted by the format, ignored by Swarm (see _IGNORED_SERVICE_KEYS)
        build=_OneOf('string', _MapOf('any')),
        cgroup_parent='string',
        cgroupns_mode='string',
        container_name='string',
        depends_on=_OneOf(_STRING_LIST, _MapOf('any')),
        devices=_STRING_LIST,
        domainname='string',
        expose=_ListOf(_OneOf('string', 'number')),
        external_links=_STRING_LIST,
        ipc='string',
        links=_STRING_LIST,
        mac_address='string',
        network_mode='string',
        pid=_OneOf('string', 'null'),
        privileged='boolean',
        security_opt=_STRING_LIST,
        shm_size=_OneOf('number', 'string'),
        tmpfs=_STRING_OR_LIST,
        userns_mode='string',
    ),
    extensions=True,
)

_NETWORK = _OneOf(
    'null',
    _Keys(
        dict(
            name='string',
            driver='string',
            driver_opts=_STRING_MAP,
            external=_EXTERNAL,
            internal='boolean',
            attachable='boolean',
            labels=_LIST_OR_DICT,
            ipam=_Keys(dict(driver='string', config=_ListOf(_Keys(dict(subnet='string'))))),
        ),
        extensions=True,
    ),
)
_VOLUME = _OneOf(
    'null',
    _Keys(
        dict(name='string', driver='string', driver_opts=_STRING_MAP, external=_EXTERNAL, labels=_LIST_OR_DICT),
        extensions=True,
    ),
)
_CONFIG = _Keys(
    dict(name='string', file='string', external=_EXTERNAL, labels=_LIST_OR_DICT, template_driver='string'),
    extensions=True,
)
_SECRET = _Keys(
    dict(
        name='string',
        file='string',
        external=_EXTERNAL,
        labels=_LIST_OR_DICT,
        template_driver='string',
        driver='string',
        driver_opts=_STRING_MAP,
    ),
    extensions=True,
)

_FILE = _Keys(
    dict(
        version=_OneOf('string', 'number'),
        name='string',
        services=_MapOf(_SERVICE),
        networks=_MapOf(_NETWORK),
        volumes=_MapOf(_VOLUME),
        configs=_MapOf(_CONFIG),
        secrets=_MapOf(_SECRET),
    ),
    extensions=True,
)

# Keys the docker CLI refuses outright, with its reasons.
_FORBIDDEN_SERVICE_KEYS = {
    'extends': 'extends is not supported by docker stack deploy; merge files with several compose entries instead',
    'volume_driver': 'define a volume under the top-level volumes with its driver and mount that',
    'volumes_from': 'define a volume under the top-level volumes and mount it in each service that shares it',
    'cpu_quota': 'set resource limits with deploy.resources',
    'cpu_shares': 'set resource limits with deploy.resources',
    'cpuset': 'set resource limits with deploy.resources',
    'mem_limit': 'set resource limits with deploy.resources',
    'memswap_limit': 'set resource limits with deploy.resources',
}

# Keys the format accepts that Swarm services have no use for: warned about, never translated.
_IGNORED_SERVICE_KEYS = {
    'build': 'a stack deploy does not build images; build and push them first',
    'cgroup_parent': 'not supported by Swarm services',
    'cgroupns_mode': 'not supported by Swarm services',
    'container_name': 'Swarm names the containers of a service itself',
    'depends_on': 'Swarm starts the services of a stack independently; make them retry until what they need is up',
    'devices': 'not supported by Swarm services',
    'domainname': 'not supported by Swarm services',
    'expose': 'services on the same network reach each other on any port',
    'external_links': 'not supported by Swarm services; use networks',
    'ipc': 'not supported by Swarm services',
    'links': 'not supported by Swarm services; services on the same network reach each other by name',
    'mac_address': 'not supported by Swarm services',
    'network_mode': 'not supported by Swarm services; attach the service to networks',
    'pid': 'not supported by Swarm services',
    'privileged': 'not supported by Swarm services',
    'security_opt': 'not supported by Swarm services',
    'shm_size': 'not supported by Swarm services; mount a tmpfs volume on /dev/shm instead',
    'tmpfs': 'docker stack deploy ignores it; use a volume of type tmpfs',
    'userns_mode': 'not supported by Swarm services',
}

# Where an interpolated string is cast back to the type the format wants ("*" any key, "[]" any list item).
_CASTS = [
    (('services', '*', 'configs', '[]', 'mode'), 'integer'),
    (('services', '*', 'secrets', '[]', 'mode'), 'integer'),
    (('services', '*', 'healthcheck', 'retries'), 'integer'),
    (('services', '*', 'healthcheck', 'disable'), 'boolean'),
    (('services', '*', 'deploy', 'replicas'), 'integer'),
    (('services', '*', 'deploy', 'update_config', 'parallelism'), 'integer'),
    (('services', '*', 'deploy', 'update_config', 'max_failure_ratio'), 'float'),
    (('services', '*', 'deploy', 'rollback_config', 'parallelism'), 'integer'),
    (('services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'), 'float'),
    (('services', '*', 'deploy', 'restart_policy', 'max_attempts'), 'integer'),
    (('services', '*', 'deploy', 'placement', 'max_replicas_per_node'), 'integer'),
    (('services', '*', 'deploy', 'resources', 'limits', 'pids'), 'integer'),
    (('services', '*', 'ports', '[]', 'target'), 'integer'),
    (('services', '*', 'ports', '[]', 'published'), 'integer'),
    (('services', '*', 'ulimits', '*'), 'integer'),
    (('services', '*', 'ulimits', '*', 'hard'), 'integer'),
    (('services', '*', 'ulimits', '*', 'soft'), 'integer'),
    (('services', '*', 'privileged'), 'boolean'),
    (('services', '*', 'oom_score_adj'), 'integer'),
    (('services', '*', 'read_only'), 'boolean'),
    (('services', '*', 'stdin_open'), 'boolean'),
    (('services', '*', 'tty'), 'boolean'),
    (('services', '*', 'init'), 'boolean'),
    (('services', '*', 'volumes', '[]', 'read_only'), 'boolean'),
    (('services', '*', 'volumes', '[]', 'volume', 'nocopy'), 'boolean'),
    (('networks', '*', 'external'), 'boolean'),
    (('networks', '*', 'internal'), 'boolean'),
    (('networks', '*', 'attachable'), 'boolean'),
    (('volumes', '*', 'external'), 'boolean'),
    (('secrets', '*', 'external'), 'boolean'),
    (('configs', '*', 'external'), 'boolean'),
]
_YAML_TRUE = ('y', 'yes', 'true', 'on')
_YAML_FALSE = ('n', 'no', 'false', 'off')


# -- loading -----------------------------------------------------------------------------------


def load_project(sources, variables=None, project_dir=None, environ=None, files=None):
    """Read, check and merge compose sources (paths, or mappings given inline) into a project.

    ``variables`` are looked up before ``environ`` (default: this process's environment) for interpolation and
    for environment entries without a value. Relative paths resolve from ``project_dir``, by default the folder
    of the first source given as a path (as the docker CLI resolves them from the first file's folder). ``files``
    reads the compose files and the files they name: :class:`NodeFiles` (the default) or :class:`ControllerFiles`.
    """
    files = files or NodeFiles()
    if not sources:
        raise ComposeError('compose names no file and no inline content.')
    environ = os.environ if environ is None else environ
    variables = dict((str(key), _variable_text(value)) for key, value in (variables or {}).items())

    def lookup(name):
        if name in variables:
            return variables[name], True
        if name in environ:
            return environ[name], True
        return None, False

    if project_dir is None:
        first_path = next((source for source in sources if isinstance(source, str)), None)
        project_dir = os.path.dirname(os.path.abspath(first_path)) if first_path else None
    project = ComposeProject()
    loaded = [
        _load_source(source, index, lookup, project_dir, project.warnings, files)
        for index, source in enumerate(sources)
    ]
    for content in loaded:
        for name in content['services']:
            project.service_files.setdefault(name, []).append(content['label'])
    merged = loaded[0]
    for later in loaded[1:]:
        merged = _merge_files(merged, later)
    project.services = merged['services']
    project.networks = merged['networks']
    project.volumes = merged['volumes']
    project.configs = merged['configs']
    project.secrets = merged['secrets']
    for kind in ('configs', 'secrets'):
        for name, entry in getattr(project, kind).items():
            _read_file_object(kind, name, entry, files)
    return project


def _variable_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '' if value is None else str(value)


def _load_source(source, index, lookup, project_dir, warnings, files):
    if isinstance(source, str):
        label = source
        content = _parse_yaml(_read_text(source, files), source)
    elif isinstance(source, dict):
        label = 'compose[%d] (inline)' % index
        content = copy.deepcopy(source)
        _check_keys_are_strings(content, label, ())
    else:
        raise ComposeError(
            'compose[%d] must be the path of a compose file or a mapping with its content, not %r.' % (index, source)
        )
    if not isinstance(content, dict):
        raise ComposeError('%s: the top level of a compose file must be a mapping.' % label)
    _check_version(content, label)
    _check_forbidden(content, label)
    if 'name' in content:
        warnings.append('%s: name is ignored: the stack is named by the name option of swarm_stack.' % label)
    content = _interpolate(content, (), lookup, label)
    errors = _validate(content, _FILE, ())
    if errors:
        raise ComposeError(
            '%s: %s' % (label, '; '.join(errors[:10]))
            + (' (and %d more)' % (len(errors) - 10) if len(errors) > 10 else '')
        )
    context = _Context(label, lookup, project_dir, warnings, files)

    def section(key, read):
        return dict((name, read(name, raw)) for name, raw in (content.get(key) or {}).items())

    return dict(
        label=label,
        services=section('services', lambda name, raw: _service(name, raw or {}, context)),
        networks=section('networks', lambda name, raw: _network(name, raw or {}, context)),
        volumes=section('volumes', lambda name, raw: _volume(name, raw or {}, context)),
        configs=section('configs', lambda name, raw: _file_object('configs', name, raw, context)),
        secrets=section('secrets', lambda name, raw: _file_object('secrets', name, raw, context)),
    )


def _read_text(path, files):
    try:
        data = files.read(path)
    except (IOError, OSError) as error:
        raise ComposeError(
            'Could not read compose file %s on %s: %s'
            % (path, 'the controller' if files.on_controller else 'the managed node', error.strerror or error)
        )
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as error:
        raise ComposeError('%s is not UTF-8 text: %s' % (path, error))


if yaml is not None:
    # libyaml's parser, where PyYAML was built with it, reads a large compose file several times faster.
    _BaseLoader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)

    class _ComposeYamlLoader(_BaseLoader):
        """YAML as compose files use it: anchors and merge keys, but a key written twice in one mapping is an
        error (the docker CLI refuses it too), not silently the last one."""

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _value_node in node.value:
                if key_node.tag == 'tag:yaml.org,2002:merge':
                    continue
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, str):
                    raise yaml.constructor.ConstructorError(
                        None, None, 'the key %r must be a string' % (key,), key_node.start_mark
                    )
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, 'the key %r is defined twice in one mapping' % key, key_node.start_mark
                    )
                seen.add(key)
            return super(_ComposeYamlLoader, self).construct_mapping(node, deep=deep)

    # Timestamps stay strings: a compose value never means a date.
    _ComposeYamlLoader.yaml_implicit_resolvers = dict(
        (first, [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:timestamp'])
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    )


def _parse_yaml(text, label):
    if yaml is None:
        raise ComposeError(
            'Reading the compose file %s needs PyYAML on the managed node (Debian/Ubuntu: apt install '
            'python3-yaml; elsewhere: pip install pyyaml), or pass its content inline.' % label
        )
    try:
        return yaml.load(text, Loader=_ComposeYamlLoader)
    except yaml.YAMLError as error:
        raise ComposeError('%s is not valid YAML: %s' % (label, error))


def _check_keys_are_strings(value, label, path):
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ComposeError('%s: %s: the key %r must be a string.' % (label, _dotted(path) or 'top level', key))
            _check_keys_are_strings(item, label, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_keys_are_strings(item, label, path + ('[%d]' % index,))


def _check_version(content, label):
    version = content.get('version')
    if version is None:
        return
    text = str(version)
    if not re.match(r'^3(\.\d+)?$', text):
        raise ComposeError(
            '%s: version %r is not supported: docker stack deploy reads the compose file format 3 '
            '(version "3.x", or no version).' % (label, text)
        )


def _check_forbidden(content, label):
    services = content.get('services')
    if not isinstance(services, dict):
        return  # the validation after interpolation says what services must be
    for name, service in services.items():
        for key, reason in sorted(_FORBIDDEN_SERVICE_KEYS.items()):
            if isinstance(service, dict) and key in service:
                raise ComposeError('%s: services.%s.%s is not supported: %s.' % (label, name, key, reason))


# -- interpolation ---------------------------------------------------------------------------

# "$$" is a literal dollar; "$NAME" or "${NAME...}" a variable, its name letters, digits and underscores.
_SUBSTITUTION = r'[_a-z][_a-z0-9]*(?::?[-?][^}]*)?'
_VARIABLE = re.compile(
    r'\$(?:(?P<escaped>\$)|(?P<named>%s)|\{(?P<braced>%s)\}|(?P<invalid>))' % (_SUBSTITUTION, _SUBSTITUTION),
    re.IGNORECASE,
)


class _MissingVariable(Exception):
    pass


def interpolate_text(text, lookup):
    """``text`` with its variables replaced; raises ValueError for a malformed or a missing required one."""

    def replace(match):
        if match.group('escaped'):
            return '$'
        expression = match.group('named') or match.group('braced')
        if not expression:
            raise ValueError('invalid interpolation format %r; write $$ for a literal $' % text)
        return _substitute(expression, lookup)

    return _VARIABLE.sub(replace, text)


_EXPRESSION = re.compile(
    r'^(?P<name>[_a-z][_a-z0-9]*)(?:(?P<operator>:-|-|:\?|\?)(?P<argument>.*))?$', re.IGNORECASE | re.DOTALL
)


def _substitute(expression, lookup):
    # The operator is read right after the name, so "${VAR:?must-be-set}" is a required variable whose message
    # has a dash in it (the docker CLI looks for any "-" first and takes it for a default there).
    match = _EXPRESSION.match(expression)
    name, operator, argument = match.group('name'), match.group('operator'), match.group('argument')
    value, present = lookup(name)
    if operator == ':-':
        return value if present and value != '' else argument
    if operator == '-':
        return value if present else argument
    if operator in (':?', '?') and (not present or (operator == ':?' and value == '')):
        raise _MissingVariable('required variable %s is missing a value: %s' % (name, argument))
    return value if present else ''


def _interpolate(value, path, lookup, label):
    if isinstance(value, dict):
        return dict((key, _interpolate(item, path + (key,), lookup, label)) for key, item in value.items())
    if isinstance(value, list):
        return [_interpolate(item, path + ('[]',), lookup, label) for item in value]
    if not isinstance(value, str):
        return value
    try:
        replaced = interpolate_text(value, lookup)
    except (ValueError, _MissingVariable) as error:
        raise ComposeError('%s: %s: %s.' % (label, _dotted(path), error))
    if replaced == value:
        return value
    return _cast(replaced, path, label)


def _cast(text, path, label):
    for pattern, kind in _CASTS:
        if len(pattern) == len(path) and all(part in ('*', actual) for part, actual in zip(pattern, path)):
            try:
                if kind == 'integer':
                    return int(text)
                if kind == 'float':
                    return float(text)
                if text.lower() in _YAML_TRUE + _YAML_FALSE:
                    return text.lower() in _YAML_TRUE
                raise ValueError('not a boolean')
            except ValueError:
                raise ComposeError(
                    '%s: %s: the interpolated value %r is not a valid %s.' % (label, _dotted(path), text, kind)
                )
    return text


def _dotted(path):
    text = ''
    for part in path:
        text += part if part.startswith('[') else ('.' + part if text else part)
    return text


# -- checking keys and types -----------------------------------------------------------------

_TYPE_NAMES = {
    'string': 'a string',
    'integer': 'an integer',
    'number': 'a number',
    'boolean': 'a boolean',
    'null': 'empty',
    'duration': 'a duration such as "10s" or "1m30s"',
    'any': 'anything',
}
_GO_DURATION = re.compile(r'^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^[-+]?0$')


def _validate(value, schema, path):
    """Every problem of ``value`` against ``schema``, as "path: reason" sentences."""
    if isinstance(schema, str):
        return (
            []
            if _is_type(value, schema)
            else ['%s must be %s, not %s' % (_dotted(path), _TYPE_NAMES[schema], _describe(value))]
        )
    if isinstance(schema, _OneOf):
        best = None
        for alternative in schema.alternatives:
            errors = _validate(value, alternative, path)
            if not errors:
                return []
            if not isinstance(alternative, str) and _shape_matches(value, alternative):
                best = errors
        if best is not None:
            return best
        return [
            '%s must be %s, not %s'
            % (
                _dotted(path),
                ' or '.join(_alternative_name(alternative) for alternative in schema.alternatives),
                _describe(value),
            )
        ]
    if isinstance(schema, _ListOf):
        if not isinstance(value, list):
            return ['%s must be a list, not %s' % (_dotted(path), _describe(value))]
        errors = []
        for index, item in enumerate(value):
            errors.extend(_validate(item, schema.items, path + ('[%d]' % index,)))
        return errors
    if not isinstance(value, dict):
        return ['%s must be a mapping, not %s' % (_dotted(path) or 'the top level', _describe(value))]
    if isinstance(schema, _MapOf):
        errors = []
        for key, item in value.items():
            errors.extend(_validate(item, schema.values, path + (key,)))
        return errors
    errors = []
    for key, item in value.items():
        if key in schema.keys:
            errors.extend(_validate(item, schema.keys[key], path + (key,)))
        elif not (schema.extensions and key.startswith('x-')):
            errors.append(
                '%s is not a known key (known here: %s%s)'
                % (_dotted(path + (key,)), ', '.join(sorted(schema.keys)), ', x-...' if schema.extensions else '')
            )
    for key in schema.required:
        if key not in value:
            errors.append('%s needs %s' % (_dotted(path), key))
    return errors


def _is_type(value, kind):
    if kind == 'any':
        return True
    if kind == 'null':
        return value is None
    if kind == 'string':
        return isinstance(value, str)
    if kind == 'boolean':
        return isinstance(value, bool)
    if kind == 'integer':
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == 'number':
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str) and bool(_GO_DURATION.match(value))


def _shape_matches(value, schema):
    return isinstance(value, list) if isinstance(schema, _ListOf) else isinstance(value, dict)


def _alternative_name(schema):
    if isinstance(schema, str):
        return _TYPE_NAMES[schema]
    return 'a list' if isinstance(schema, _ListOf) else 'a mapping'


def _describe(value):
    if value is None:
        return 'empty'
    if isinstance(value, bool):
        return 'the boolean %s (quote it if a string is meant)' % ('true' if value else 'false')
    if isinstance(value, dict):
        return 'a mapping'
    if isinstance(value, list):
        return 'a list'
    return repr(value)


# -- canonical services ----------------------------------------------------------------------


class _Context:
    """Where a file's values come from: its label for messages, the variables, the folder paths resolve from."""

    def __init__(self, label, lookup, project_dir, warnings, files):
        self.label = label
        self.lookup = lookup
        self.project_dir = project_dir
        self.warnings = warnings
        self.files = files

    def fail(self, path, reason):
        raise ComposeError('%s: %s: %s.' % (self.label, _dotted(path), reason))

    def path(self, value, path):
        if value.startswith('~') and self.files.on_controller:
            self.fail(
                path,
                '%r: "~" is not expanded in compose files on the controller; write the path relative to the '
                'compose file, or absolute' % value,
            )
        value = os.path.expanduser(value) if value.startswith('~') else value
        if os.path.isabs(value):
            return value
        if self.project_dir is None:
            self.fail(
                path,
                'the relative path %r needs a folder to resolve from: give project_dir, or the compose '
                'file as a path' % value,
            )
        return os.path.normpath(os.path.join(self.project_dir, value))

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)


def _service(name, raw, context):
    path = ('services', name)
    for key, reason in sorted(_IGNORED_SERVICE_KEYS.items()):
        if key in raw:
            context.warn('%s: services.%s.%s is ignored: %s.' % (context.label, name, key, reason))
    if 'restart' in raw and 'restart_policy' in (raw.get('deploy') or {}):
        context.warn('%s: services.%s.restart is ignored: deploy.restart_policy is set.' % (context.label, name))
    service = dict(
        image=raw.get('image'),
        command=_command(raw.get('command'), path + ('command',), context),
        entrypoint=_command(raw.get('entrypoint'), path + ('entrypoint',), context),
        environment=_environment(raw, path, context),
        labels=_mapping(raw.get('labels')),
        ports=_ports(raw.get('ports') or [], path + ('ports',), context),
        networks=_service_networks(raw.get('networks'), path + ('networks',), context),
        volumes=[
            _service_volume(item, path + ('volumes', '[%d]' % index), context)
            for index, item in enumerate(raw.get('volumes') or [])
        ],
        configs=[_file_reference(item) for item in raw.get('configs') or []],
        secrets=[_file_reference(item) for item in raw.get('secrets') or []],
        dns=_string_list(raw.get('dns')),
        dns_search=_string_list(raw.get('dns_search')),
        extra_hosts=_extra_hosts(raw.get('extra_hosts')),
        sysctls=_mapping(raw.get('sysctls')),
        ulimits=dict((key, _ulimit(value)) for key, value in (raw.get('ulimits') or {}).items()),
        cap_add=list(raw.get('cap_add') or []),
        cap_drop=list(raw.get('cap_drop') or []),
        healthcheck=copy.deepcopy(raw.get('healthcheck')),
        logging=_logging(raw.get('logging')),
        credential_spec=copy.deepcopy(raw.get('credential_spec')),
        deploy=_deploy(raw.get('deploy') or {}),
    )
    if service['healthcheck'] and 'test' in service['healthcheck']:
        test = service['healthcheck']['test']
        service['healthcheck']['test'] = ['CMD-SHELL', test] if isinstance(test, str) else list(test)
    for key in (
        'hostname',
        'user',
        'working_dir',
        'stop_signal',
        'stop_grace_period',
        'tty',
        'stdin_open',
        'read_only',
        'init',
        'isolation',
        'oom_score_adj',
        'restart',
    ):
        service[key] = raw.get(key)
    return service


def _command(value, path, context):
    if value is None:
        return None
    if isinstance(value, list):
        return [str(item) for item in value]
    try:
        return shlex.split(value)
    except ValueError as error:
        context.fail(path, 'could not be split into arguments: %s' % error)


def _string_list(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _scalar_text(value):
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        # Go prints a YAML 2.0 as "2"; Python would say "2.0".
        return str(int(value))
    return str(value)


def _mapping(value, keep_empty=False, separator='='):
    """A list_or_dict as a mapping of strings; entries without a value are None with ``keep_empty``, else ""."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(
            (key, _scalar_text(item) if item is not None else (None if keep_empty else ''))
            for key, item in value.items()
        )
    result = {}
    for entry in value:
        key, found, item = entry.partition(separator)
        result[key] = item if found else (None if keep_empty else '')
    return result


def _extra_hosts(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return sorted('%s:%s' % (host, _scalar_text(address)) for host, address in value.items() if address is not None)
    return list(value)


def _ulimit(value):
    if isinstance(value, int):
        return dict(soft=value, hard=value)
    return dict(soft=value['soft'], hard=value['hard'])


def _logging(value):
    if value is None:
        return None
    return dict(driver=value.get('driver') or '', options=_mapping(value.get('options')))


def _deploy(raw):
    deploy = copy.deepcopy(raw)
    deploy['labels'] = _mapping(raw.get('labels'))
    return deploy


def _environment(raw, path, context):
    """env_file entries first, then environment; a variable without a value takes it from the variables (as the
    CLI does, an empty value is looked up too), else stays without one."""
    environment = {}
    for index, env_file in enumerate(_string_list(raw.get('env_file'))):
        key = path + ('env_file',) if isinstance(raw.get('env_file'), str) else path + ('env_file', '[%d]' % index)
        _update_environment(environment, _env_file_variables(context.path(env_file, key), key, context), context)
    _update_environment(environment, _mapping(raw.get('environment'), keep_empty=True), context)
    return environment


def _update_environment(environment, variables, context):
    for key, value in variables.items():
        looked_up, present = context.lookup(key)
        environment[key] = looked_up if (value is None or value == '') and present else value


def _env_file_variables(file_path, path, context):
    try:
        data = context.files.read(file_path)
    except (IOError, OSError) as error:
        context.fail(path, 'could not read %s: %s' % (context.files.name(file_path), error.strerror or error))
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        context.fail(path, '%s is not UTF-8 text' % context.files.name(file_path))
    if text.startswith('\ufeff'):
        text = text[1:]
    variables = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.lstrip()
        if not line or line.startswith('#'):
            continue
        key, found, value = line.partition('=')
        key = key.lstrip(' \t')
        if not key or ' ' in key or '\t' in key:
            context.fail(path, '%s line %d: %r is not a variable name' % (file_path, number, key))
        if found:
            variables[key] = value
        else:
            # A name alone passes the variable through, and is left out when it is not set.
            looked_up, present = context.lookup(line.strip())
            if present:
                variables[line.strip()] = looked_up
    return variables


def _ports(entries, path, context):
    ports = []
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            if entry.get('target') is None:
                context.fail(path + ('[%d]' % index,), 'a port in long syntax needs target')
            ports.append(
                dict(
                    target=entry['target'],
                    published=entry.get('published') or 0,
                    protocol=entry.get('protocol') or '',
                    mode=entry.get('mode') or '',
                )
            )
        else:
            ports.extend(_short_ports(str(entry), path + ('[%d]' % index,), context))
    return ports


_SHORT_PORT = re.compile(
    r'^(?:(?:(?P<ip>\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]*):)?'
    r'(?P<published>[0-9]*(?:-[0-9]+)?):)?'
    r'(?P<target>[0-9]+(?:-[0-9]+)?)(?:/(?P<protocol>[a-zA-Z]+))?$'
)


def _short_ports(text, path, context):
    """ "[ip:][published[-end]:]target[-end][/protocol]" the way the docker CLI expands it: one entry per port,
    published in ingress mode; an IP address is ignored (a service listens on every address)."""
    match = _SHORT_PORT.match(text)
    if not match:
        context.fail(path, '%r is not a port, "published:target" or a range such as "8000-8002:80-82"' % text)
    targets = _port_range(match.group('target'), path, context)
    published = _port_range(match.group('published'), path, context) if match.group('published') else None
    if match.group('ip') and match.group('ip') not in ('0.0.0.0', ''):
        context.warn(
            '%s: %s: the address in %r is ignored: a service listens on every address of the node.'
            % (context.label, _dotted(path), text)
        )
    protocol = (match.group('protocol') or 'tcp').lower()
    if published is not None and len(targets) > 1 and len(published) != len(targets):
        context.fail(path, 'the published range and the target range of %r differ in length' % text)
    if published is None:
        pairs = [(0, target) for target in targets]
    elif len(targets) == 1:
        pairs = [(port, targets[0]) for port in published]
    else:
        pairs = list(zip(published, targets))
    return [dict(target=target, published=port, protocol=protocol, mode='ingress') for port, target in pairs]


def _port_range(text, path, context):
    start, _dash, end = text.partition('-')
    first, last = int(start), int(end or start)
    if last < first or last > 65535:
        context.fail(path, 'the port range %r is invalid' % text)
    return list(range(first, last + 1))


def _service_networks(value, path, context):
    if value is None:
        return None
    if isinstance(value, list):
        return dict((name, None) for name in value)
    networks = {}
    for name, entry in value.items():
        if entry is None:
            networks[name] = None
            continue
        for key in ('ipv4_address', 'ipv6_address'):
            if key in entry:
                context.warn(
                    '%s: %s.%s.%s is ignored: Swarm assigns the addresses of service tasks.'
                    % (context.label, _dotted(path), name, key)
                )
        networks[name] = dict(
            aliases=[str(alias) for alias in entry.get('aliases') or []], driver_opts=_mapping(entry.get('driver_opts'))
        )
    return networks


def _service_volume(entry, path, context):
    if isinstance(entry, str):
        volume = _short_volume(entry, path, context)
    else:
        volume = copy.deepcopy(entry)
    if volume.get('type') == 'bind':
        if not volume.get('source'):
            context.fail(path, 'a bind mount needs a source')
        volume['source'] = _bind_source(volume['source'], path + ('source',), context)
    if volume.get('type') not in ('volume', 'bind', 'tmpfs', 'npipe'):
        context.fail(
            path + ('type',), 'the mount type %r is not one of volume, bind, tmpfs, npipe' % volume.get('type')
        )
    if not volume.get('target'):
        context.fail(path, 'a mount needs a target')
    return volume


def _bind_source(value, path, context):
    # A bind mount's source is a folder of the node the task runs on, wherever the compose file is kept.
    if context.files.on_controller and not os.path.isabs(value):
        context.fail(
            path,
            'the bind mount source %r is a path on the managed node: with compose files on the controller, give it '
            'as an absolute path' % value,
        )
    return context.path(value, path)


def _short_volume(text, path, context):
    """ "[source:]target[:options]": a source starting with ".", "/" or "~" is a bind mount, any other a named
    volume; options ro, rw, nocopy and a bind propagation."""
    parts = text.split(':')
    if len(parts) > 3 or not all(parts):
        context.fail(path, '%r is not "[source:]target[:options]"' % text)
    if len(parts) == 1:
        return dict(type='volume', target=parts[0])
    source, target = parts[0], parts[1]
    volume = dict(type='bind' if source[0] in './~' else 'volume', source=source, target=target)
    for option in parts[2].split(',') if len(parts) == 3 else []:
        if option in ('ro', 'rw'):
            volume['read_only'] = option == 'ro'
        elif option == 'nocopy':
            volume['volume'] = dict(nocopy=True)
        elif option in ('private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'):
            volume['bind'] = dict(propagation=option)
    return volume


def _file_reference(entry):
    if isinstance(entry, str):
        return dict(source=entry)
    return copy.deepcopy(entry)


# -- top-level objects -----------------------------------------------------------------------


def _external(raw, kind, name, context):
    """(external, name) with the deprecated "external: {name: x}" folded into name."""
    external = raw.get('external')
    if isinstance(external, dict):
        if raw.get('name') and external.get('name'):
            context.fail((kind, name), '%s.external.name and %s.name conflict; only use name' % (kind, kind))
        context.warn('%s: %s.%s.external.name is deprecated; use name.' % (context.label, kind, name))
        return True, external.get('name') or raw.get('name') or name
    if external:
        return True, raw.get('name') or name
    return False, raw.get('name')


def _network(name, raw, context):
    external, object_name = _external(raw, 'networks', name, context)
    ipam = raw.get('ipam') or {}
    return dict(
        external=external,
        name=object_name,
        driver=raw.get('driver') or '',
        driver_opts=_mapping(raw.get('driver_opts')),
        internal=bool(raw.get('internal')),
        attachable=bool(raw.get('attachable')),
        labels=_mapping(raw.get('labels')),
        ipam_driver=ipam.get('driver') or '',
        subnets=[entry.get('subnet') or '' for entry in ipam.get('config') or []],
    )


def _volume(name, raw, context):
    external, object_name = _external(raw, 'volumes', name, context)
    if external:
        for key in ('driver', 'driver_opts', 'labels'):
            if raw.get(key):
                context.fail(('volumes', name), 'external and %s cannot be given together' % key)
    return dict(
        external=external,
        name=object_name,
        driver=raw.get('driver') or '',
        driver_opts=_mapping(raw.get('driver_opts')) if raw.get('driver_opts') is not None else None,
        labels=_mapping(raw.get('labels')),
    )


def _file_object(kind, name, raw, context):
    external, object_name = _external(raw, kind, name, context)
    entry = dict(
        external=external,
        name=object_name,
        labels=_mapping(raw.get('labels')),
        template_driver=raw.get('template_driver') or '',
        driver=raw.get('driver') or '',
        driver_opts=_mapping(raw.get('driver_opts')),
        file=None,
        declared_in=context.label,
    )
    if external:
        return entry
    if entry['driver']:
        if raw.get('file'):
            context.fail((kind, name), 'driver and file conflict; only use driver')
        return entry
    if not raw.get('file'):
        context.fail((kind, name), 'needs file (or external: true)')
    entry['file'] = context.path(raw['file'], (kind, name, 'file'))
    return entry


def _read_file_object(kind, name, entry, files):
    if entry['external'] or entry['driver']:
        entry['data'] = b''
        return
    try:
        entry['data'] = files.read(entry['file'])
    except (IOError, OSError) as error:
        raise ComposeError(
            '%s: %s.%s.file: could not read %s: %s.'
            % (entry['declared_in'], kind, name, files.name(entry['file']), error.strerror or error)
        )


# -- merging files ---------------------------------------------------------------------------

# Lists that a later file replaces rather than extends.
_REPLACED = frozenset([('command',), ('entrypoint',), ('healthcheck', 'test')])
# Lists merged item by item, an item of a later file replacing the one with the same key.
_KEYED = {
    ('ports',): lambda port: port['published'] or ('unpublished', port['target'], port['protocol']),
    ('configs',): lambda reference: reference['source'],
    ('secrets',): lambda reference: reference['source'],
    ('volumes',): lambda volume: volume['target'],
}
# Values a later file sets even to zero or false (the CLI keeps them as pointers); other zero values do not
# override.
_ZERO_OVERRIDES = frozenset(
    [
        ('deploy', 'replicas'),
        ('deploy', 'restart_policy', 'delay'),
        ('deploy', 'restart_policy', 'max_attempts'),
        ('deploy', 'restart_policy', 'window'),
        ('deploy', 'update_config', 'parallelism'),
        ('deploy', 'rollback_config', 'parallelism'),
        ('healthcheck', 'interval'),
        ('healthcheck', 'timeout'),
        ('healthcheck', 'retries'),
        ('healthcheck', 'start_period'),
        ('healthcheck', 'start_interval'),
        ('stop_grace_period',),
        ('init',),
    ]
)


def _merge_files(base, override):
    merged = dict(services=dict(base['services']))
    for name, service in override['services'].items():
        merged['services'][name] = _merged(base['services'][name], service, ()) if name in base['services'] else service
    for kind in ('networks', 'volumes', 'configs', 'secrets'):
        merged[kind] = dict(base[kind])
        merged[kind].update(override[kind])
    return merged


def _merged(base, override, path):
    if path in _REPLACED or (len(path) == 2 and path[0] == 'ulimits'):
        return override if override is not None else base
    if path in _KEYED:
        items = dict((_KEYED[path](item), item) for item in base)
        items.update((_KEYED[path](item), item) for item in override)
        return list(items.values())
    if path == ('logging',):
        return _merged_logging(base, override)
    if path == ('networks',) and base is not None and override is not None:
        networks = dict(base)
        for name, entry in override.items():
            if entry or name not in networks:
                networks[name] = _merged_network_entry(networks.get(name), entry)
        return networks
    if isinstance(base, dict) and isinstance(override, dict):
        result = dict(base)
        for key, value in override.items():
            result[key] = _merged(base[key], value, path + (key,)) if key in base else value
        return result
    if isinstance(base, list) and isinstance(override, list):
        return base + override
    if base is None:
        return override
    if override is None or (
        not override and path not in _ZERO_OVERRIDES and path[:1] not in (('environment',), ('labels',), ('sysctls',))
    ):
        return base
    return override


def _merged_network_entry(base, override):
    if not base or not override:
        return override or base
    return dict(base, aliases=override['aliases'], driver_opts=dict(base['driver_opts'], **override['driver_opts']))


def _merged_logging(base, override):
    if not base or not override:
        return override or base
    if base['driver'] and override['driver'] and base['driver'] != override['driver']:
        return override
    return dict(driver=override['driver'] or base['driver'], options=dict(base['options'], **override['options']))
