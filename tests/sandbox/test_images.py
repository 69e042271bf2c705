"""The monitoring images' rootfs pieces and tags (sandbox/images.py), without an engine."""

import io
import tarfile

import pytest

from sandbox.images import (
    NODE_SUITES,
    ImageBuildError,
    _digest,
    _merged_usr_links,
    _minimal_rootfs_tar,
    _node_recipe,
    _tree_members,
    ensure_images,
    upstream_version,
)


@pytest.mark.parametrize(
    "debian_version, tag",
    [("2.42.0+ds-5+deb12u1", "2.42.0"), ("1:1.35.0-4+deb12u1+b1", "1.35.0"), ("0.25.0-1+b4", "0.25.0"), ("7", "7")],
)
def test_the_tag_is_the_upstream_part_of_the_debian_version(debian_version, tag):
    assert upstream_version(debian_version) == tag


def test_a_version_without_digits_is_refused():
    with pytest.raises(ImageBuildError):
        upstream_version("git-snapshot")


def test_tree_members_bring_their_parent_directories_once_and_keep_symlinks(tmp_path):
    (tmp_path / "usr/bin").mkdir(parents=True)
    (tmp_path / "usr/bin/prometheus").write_bytes(b"ELF")
    (tmp_path / "usr/bin/prometheus").chmod(0o755)
    (tmp_path / "lib64").mkdir()
    (tmp_path / "lib64/ld-linux-x86-64.so.2").symlink_to("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")

    members = _tree_members(tmp_path, ["usr/bin/prometheus", "lib64/ld-linux-x86-64.so.2"])

    assert members == [
        ("usr", tarfile.DIRTYPE, 0o755, b"", ""),
        ("usr/bin", tarfile.DIRTYPE, 0o755, b"", ""),
        ("usr/bin/prometheus", tarfile.REGTYPE, 0o755, b"ELF", ""),
        ("lib64", tarfile.DIRTYPE, 0o755, b"", ""),
        ("lib64/ld-linux-x86-64.so.2", tarfile.SYMTYPE, 0o777, b"", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
    ]


def test_a_merged_usr_libc_gets_the_top_level_links_the_loader_path_needs(tmp_path):
    (tmp_path / "usr/lib64").mkdir(parents=True)
    (tmp_path / "usr/lib").mkdir()
    assert [(name, target) for name, _kind, _mode, _data, target in _merged_usr_links(tmp_path)] == [
        ("lib", "usr/lib"),
        ("lib64", "usr/lib64"),
    ]
    (tmp_path / "lib").mkdir()
    assert [name for name, *_rest in _merged_usr_links(tmp_path)] == ["lib64"]


def test_the_rootfs_holds_busybox_its_applets_and_the_extra_pieces():
    archive = _minimal_rootfs_tar(
        b"busybox",
        ("busybox", "sh", "wget"),
        directories=("prometheus",),
        files=[("usr", tarfile.DIRTYPE, 0o755, b"", ""), ("usr/prog", tarfile.REGTYPE, 0o755, b"x", "")],
    )
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = {member.name: member for member in tar.getmembers()}
        assert tar.extractfile("usr/prog").read() == b"x"
    assert members["bin/sh"].linkname == "busybox"
    assert "bin/wget" in members and "bin/busybox" in members
    assert members["prometheus"].isdir()
    assert {member.uid for member in members.values()} == {0}


def test_the_same_inputs_give_the_same_layer():
    assert _minimal_rootfs_tar(b"busybox", ("sh",)) == _minimal_rootfs_tar(b"busybox", ("sh",))


def test_each_node_kind_and_release_is_its_own_recipe():
    recipes = {(suite, bare): _node_recipe(suite, bare) for suite in NODE_SUITES for bare in (False, True)}
    assert len({_digest(recipe) for recipe in recipes.values()}) == 4
    bare = recipes[("trixie", True)]
    assert "docker.io" not in bare["packages"] and "systemd" in bare["packages"]
    assert bare["changes"] == ('CMD ["/sbin/init"]', "ENV container=docker")
    # apt goes through the proxy the sandbox maps to its gateway; docker.service pulls in the image loader.
    assert "http://apt-cache:3142" in bare["files"]["etc/apt/apt.conf.d/01swarmops-sandbox-proxy"]
    assert bare["links"] == {
        "etc/systemd/system/systemd-modules-load.service": "/dev/null",
        "etc/systemd/system/docker.service.wants/swarmops-sandbox-images.service": (
            "/etc/systemd/system/swarmops-sandbox-images.service"
        ),
    }
    assert "docker.io" in recipes[("bookworm", False)]["packages"]


def test_an_unknown_release_is_refused_before_any_build():
    with pytest.raises(ValueError, match="bullseye"):
        ensure_images(client=None, suite="bullseye")


def test_a_trixie_engine_node_gets_the_docker_cli_that_trixie_packages_apart():
    assert "docker-cli" in _node_recipe("trixie", bare=False)["packages"]
    assert "docker-cli" not in _node_recipe("bookworm", bare=False)["packages"]
