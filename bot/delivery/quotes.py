"""The partner's own words in an e-mail reply: the body without the quoted card.

Mail programs mark the original in one of a few ways (samples in tests/delivery/replies/): lines starting
with ">" (Apple Mail, Thunderbird, Gmail in plain text; HTML blockquotes become such lines), an attribution
line ("Am 07.12.2026 um 04:48 schrieb …:", "On … wrote:"), a separator ("-----Original Message-----",
"-----Ursprüngliche Nachricht-----"), or a header block without any marking below the answer (Outlook:
"Von:/Gesendet:/An:/Betreff:", web.de and GMX: "Gesendet:/Von:/An:/Betreff:"). A single line starting with
"Von:" is the partner's own text ("Von: 16 Uhr / Bis: 18 Uhr"): only a block of header lines counts.

Quoted lines are dropped wherever they are, so an answer written below the quote or between its lines
(bottom-posting, inline answers) is kept; an unmarked original (header block, separator, an attribution
not followed by ">" lines) ends the answer, as everything after it is the card.

The library alternatives were weighed: quotequail needs lxml for HTML, mail-parser-reply also cuts
signatures (the partner's name and phone number, which the resident needs); both would still need these
samples to trust their German.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A header line of a quoted original; bold in HTML (Outlook) comes through plain text as "*Von:*".
HEADER = re.compile(
    r"^\*?(?P<key>Von|From|Gesendet|Sent|Datum|Date|An|To|Betreff|Subject|Cc|Kopie)\s?:\*?(\s|$)", re.I
)
HEADER_KINDS = {
    "von": "from",
    "from": "from",
    "gesendet": "date",
    "sent": "date",
    "datum": "date",
    "date": "date",
    "an": "to",
    "to": "to",
    "betreff": "subject",
    "subject": "subject",
}
HEADER_WINDOW = 8  # lines a header block spans (long "An:" lines wrap)
SEPARATOR = re.compile(
    r"^(-{2,}\s*(Original(nachricht| Message)|Ursprüngliche Nachricht|Weitergeleitete Nachricht|"
    r"Forwarded message)\b|(Anfang der weitergeleiteten Nachricht|Begin forwarded message)\s*:)",
    re.I,
)
# "Am 07.12.2026 um 04:48 schrieb Quartiersbot <bot@…>:", "On Mon, Dec 7, 2026 at 4:48 AM Quartiersbot
# <bot@…> wrote:" — Gmail wraps it over two or three lines in plain text.
ATTRIBUTION = re.compile(r"^(Am|On)\s.*\d.*\s(schrieb|wrote)\b.*:$", re.I)
# "Quartiersbot <bot@…> schrieb am Mo., 7. Dez. 2026, 04:48:": only counts when quoted lines follow.
ATTRIBUTION_LOOSE = re.compile(r"^.{1,200}\s(schrieb|wrote)\b.{0,100}:$", re.I)
RULE = re.compile(r"^[_\-=*]{8,}$")  # Outlook's line above its header block


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _header_block(lines: list[str], start: int) -> bool:
    """Whether a quoted original's header block starts at `start`: a "From" line plus the date, the
    recipient or the subject, all within a few lines (never a lone "Von: 16 Uhr")."""
    if not HEADER.match(lines[start].strip()):
        return False
    kinds = set()
    for line in lines[start : start + HEADER_WINDOW]:
        match = HEADER.match(line.strip())
        if match:
            kinds.add(HEADER_KINDS.get(match["key"].lower(), "other"))
    return "from" in kinds and len(kinds & {"date", "to", "subject"}) >= 2


def _attribution(lines: list[str], start: int) -> tuple[int, bool] | None:
    """(lines the attribution spans, whether it is a strict one that ends the answer even without quoted
    lines after it), or None. Only "Am …"/"On …" may wrap, and only where a line does not end a sentence."""
    if ATTRIBUTION_LOOSE.match(lines[start].strip()) and not ATTRIBUTION.match(lines[start].strip()):
        return 1, False
    joined = ""
    for span in (1, 2, 3):
        if start + span > len(lines):
            break
        line = lines[start + span - 1].strip()
        if span > 1 and (not line or ATTRIBUTION.match(line) or re.match(r"(Am|On)\s", line, re.I)):
            break
        joined = f"{joined} {line}".strip()
        if ATTRIBUTION.match(joined):
            return span, True
        if re.search(r"[.!?]$", line):
            break
    return None


def _next_text(lines: list[str], start: int) -> int:
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def strip_quotes(text: str) -> str:
    """The new part of a plain-text reply."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if _quoted(line):
            if out and out[-1].strip():
                out.append("")  # what the partner wrote before and after the quote stay apart
            index += 1
            continue
        if SEPARATOR.match(stripped) or _header_block(lines, index):
            break
        attribution = _attribution(lines, index) if stripped else None
        if attribution is not None:
            span, strict = attribution
            after = _next_text(lines, index + span)
            if after < len(lines) and _quoted(lines[after]):
                index = after  # the quote follows: drop it, keep any answer below or between its lines
                continue
            if strict:
                break
        out.append(line.rstrip())
        index += 1
    while out and (not out[-1].strip() or RULE.match(out[-1].strip())):
        out.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


BLOCKS = frozenset(
    "address article blockquote br dd div dl dt h1 h2 h3 h4 h5 h6 hr li ol p pre section table tr ul".split()
)
HIDDEN = frozenset({"head", "style", "script", "title"})


class _Text(HTMLParser):
    """HTML as plain text: one line per block or <br>, a blockquote's lines marked with ">" like a plain
    quote. Blocks add no blank lines (Outlook writes every line as a paragraph); an empty paragraph
    ("&nbsp;") or a <br> on its own is one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0  # blockquotes around the current position
        self.line_depth = 0  # blockquotes around the current line's first text
        self.hidden = 0

    def flush(self, always: bool = False) -> None:
        raw = "".join(self.current)
        if raw.strip() or "\xa0" in raw or always:
            line = re.sub(r"\s+", " ", raw.replace("\xa0", " ")).strip()
            self.lines.append("> " * self.line_depth + line if line else "")
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.flush(always=tag == "br")
            if tag == "blockquote":
                self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.flush()
            if tag == "blockquote":
                self.depth = max(0, self.depth - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.flush(always=tag == "br")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if not "".join(self.current).strip():
            self.line_depth = self.depth
        self.current.append(data)


def html_text(html: str) -> str:
    """The text of an HTML body (stdlib html.parser: block tags become line breaks, entities resolved)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser.flush()
    return "\n".join(parser.lines)
