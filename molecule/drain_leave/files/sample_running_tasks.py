"""Sample a service's running tasks on a manager while nodes are decommissioned, and record the lowest count.

Runs on a node of the scenario (Python 3 and the Docker SDK 5.0.3 of the node image). It polls the Engine API every
--interval seconds until none of the --gone nodes is in the node list any more and the service runs all its
replicas again (or --timeout passes), then writes a JSON summary to --out. --ready is written after the first
sample, so the converge starts decommissioning only once the sampler is watching.
"""

import argparse
import json
import os
import time


def running_task_count(tasks):
    """Tasks the orchestrator wants running that are running: a task told to shut down no longer counts."""
    return sum(1 for task in tasks if task.get('DesiredState') == 'running' and task['Status']['State'] == 'running')


def desired_replicas(service):
    return service['Spec']['Mode']['Replicated']['Replicas']


class Summary:
    def __init__(self, gone):
        self.gone = sorted(gone)
        self.samples = 0
        self.errors = 0
        self.lowest = None
        self.desired = None
        self.finished = False

    def add(self, running, desired, hostnames):
        self.samples += 1
        self.desired = desired
        self.lowest = running if self.lowest is None else min(self.lowest, running)
        self.finished = running == desired and not set(self.gone) & set(hostnames)

    def as_dict(self):
        return dict(
            gone=self.gone,
            samples=self.samples,
            errors=self.errors,
            lowest_running=self.lowest,
            desired=self.desired,
            finished=self.finished,
        )


def _write(path, value):
    # Written whole, then moved: a reader never sees half a file.
    with open(path + '.part', 'w') as stream:
        json.dump(value, stream)
    os.replace(path + '.part', path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--service', required=True)
    parser.add_argument('--gone', action='append', required=True, help='hostname of a node to be decommissioned')
    parser.add_argument('--out', required=True)
    parser.add_argument('--ready', required=True)
    parser.add_argument('--interval', type=float, default=0.2)
    parser.add_argument('--timeout', type=float, default=600)
    args = parser.parse_args()

    # The node's SDK, imported here so that the summary logic is testable without it.
    import docker
    import requests

    api = docker.APIClient(timeout=10)
    summary = Summary(args.gone)
    deadline = time.monotonic() + args.timeout
    while not summary.finished and time.monotonic() < deadline:
        try:
            desired = desired_replicas(api.inspect_service(args.service))
            running = running_task_count(api.tasks(filters={'service': args.service}))
            hostnames = [node['Description']['Hostname'] for node in api.nodes()]
        except (docker.errors.APIError, requests.exceptions.RequestException):
            # A leader election makes the managers answer late or with errors for a moment; that is not a lost task.
            summary.errors += 1
        else:
            summary.add(running, desired, hostnames)
            if summary.samples == 1:
                _write(args.ready, summary.as_dict())
        time.sleep(args.interval)
    _write(args.out, summary.as_dict())
    print(json.dumps(summary.as_dict()))


if __name__ == '__main__':
    main()
