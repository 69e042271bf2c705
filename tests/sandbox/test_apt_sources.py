"""The Debian mirror for debootstrap is read from apt's own sources (sandbox/apt_sources.py)."""

import pytest

from sandbox.apt_sources import (
    MirrorNotFound,
    find_debian_mirror,
    host_debian_mirror,
    parse_deb822_sources,
    parse_one_line_sources,
)

# The layout of a Debian 12 machine of this kind, comments inside the stanzas included.
DEBIAN_SOURCES = """\
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def test_deb822_sources_give_the_main_archive_not_security():
    assert find_debian_mirror(parse_deb822_sources(DEBIAN_SOURCES), "bookworm") == "http://deb.debian.org/debian"


def test_deb822_folds_an_inline_signing_key_and_skips_disabled_stanzas():
    text = """\
Types: deb
URIs: http://disabled.example/debian
Suites: trixie
Components: main
Enabled: no

Types: deb
URIs: http://mirror.example/debian
Suites: trixie
Components: main contrib
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NlOB
 -----END PGP PUBLIC KEY BLOCK-----
"""
    sources = parse_deb822_sources(text)
    assert [source.enabled for source in sources] == [False, True]
    assert sources[1].components == ("main", "contrib")
    assert find_debian_mirror(sources, "trixie") == "http://mirror.example/debian"


def test_one_line_sources_skip_third_party_repositories_and_options():
    text = """\
# third-party repositories come first on purpose
deb [arch=amd64 signed-by=/usr/share/keyrings/docker.gpg] https://download.example/linux/debian bookworm stable
deb https://packages.example/apt cloud-sdk-bookworm main
deb-src http://deb.debian.org/debian bookworm main
deb [ arch=amd64 ] http://ftp.example.org/debian/ bookworm main non-free-firmware  # trailing comment
deb http://security.debian.org/debian-security bookworm-security main
"""
    sources = parse_one_line_sources(text)
    assert find_debian_mirror(sources, "bookworm") == "http://ftp.example.org/debian/"


def test_no_source_for_the_release_is_a_clear_error():
    sources = parse_one_line_sources("deb http://deb.debian.org/debian bookworm main\n")
    with pytest.raises(MirrorNotFound, match="trixie"):
        find_debian_mirror(sources, "trixie")


def test_host_mirror_reads_os_release_and_both_source_formats(tmp_path):
    (tmp_path / "etc/apt/sources.list.d").mkdir(parents=True)
    (tmp_path / "etc/os-release").write_text('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_CODENAME=trixie\n')
    (tmp_path / "etc/apt/sources.list").write_text("# moved to sources.list.d\n")
    (tmp_path / "etc/apt/sources.list.d/old.list").write_text("deb http://old.example/debian bookworm main\n")
    (tmp_path / "etc/apt/sources.list.d/debian.sources").write_text(DEBIAN_SOURCES.replace("bookworm", "trixie"))
    # Files apt itself ignores (not .list nor .sources) must be ignored here too.
    (tmp_path / "etc/apt/sources.list.d/other.list.disabled").write_text(
        "deb http://wrong.example/debian trixie main\n"
    )
    assert host_debian_mirror(tmp_path) == "http://deb.debian.org/debian"
