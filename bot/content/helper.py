"""The helper process of `QuickReadHelper`: reads content files on the quick path, results to stdout.

Input (stdin): a pickled list of file paths. Output (stdout): one pickled `(path, Prepared | None)`
per file, in order. Started by `bot.content.loader`; not meant to be run by hand.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from bot.content.loader import prepare
from bot.memory import paused_gc


def main() -> None:
    """Read the files named on stdin and write their quick results to stdout."""
    paths: list[str] = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    with paused_gc():
        for path in paths:
            pickle.dump((path, prepare(Path(path))), out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()


if __name__ == "__main__":
    main()
