# -*- coding: utf-8 -*-
"""The swarm_monitoring role's alert rules, rendered by Ansible from the role's template with its defaults (and with
thresholds of the operator's), pass `promtool check rules`, and every alert fires in promtool's unit tests
(alert_rules_test.yml) on synthetic series of its cause."""

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# The rendering is the controller's; `ansible-test units` may run this where only the module side is importable.
if importlib.util.find_spec('ansible.cli') is None:
    pytest.skip('ansible (the controller side of ansible-core) is not importable here', allow_module_level=True)

REPO_ROOT = Path(__file__).resolve().parents[4]
ROLE = REPO_ROOT / 'roles' / 'swarm_monitoring'
TESTS = Path(__file__).resolve().parent / 'alert_rules_test.yml'


def render_alert_rules(directory, **overrides):
    """alert_rules.yml in directory, as the role's template task writes it: the role's defaults, then overrides."""
    destination = directory / 'alert_rules.yml'
    completed = subprocess.run(
        [
            sys.executable,
            '-m',
            'ansible.cli.adhoc',
            'localhost',
            '--connection=local',
            '--inventory=localhost,',
            '--module-name=ansible.builtin.template',
            '--args=%s' % json.dumps({'src': str(ROLE / 'templates' / 'alert_rules.yml.j2'), 'dest': str(destination)}),
            '--extra-vars=@%s' % (ROLE / 'defaults' / 'main.yml'),
            '--extra-vars=%s' % json.dumps(dict(overrides, ansible_python_interpreter=sys.executable)),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return destination


def promtool(*arguments, cwd):
    # scripts/bootstrap.sh unpacks it there from Debian's prometheus package; one on the PATH does as well.
    unpacked = REPO_ROOT / '.sandbox' / 'tools' / 'promtool'
    binary = str(unpacked) if unpacked.exists() else shutil.which('promtool')
    assert binary, 'promtool is missing: scripts/bootstrap.sh unpacks it into %s' % unpacked
    completed = subprocess.run([binary, *arguments], capture_output=True, text=True, cwd=cwd, check=False)
    return completed.returncode, completed.stdout + completed.stderr


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    return render_alert_rules(tmp_path_factory.mktemp('rules'))


def alerts_of(rule_file):
    """{alert name: its rule} of a rule file."""
    groups = yaml.safe_load(rule_file.read_text())['groups']
    return dict((rule['alert'], rule) for group in groups for rule in group['rules'] if 'alert' in rule)


def test_the_rendered_rules_pass_promtool_check(rendered):
    returncode, output = promtool('check', 'rules', rendered.name, cwd=rendered.parent)
    assert returncode == 0, output
    assert 'SUCCESS' in output


def test_every_alert_passes_its_promtool_unit_tests(rendered):
    shutil.copy(TESTS, rendered.parent / TESTS.name)
    returncode, output = promtool('test', 'rules', TESTS.name, cwd=rendered.parent)
    assert returncode == 0, output


def test_every_alert_has_a_test_where_it_fires_and_one_where_it_does_not(rendered):
    cases = [case for group in yaml.safe_load(TESTS.read_text())['tests'] for case in group['alert_rule_test']]
    firing = sorted(set(case['alertname'] for case in cases if case['exp_alerts']))
    silent = sorted(set(case['alertname'] for case in cases if not case['exp_alerts']))
    assert firing == sorted(alerts_of(rendered))
    assert silent == sorted(alerts_of(rendered))


def test_the_thresholds_are_the_role_variables(tmp_path):
    rules = render_alert_rules(
        tmp_path,
        swarm_monitoring_alert_disk_free_percent=3,
        swarm_monitoring_alert_replicas_missing_for='7m',
        swarm_monitoring_alert_restart_loop_failures=5,
        swarm_monitoring_alert_restart_loop_window='30m',
    )
    by_name = alerts_of(rules)
    assert by_name['NodeDiskAlmostFull']['expr'].rstrip().endswith('< 3')
    assert by_name['SwarmServiceReplicasMissing']['for'] == '7m'
    assert by_name['SwarmTasksPending']['for'] == '7m'
    assert '>= 5' in by_name['SwarmTaskRestartLoop']['expr']
    assert by_name['SwarmTaskRestartLoop']['expr'].count('30m') == 3
    returncode, output = promtool('check', 'rules', rules.name, cwd=tmp_path)
    assert returncode == 0, output
