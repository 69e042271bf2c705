# -*- coding: utf-8 -*-
"""The swarm_monitoring role on a sandbox of one manager and two workers, with the images built from Debian's
Prometheus, node-exporter and Alertmanager packages (cAdvisor and Grafana are stand-ins): every query of every
dashboard runs against the real Prometheus, and the alerts of a node that goes down and of a service that cannot run
all its tasks reach a webhook receiver through Alertmanager, firing and then resolved.

The swarm and the stack it watches are arranged with the docker CLI; the role is run as a playbook. Prometheus
publishes its port in host mode on manager1 (the only manager, where it is placed), and the test reads its HTTP API
there. The tests run in order on the same sandbox.
"""

import base64
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.integration.ansible_runner import run_playbook
from tests.integration.conftest import started_sandbox
from tests.integration.waiting import wait_for
from tests.unit.roles.swarm_monitoring import grafana

PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it') + '-monitoring'
PROMETHEUS_LOGIN = ('prometheus', 'it-prometheus-5d1f')
PASSWORDS = {
    'swarm_monitoring_admin_password': 'it-grafana-a81c',
    'swarm_monitoring_prometheus_password': PROMETHEUS_LOGIN[1],
    'swarm_monitoring_alertmanager_password': 'it-alertmanager-07be',
}
SCRAPE_SECONDS = 3
WEBHOOK_PORT = 9099
ALERT_FOR = '10s'
NODES = ['manager1', 'worker1', 'worker2']

# cAdvisor's metric names, from the table of its Prometheus container metrics in google/cadvisor's
# docs/storage/prometheus.md (read 2026-12-02; cAdvisor v0.52 is the role's default image). The sandbox runs a
# stand-in for cAdvisor (Debian does not package it), so its queries cannot return series there: they must parse
# and read only these metrics.
CADVISOR_METRICS = frozenset(
    [
        'container_cpu_cfs_periods_total',
        'container_cpu_cfs_throttled_periods_total',
        'container_cpu_cfs_throttled_seconds_total',
        'container_cpu_load_average_10s',
        'container_cpu_system_seconds_total',
        'container_cpu_usage_seconds_total',
        'container_cpu_user_seconds_total',
        'container_file_descriptors',
        'container_fs_inodes_free',
        'container_fs_inodes_total',
        'container_fs_io_current',
        'container_fs_io_time_seconds_total',
        'container_fs_limit_bytes',
        'container_fs_reads_bytes_total',
        'container_fs_reads_total',
        'container_fs_usage_bytes',
        'container_fs_writes_bytes_total',
        'container_fs_writes_total',
        'container_last_seen',
        'container_memory_cache',
        'container_memory_failcnt',
        'container_memory_failures_total',
        'container_memory_max_usage_bytes',
        'container_memory_rss',
        'container_memory_swap',
        'container_memory_mapped_file',
        'container_memory_usage_bytes',
        'container_memory_working_set_bytes',
        'container_network_receive_bytes_total',
        'container_network_receive_errors_total',
        'container_network_receive_packets_dropped_total',
        'container_network_receive_packets_total',
        'container_network_transmit_bytes_total',
        'container_network_transmit_errors_total',
        'container_network_transmit_packets_dropped_total',
        'container_network_transmit_packets_total',
        'container_processes',
        'container_spec_cpu_period',
        'container_spec_cpu_quota',
        'container_spec_cpu_shares',
        'container_spec_memory_limit_bytes',
        'container_spec_memory_reservation_limit_bytes',
        'container_spec_memory_swap_limit_bytes',
        'container_start_time_seconds',
        'container_tasks_state',
        'machine_cpu_cores',
        'machine_memory_bytes',
    ]
)
# A selection of two values of each variable, as an operator picks them (the stack and service variables read
# cAdvisor's labels, so their values here are the stacks and services the swarm runs).
SELECTIONS = {
    'node': ['manager1', 'worker1'],
    'stack': ['monitoring', 'shop'],
    'service': ['shop_web', 'shop_crash'],
    'job': ['node-exporter', 'docker-engine'],
}

# The stack the monitoring watches: web runs at most one task per node; crash exits at once, again and again, so
# the swarm has failed tasks to show.
SHOP = """
version: "3.8"
services:
  web:
    image: swarmops/web:1
    deploy:
      replicas: 2
      endpoint_mode: dnsrr
      placement: {max_replicas_per_node: 1}
  crash:
    image: swarmops/web:1
    command: ["/bin/sh", "-c", "exit 3"]
    deploy:
      replicas: 1
      endpoint_mode: dnsrr
      restart_policy: {condition: any, delay: 1s}
"""
# Engine metrics: dockerd is a sandbox node container's main process, so the engine restarts with its container.
RESTART_TASKS = """
- name: Restart the node container
  community.docker.docker_container:
    name: "{{ hostvars[swarm_engine_restart_host].ansible_host }}"
    state: started
    restart: true
  delegate_to: localhost
"""
PLAY = """
- name: The swarm_monitoring role
  hosts: managers:workers
  gather_facts: false
  roles:
    - swarmops.swarm.swarm_monitoring
"""
# The webhook receiver on manager1's address: every notification Alertmanager posts, one JSON document a line.
WEBHOOK = """
import http.server, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open("/tmp/webhook.jsonl", "ab") as received:
            received.write(body.replace(b"\\n", b" ") + b"\\n")
        self.send_response(200)
        self.end_headers()
http.server.HTTPServer(("0.0.0.0", int(sys.argv[1])), Receiver).serve_forever()
"""


