# -*- coding: utf-8 -*-
"""The role's Grafana dashboards as tests read them: their panels' queries, Grafana's variables substituted the way
Grafana does it for a Prometheus datasource, and the metric names a query reads."""

import json
import re
from pathlib import Path

DASHBOARDS_DIR = Path(__file__).resolve().parents[4] / 'roles' / 'swarm_monitoring' / 'files' / 'dashboards'

# PromQL words that are not metric names (operators, modifiers).
_KEYWORDS = frozenset(
    ('and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool')
)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NAME_MATCHER = re.compile(r'__name__\s*=~?\s*"((?:[^"\\]|\\.)*)"')
_LABEL_LISTS = re.compile(r'\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)')
_IDENTIFIER = re.compile(r'(?<![\w:.])[A-Za-z_:][\w:]*')
_LABEL_VALUES = re.compile(r'^label_values\((?:(?P<selector>.+),\s*)?(?P<label>\w+)\)$')


def dashboards():
    """{file name: the dashboard's JSON} of every dashboard the role ships."""
    return dict((path.name, json.loads(path.read_text())) for path in sorted(DASHBOARDS_DIR.glob('*.json')))


def panels(dashboard):
    """The dashboard's panels, those inside rows too."""
    for panel in dashboard['panels']:
        yield panel
        yield from panel.get('panels', [])


def panel_queries(dashboard):
    """(panel title, refId, expr) of every query of the dashboard."""
    return [
        (panel['title'], target['refId'], target['expr'])
        for panel in panels(dashboard)
        for target in panel.get('targets', [])
    ]


def prometheus_regex_escape(value):
    # What Grafana's Prometheus datasource escapes in a value of a multi-value variable.
    return re.sub(r'([\\^$*+?.()|{}\[\]])', r'\\\1', value)


def variable_value(values):
    """A variable's text in a query as Grafana writes it: All is the variable's allValue (.*), one value itself
    (escaped), several values a regex group (a|b)."""
    if values == 'All':
        return '.*'
    escaped = [prometheus_regex_escape(value) for value in values]
    return escaped[0] if len(escaped) == 1 else '(%s)' % '|'.join(escaped)


def substitute(expr, variables, interval_seconds, scrape_interval_seconds):
    """expr with Grafana's variables replaced: $__interval (the panel's step: here the scrape interval, the
    datasource's timeInterval, for the dashboards' 1 h range) and $__rate_interval (Grafana's
    max($__interval + scrape interval, 4 * scrape interval)), and the dashboard's own (variables: {name: 'All' or a
    list of values})."""
    rate_interval = max(interval_seconds + scrape_interval_seconds, 4 * scrape_interval_seconds)
    builtins = {'__rate_interval': '%ds' % rate_interval, '__interval': '%ds' % interval_seconds}

    def value_of(match):
        name = match.group(1) or match.group(2)
        if name in builtins:
            return builtins[name]
        return variable_value(variables[name])

    return re.sub(r'\$\{(\w+)\}|\$(\w+)', value_of, expr)


def metric_names(expr):
    """The metric names a PromQL expression reads (selector names and __name__ matchers), without its functions."""
    names = set(_NAME_MATCHER.findall(expr))
    text = _STRING.sub('""', expr)
    text = re.sub(r'\{[^}]*\}', ' ', text)
    text = re.sub(r'\[[^\]]*\]', ' ', text)
    text = _LABEL_LISTS.sub(' ', text)
    for match in _IDENTIFIER.finditer(text):
        word = match.group()
        if word in _KEYWORDS or text[match.end() :].lstrip().startswith('('):
            continue
        names.add(word)
    return names


def label_values_query(query):
    """(selector or None, label) of a variable's label_values() query."""
    match = _LABEL_VALUES.match(query.strip())
    assert match, 'not a label_values() query: %s' % query
    return match.group('selector'), match.group('label')
