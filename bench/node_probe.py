"""Runs INSIDE a sandbox node (python3 - PAYLOAD_ZIP ARGS MODULE_FQN < node_probe.py): one module, timed by phase.

PAYLOAD_ZIP is the zip of module code that an AnsiballZ_<module>.py file carries, ARGS the task's arguments as
`AnsiballZ_<module>.py explode` writes them. The code is imported from the zip, as Ansible runs it: compiled from
source on every run (a zip holds no bytecode), which is part of what a module costs.

Prints one JSON line on stderr: seconds spent importing Ansible's module loader (ansible.module_utils.basic),
importing the module and what it imports (the docker SDK, module_utils), and running it; the Engine API requests
it made (through requests, which the docker SDK and community.docker's own client use, or through http.client,
which swarmops.swarm uses on the node's own socket) and the commands it ran (community.docker's docker_stack runs
the docker CLI). Standard library only: the node has no bench.
"""

import importlib
import json
import sys
import time

started = time.perf_counter()
payload_zip, args_path, module_fqn = sys.argv[1:4]
sys.path.insert(0, payload_zip)

from ansible.module_utils._internal._ansiballz import _loader  # noqa: E402  (timed: it imports basic)

loader_imported = time.perf_counter()
importlib.import_module(module_fqn)
module_imported = time.perf_counter()

requests_made = []
commands_run = []


def _timed(calls, describe, function):
    def wrapper(*args, **kwargs):
        call_started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            calls.append([describe(*args, **kwargs), round(time.perf_counter() - call_started, 4)])

    return wrapper


if "requests" in sys.modules:
    session = sys.modules["requests"].Session
    session.send = _timed(
        requests_made, lambda self, request, **_: f"{request.method} {request.path_url}", session.send
    )
else:
    # swarmops.swarm speaks to the node's own socket through http.client (no requests): a request is timed from
    # sending it to having its answer's headers, as requests' send is.
    import http.client

    connection_class = http.client.HTTPConnection
    send_request, read_response = connection_class.request, connection_class.getresponse

    def _request(self, method, url, *args, **kwargs):
        self._probe_request = [f"{method} {url}", time.perf_counter()]
        return send_request(self, method, url, *args, **kwargs)

    def _getresponse(self):
        try:
            return read_response(self)
        finally:
            described, request_started = self._probe_request
            requests_made.append([described, round(time.perf_counter() - request_started, 4)])

    connection_class.request, connection_class.getresponse = _request, _getresponse
basic = sys.modules["ansible.module_utils.basic"]
basic.AnsibleModule.run_command = _timed(
    commands_run,
    lambda self, args, **_: " ".join(args if isinstance(args, list) else [str(args)])[:80],
    basic.AnsibleModule.run_command,
)

outcome = "exited"
try:
    with open(args_path, "rb") as args_file:
        _loader.run_module(
            json_params=args_file.read(), profile="legacy", module_fqn=module_fqn, modlib_path=None, extensions={}
        )
except SystemExit as exit_:
    outcome = f"exit {exit_.code}"
finished = time.perf_counter()
sys.stderr.write(
    json.dumps(
        {
            "import_loader_seconds": round(loader_imported - started, 4),
            "import_module_seconds": round(module_imported - loader_imported, 4),
            "run_seconds": round(finished - module_imported, 4),
            "in_process_seconds": round(finished - started, 4),
            "requests": requests_made,
            "commands": commands_run,
            "outcome": outcome,
        }
    )
    + "\n"
)
