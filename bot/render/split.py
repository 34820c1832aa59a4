"""Cut a Telegram HTML text into parts that each fit one message (4,096 characters; captions 1,024).

Telegram counts the text *after* parsing the markup, in UTF-16 code units: tags cost nothing, an entity
such as ``&amp;`` costs one, an emoji outside the Basic Multilingual Plane two. A text that fits is
returned unchanged. A longer one is cut at the last paragraph break that leaves a reasonably full part,
else the last line break, else the last space, else anywhere between two characters (never inside a tag
or an entity); tags open at a cut are closed at the end of the part and opened again, with the same
attributes, at the start of the next. Every part of a cut text ends with its number, "(1/3)", so the
reader knows that more follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

# A tag, an entity, or one character: the pieces a cut may fall between.
_PIECE = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;|.", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
# Room for the part number: "\n(99/99)".
_NUMBER_ROOM = 8
# A cut at a paragraph or line break is preferred unless it leaves the part less than this full.
_MIN_FILL = 0.5


@dataclass(frozen=True, slots=True)
class _Piece:
    raw: str
    width: int  # UTF-16 code units Telegram counts (0 for a tag)
    tag: str | None = None  # the tag's name for an opening or closing tag
    closing: bool = False


def _pieces(text: str) -> list[_Piece]:
    pieces = []
    for match in _PIECE.finditer(text):
        raw = match.group()
        if tag := _TAG.match(raw):
            pieces.append(_Piece(raw, 0, tag.group(2).lower(), bool(tag.group(1))))
        else:
            width = 1 if raw.startswith("&") else len(raw.encode("utf-16-le")) // 2
            pieces.append(_Piece(raw, width))
    return pieces


def visible_length(text: str) -> int:
    """The length Telegram counts for `text` in HTML parse mode."""
    return sum(piece.width for piece in _pieces(text))


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` as one part if it fits within `limit`, else as numbered parts that each fit."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return [text]  # fits even if its tags and entities counted (most texts: no pieces to build)
    pieces = _pieces(text)
    if sum(piece.width for piece in pieces) <= limit:
        return [text]
    budget = limit - _NUMBER_ROOM
    parts: list[str] = []
    open_tags: list[_Piece] = []  # opening tags in effect where the next part starts
    start = 0
    while start < len(pieces):
        end, width = start, 0
        while end < len(pieces) and width + pieces[end].width <= budget:
            width += pieces[end].width
            end += 1
        if end < len(pieces):
            end = _best_cut(pieces, start, end, budget)
        body, open_tags = _render(pieces[start:end], open_tags)
        if _has_text(pieces[start:end]):
            parts.append(body)
        start = end
        while start < len(pieces) and pieces[start].raw.isspace():
            start += 1
    if len(parts) == 1:
        return parts
    return [f"{part}\n({number}/{len(parts)})" for number, part in enumerate(parts, 1)]


def _best_cut(pieces: list[_Piece], start: int, end: int, budget: int) -> int:
    """Where to end the part that may hold pieces[start:end]: after a paragraph, a line, a word."""
    floor = start + 1
    # The index from which on the part is full enough: earlier breaks would leave it too empty.
    widths = accumulate(piece.width for piece in pieces[start:end])
    full_from = next((start + i + 1 for i, width in enumerate(widths) if width >= budget * _MIN_FILL), end)
    for paragraph in (True, False):
        for index in range(end - 1, max(full_from, floor) - 1, -1):
            if pieces[index].raw == "\n" and (not paragraph or (index > 0 and pieces[index - 1].raw == "\n")):
                return index + 1
    for index in range(end - 1, floor - 1, -1):
        if pieces[index].tag is None and pieces[index].raw.isspace():
            return index + 1
    return max(end, floor)


def _has_text(pieces: list[_Piece]) -> bool:
    return any(piece.width and not piece.raw.isspace() for piece in pieces)


def _render(pieces: list[_Piece], open_tags: list[_Piece]) -> tuple[str, list[_Piece]]:
    """The part's HTML (tags in effect reopened before, still open ones closed after) and the tags still
    open at its end."""
    stack = list(open_tags)
    out = [tag.raw for tag in stack]
    for piece in pieces:
        out.append(piece.raw)
        if piece.tag is None:
            continue
        if not piece.closing:
            stack.append(piece)
        else:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == piece.tag:
                    del stack[depth]
                    break
    body = "".join(out).rstrip()
    closing = "".join(f"</{tag.tag}>" for tag in reversed(stack))
    return body + closing, stack