@pytest.fixture(scope='module')
def swarm():
    with started_sandbox(managers=1, workers=2, name_prefix=PREFIX, monitoring=True) as swarm:
        yield swarm


@pytest.fixture(scope='module')
def monitored(swarm, tmp_path_factory):
    """The swarm formed with the CLI, the stack shop deployed, a webhook receiver on manager1, and the monitoring
    stack deployed by the role with the engines' and the tasks' metrics, up to the moment every target answers."""
    directory = tmp_path_factory.mktemp('monitoring')
    swarm.form_swarm()
    rc, _out, err = swarm.sandbox.exec('manager1', 'docker stack deploy --resolve-image never -c - shop', input=SHOP)
    assert rc == 0, err
    manager = swarm.sandbox.node('manager1')
    (directory / 'restart.yml').write_text(RESTART_TASKS)
    (directory / 'play.yml').write_text(PLAY)
    variables = dict(
        PASSWORDS,
        swarm_monitoring_engine_metrics=True,
        swarm_monitoring_engine_restart_tasks=str(directory / 'restart.yml'),
        swarm_monitoring_task_metrics=True,
        swarm_monitoring_task_refresh_interval='%ds' % SCRAPE_SECONDS,
        swarm_monitoring_scrape_interval='%ds' % SCRAPE_SECONDS,
        swarm_monitoring_evaluation_interval='%ds' % SCRAPE_SECONDS,
        swarm_monitoring_dns_refresh_interval='%ds' % SCRAPE_SECONDS,
        swarm_monitoring_alert_node_down_for=ALERT_FOR,
        swarm_monitoring_alert_replicas_missing_for=ALERT_FOR,
        swarm_monitoring_alertmanager_route={
            'receiver': 'webhook',
            'group_by': ['...'],
            'group_wait': '1s',
            'group_interval': '2s',
            'repeat_interval': '1h',
        },
        swarm_monitoring_alertmanager_receivers=[
            {
                'name': 'webhook',
                'webhook_configs': [{'url': 'http://%s:%d/alerts' % (manager.address, WEBHOOK_PORT)}],
            }
        ],
    )
    (directory / 'vars.json').write_text(json.dumps(variables))
    run_playbook(swarm.inventory, directory / 'play.yml', '-e', '@%s' % (directory / 'vars.json'))
    # After the role, which restarts the node containers to turn the engines' metrics on.
    subprocess.run(['docker', 'exec', '-d', manager.container, 'python3', '-c', WEBHOOK, str(WEBHOOK_PORT)], check=True)
    prometheus = Prometheus('http://%s:9090' % manager.address)

    def every_target_up():
        up = dict((job, prometheus.value('count(up{job="%s"} == 1)' % job)) for job in JOBS_ON_EVERY_NODE)
        return up if all(count == len(NODES) for count in up.values()) else None

    wait_for(every_target_up, 'a node-exporter, a cAdvisor and an engine target up on every node', timeout=120)
    wait_for(lambda: prometheus.value('up{job="alertmanager"}') == 1, 'Alertmanager scraped', timeout=60)
    wait_for(
        lambda: prometheus.value('swarm:service_tasks_running:count{service="shop_web"}') == 2,
        'the 2 tasks of shop_web counted as running',
        timeout=60,
    )
    wait_for(
        lambda: prometheus.value('count(up{job="swarm-tasks", service="shop_crash", task_state="failed"})'),
        'a failed task of shop_crash listed',
        timeout=60,
    )
    return prometheus


JOBS_ON_EVERY_NODE = ('node-exporter', 'cadvisor', 'docker-engine')


class Prometheus:
    """Prometheus's HTTP API, with the role's basic auth."""

    def __init__(self, url):
        self.url = url
        self.authorization = 'Basic ' + base64.b64encode(':'.join(PROMETHEUS_LOGIN).encode()).decode()

    def get(self, path, **parameters):
        request = urllib.request.Request('%s/api/v1/%s?%s' % (self.url, path, urllib.parse.urlencode(parameters, True)))
        request.add_header('Authorization', self.authorization)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as error:
            return json.load(error)

    def query(self, expr):
        """(status, result or error) of an instant query."""
        answer = self.get('query', query=expr)
        return answer['status'], answer['data']['result'] if answer['status'] == 'success' else answer['error']

    def value(self, expr):
        """The value of a query that gives one series, as a number; None without one."""
        status, result = self.query(expr)
        assert status == 'success', result
        return float(result[0]['value'][1]) if len(result) == 1 else None


def is_cadvisor(names):
    return any(name.startswith(('container_', 'machine_')) for name in names)


