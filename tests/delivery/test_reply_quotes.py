"""What of a partner's e-mail reply reaches the resident: everything the partner wrote, nothing of the
quoted card. Replies as the common mail programs write them are in tests/delivery/replies/ (plain text
and HTML parts as they send them); each is checked as sent and with only its HTML part, as an HTML-only
mail program sends it."""

from __future__ import annotations

import copy
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.delivery.inbound import reply_text

REPLIES = Path(__file__).parent / "replies"

# The partner's words, as the resident gets them.
EXPECTED = {
    # A line "Von: 16 Uhr" is the partner's text; the header block below the signature starts the quote.
    "outlook_de": "Hallo Anna,\n\nunsere Zeiten im Sprachcafé:\nVon: 16 Uhr\nBis: 18 Uhr\n"
    "Ihr Baby ist willkommen.\n\nMit freundlichen Grüßen\nAyşe Yılmaz\nTürkisch-islamische Gemeinde",
    "outlook_en_web": "Hello Anna,\n\nyes, the course is open to everyone. From: Tuesday 10 am.\n"
    "Kind regards, Maria",
    "gmail_de": "Liebe Anna,\nja, Babys sind im Sprachcafé willkommen!",
    "gmail_en": "Hi Anna, football is on Fridays, 5 pm. Just come by!",
    # web.de and GMX put "Gesendet:" above "Von:": the whole block goes.
    "webde": "Hallo Anna,\nwir helfen gern beim Einkaufen. Rufen Sie uns an: 0000 111111.\n\n"
    "Viele Grüße\nHerr Becker",
    # Written below the quote: kept, not "empty".
    "apple_mail_below": "Ja, wir haben ein Regal mit ukrainischen Kinderbüchern.\n"
    "Von: Montag bis Freitag geöffnet.\n\nViele Grüße\nOlena",
    # Answers between the quoted lines: all of them.
    "thunderbird_inline": "Ja, dienstags und donnerstags um 9 Uhr.\n\nGern, dann schreiben wir hier.",
    "outlook_de_original_message": "Sehr geehrte Anna,\n"
    "die Sprechstunde ist mittwochs. Bringen Sie bitte Ihren Mietvertrag mit.",
    "outlook_en_original_message": "Dear Anna,\nyes, we can help. From: 9 to 12 on Mondays.",
}


def sample(name: str) -> EmailMessage:
    mail = message_from_bytes((REPLIES / f"{name}.eml").read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


def html_only(mail: EmailMessage) -> EmailMessage | None:
    """The reply as an HTML-only mail program sends it (None: the sample has no HTML part)."""
    part = mail.get_body(preferencelist=("html",))
    if part is None or part is mail:
        return None
    only = copy.deepcopy(mail)
    only.clear_content()
    only.set_content(str(part.get_content()), subtype="html")
    return only


def test_every_sample_is_checked() -> None:
    assert sorted(p.stem for p in REPLIES.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_resident_gets_all_the_partner_wrote_and_nothing_of_the_card(name: str) -> None:
    mail = sample(name)
    assert reply_text(mail) == EXPECTED[name]
    html = html_only(mail)
    if html is not None:
        assert reply_text(html) == EXPECTED[name]


@pytest.mark.parametrize(
    "body",
    [
        "Von: 16 Uhr\nBis: 18 Uhr",
        "Sprechzeiten\nVon: 9 Uhr\nAn: allen Werktagen\nBis: 12 Uhr",  # two header-like words are no block
        "Am Montag schrieb uns Frau K. an: Sie kommt.",  # no colon at the end: no attribution
        "Wir haben Ihre Frage gelesen:\n\nJa.",
    ],
)
def test_lines_that_only_look_like_a_quote_header_stay(body: str) -> None:
    mail = EmailMessage()
    mail.set_content(body)
    assert reply_text(mail) == body


def test_a_reply_with_only_the_quote_is_empty() -> None:
    mail = EmailMessage()
    mail.set_content("\n\nAm 07.12.2026 um 04:48 schrieb Quartiersbot <bot@quartier.example>:\n> Anfrage\n")
    assert reply_text(mail) == ""
