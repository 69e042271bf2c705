"""The sandbox's network creation, against a stand-in for the host engine's network endpoints."""

import docker
import pytest

from sandbox import Sandbox


class _Networks:
    """Hands out the subnets given, in order, to probe networks; refuses real networks on the subnets in `taken`."""

    def __init__(self, probe_subnets, taken):
        self.probe_subnets = list(probe_subnets)
        self.taken = set(taken)
        self.created = []

    def create(self, name, driver, labels, ipam=None):
        if ipam is None:
            return _ProbeNetwork(self.probe_subnets.pop(0))
        subnet = ipam["Config"][0]["Subnet"]
        if subnet in self.taken:
            raise docker.errors.APIError("refused", explanation="Pool overlaps with other one on this address space")
        self.created.append((name, subnet))


class _ProbeNetwork:
    def __init__(self, subnet):
        self.attrs = {"IPAM": {"Config": [{"Subnet": subnet}]}}

    def remove(self):
        pass


def _sandbox_on(networks):
    sandbox = Sandbox(managers=1, workers=0, name_prefix="unit")
    sandbox.client = type("Engine", (), {"networks": networks})()
    return sandbox


def test_a_subnet_taken_between_probe_and_creation_is_probed_again():
    networks = _Networks(["10.9.0.0/24", "10.9.1.0/24"], taken=["10.9.0.0/24"])
    assert _sandbox_on(networks)._create_network() == "10.9.1.0/24"
    assert networks.created == [("unit-net", "10.9.1.0/24")]


def test_a_subnet_that_stays_taken_fails_after_the_last_attempt():
    networks = _Networks(["10.9.0.0/24"] * 5, taken=["10.9.0.0/24"])
    with pytest.raises(docker.errors.APIError, match="refused"):
        _sandbox_on(networks)._create_network()
    assert networks.created == []
