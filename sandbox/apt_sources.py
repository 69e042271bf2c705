"""The Debian mirror this host's apt uses, read from its sources, for debootstrap.

The mirror is not hard-coded: machines of this kind may point apt at another mirror or a caching proxy, and only
the one apt already uses is known to be reachable. Both source formats are read: one-line ``.list`` files and
deb822 ``.sources`` files.
"""

from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SCHEMES = ("http://", "https://", "file:/")


class MirrorNotFound(Exception):
    pass


@dataclass(frozen=True)
class AptSource:
    types: tuple
    uris: tuple
    suites: tuple
    components: tuple
    enabled: bool = True


def parse_one_line_sources(text):
    """Entries of a sources.list file: ``deb [options] URI SUITE [COMPONENT...]``."""
    sources = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _space, rest = line.partition(" ")
        rest = rest.strip()
        if rest.startswith("["):
            rest = rest.partition("]")[2]
        fields = rest.split()
        if len(fields) < 2:
            continue
        sources.append(AptSource(types=(kind,), uris=(fields[0],), suites=(fields[1],), components=tuple(fields[2:])))
    return sources


def parse_deb822_sources(text):
    """Stanzas of a .sources file; multi-line fields (an inline Signed-By key) are folded."""
    sources = []
    for stanza in _deb822_stanzas(text):
        sources.append(
            AptSource(
                types=tuple(stanza.get("types", "").split()),
                uris=tuple(stanza.get("uris", "").split()),
                suites=tuple(stanza.get("suites", "").split()),
                components=tuple(stanza.get("components", "").split()),
                enabled=stanza.get("enabled", "yes").strip().lower() != "no",
            )
        )
    return sources


def _deb822_stanzas(text):
    stanza, field = {}, None
    for line in text.splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if stanza:
                yield stanza
            stanza, field = {}, None
        elif line[0] in " \t" and field:
            stanza[field] += " " + line.strip()
        else:
            field, _colon, value = line.partition(":")
            field = field.strip().lower()
            stanza[field] = value.strip()


def find_debian_mirror(sources, codename):
    """URI of the first enabled binary source that serves the host's own release (its codename, component main).

    Requiring the exact codename and main leaves out the security and updates suites and third-party
    repositories (whose suites or components differ), without guessing from host names.
    """
    for source in sources:
        if not source.enabled or "deb" not in source.types or "main" not in source.components:
            continue
        if codename not in source.suites:
            continue
        for uri in source.uris:
            if uri.startswith(SUPPORTED_SCHEMES):
                return uri
    raise MirrorNotFound(f"no enabled 'deb' source for suite {codename!r} with component 'main' in apt's sources")


def read_host_sources(root=Path("/")):
    apt_dir = root / "etc/apt"
    sources = []
    one_line_files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*.list"))]
    for path in one_line_files:
        if path.is_file():
            sources += parse_one_line_sources(path.read_text())
    for path in sorted((apt_dir / "sources.list.d").glob("*.sources")):
        sources += parse_deb822_sources(path.read_text())
    return sources


def host_codename(root=Path("/")):
    for line in (root / "etc/os-release").read_text().splitlines():
        key, _equals, value = line.partition("=")
        if key == "VERSION_CODENAME":
            return value.strip().strip('"')
    raise MirrorNotFound("/etc/os-release has no VERSION_CODENAME")


def host_debian_mirror(root=Path("/")):
    return find_debian_mirror(read_host_sources(root), host_codename(root))
