"""The code of an earlier commit for side-by-side benchmarks, unpacked without touching the work tree."""

from __future__ import annotations

import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def checkout(rev: str, into: Path, *paths: str) -> Path:
    """`paths` of git `rev` (default: the whole tree) unpacked below `into`; returns `into`."""
    archive = subprocess.run(["git", "archive", rev, *paths], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into
