"""The quick path of the content loader: yaml-rs reads a file ~5x faster than PyYAML's node tree, but
without positions and as YAML 1.2. The loader (bot/content/loader.py) uses its data only for files that
nothing here marks as suspect and that then validate without any problem; every other file is read by
PyYAML with positions, so each message names its file and line and the result is the same either way
(tests/content/test_quick_path.py compares both paths and fuzzes the differences between the readers).
"""

from __future__ import annotations

import re
from typing import Any

try:  # yaml-rs (Rust) builds plain data ~5x faster than libyaml's node tree; optional, see `parse`
    import yaml_rs as _yaml_rs
except ImportError:  # pragma: no cover - without it every file takes the positioned path (same result)
    _yaml_rs = None  # type: ignore[assignment]

Section = tuple[str, int | None, tuple[tuple[str, int | None], ...] | None]
"""(kind, line of the kind, ((entry id, line of the id), …) or None when the kind holds no mapping).

Lines are None for files read by the quick path when `text_outline` could not find them."""


def available() -> bool:
    """Is yaml-rs installed? Without it every file takes the positioned path."""
    return _yaml_rs is not None


# What only the positioned path reads right. (1) Plain scalars that YAML 1.2 (yaml-rs) reads differently
# from our YAML 1.1 subset: `0531` is the number 531 there but the text "0531" here (a phone number!),
# likewise `0x1F`, `0o17`, `0b101`, `1_000`, `_282`, `1e5` (text fields take numbers as text), `.inf`,
# `.nan`. (2) Tags (`!!str`, `!foo`), which yaml-rs would ignore, and anchors/aliases (`&a`, `*a`), which it
# would expand. (3) `[?x]` and block scalars without lines (`_BLOCK_HEADER`). tests/content/test_quick_path.py
# fuzzes numbers and texts in many positions and fails if any of these checks is missing.
# Each pattern finds a candidate quickly (it starts with a literal character); a candidate counts only
# if it starts a value (after `key: `, `- `, `[`, `{`, `,` or at the start of a line), so the `*` in
# "Bewohner*innen", the `&` in "Kinder & Jugend" or "Tel. 0800" inside a text do not (false alarms
# would only cost time).
_END = rb"(?=[ \t\r]*(?:$|#|[,\]}]))"
_QUICK_SUSPECTS = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in (
        rb"!(?<=[\s\[{,]!)",  # after a space or a flow indicator (not "Willkommen!")
        rb"&(?<=[\s\[{,]&)(?=[^\s,\]}])",
        rb"\*(?<=[\s\[{,]\*)(?=[^\s,\]}])",
        rb"0[0-9_xXoObB][0-9_a-fA-F]*" + _END,
        rb"_[0-9_.eE+-]*" + _END,  # yaml-rs reads `_282`, `1_0.5`, `4E6_` as numbers
        rb"e(?<=[0-9]e)[-+]?[0-9]+" + _END,
        rb"E(?<=[0-9]E)[-+]?[0-9]+" + _END,
        rb"\.(?:inf|Inf|INF|nan|NaN|NAN)" + _END,
        rb"\?(?<=[\s\[{,]\?)(?=\S)",  # `[?x]`: a plain text in YAML 1.2, a mapping for PyYAML
    )
)
# A block scalar (`|`, `>`) with no lines: "\n" for yaml-rs at the end of a file, "" for PyYAML.
_BLOCK_HEADER = tuple(
    re.compile(pattern)
    for pattern in (rb"\|(?=[-+0-9]*[ \t]*(?:#[^\n]*)?\r?\n)", rb">(?=[-+0-9]*[ \t]*(?:#[^\n]*)?\r?\n)")
)
_NUMBER_CHARS = frozenset(b"0123456789._eE+-")
_FLOW_START = frozenset(b"[{,")


def _starts_value(raw: bytes, position: int) -> bool:
    """Does the candidate at `position` start a YAML value (rather than sit inside a text)?"""
    if raw[position] in b"_eE":  # 1_000, 1e5, _282: back to the start of the token
        while position > 0 and raw[position - 1] in _NUMBER_CHARS:
            position -= 1
    if raw[position] in _NUMBER_CHARS and position > 0 and raw[position - 1] in b"+-":
        position -= 1  # a sign
    spaces = position
    while position > 0 and raw[position - 1] in b" \t":
        position -= 1
    if position == 0 or raw[position - 1] == 0x0A:  # at the start of a line (a multi-line flow list, a
        return True  # value on the line after its key; in a text only a whole line of digits: a false alarm)
    before = raw[position - 1]
    if before in _FLOW_START or (before == 0x3A and spaces > position):  # `[`, `{`, `,` or `: `
        return True
    if before not in b"-?" or spaces == position:
        return False
    # `- ` and `? ` are indicators only at the start of a line (after indentation or another `- `)
    position -= 1
    while position > 0 and raw[position - 1] in b" \t-":
        position -= 1
    return position == 0 or raw[position - 1] == 0x0A


