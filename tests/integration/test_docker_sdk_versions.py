# -*- coding: utf-8 -*-
"""The modules run with the Docker SDK of the managed node: Debian's 5.0.3 (the sandbox default) and 7.x.

The controller's SDK (pure Python, 7.x) is copied into a node beside Debian's and used through an interpreter
wrapper, so both SDK generations drive the same real swarm.
"""

import subprocess
from pathlib import Path

import docker

from tests.integration.ansible_runner import run_four_times

SDK7_PATH = '/opt/docker-sdk7'
SDK7_PYTHON = '/usr/local/bin/python3-docker-sdk7'


def install_sdk7(swarm_sandbox, node):
    container = swarm_sandbox.sandbox.node(node).container
    subprocess.run(['docker', 'exec', container, 'mkdir', '-p', SDK7_PATH], check=True)
    subprocess.run(['docker', 'cp', str(Path(docker.__file__).parent), '%s:%s/' % (container, SDK7_PATH)], check=True)
    swarm_sandbox.sh(
        node,
        "printf '#!/bin/sh\\nPYTHONPATH=%s exec /usr/bin/python3 \"$@\"\\n' > %s && chmod +x %s"
        % (SDK7_PATH, SDK7_PYTHON, SDK7_PYTHON),
    )
    return swarm_sandbox.sh(node, '%s -c "import docker; print(docker.__version__)"' % SDK7_PYTHON)


def test_init_and_join_work_with_sdk_5_and_7(swarm_sandbox):
    swarm_sandbox.reset()
    assert swarm_sandbox.sh('worker1', 'python3 -c "import docker; print(docker.__version__)"') == '5.0.3'
    assert install_sdk7(swarm_sandbox, 'manager1').startswith('7.')
    sdk7 = dict(ansible_python_interpreter=SDK7_PYTHON)

    init = run_four_times(
        swarm_sandbox.inventory,
        'manager1',
        'swarmops.swarm.swarm_init',
        dict(advertise_addr=swarm_sandbox.address['manager1'], snapshot_interval=7000),
        extra_vars=sdk7,
    )
    run_four_times(
        swarm_sandbox.inventory,
        'worker1',
        'swarmops.swarm.swarm_join',
        dict(remote_addrs=[init['manager_addr']], join_token=swarm_sandbox.token('manager1', 'worker')),
    )

    assert swarm_sandbox.swarm_inspect('manager1')['Spec']['Raft']['SnapshotInterval'] == 7000
    assert swarm_sandbox.node_list('manager1')['worker1']['status'] == 'Ready'
