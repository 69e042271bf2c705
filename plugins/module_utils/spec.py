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
import json
import re

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError, version_tuple

_DURATION_UNITS_NS = {
    'ns': 1,
    'us': 1000,
    'µs': 1000,
    'ms': 1000**2,
    's': 1000**3,
    'm': 60 * 1000**3,
    'h': 3600 * 1000**3,
    'd': 86400 * 1000**3,
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
        return int(value * 1000**3)
    text = str(value).strip()
    if re.match(r'^\d+(\.\d+)?$', text):
        return int(float(text) * 1000**3)
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


_SIZE_UNITS = {'': 1, 'b': 1, 'k': 1024, 'm': 1024**2, 'g': 1024**3, 't': 1024**4}
_SIZE = re.compile(r'^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$', re.IGNORECASE)


def size_to_bytes(value, option_name='size'):
    """Read a size the way the docker CLI does: "64m", "1.5G", "512k" (binary units) or a number of bytes."""
    if isinstance(value, bool):
        raise SwarmError('%s must be a size such as "64M" or a number of bytes, not %r.' % (option_name, value))
    if isinstance(value, int):
        return value
    match = _SIZE.match(str(value).strip())
    if not match:
        raise SwarmError('%s must be a size such as "64M" or a number of bytes, not %r.' % (option_name, value))
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])


