# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner of swarm_network: one network by name, compared setting by setting with the task.

The Engine API has no network update: every setting of an existing network, its labels too, is fixed at creation.
A setting that differs is reported as such and changed only by re-creating the network (``recreate``). The services
attached to it are detached first (one service update each, awaited) and attached to the new network afterwards
with the aliases and driver options they had (``force``); a network services use is never removed from under them
without ``force``. An ingress network carries the published ports of ingress mode, which no detaching can take
away: it is re-created or removed only while no service publishes a port in ingress mode.

Each setting is declared once, as a :class:`SpecOption` whose path is the same in a create request and in the
network the engine returns, so the request, the comparison and the views come from the same declarations.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.networks import (
    allocated_network,
    network_named,
    remove_network_once_free,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.services import live_spec_of
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    SpecOption,
    apply_to_spec,
    argument_spec_of,
    desired_api_values,
    differing_options,
    normalise,
    options_view,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_objects import update_service_and_wait
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import (
    Waits,
    rollout_wait_argument_spec,
    stability_seconds,
)

ENCRYPTED_OPTION = 'encrypted'
# Driver options the engine adds on its own (the VXLAN IDs of an overlay network): not the task's to manage.
_ENGINE_DRIVER_OPTIONS = ('com.docker.network.driver.overlay.vxlanid_list',)
_IPAM_CONFIG_KEYS = (
    ('subnet', 'Subnet'),
    ('ip_range', 'IPRange'),
    ('gateway', 'Gateway'),
    ('aux_addresses', 'AuxiliaryAddresses'),
)


def _strings(mapping):
    return dict((str(key), '' if value is None else str(value)) for key, value in (mapping or {}).items())


def _driver_options(params):
    """The network's ``Options``: the task's driver options and, for ``encrypted``, the overlay driver's option."""
    options = _strings(params.get('driver_opts'))
    options.pop(ENCRYPTED_OPTION, None)
    if params.get('encrypted'):
        options[ENCRYPTED_OPTION] = ''
    return options


def _own_driver_options(options):
    return dict((key, value) for key, value in (options or {}).items() if key not in _ENGINE_DRIVER_OPTIONS)


def _same_driver_options(desired, live):
    return desired == _own_driver_options(live)


def _ipam_to_api(ipam, option_name=None):
    return dict(
        Driver=ipam.get('driver') or 'default',
        Options=_strings(ipam.get('options')),
        Config=[
            dict((api_key, entry[key]) for key, api_key in _IPAM_CONFIG_KEYS if entry.get(key))
            for entry in ipam.get('config') or []
        ],
    )


def _ipam_from_api(ipam):
    return dict(
        driver=ipam.get('Driver') or 'default',
        options=dict(ipam.get('Options') or {}),
        config=[
            dict((key, entry[api_key]) for key, api_key in _IPAM_CONFIG_KEYS if entry.get(api_key))
            for entry in ipam.get('Config') or []
        ],
    )


def _same_ipam(desired, live):
    """The driver and options as given; each pool of the task matches one of the network's, in the keys the task
    gives (the engine fills in a gateway the task leaves out). A task without pools leaves the engine's alone."""
    live = live or {}
    if (live.get('Driver') or 'default') != desired['Driver'] or (live.get('Options') or {}) != desired['Options']:
        return False
    if not desired['Config']:
        return True
    unmatched = list(live.get('Config') or [])
    if len(unmatched) != len(desired['Config']):
        return False
    for wanted in desired['Config']:
        found = next(
            (
                entry
                for entry in unmatched
                if all(normalise(entry.get(key)) == normalise(value) for key, value in wanted.items())
            ),
            None,
        )
        if found is None:
            return False
        unmatched.remove(found)
    return True


def _flag(name, api_key, description):
    return SpecOption(name, dict(type='bool', default=False), (api_key,), description, api_default=False)


NETWORK_OPTIONS = [
    SpecOption('driver', dict(type='str', default='overlay'), ('Driver',), 'the network driver'),
    SpecOption('scope', dict(type='str', choices=['swarm', 'local']), ('Scope',), 'the scope'),
    _flag('attachable', 'Attachable', 'whether standalone containers can attach'),
    _flag('internal', 'Internal', 'whether the network has no outside access'),
    _flag('ingress', 'Ingress', 'whether it is the routing mesh network'),
    _flag('config_only', 'ConfigOnly', 'whether it is a configuration for other networks'),
    SpecOption(
        'config_from', dict(type='str'), ('ConfigFrom', 'Network'), 'the network it takes its configuration from'
    ),
    SpecOption(
        'driver_opts',
        dict(type='dict'),
        ('Options',),
        'the driver options (with encrypted)',
        read=_driver_options,
        companions=dict(encrypted=dict(type='bool', default=False)),
        api_default={},
        same=_same_driver_options,
    ),
    SpecOption(
        'ipam',
        dict(
            type='dict',
            options=dict(
                driver=dict(type='str'),
                config=dict(
                    type='list',
                    elements='dict',
                    options=dict(
                        subnet=dict(type='str'),
                        ip_range=dict(type='str'),
                        gateway=dict(type='str'),
                        aux_addresses=dict(type='dict'),
                    ),
                ),
                options=dict(type='dict'),
            ),
        ),
        ('IPAM',),
        'the IP address management',
        to_api=_ipam_to_api,
        from_api=_ipam_from_api,
        same=_same_ipam,
    ),
    SpecOption(
        'labels',
        dict(type='dict'),
        ('Labels',),
        'the labels',
        to_api=lambda labels, option_name: _strings(labels),
        api_default={},
    ),
]


def network_argument_spec():
    spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        recreate=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
    )
    spec.update(rollout_wait_argument_spec())
    spec.update(argument_spec_of(NETWORK_OPTIONS))
    return spec