def test_every_dashboard_variable_parses_and_finds_values_except_cadvisors(monitored):
    problems = []
    for file_name, dashboard in grafana.dashboards().items():
        for variable in dashboard['templating']['list']:
            selector, label = grafana.label_values_query(variable['definition'])
            selector = grafana.substitute(selector or '', {'stack': 'All'}, SCRAPE_SECONDS, SCRAPE_SECONDS)
            answer = monitored.get('label/%s/values' % label, **({'match[]': selector} if selector else {}))
            if answer['status'] != 'success':
                problems.append('%s $%s: %s' % (file_name, variable['name'], answer['error']))
            elif not answer['data'] and not is_cadvisor(grafana.metric_names(selector)):
                problems.append('%s $%s: no values' % (file_name, variable['name']))
    assert problems == [], '\n'.join(problems)


def dashboard_problems(prometheus, variables):
    """What is wrong with the dashboards' queries against this Prometheus, and how many queries were run."""
    present = set(prometheus.get('label/__name__/values')['data'])
    problems = []
    checked = 0
    for file_name, dashboard in grafana.dashboards().items():
        for title, ref_id, expr in grafana.panel_queries(dashboard):
            query = grafana.substitute(expr, variables, SCRAPE_SECONDS, SCRAPE_SECONDS)
            where = '%s "%s" %s: %s' % (file_name, title, ref_id, query)
            status, result = prometheus.query(query)
            names = grafana.metric_names(query)
            checked += 1
            if status != 'success':
                problems.append('%s: %s' % (where, result))
            elif is_cadvisor(names):
                if names - CADVISOR_METRICS:
                    problems.append('%s: not cAdvisor metrics: %s' % (where, sorted(names - CADVISOR_METRICS)))
            elif not result:
                problems.append('%s: no series' % where)
            else:
                missing = [name for name in names if not any(re.fullmatch(name, seen) for seen in present)]
                if missing:
                    problems.append('%s: no series of %s' % (where, missing))
    return problems, checked


@pytest.mark.parametrize('selection', ['All', 'two values'])
def test_every_dashboard_query_parses_and_returns_series_except_cadvisors(monitored, selection):
    """Queries over node-exporter, the engines, the tasks, Prometheus and Alertmanager return series, and every
    metric they name has series (so `or vector(0)` hides no misspelt metric); cAdvisor's parse and read only metrics
    cAdvisor exports. Right after the targets are first up, rates lack a second sample and recording rules their
    first evaluation: the queries get a minute to return series."""
    variables = dict((name, 'All' if selection == 'All' else values) for name, values in SELECTIONS.items())
    deadline = time.monotonic() + 60
    problems, checked = dashboard_problems(monitored, variables)
    while problems and time.monotonic() < deadline:
        time.sleep(SCRAPE_SECONDS)
        problems, checked = dashboard_problems(monitored, variables)
    assert checked >= 100
    assert problems == [], '\n'.join(problems)


def webhook_notifications(swarm):
    """Every alert of every notification the receiver got: (alertname, status, labels)."""
    rc, out, _err = swarm.sandbox.exec('manager1', 'cat /tmp/webhook.jsonl 2>/dev/null')
    alerts = []
    for line in out.splitlines():
        for alert in json.loads(line)['alerts']:
            alerts.append((alert['labels']['alertname'], alert['status'], alert['labels']))
    return alerts


def delivered(swarm, status, wanted):
    """The wanted alerts ({alertname: {label: value}}) that the receiver got with this status, once all have."""
    got = set(
        name
        for name, alert_status, labels in webhook_notifications(swarm)
        if alert_status == status
        and name in wanted
        and all(labels.get(key) == value for key, value in wanted[name].items())
    )
    return got if got == set(wanted) else None


def test_a_node_down_and_a_service_short_of_tasks_are_delivered_firing_then_resolved(swarm, monitored):
    # crash's failures have shown on the dashboards; its alerts would only be noise here.
    swarm.sh('manager1', 'docker service rm shop_crash')
    # One task per node at most: 4 tasks on 3 nodes leave one pending, and 2 once worker2 is down.
    swarm.sh('manager1', 'docker service scale --detach shop_web=4')
    swarm.sandbox.stop_node('worker2')
    wanted = {
        'SwarmNodeDown': {'state': 'down'},
        'NodeUnreachable': {'nodename': 'worker2'},
        'SwarmServiceReplicasMissing': {'service': 'shop_web', 'stack': 'shop'},
        'SwarmTasksPending': {},
    }
    # The managers see the node down after their heartbeat timeout; each alert then waits its `for` (10 s), and
    # Alertmanager its group_wait (1 s).
    wait_for(lambda: delivered(swarm, 'firing', wanted), 'every alert delivered firing: %s' % sorted(wanted), 150)

    swarm.sandbox.start_node('worker2')
    swarm.sh('manager1', 'docker service scale --detach shop_web=2')
    swarm.wait_for_node_status('manager1', 'worker2', 'Ready')
    wait_for(lambda: delivered(swarm, 'resolved', wanted), 'every alert delivered resolved: %s' % sorted(wanted), 150)
