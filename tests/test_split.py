"""Long texts are cut into parts Telegram accepts: at paragraphs, lines or words, tags intact, numbered."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.split import CAPTION_LIMIT, MESSAGE_LIMIT, split_html, visible_length
from tests.telegram_html import html_problems

NUMBER = re.compile(r"\n\((\d+)/(\d+)\)$")


def strip_numbers(parts: list[str]) -> list[str]:
    return [NUMBER.sub("", part) for part in parts]


def plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


def test_a_text_that_fits_is_returned_unchanged() -> None:
    text = "<b>Hallo</b> &amp; willkommen " + "x" * (MESSAGE_LIMIT - 20)
    assert visible_length(text) <= MESSAGE_LIMIT
    assert split_html(text) == [text]


def test_tags_and_entities_do_not_count_emoji_count_twice() -> None:
    assert visible_length('<a href="https://example.org/a-long-address">Karte</a>') == 5
    assert visible_length("&lt;&amp;&gt;") == 3
    assert visible_length("🙂") == 2  # outside the Basic Multilingual Plane: two UTF-16 code units
    assert visible_length("ğüş") == 3


def test_a_long_answer_is_cut_after_paragraphs_and_numbered() -> None:
    paragraphs = [f"Absatz {n}: " + "Wort " * 150 for n in range(12)]
    text = "\n\n".join(paragraphs)
    parts = split_html(text)
    assert len(parts) == 3
    assert [NUMBER.search(p).groups() for p in parts] == [("1", "3"), ("2", "3"), ("3", "3")]  # type: ignore[union-attr]
    for part in strip_numbers(parts):
        # every part ends where a paragraph ended and starts with one
        assert part.startswith("Absatz ")
        assert part.endswith("Wort")
    assert " ".join(strip_numbers(parts)).split() == text.split()


def test_a_text_without_breaks_is_cut_between_words() -> None:
    text = " ".join(f"wort{n}" for n in range(2000))
    parts = split_html(text)
    assert len(parts) > 1
    words = " ".join(strip_numbers(parts)).split()
    assert words == text.split()  # no word was cut in two


def test_a_tag_open_at_a_cut_is_closed_and_opened_again_with_its_attributes() -> None:
    text = '<a href="https://example.org/?a=1&amp;b=2"><b>' + "lang " * 2000 + "</b></a> Ende"
    parts = split_html(text)
    assert len(parts) == 3
    for part in parts:
        assert html_problems(part) == []
        assert part.startswith('<a href="https://example.org/?a=1&amp;b=2"><b>')
    assert strip_numbers(parts)[-1].endswith("</b></a> Ende")


def test_one_endless_word_is_cut_anywhere_but_inside_an_entity() -> None:
    text = "&amp;" * 5000
    parts = split_html(text)
    assert all(html_problems(p) == [] for p in parts)
    assert "".join(strip_numbers(parts)) == text


def test_captions_have_their_own_limit() -> None:
    text = "Brief vom Amt. " * 100
    parts = split_html(text, CAPTION_LIMIT)
    assert len(parts) == 2
    assert all(visible_length(p) <= CAPTION_LIMIT for p in parts)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.one_of(
            st.text(
                alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<>&"),
                min_size=1,
                max_size=30,
            ),
            st.sampled_from(["\n", "\n\n", " ", "&amp;", "&lt;", "🙂", "مرحبا", "\u2068"]),
        ),
        max_size=900,
    ),
    tags=st.lists(st.sampled_from(["b", "i", "u", "code", "blockquote"]), max_size=3),
    limit=st.sampled_from([CAPTION_LIMIT, MESSAGE_LIMIT, 200]),
)
def test_every_part_fits_is_valid_html_and_nothing_is_lost(
    words: list[str], tags: list[str], limit: int
) -> None:
    body = " ".join(words)
    text = "".join(f"<{t}>" for t in tags) + body + "".join(f"</{t}>" for t in reversed(tags))
    if not plain(text).strip():
        return
    parts = split_html(text, limit)
    for part in parts:
        assert visible_length(part) <= limit
        problems = [p for p in html_problems(part) if "more than" not in p]
        assert problems == []
    # Every character arrives, in order; only whitespace at the cuts may differ.
    received = "".join(plain(p) for p in strip_numbers(parts))
    assert "".join(received.split()) == "".join(plain(text).split())
