# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A compose project turned into the Engine API specs ``docker stack deploy`` sends (swarm_stack).

The result is what the docker CLI's compose conversion produces, field for field, so that a stack deployed by the
CLI and then by swarm_stack (or the other way round) compares equal: objects are named ``<stack>_<name>`` unless the
compose file gives a ``name:``, every object carries the ``com.docker.stack.namespace`` label and every service the
``com.docker.stack.image`` label. A field is left out where the CLI's Go types leave it out (empty, or zero where
the field is not a pointer), because the engine stores what it is sent.

Service specs refer to networks, configs and secrets by object name; the planner turns the names into IDs, and
picks the version of a config or secret whose content matches.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from fractions import Fraction

from ansible_collections.swarmops.swarm.plugins.module_utils.compose import ComposeError
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.networks import BUILTIN_NETWORKS
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import (
    OOM_SCORE_ADJ_API_VERSION,
    check_constraints,
    check_image_reference,
    check_service_name,
    mounts_min_api_version,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import duration_to_ns, size_to_bytes

STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace'
STACK_IMAGE_LABEL = 'com.docker.stack.image'
DEFAULT_NETWORK = 'default'
DEFAULT_NETWORK_DRIVER = 'overlay'
_NANO = 10**9


class StackSpecs:
    """What a stack needs in the swarm.

    ``networks``: {object name: create request} for the networks the services use; ``external_networks``:
    {object name: compose key} that must exist. ``configs`` and ``secrets``: {compose key: FileObject}.
    ``services``: {compose name: ServiceSpec}. ``api_requirements``: [(what, API version)] for fields older
    engines lack.
    """

    def __init__(self, stack):
        self.stack = stack
        self.networks = {}
        self.external_networks = {}
        self.configs = {}
        self.secrets = {}
        self.services = {}
        self.api_requirements = []


class FileObject:
    """A config or secret of the compose file: its object name, and the spec to create it with (None if external)."""

    def __init__(self, key, name, spec, external):
        self.key = key
        self.name = name
        self.spec = spec
        self.external = external


def scoped(stack, name):
    return '%s_%s' % (stack, name)


def translate_stack(stack, project):
    specs = StackSpecs(stack)
    _translate_networks(specs, project)
    for kind in ('configs', 'secrets'):
        for key, entry in getattr(project, kind).items():
            getattr(specs, kind)[key] = _file_object(stack, kind, key, entry)
    for name in sorted(project.services):
        try:
            specs.services[name] = service_spec(specs, project, name)
        except ComposeError as error:
            raise ComposeError(
                '%s: services.%s: %s' % (' + '.join(project.service_files.get(name) or ['compose']), name, error)
            )
    return specs


def _labelled(stack, labels):
    result = dict(labels or {})
    result[STACK_NAMESPACE_LABEL] = stack
    return result


# -- networks, configs, secrets --------------------------------------------------------------


def _translate_networks(specs, project):
    used = set()
    for service in project.services.values():
        used.update(service['networks'] or [DEFAULT_NETWORK])
    for key in sorted(used):
        if key not in project.networks and key != DEFAULT_NETWORK:
            continue  # reported by the service that uses it
        network = project.networks.get(key) or dict(
            external=False,
            name=None,
            driver='',
            driver_opts={},
            internal=False,
            attachable=False,
            labels={},
            ipam_driver='',
            subnets=[],
        )
        name = network['name'] or scoped(specs.stack, key)
        if network['external']:
            specs.external_networks[name] = key
            continue
        request = dict(
            Name=name,
            Driver=network['driver'] or DEFAULT_NETWORK_DRIVER,
            Labels=_labelled(specs.stack, network['labels']),
        )
        if network['driver_opts']:
            request['Options'] = dict(network['driver_opts'])
        if network['internal']:
            request['Internal'] = True
        if network['attachable']:
            request['Attachable'] = True
        if network['ipam_driver'] or network['subnets']:
            ipam = {}
            if network['ipam_driver']:
                ipam['Driver'] = network['ipam_driver']
            if network['subnets']:
                ipam['Config'] = [dict(Subnet=subnet) for subnet in network['subnets']]
            request['IPAM'] = ipam
        specs.networks[name] = dict(key=key, request=request)


def _file_object(stack, kind, key, entry):
    name = entry['name'] or scoped(stack, key)
    if entry['external']:
        return FileObject(key, name, None, True)
    spec = dict(Name=name, Labels=_labelled(stack, entry['labels']), Data=entry['data'])
    if kind == 'secrets' and entry['driver']:
        spec['Driver'] = dict(Name=entry['driver'])
        if entry['driver_opts']:
            spec['Driver']['Options'] = dict(entry['driver_opts'])
    if entry['template_driver']:
        spec['Templating'] = dict(Name=entry['template_driver'])
    return FileObject(key, name, spec, False)


# -- services --------------------------------------------------------------------------------


def service_spec(specs, project, name):
    """The ServiceSpec of one compose service, as ``docker stack deploy`` builds it."""
    service = project.services[name]
    stack = specs.stack
    if not service['image']:
        raise ComposeError('image is missing: every service of a stack needs one')
    deploy = service['deploy']
    _check_service(scoped(stack, name), service, deploy)
    container = dict(Image=service['image'], Labels=_labelled(stack, service['labels']))
    _put(container, 'Command', service['entrypoint'])
    _put(container, 'Args', service['command'])
    _put(container, 'Hostname', service['hostname'])
    _put(container, 'Hosts', _hosts(service['extra_hosts']))
    if service['dns'] or service['dns_search']:
        container['DNSConfig'] = {}
        _put(container['DNSConfig'], 'Nameservers', service['dns'])
        _put(container['DNSConfig'], 'Search', service['dns_search'])
    _put(container, 'Healthcheck', _healthcheck(specs, name, service['healthcheck']))
    _put(container, 'Env', _environment(service['environment']))
    _put(container, 'Dir', service['working_dir'])
    _put(container, 'User', service['user'])
    _put(container, 'Mounts', [_mount(stack, project, volume) for volume in service['volumes']])
    # The same table swarm_service gates its mounts with.
    mounts_version = mounts_min_api_version(container.get('Mounts'))
    if mounts_version:
        specs.api_requirements.append(('services.%s.volumes' % name, mounts_version))
    if service['stop_grace_period'] is not None:
        container['StopGracePeriod'] = duration_to_ns(service['stop_grace_period'])
    _put(container, 'StopSignal', service['stop_signal'])
    _put(container, 'TTY', bool(service['tty']))
    _put(container, 'OpenStdin', bool(service['stdin_open']))
    _put(container, 'Secrets', _file_references(specs, project, 'secrets', service['secrets']))
    _put(
        container,
        'Configs',
        _file_references(specs, project, 'configs', service['configs'])
        + _credential_spec_config(specs, project, service['credential_spec']),
    )
    _put(container, 'ReadOnly', bool(service['read_only']))
    credential_spec = _credential_spec(specs, service['credential_spec'])
    if credential_spec:
        container['Privileges'] = dict(CredentialSpec=credential_spec)
    _put(container, 'Isolation', service['isolation'])
    if service['init'] is not None:
        container['Init'] = service['init']
    _put(container, 'Sysctls', service['sysctls'])
    cap_add, cap_drop = effective_capabilities(service['cap_add'], service['cap_drop'])
    _put(container, 'CapabilityAdd', cap_add)
    _put(container, 'CapabilityDrop', cap_drop)
    _put(
        container,
        'Ulimits',
        [dict(Name=key, Soft=limit['soft'], Hard=limit['hard']) for key, limit in sorted(service['ulimits'].items())],
    )
    if service['oom_score_adj']:
        container['OomScoreAdj'] = service['oom_score_adj']
        specs.api_requirements.append(('services.%s.oom_score_adj' % name, OOM_SCORE_ADJ_API_VERSION))

    template = dict(
        ContainerSpec=container,
        Resources=_resources(deploy.get('resources') or {}),
        Placement=_placement(deploy.get('placement') or {}),
        Networks=_network_attachments(specs, project, name, service['networks']),
    )
    _put(template, 'RestartPolicy', _restart_policy(deploy.get('restart_policy'), service['restart']))
    if service['logging'] is not None:
        template['LogDriver'] = {}
        _put(template['LogDriver'], 'Name', service['logging']['driver'])
        _put(template['LogDriver'], 'Options', service['logging']['options'])

    labels = _labelled(stack, deploy.get('labels'))
    labels[STACK_IMAGE_LABEL] = service['image']
    spec = dict(
        Name=scoped(stack, name),
        Labels=labels,
        TaskTemplate=template,
        EndpointSpec=_endpoint(deploy.get('endpoint_mode'), service['ports']),
        Mode=_mode(deploy.get('mode'), deploy.get('replicas')),
    )
    _put(spec, 'UpdateConfig', _rollout(deploy.get('update_config')))
    _put(spec, 'RollbackConfig', _rollout(deploy.get('rollback_config')))
    return spec


def _check_service(service_name, service, deploy):
    """What the engine would refuse only after the stack's networks and earlier services were created."""
    try:
        check_service_name(service_name, 'the service name')
        check_image_reference(service['image'])
        check_constraints((deploy.get('placement') or {}).get('constraints'), 'deploy.placement.constraints')
    except SwarmError as error:
        raise ComposeError(str(error))


def _put(mapping, key, value):
    """Set ``key`` unless ``value`` is empty or false, as Go's omitempty leaves such fields out."""
    if value not in (None, '', [], {}, False):
        mapping[key] = value


def _hosts(extra_hosts):
    # "host:ip" as the engine writes /etc/hosts lines: "ip host"; the order is kept.
    hosts = []
    for entry in extra_hosts:
        host, found, address = entry.partition(':')
        if found:
            hosts.append('%s %s' % (address, host))
    return hosts


def _environment(environment):
    return sorted(key if value is None else '%s=%s' % (key, value) for key, value in environment.items())


def effective_capabilities(cap_add, cap_drop):
    """Capabilities as the docker CLI sends them: upper case with CAP_, ALL trumping the others, a capability
    both added and dropped only added, sorted."""
    added = set(_capability(item) for item in cap_add)
    dropped = set(_capability(item) for item in cap_drop)
    if 'ALL' in added:
        added = set(['ALL'])
    if 'ALL' in dropped:
        dropped = set(['ALL'])
    added.discard('RESET')
    dropped.discard('RESET')
    return sorted(added), sorted(dropped - added)


def _capability(name):
    name = name.strip().upper()
    return name if name in ('ALL', 'RESET') or name.startswith('CAP_') else 'CAP_' + name


def _healthcheck(specs, name, healthcheck):
    if healthcheck is None:
        return None
    if healthcheck.get('disable'):
        if healthcheck.get('test'):
            raise ComposeError('healthcheck: test and disable cannot be set together')
        return dict(Test=['NONE'])
    config = {}
    _put(config, 'Test', healthcheck.get('test'))
    for key, field in (
        ('interval', 'Interval'),
        ('timeout', 'Timeout'),
        ('start_period', 'StartPeriod'),
        ('start_interval', 'StartInterval'),
    ):
        if healthcheck.get(key) is not None:
            _put(config, field, duration_to_ns(healthcheck[key]))
    if config.get('StartInterval'):
        specs.api_requirements.append(('services.%s.healthcheck.start_interval' % name, '1.44'))
    _put(config, 'Retries', int(healthcheck.get('retries') or 0))
    return config


def _mount(stack, project, volume):
    mount = dict(Type=volume['type'], Target=volume['target'])
    _put(mount, 'Source', volume.get('source'))
    _put(mount, 'ReadOnly', bool(volume.get('read_only')))
    _put(mount, 'Consistency', volume.get('consistency'))
    options = dict((key, volume[key]) for key in ('bind', 'volume', 'tmpfs') if volume.get(key) is not None)
    foreign = sorted(
        key for key in options if key != volume['type'] and not (key == 'bind' and volume['type'] == 'npipe')
    )
    if foreign:
        raise ComposeError('volumes: %s options are incompatible with type %s' % (foreign[0], volume['type']))
    if volume['type'] in ('bind', 'npipe') and 'bind' in options:
        mount['BindOptions'] = {}
        _put(mount['BindOptions'], 'Propagation', options['bind'].get('propagation'))
    elif volume['type'] == 'tmpfs':
        if volume.get('source'):
            raise ComposeError('volumes: a tmpfs mount has no source')
        if 'tmpfs' in options:
            mount['TmpfsOptions'] = {}
            if options['tmpfs'].get('size') is not None:
                _put(mount['TmpfsOptions'], 'SizeBytes', _bytes(options['tmpfs']['size'], 'volumes.tmpfs.size'))
    elif volume['type'] == 'volume' and volume.get('source'):
        _named_volume(stack, project, volume, mount)
    return mount


def _named_volume(stack, project, volume, mount):
    if volume['source'] not in project.volumes:
        raise ComposeError('volumes: undefined volume %r: declare it under the top-level volumes' % volume['source'])
    declared = project.volumes[volume['source']]
    mount['Source'] = declared['name'] or scoped(stack, volume['source'])
    options = {}
    _put(options, 'NoCopy', bool((volume.get('volume') or {}).get('nocopy')))
    _put(options, 'Subpath', (volume.get('volume') or {}).get('subpath'))
    if not declared['external']:
        options['Labels'] = _labelled(stack, declared['labels'])
        if declared['driver'] or declared['driver_opts'] is not None:
            options['DriverConfig'] = {}
            _put(options['DriverConfig'], 'Name', declared['driver'])
            _put(options['DriverConfig'], 'Options', declared['driver_opts'])
    mount['VolumeOptions'] = options


def _bytes(value, what):
    try:
        return size_to_bytes(value, what)
    except Exception as error:
        raise ComposeError(str(error))


def _file_references(specs, project, kind, references):
    """Config or secret references of a service, sorted by object name like the CLI; IDs come later."""
    declared = getattr(specs, kind)
    name_key = 'ConfigName' if kind == 'configs' else 'SecretName'
    result = []
    for reference in references:
        if reference['source'] not in declared:
            raise ComposeError(
                '%s: undefined %s %r: declare it under the top-level %s' % (kind, kind[:-1], reference['source'], kind)
            )
        mode = reference.get('mode')
        result.append(
            {
                name_key: declared[reference['source']].name,
                'File': dict(
                    Name=reference.get('target') or reference['source'],
                    UID=reference.get('uid') or '0',
                    GID=reference.get('gid') or '0',
                    Mode=int(mode) if mode is not None else 0o444,
                ),
            }
        )
    return sorted(result, key=lambda item: item[name_key])


def _credential_spec_config(specs, project, credential_spec):
    # A credential spec kept in a config is handed to the runtime, not mounted as a file.
    if not credential_spec or not credential_spec.get('config'):
        return []
    key = credential_spec['config']
    if key not in specs.configs:
        raise ComposeError('credential_spec: undefined config %r' % key)
    return [dict(ConfigName=specs.configs[key].name, Runtime={})]


def _credential_spec(specs, credential_spec):
    if not credential_spec:
        return None
    given = [key for key in ('config', 'file', 'registry') if credential_spec.get(key)]
    if len(given) > 1:
        raise ComposeError('credential_spec: give only one of config, file and registry')
    if not given:
        return None
    if given[0] == 'config':
        # The engine wants the config's ID here; the planner puts it in place of the name.
        return dict(Config=specs.configs[credential_spec['config']].name)
    return {given[0].capitalize(): credential_spec[given[0]]}


def _network_attachments(specs, project, service_name, networks):
    attachments = []
    for key, entry in sorted((networks or {DEFAULT_NETWORK: None}).items()):
        if key not in project.networks and key != DEFAULT_NETWORK:
            raise ComposeError(
                'networks: undefined network %r: declare it under the top-level networks (with '
                'external: true if it exists already)' % key
            )
        declared = project.networks.get(key) or {}
        target = declared.get('name') or scoped(specs.stack, key)
        attachment = dict(Target=target)
        aliases = list((entry or {}).get('aliases') or [])
        if target not in BUILTIN_NETWORKS and not target.startswith('container:'):
            aliases.append(service_name)
        _put(attachment, 'Aliases', aliases)
        _put(attachment, 'DriverOpts', (entry or {}).get('driver_opts'))
        attachments.append(attachment)
    return sorted(attachments, key=lambda attachment: attachment['Target'])


def _resources(resources):
    result = {}
    limits = resources.get('limits')
    if limits is not None:
        result['Limits'] = {}
        _put(result['Limits'], 'NanoCPUs', _nano_cpus(limits.get('cpus'), 'limits'))
        _put(result['Limits'], 'MemoryBytes', _memory(limits.get('memory'), 'limits'))
        _put(result['Limits'], 'Pids', limits.get('pids'))
    reservations = resources.get('reservations')
    if reservations is not None:
        result['Reservations'] = {}
        _put(result['Reservations'], 'NanoCPUs', _nano_cpus(reservations.get('cpus'), 'reservations'))
        _put(result['Reservations'], 'MemoryBytes', _memory(reservations.get('memory'), 'reservations'))
        _put(
            result['Reservations'],
            'GenericResources',
            [
                dict(
                    DiscreteResourceSpec=dict(
                        Kind=item['discrete_resource_spec']['kind'], Value=item['discrete_resource_spec']['value']
                    )
                )
                for item in reservations.get('generic_resources') or []
                if item.get('discrete_resource_spec')
            ],
        )
    return result


def _nano_cpus(value, where):
    if value is None or value == '':
        return None
    try:
        nano = Fraction(str(value)) * _NANO
    except (ValueError, ZeroDivisionError):
        raise ComposeError('deploy.resources.%s.cpus: %r is not a number of CPUs' % (where, value))
    if nano.denominator != 1:
        raise ComposeError('deploy.resources.%s.cpus: %r is too precise (at most 9 decimals)' % (where, value))
    return int(nano)


def _memory(value, where):
    if value is None:
        return None
    return _bytes(value, 'deploy.resources.%s.memory' % where)


def _placement(placement):
    result = {}
    _put(result, 'Constraints', list(placement.get('constraints') or []))
    _put(
        result,
        'Preferences',
        [dict(Spread=dict(SpreadDescriptor=item.get('spread'))) for item in placement.get('preferences') or []],
    )
    _put(result, 'MaxReplicas', placement.get('max_replicas_per_node'))
    return result


def _restart_policy(policy, restart):
    """deploy.restart_policy, or else the service's restart key read like ``docker run --restart``."""
    if policy is not None:
        result = {}
        _put(result, 'Condition', policy.get('condition'))
        for key, field in (('delay', 'Delay'), ('window', 'Window')):
            if policy.get(key) is not None:
                result[field] = duration_to_ns(policy[key])
        if policy.get('max_attempts') is not None:
            result['MaxAttempts'] = policy['max_attempts']
        return result
    if not restart or restart == 'no':
        return None
    name, _colon, count = restart.partition(':')
    try:
        attempts = int(count) if count else 0
    except ValueError:
        attempts = -1
    if attempts < 0 or name not in ('always', 'unless-stopped', 'on-failure'):
        raise ComposeError('restart: %r is not one of no, always, unless-stopped, on-failure[:max-retries]' % restart)
    result = dict(Condition='any' if name in ('always', 'unless-stopped') else 'on-failure')
    if attempts > 0:
        result['MaxAttempts'] = attempts
    return result


def _rollout(config):
    if config is None:
        return None
    parallelism = config.get('parallelism')
    # Parallelism and MaxFailureRatio are always sent (no omitempty): parallelism 0 means all at once.
    result = dict(
        Parallelism=1 if parallelism is None else parallelism,
        MaxFailureRatio=float(config.get('max_failure_ratio') or 0),
    )
    for key, field in (('delay', 'Delay'), ('monitor', 'Monitor')):
        if config.get(key) is not None:
            _put(result, field, duration_to_ns(config[key]))
    _put(result, 'FailureAction', config.get('failure_action'))
    _put(result, 'Order', config.get('order'))
    return result


def _endpoint(endpoint_mode, ports):
    endpoint = {}
    _put(endpoint, 'Mode', (endpoint_mode or '').lower())
    configs = []
    for port in ports:
        config = {}
        _put(config, 'Protocol', port['protocol'])
        _put(config, 'TargetPort', port['target'])
        _put(config, 'PublishedPort', port['published'])
        _put(config, 'PublishMode', port['mode'])
        configs.append(config)
    _put(
        endpoint,
        'Ports',
        sorted(
            configs,
            key=lambda config: (
                config.get('PublishedPort', 0),
                config.get('TargetPort', 0),
                config.get('Protocol', ''),
                config.get('PublishMode', ''),
            ),
        ),
    )
    return endpoint


def _mode(mode, replicas):
    if mode in ('global', 'global-job'):
        if replicas is not None:
            raise ComposeError('deploy.replicas can only be used with mode replicated or replicated-job')
        return {'Global': {}} if mode == 'global' else {'GlobalJob': {}}
    if mode == 'replicated-job':
        job = {}
        if replicas is not None:
            job = dict(MaxConcurrent=replicas, TotalCompletions=replicas)
        return {'ReplicatedJob': job}
    if mode in (None, '', 'replicated'):
        return {'Replicated': {} if replicas is None else dict(Replicas=replicas)}
    raise ComposeError('deploy.mode: unknown mode %r (replicated, global, replicated-job, global-job)' % mode)
