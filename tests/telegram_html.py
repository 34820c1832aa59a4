"""A checker for Telegram's HTML parse mode: only its tags, properly nested, valid entities."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "blockquote",
    "span",
    "tg-emoji",
}
MAX_MESSAGE = 4096
# Telegram accepts the named entities &lt; &gt; &amp; &quot; and every numeric one.
BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text_length = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.errors.append(f"tag <{tag}> is not allowed")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append(f"unescaped angle bracket in {data[:40]!r}")
        self.text_length += len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.errors.append(f"unsupported entity &{name};")
        self.text_length += 1

    def handle_charref(self, name: str) -> None:
        self.text_length += 1


def html_problems(text: str) -> list[str]:
    """Why Telegram would reject `text` (empty list: it is fine)."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    problems = list(checker.errors)
    if checker.stack:
        problems.append(f"unclosed tags: {checker.stack}")
    if BARE_AMPERSAND.search(text):
        problems.append("a bare & (must be &amp;)")
    if checker.text_length > MAX_MESSAGE:
        problems.append(f"{checker.text_length} characters, more than {MAX_MESSAGE}")
    if not text.strip():
        problems.append("empty message")
    return problems
