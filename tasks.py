#!/usr/bin/env python3
"""Set up and run Quartiersbot with nothing but Python 3.11+ and pip.

    python tasks.py run [run_bot.py arguments]   start the bot (console chat without a token)
    python tasks.py test [pytest arguments]      lint, type-check and run the whole test suite

The first call creates `.venv/` and installs the dependencies from pyproject.toml (among them the search
model, ~90 MB to download once); later calls reinstall only when pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
# What the installation is made from: a change to it reinstalls.
INSTALL_INPUTS = ("pyproject.toml",)


def ensure_venv() -> None:
    wanted = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in INSTALL_INPUTS)).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing dependencies (first run only) ...", file=sys.stderr)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, stdout=sys.stderr)
    subprocess.run([*pip, "-e", f"{ROOT}[test,postgres]"], check=True, stdout=sys.stderr)
    STAMP.write_text(wanted)


def run(argv: list[str]) -> int:
    return subprocess.call([str(PYTHON), str(ROOT / "run_bot.py"), *argv], cwd=ROOT)


def test(argv: list[str]) -> int:
    # Two test processes (pytest-xdist), each taking the next test when it is free: while one waits for a
    # bot process or the database, the other runs. `-n 0` (or `-p no:xdist`) runs in one process.
    joined = " ".join(argv).replace("-p no:", "-pno:")
    chosen = any(a.startswith(("-n", "--numprocesses")) for a in argv) or "-pno:xdist" in joined
    parallel = [] if chosen else ["-n", "2", "--dist", "worksteal"]
    ruff = [str(BIN / "ruff"), "check", "."]
    mypy = [str(BIN / "mypy")]
    pytest = [str(PYTHON), "-m", "pytest", *parallel, *argv]
    # Bytecode caches even where PYTHONDONTWRITEBYTECODE is set (containers often set it): without them
    # every test process compiles the project and pytest rewrites every test module's asserts again
    # (collecting: 3.4 instead of 2.5 CPU-s per test process).
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    show(ruff)
    code = subprocess.call(ruff, cwd=ROOT, env=env)
    if code != 0:
        return code
    # mypy checks while the tests run, its report after theirs: it uses one core, and without its cache
    # (a fresh clone) it takes ~18 s, while the tests wait for processes and the database part of the time.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as report:
        checking = subprocess.Popen(mypy, cwd=ROOT, env=env, stdout=report, stderr=subprocess.STDOUT)
        try:
            show(pytest)
            tested = subprocess.call(pytest, cwd=ROOT, env=env)
        finally:
            typed = checking.wait()
        show(mypy)
        report.seek(0)
        print(report.read(), end="", flush=True)
    return tested or typed


def show(step: list[str]) -> None:
    print("$", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)), flush=True)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