def _empty_block(raw: bytes, position: int) -> bool:
    """Is the block scalar whose header is at `position` without any line of text?"""
    line_start = raw.rfind(b"\n", 0, position) + 1
    header = raw[line_start:position]
    indent = len(header) - len(header.lstrip(b" "))  # the text must be indented more than its key
    next_line = raw.find(b"\n", position) + 1
    while 0 < next_line < len(raw):
        end = raw.find(b"\n", next_line)
        line = raw[next_line : end if end >= 0 else len(raw)]
        if line.strip(b" \t\r"):
            return len(line) - len(line.lstrip(b" ")) <= indent
        if end < 0:
            break
        next_line = end + 1
    return True


def suspect(raw: bytes) -> bool:
    """Anything in the file the quick path could read differently from the positioned path?"""
    first = raw.removeprefix(b"\xef\xbb\xbf")[:1]  # (after a byte order mark)
    if b"<<" in raw or first in (b"!", b"&", b"*", b"?"):  # merge keys; a tag, anchor, alias or key first
        return True
    if any(_starts_value(raw, m.start()) for pattern in _QUICK_SUSPECTS for m in pattern.finditer(raw)):
        return True
    return any(
        _starts_value(raw, m.start()) and _empty_block(raw, m.start())
        for pattern in _BLOCK_HEADER
        for m in pattern.finditer(raw)
    )


def parse(raw: bytes) -> dict[Any, Any] | None:
    """Plain data of a file read by yaml-rs, or None when only the positioned path can judge the file.

    yaml-rs gives no positions, so its data is used only for files that then validate without any
    problem. Anything unusual (aliases, merge keys, tags, YAML 1.2 number forms, duplicate keys, syntax
    errors, no mapping at the top) returns None, and the file is read again with positions so every
    message names its line.
    """
    if _yaml_rs is None or suspect(raw):
        return None
    try:
        data = _yaml_rs.loads(
            raw.decode("utf-8-sig"),
            parse_datetime=False,
            duplicate_key_policy=_yaml_rs.DuplicateKeyPolicy.Error,
        )
    except Exception:  # YAML or UTF-8 errors: the positioned path reports them with their line
        return None
    return data if isinstance(data, dict) else None


# Keys at the left edge / at one indentation. Each pattern starts with a newline (a literal, so the regex
# engine skips ahead quickly); the text is searched with a newline put in front.
_KEY = rb"([^\s#\-'\"{\[!&*|>%@`][^:\n]*?)[ \t]*:(?=[ \t]|\r?\n)"
_TOP_KEY = re.compile(rb"\n" + _KEY)
_FIRST_CHILD = re.compile(rb"\n( +)[^\s#]")


def text_outline(raw: bytes, data: dict[Any, Any]) -> tuple[Section, ...] | None:
    """Lines of the kinds and entry ids of a quickly parsed file, found in its text.

    Works for the block style staff write (`offers:` at the left edge, each id on its own line at one
    indentation); returns None for anything else (quoted or flow-style keys, comments between the
    kinds' keys are fine). The lines are then looked up by parsing the file again, and only when a
    problem has to name them.
    """
    text = b"\n" + raw + b"\n"  # offsets in `text` are offsets in `raw` + 1
    tops = [(m.start(), m.group(1).decode("utf-8", "replace")) for m in _TOP_KEY.finditer(text)]
    if [kind for _, kind in tops] != list(data):
        return None
    position, line = 0, 0

    def line_at(offset: int) -> int:  # the line of the character after text[offset] ("\n")
        nonlocal position, line
        line += text.count(b"\n", position, offset + 1)
        position = offset + 1
        return line

    sections: list[Section] = []
    for number, (start, kind) in enumerate(tops):
        end = tops[number + 1][0] if number + 1 < len(tops) else len(text)
        kind_line = line_at(start)
        entries = data[kind] or {}
        ids: list[tuple[str, int | None]] = []
        if entries:
            first = _FIRST_CHILD.search(text, start + 1, end)
            if first is None:
                return None
            pattern = re.compile(rb"\n" + b" " * len(first.group(1)) + _KEY)
            found = [
                (m.start(), m.group(1).decode("utf-8", "replace"))
                for m in pattern.finditer(text, start + 1, end)
            ]
            if [entry_id for _, entry_id in found] != list(entries):
                return None
            ids = [(entry_id, line_at(offset)) for offset, entry_id in found]
        sections.append((kind, kind_line, tuple(ids)))
    return tuple(sections)
