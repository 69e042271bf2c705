"""Where the sandbox keeps its files: everything lives under .sandbox/ at the repository root (git-ignored)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".sandbox"
# Downloads worth keeping between image builds (debootstrap's .debs, busybox-static).
CACHE_DIR = STATE_DIR / "cache"
# Scratch space for root filesystems while an image is built; emptied after each build.
BUILD_DIR = STATE_DIR / "build"
