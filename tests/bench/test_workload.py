"""What the contenders deploy: the generated stacks, the CLI commands and the cluster layouts."""

import pytest
import yaml

from bench import workload


def test_service_stack_has_the_number_of_services_asked_for_with_sortable_names():
    compose = workload.service_stack(100)
    names = list(compose["services"])
    assert len(names) == 100
    assert names[:2] == ["s001", "s002"] and names[-1] == "s100"
    assert names == sorted(names)


def test_service_stack_services_need_no_registry_and_no_routing_mesh():
    service = workload.service_stack(10)["services"]["s01"]
    assert service["image"] == workload.IMAGE
    assert service["deploy"]["endpoint_mode"] == "dnsrr"
    assert service["deploy"]["replicas"] == 1


def test_service_stack_can_be_scaled_to_zero():
    compose = workload.service_stack(5, replicas=0)
    assert {service["deploy"]["replicas"] for service in compose["services"].values()} == {0}


def test_service_stack_round_trips_through_yaml():
    compose = workload.service_stack(3)
    assert yaml.safe_load(workload.compose_text(compose)) == compose


def test_service_stack_refuses_an_empty_stack():
    with pytest.raises(ValueError):
        workload.service_stack(0)


def test_cli_service_create_matches_the_playbooks_service():
    command = workload.cli_service_create("svc-3")
    assert command[:3] == ["docker", "service", "create"]
    assert {"--detach", "--no-resolve-image"} <= set(command)
    assert command[command.index("--name") + 1] == "svc-3"
    assert command[command.index("--endpoint-mode") + 1] == "dnsrr"
    assert command[-1] == workload.IMAGE


def test_standalone_services_are_named_as_the_playbooks_loop_names_them():
    assert workload.standalone_service_names(3) == ["svc-1", "svc-2", "svc-3"]


def test_app_stack_has_the_four_services_of_the_issue():
    assert sorted(workload.app_stack_services()) == ["app_agent", "app_api", "app_edge", "app_web"]
    compose = yaml.safe_load(workload.APP_STACK_FILE.read_text())
    services = compose["services"]
    assert services["agent"]["deploy"]["mode"] == "global"
    assert services["edge"]["ports"][0]["mode"] == "host"
    assert all(service["deploy"]["endpoint_mode"] == "dnsrr" for service in services.values())


def test_cluster_layout_is_two_managers_and_the_rest_workers():
    assert workload.cluster_layout(3) == (2, 1)
    assert workload.cluster_layout(9) == (2, 7)
    with pytest.raises(ValueError):
        workload.cluster_layout(2)