def plan_network(client, params):
    stability_seconds(params)
    live = network_named(client, params['name'], params.get('scope'))
    if live is not None:
        live = allocated_network(client, live)
    run = _NetworkRun(client, params, live)
    if params['state'] == 'absent':
        plan = _plan_removal(run)
    else:
        plan = _plan_present(run)
    plan.report = run.report
    return plan


def desired_values(params):
    """{option: API value} of the task; a config-only network has no driver of its own (the engine stores
    ``null``), so its driver is neither sent nor compared."""
    desired = desired_api_values(NETWORK_OPTIONS, params)
    if params.get('config_only'):
        desired.pop('driver', None)
    return desired


def create_request(name, desired, base=None):
    """The body of ``POST /networks/create``: the desired settings over ``base`` (the settings of the network it
    replaces, so a re-created network keeps what the task does not set, its subnets among them)."""
    request = apply_to_spec(NETWORK_OPTIONS, desired, base or {})
    request['Name'] = name
    request['CheckDuplicate'] = True
    return request


def _settings_of(network):
    """A live network as a create request would give it."""
    settings = dict(
        (key, copy.deepcopy(network[key]))
        for key in ('Driver', 'Scope', 'Attachable', 'Internal', 'Ingress', 'ConfigOnly', 'EnableIPv6', 'Labels')
        if network.get(key) is not None
    )
    settings['Options'] = _own_driver_options(network.get('Options'))
    if network.get('IPAM'):
        settings['IPAM'] = copy.deepcopy(network['IPAM'])
        settings['IPAM']['Options'] = settings['IPAM'].get('Options') or {}
    if (network.get('ConfigFrom') or {}).get('Network'):
        settings['ConfigFrom'] = dict(Network=network['ConfigFrom']['Network'])
    return settings


def network_view(network, services=None):
    """A network (live, or a create request) in the module's option names."""
    view = options_view(NETWORK_OPTIONS, network)
    options = _own_driver_options(view.pop('driver_opts'))
    view['encrypted'] = ENCRYPTED_OPTION in options
    options.pop(ENCRYPTED_OPTION, None)
    view['driver_opts'] = options
    view['config_from'] = view['config_from'] or None
    view['scope'] = view['scope'] or None
    view['ipam'] = view['ipam'] or _ipam_from_api({})
    view = dict(state='present', **view)
    if services is not None:
        view['services'] = services
    return view


