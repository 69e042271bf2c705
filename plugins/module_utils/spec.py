# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declare an option once; derive its argument spec, its API payload and its comparison from that declaration.

A :class:`SpecOption` names a module option, where it lives in an Engine API spec and how a value is converted
between the two. A tuple of them describes a whole API object (the swarm spec today, services later), and the
functions below turn module parameters into a partial API spec, read a live spec back into option values, and list
the options whose desired value differs from the live one.

Only options the task sets are managed: an option left out (``None``) is neither sent nor compared.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.swarmops.swarm.plugins.module_utils.client import SwarmError

_DURATION_UNITS_NS = {
    'ns': 1,
    'us': 1000,
    'µs': 1000,
    'ms': 1000 ** 2,
    's': 1000 ** 3,
    'm': 60 * 1000 ** 3,
    'h': 3600 * 1000 ** 3,
    'd': 86400 * 1000 ** 3,
}
_DURATION_PART = re.compile(r'(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)')


def duration_to_ns(value, option_name='duration'):
    """Read a duration the way the docker CLI does ("90s", "1h30m", "2160h"; "d" for days is accepted too).

    A bare number means seconds, which is what most Ansible users write.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise SwarmError('%s must be a duration such as "30s" or "2160h", not %r.' % (option_name, value))
    if isinstance(value, (int, float)):
        return int(value * 1000 ** 3)
    text = str(value).strip()
    if re.match(r'^\d+(\.\d+)?$', text):
        return int(float(text) * 1000 ** 3)
    position = 0
    total = 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _DURATION_UNITS_NS[match.group(2)]
        position = match.end()
    if position != len(text) or not text:
        raise SwarmError('%s must be a duration such as "30s", "1h30m" or "2160h", not %r.' % (option_name, value))
    return int(total)


def ns_to_duration(nanoseconds):
    """The shortest exact spelling of a duration, for diffs and results a human reads."""
    if nanoseconds is None:
        return None
    remaining = int(nanoseconds)
    if remaining == 0:
        return '0s'
    parts = []
    for unit in ('h', 'm', 's', 'ms', 'us', 'ns'):
        size = _DURATION_UNITS_NS[unit]
        if remaining >= size:
            parts.append('%d%s' % (remaining // size, unit))
            remaining %= size
    return ''.join(parts)


class SpecOption:
    """One module option and its place in an Engine API spec.

    ``api_path`` is the chain of keys to the value in the spec. ``to_api`` converts the module's value into the
    API's representation and ``from_api`` converts back for display; comparisons happen in the API representation,
    so "90s" and 90 compare equal.
    """

    def __init__(self, name, argument_spec, api_path, description='', to_api=None, from_api=None):
        self.name = name
        self.argument_spec = argument_spec
        self.api_path = tuple(api_path)
        self.description = description
        self._to_api = to_api
        self._from_api = from_api

    def to_api(self, value):
        if value is None:
            return None
        return self._to_api(value, self.name) if self._to_api else value

    def from_api(self, value):
        if value is None:
            return None
        return self._from_api(value) if self._from_api else value

    def live_value(self, live_spec):
        return get_path(live_spec, self.api_path)


def duration_option(name, api_path, description=''):
    return SpecOption(name, dict(type='raw'), api_path, description, to_api=duration_to_ns, from_api=ns_to_duration)


def argument_spec_of(options):
    return dict((option.name, copy.deepcopy(option.argument_spec)) for option in options)


def get_path(mapping, path):
    for key in path:
        if not isinstance(mapping, dict) or mapping.get(key) is None:
            return None
        mapping = mapping[key]
    return mapping


def set_path(mapping, path, value):
    for key in path[:-1]:
        if not isinstance(mapping.get(key), dict):
            mapping[key] = {}
        mapping = mapping[key]
    mapping[path[-1]] = value


def desired_api_values(options, params):
    """{option name: value in API form} for every option the task sets."""
    desired = {}
    for option in options:
        value = params.get(option.name)
        if value is not None:
            desired[option.name] = option.to_api(value)
    return desired


def apply_to_spec(options, desired_values, spec):
    """A copy of ``spec`` with the desired values written in; options not set keep their live values."""
    merged = copy.deepcopy(spec or {})
    by_name = dict((option.name, option) for option in options)
    for name, value in desired_values.items():
        set_path(merged, by_name[name].api_path, copy.deepcopy(value))
    return merged


def options_view(options, spec):
    """The spec seen through the options: {option name: value in the module's form}, for diffs and results."""
    return dict((option.name, option.from_api(option.live_value(spec))) for option in options)


def differing_options(options, desired_values, live_spec):
    """Names of the options whose desired value is not what the live spec holds, in declaration order."""
    differing = []
    for option in options:
        if option.name not in desired_values:
            continue
        if normalise(desired_values[option.name]) != normalise(option.live_value(live_spec)):
            differing.append(option.name)
    return differing


def normalise(value):
    """Make equal-meaning values compare equal: an empty list or mapping means the same as an absent one.

    Empty strings are kept: a label whose value is empty is still a label.
    """
    if isinstance(value, dict):
        cleaned = dict((key, normalise(item)) for key, item in value.items())
        cleaned = dict((key, item) for key, item in cleaned.items() if item is not None)
        return cleaned or None
    if isinstance(value, (list, tuple)):
        cleaned = [normalise(item) for item in value]
        return cleaned or None
    return value
