# -*- coding: utf-8 -*-
"""The role's Grafana dashboards are in the JSON model of the schema version the role documents, use only panel
types Grafana ships, reach Prometheus only through the provisioned datasource's uid, lay their panels out without
overlaps, and define every variable their queries use. Their queries run against a real Prometheus in
tests/integration/roles/test_swarm_monitoring.py."""

import re
from pathlib import Path

import pytest
import yaml

from tests.unit.roles.swarm_monitoring import grafana

ROLE = Path(__file__).resolve().parents[4] / 'roles' / 'swarm_monitoring'
# Grafana 12's dashboard JSON schema version (the role's default image is Grafana 12.1), which the README names.
SCHEMA_VERSION = 41
PANEL_TYPES = {'row', 'timeseries', 'stat', 'gauge', 'table', 'bargauge'}
BUILTIN_VARIABLES = {'__rate_interval', '__interval', '__range'}
DASHBOARDS = grafana.dashboards()


def provisioned_datasource():
    # The datasource template is static but for the user name, which the test does not need.
    text = (ROLE / 'templates' / 'grafana_datasources.yml.j2').read_text()
    (datasource,) = yaml.safe_load(re.sub(r'\{\{.*?\}\}', 'x', text))['datasources']
    return {'type': datasource['type'], 'uid': datasource['uid']}


def test_the_role_deploys_every_dashboard_file_by_default():
    defaults = yaml.safe_load((ROLE / 'defaults' / 'main.yml').read_text())
    assert sorted(Path(path).name for path in defaults['swarm_monitoring_grafana_dashboards']) == sorted(DASHBOARDS)
    assert len(DASHBOARDS) == 4


def test_the_readme_names_the_schema_version_and_every_dashboard():
    readme = (ROLE / 'README.md').read_text()
    assert 'schemaVersion %d' % SCHEMA_VERSION in readme
    for dashboard in DASHBOARDS.values():
        assert '`%s`' % dashboard['uid'] in readme


@pytest.mark.parametrize('name', sorted(DASHBOARDS))
def test_the_dashboard_is_in_the_documented_json_model(name):
    dashboard = DASHBOARDS[name]
    assert dashboard['schemaVersion'] == SCHEMA_VERSION
    assert dashboard['uid'].startswith('swarm-') and len(dashboard['uid']) <= 40
    assert dashboard['title'] and dashboard['tags'][0] == 'swarm'
    assert dashboard['editable'] is False
    panels = list(grafana.panels(dashboard))
    assert len(set(panel['id'] for panel in panels)) == len(panels)
    assert set(panel['type'] for panel in panels) <= PANEL_TYPES


@pytest.mark.parametrize('name', sorted(DASHBOARDS))
def test_every_query_goes_to_the_provisioned_datasource(name):
    datasource = provisioned_datasource()
    dashboard = DASHBOARDS[name]
    for variable in dashboard['templating']['list']:
        assert variable['datasource'] == datasource, variable['name']
    for panel in grafana.panels(dashboard):
        if panel['type'] == 'row':
            assert 'targets' not in panel
            continue
        assert panel['datasource'] == datasource, panel['title']
        assert panel['targets'], panel['title']
        ref_ids = [target['refId'] for target in panel['targets']]
        assert len(set(ref_ids)) == len(ref_ids), panel['title']
        for target in panel['targets']:
            assert target['datasource'] == datasource, panel['title']
            assert target['expr'].strip(), panel['title']


@pytest.mark.parametrize('name', sorted(DASHBOARDS))
def test_the_panels_fit_the_grid_without_overlapping(name):
    taken = set()
    for panel in grafana.panels(DASHBOARDS[name]):
        position = panel['gridPos']
        assert position['x'] >= 0 and position['x'] + position['w'] <= 24, panel['title']
        cells = set(
            (x, y)
            for x in range(position['x'], position['x'] + position['w'])
            for y in range(position['y'], position['y'] + position['h'])
        )
        assert not cells & taken, panel['title']
        taken |= cells


@pytest.mark.parametrize('name', sorted(DASHBOARDS))
def test_every_variable_a_query_uses_is_defined(name):
    dashboard = DASHBOARDS[name]
    defined = set(variable['name'] for variable in dashboard['templating']['list'])
    queries = [expr for _title, _ref_id, expr in grafana.panel_queries(dashboard)]
    queries += [variable['definition'] for variable in dashboard['templating']['list']]
    used = set(re.findall(r'\$\{?(\w+)', ' '.join(queries)))
    assert used - BUILTIN_VARIABLES <= defined
    for variable in dashboard['templating']['list']:
        assert variable['multi'] and variable['includeAll'] and variable['allValue'] == '.*', variable['name']
        grafana.label_values_query(variable['definition'])


def test_the_dashboards_have_the_node_stack_and_service_variables():
    variables = dict(
        (name, [variable['name'] for variable in dashboard['templating']['list']])
        for name, dashboard in DASHBOARDS.items()
    )
    assert variables['nodes.json'] == ['node']
    assert variables['services.json'] == ['stack', 'service']
    assert variables['engines.json'] == ['node']


def test_variables_are_substituted_as_grafana_does():
    expr = 'rate(x{node=~"$node", service=~"${service}"}[$__rate_interval]) offset $__interval'
    assert grafana.substitute(expr, {'node': 'All', 'service': ['a.b', 'c']}, 15, 15) == (
        'rate(x{node=~".*", service=~"(a\\.b|c)"}[60s]) offset 15s'
    )
    assert grafana.substitute('x{n=~"$node"}[$__rate_interval]', {'node': ['one']}, 10, 3) == 'x{n=~"one"}[13s]'


def test_metric_names_are_read_from_a_query_without_functions_labels_or_keywords():
    expr = (
        'sum by (job) (rate(node_cpu_seconds_total{mode="idle"}[5m] offset 1h)) / on (job) group_left (nodename) '
        'node_uname_info or max({__name__=~"swarm_manager_.*", job="x"}) and swarm:managers_known:count > bool 0'
    )
    assert grafana.metric_names(expr) == {
        'node_cpu_seconds_total',
        'node_uname_info',
        'swarm_manager_.*',
        'swarm:managers_known:count',
    }