def attached_services(services, network_id):
    """{service name: the service's attachments to the network} of the services attached to it."""
    attached = {}
    for service in services:
        attachments = [
            attachment
            for attachment in (live_spec_of(service).get('TaskTemplate') or {}).get('Networks') or []
            if attachment.get('Target') == network_id
        ]
        if attachments:
            attached[service['Spec']['Name']] = attachments
    return attached


def ingress_publishers(services):
    """Names of the services that publish a port in ingress mode (the mode a port has unless it says host), the
    ports the engine chose included."""
    return sorted(
        service['Spec']['Name']
        for service in services
        if any(
            (port.get('PublishMode') or 'ingress') == 'ingress'
            for port in (live_spec_of(service).get('EndpointSpec') or {}).get('Ports') or []
        )
    )


def _names(names):
    return ', '.join(names)


def _plural(names, one, many):
    return one if len(names) == 1 else many


def _refuse_ingress_in_use(run, doing):
    publishers = ingress_publishers(run.services)
    if publishers:
        raise SwarmError(
            'Ingress network %s cannot be %s while services publish ports in ingress mode: %s. Remove those ports '
            '(or publish them in host mode) first; the swarm has no routing mesh until an ingress network exists '
            'again.' % (run.name, doing, _names(publishers)),
            services=publishers,
        )


def _refuse_attached(run, attached, doing, way_out):
    if attached and not run.params['force']:
        names = sorted(attached)
        raise SwarmError(
            'Network %s is used by %s %s; %s Set force: true to detach %s (one service update each), %s'
            % (
                run.name,
                _plural(names, 'service', 'services'),
                _names(names),
                doing,
                _plural(names, 'it', 'them'),
                way_out,
            ),
            services=names,
        )


def _plan_present(run):
    params, live = run.params, run.live
    desired = desired_values(params)
    if live is None:
        request = create_request(run.name, desired)
        plan = Plan(before=dict(state='absent'), after=network_view(request, services=[]))
        plan.add(_creation_summary(run.name, request), lambda: run.create(request))
        run.result_view = plan.after
        return plan
    attached = attached_services(run.services, live['Id'])
    before = network_view(live, services=sorted(attached))
    differing = differing_options(NETWORK_OPTIONS, desired, live)
    plan = Plan(before=before)
    run.network_id = live['Id']
    run.result_view = before
    if not differing:
        return plan
    after_settings = create_request(run.name, desired, _settings_of(live))
    after = network_view(after_settings, services=sorted(attached))
    differences = _differences(differing, before, after)
    if not params['recreate']:
        # The failure carries the diff a re-creation would show, so the differing settings read as in a real run.
        raise SwarmError(
            'Network %s differs from the task in %s, and Swarm cannot change a network\'s settings in place. Set '
            'recreate: true to remove the network and create it again with the task\'s settings.'
            % (run.name, '; '.join(differences)),
            differences=differences,
            diff=dict(before=before, after=after),
        )
    if live.get('Ingress'):
        _refuse_ingress_in_use(run, 're-created')
    _refuse_attached(
        run,
        attached,
        'a network is re-created only once no service uses it.',
        're-create the network and attach them again with the aliases and driver options they had.',
    )
    plan.after = after
    run.result_view = plan.after
    # The new network's ID is known once created (never in check mode).
    run.network_id = None
    _plan_detaching(run, plan, attached)
    plan.add(
        'remove network %s (to re-create it: %s)' % (run.name, '; '.join(differences)),
        lambda: run.remove(live),
    )
    plan.add(_creation_summary(run.name, after_settings), lambda: run.create(after_settings))
    for name in sorted(attached):
        plan.add(
            'update service %s: attach to the new network %s' % (name, run.name),
            lambda name=name: run.reattach(name, attached[name]),
        )
        run.reattached.append(name)
    return plan