def bytes_to_size(number):
    """The largest binary unit that states a size exactly ("64M", "1536K"), for diffs and results."""
    for unit in ('T', 'G', 'M', 'K'):
        size = _SIZE_UNITS[unit.lower()]
        if number and number % size == 0:
            return '%d%s' % (number // size, unit)
    return str(number)


def file_mode_to_int(value, option_name='mode'):
    """File modes as Ansible users write them: a string is octal ("0440"), an integer is taken as it is
    (YAML reads an unquoted 0440 as the octal number already)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value), 8)
    except ValueError:
        raise SwarmError('%s must be an octal file mode such as "0440", not %r.' % (option_name, value))


def int_to_file_mode(number):
    return '%04o' % number


def non_negative(value, option_name='value'):
    """A count or limit the engine reads as unsigned: a negative one is refused here, naming the option."""
    if value < 0:
        raise SwarmError('%s must be 0 or more, not %d.' % (option_name, value))
    return value


def unordered(key=None):
    """A ``same`` hook for lists whose order means nothing; ``key`` sorts their items (default: their JSON)."""

    def same(desired, live):
        return _sorted(desired, key) == _sorted(live, key)

    return same


def _sorted(values, key):
    return sorted(normalise(list(values or [])) or [], key=key or (lambda item: json.dumps(item, sort_keys=True)))


class SpecOption:
    """One module option and its place in an Engine API spec.

    ``api_path`` is the chain of keys to the value in the spec, or a function ``(spec) -> path or None`` for a
    value whose place depends on the rest of the spec (a service's replica count lives under its mode); None means
    the option does not apply to that spec. ``to_api`` converts the module's value into the API's representation
    and ``from_api`` converts back for display; comparisons happen in the API representation, so "90s" and 90
    compare equal.

    The optional hooks cover what plain values cannot say:

    - ``api_default``: what the engine assumes when the field is absent, so an absent field and its default
      compare equal;
    - ``same(desired, live)``: equality in the API's meaning (order of a set-like list, a pinned image digest);
    - ``merge(live, desired)``: the value written into a live spec, when it is not simply the desired one;
    - ``resolve(value, references)`` and ``describe(value, references)``: turn the names of other objects
      (networks, secrets) into their IDs for the API, and back into names for display; ``references`` is
      whatever the caller passes to look them up;
    - ``read(params)``: the option's value when it is assembled from more than one parameter; the other
      parameters are declared in ``companions`` (name: argument spec), so the option stays one declaration;
    - ``min_api_version``: the first Engine API version that has the field, or a function ``(API value) ->
      version or None`` when that depends on the value (a mount's type or its options).
    """

    def __init__(
        self,
        name,
        argument_spec,
        api_path,
        description='',
        to_api=None,
        from_api=None,
        api_default=None,
        same=None,
        merge=None,
        resolve=None,
        describe=None,
        read=None,
        companions=None,
        min_api_version=None,
    ):
        self.name = name
        self.param_path = (name,)
        self.argument_spec = argument_spec
        self.api_path = api_path if callable(api_path) else tuple(api_path)
        self.description = description
        self.api_default = api_default
        self.companions = companions or {}
        self.min_api_version = min_api_version
        self.group_default = None
        self._to_api = to_api
        self._from_api = from_api
        self._same = same
        self._merge = merge
        self._resolve = resolve
        self._describe = describe
        self._read = read

    def within(self, group):
        """This option as a suboption of ``group``: named ``group.option``, its path below the group's."""
        bound = copy.copy(self)
        bound.name = '%s.%s' % (group.name, self.name)
        bound.param_path = group.param_path + self.param_path
        bound.api_path = group.api_path + self.api_path
        bound.group_default = group.when_absent
        bound.group_path = group.api_path
        return bound

    def param_value(self, params):
        if self._read:
            return self._read(params)
        return get_path(params, self.param_path)

    def to_api(self, value, references=None):
        if value is None:
            return None
        value = self._to_api(value, self.name) if self._to_api else value
        return self._resolve(value, references) if self._resolve else value

    def from_api(self, value, references=None):
        if value is None:
            return None
        if self._describe:
            value = self._describe(value, references)
        return self._from_api(value) if self._from_api else value

    def path_in(self, spec):
        return self.api_path(spec) if callable(self.api_path) else self.api_path

    def live_value(self, live_spec):
        """The value as the engine uses it: an absent field is the engine's default."""
        path = self.path_in(live_spec)
        if path is None:
            return None
        value = get_path(live_spec, path)
        if value is not None:
            return value
        if self.group_default is not None and get_path(live_spec, self.group_path) is None:
            return get_path(self.group_default, path[len(self.group_path) :])
        return self.api_default

    def same(self, desired, live):
        if self._same:
            return self._same(desired, live)
        return normalise(desired) == normalise(live)

    def merged(self, live, desired):
        return self._merge(live, desired) if self._merge else desired


class OptionGroup:
    """A dict option whose keys are options of their own, each managed on its own: a task that sets one
    suboption keeps the live values of the others.

    ``when_absent`` is the API object the engine assumes when the spec has none; it is written into the spec
    before a first suboption is, so setting one suboption does not reset its siblings to zero values.
    """

    def __init__(self, name, api_path, suboptions, description='', when_absent=None, argument_spec=None):
        self.name = name
        self.param_path = (name,)
        self.api_path = tuple(api_path)
        self.suboptions = tuple(suboptions)
        self.description = description
        self.when_absent = when_absent
        self.argument_spec = argument_spec or {}
        self.companions = {}

    def within(self, group):
        bound = copy.copy(self)
        bound.name = '%s.%s' % (group.name, self.name)
        bound.param_path = group.param_path + self.param_path
        bound.api_path = group.api_path + self.api_path
        return bound

    def leaves(self):
        for suboption in self.suboptions:
            yield from leaves_of([suboption.within(self)])


def leaves_of(options):
    """Every option that holds a value, suboptions of groups included, in declaration order."""
    for option in options:
        if isinstance(option, OptionGroup):
            yield from option.leaves()
        else:
            yield option


def duration_option(name, api_path, description='', **hooks):
    return SpecOption(
        name, dict(type='raw'), api_path, description, to_api=duration_to_ns, from_api=ns_to_duration, **hooks
    )


def argument_spec_of(options):
    spec = {}
    for option in options:
        if isinstance(option, OptionGroup):
            entry = dict(type='dict', options=argument_spec_of(option.suboptions))
            entry.update(option.argument_spec)
        else:
            entry = copy.deepcopy(option.argument_spec)
        spec[option.name] = entry
        spec.update(copy.deepcopy(option.companions))
    return spec


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


def remove_path(mapping, path):
    parent = get_path(mapping, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def desired_api_values(options, params, references=None):
    """{option name: value in API form} for every option the task sets (suboptions named ``group.option``)."""
    desired = {}
    for option in leaves_of(options):
        value = option.param_value(params)
        if value is not None:
            desired[option.name] = option.to_api(value, references)
    return desired


def options_needing_newer_api(options, desired_values, api_version):
    """[(option name, API version it needs)] for the options the task sets that this engine does not have."""
    too_new = []
    for option in leaves_of(options):
        if option.name not in desired_values or not option.min_api_version:
            continue
        needed = option.min_api_version
        if callable(needed):
            needed = needed(desired_values[option.name])
        if needed and version_tuple(api_version) < version_tuple(needed):
            too_new.append((option.name, needed))
    return too_new


def apply_to_spec(options, desired_values, spec):
    """A copy of ``spec`` with the desired values written in; options not set keep their live values."""
    merged = copy.deepcopy(spec or {})
    for option in leaves_of(options):
        if option.name not in desired_values:
            continue
        path = option.path_in(merged)
        if path is None:
            raise SwarmError(option.description or '%s does not apply to this spec.' % option.name)
        if option.group_default is not None and get_path(merged, option.group_path) is None:
            set_path(merged, option.group_path, copy.deepcopy(option.group_default))
        value = option.merged(get_path(merged, path), copy.deepcopy(desired_values[option.name]))
        set_path(merged, path, value)
    return merged


def reset_options(options, spec):
    """A copy of ``spec`` without any value the options declare: the engine's defaults apply to all of them."""
    reset = copy.deepcopy(spec or {})
    for option in options:
        if not callable(option.api_path):
            remove_path(reset, option.api_path)
    return reset


def options_view(options, spec, references=None, names=None):
    """The spec seen through the options, nested like the module's parameters, with the engine's defaults
    filled in; for diffs and results. ``names`` limits it to those options (``group.option`` for suboptions)."""
    view = {}
    for option in leaves_of(options):
        if names is not None and option.name not in names:
            continue
        set_path(view, option.param_path, option.from_api(option.live_value(spec), references))
    return view


def differing_options(options, desired_values, live_spec):
    """Names of the options whose desired value is not what the live spec holds, in declaration order."""
    return [
        option.name
        for option in leaves_of(options)
        if option.name in desired_values and not option.same(desired_values[option.name], option.live_value(live_spec))
    ]


def changed_options(options, before_spec, after_spec, names=None):
    """Names of the options whose value differs between two whole specs (``names``: only those)."""
    return [
        option.name
        for option in leaves_of(options)
        if (names is None or option.name in names)
        and not option.same(option.live_value(after_spec), option.live_value(before_spec))
    ]


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