def _differences(names, before, after):
    """'option live -> desired' for each differing option, in the module's names (encrypted on its own)."""
    differences = []
    for name in names:
        if name == 'driver_opts':
            for key in ('encrypted', 'driver_opts'):
                if before[key] != after[key]:
                    differences.append('%s %s -> %s' % (key, _shown(before[key]), _shown(after[key])))
        else:
            differences.append('%s %s -> %s' % (name, _shown(before[name]), _shown(after[name])))
    return differences


def _shown(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (dict, list)):
        return repr(value)
    return str(value)


def _creation_summary(name, request):
    traits = ['config only'] if request.get('ConfigOnly') else [request.get('Driver')]
    traits += [
        trait
        for trait, present in (
            ('attachable', request.get('Attachable')),
            ('internal', request.get('Internal')),
            ('ingress', request.get('Ingress')),
            ('encrypted', ENCRYPTED_OPTION in (request.get('Options') or {})),
        )
        if present
    ]
    traits += [entry['Subnet'] for entry in (request.get('IPAM') or {}).get('Config') or [] if entry.get('Subnet')]
    return 'create network %s (%s)' % (name, ', '.join(str(trait) for trait in traits))


def _plan_detaching(run, plan, attached):
    for name in sorted(attached):
        plan.add(
            'update service %s: detach from network %s' % (name, run.name),
            lambda name=name: run.detach(name),
        )
        run.detached.append(name)


def _plan_removal(run):
    live = run.live
    if live is None:
        return Plan(before=dict(state='absent'), after=dict(state='absent'))
    attached = attached_services(run.services, live['Id'])
    plan = Plan(before=network_view(live, services=sorted(attached)), after=dict(state='absent'))
    if live.get('Ingress'):
        _refuse_ingress_in_use(run, 'removed')
    _refuse_attached(run, attached, 'Swarm removes no network a service uses.', 'then remove the network.')
    _plan_detaching(run, plan, attached)
    plan.add('remove network %s' % run.name, lambda: run.remove(live))
    return plan


class _NetworkRun:
    """Applies the plan's steps and reports: the network's ID once created, the services detached and
    reattached, and the waits."""

    def __init__(self, client, params, live):
        self.client = client
        self.params = params
        self.name = params['name']
        self.live = live
        self.services = client.services() or []
        self.network_id = None
        self.result_view = None
        self.detached = []
        self.reattached = []
        self.waits = Waits()

    def _service(self, name):
        return next(service for service in self.services if service['Spec']['Name'] == name)

    def _update(self, name, change, what):
        update_service_and_wait(self.client, self.params, self._service(name), change, what, self.waits)

    def detach(self, name):
        old_id = self.live['Id']

        def detached(spec):
            template = spec.setdefault('TaskTemplate', {})
            template['Networks'] = [
                attachment for attachment in template.get('Networks') or [] if attachment.get('Target') != old_id
            ]
            return spec

        self._update(name, detached, 'without network %s' % self.name)

    def reattach(self, name, attachments):
        def attached(spec):
            template = spec.setdefault('TaskTemplate', {})
            networks = template.get('Networks') or []
            for attachment in attachments:
                networks.append(dict(copy.deepcopy(attachment), Target=self.network_id))
            template['Networks'] = networks
            return spec

        self._update(name, attached, 'on the new network %s' % self.name)

    def remove(self, network):
        self.waits.add(remove_network_once_free(self.client, network['Id'], self.name, self.params['wait_timeout']))

    def create(self, request):
        self.network_id = self.client.network_create(request)['Id']

    def report(self, check_mode):
        result = dict(
            self.waits.result(),
            detached_services=list(self.detached),
            reattached_services=list(self.reattached),
            network=None,
        )
        if self.params['state'] == 'present':
            # A real run reads the network back (the engine fills in a scope, gateways); check mode tells what the
            # plan expects.
            if not check_mode and self.network_id is not None:
                network = network_view(allocated_network(self.client, self.client.network_inspect(self.network_id)))
            else:
                network = dict(self.result_view)
            network.pop('state', None)
            network.pop('services', None)
            # In check mode a network the run would create has no ID yet.
            result['network'] = dict(network, id=self.network_id, name=self.name)
        return result
