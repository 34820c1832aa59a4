"""Events and sign-ups through the real handlers: event lists show when, an event sign-up names the event."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from tests.harness import BotHarness, SimUser, deliver, skip_questions

BERLIN = ZoneInfo("Europe/Berlin")


async def resident_in(bot: BotHarness, lang: str = "de") -> SimUser:
    bot.services.clock = lambda: datetime(2026, 12, 8, 10, 0, tzinfo=BERLIN)
    resident = bot.resident("Elif", lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language
    await resident.tap(1)  # Ost- und Westsiedlung
    return resident


async def test_the_event_list_shows_each_events_date_and_time_in_the_residents_language(
    bot: BotHarness,
) -> None:
    elif_ = await resident_in(bot)
    await elif_.tap("Veranstaltungen")
    labels = elif_.last().labels
    assert "📅 Mi., 17. Feb., 17:00 · Begleitausschuss STÄRKEN vor Ort – Sitzung" in labels
    assert any(label.startswith("📅 Sa., 18. Sept., 10:00 · ") for label in labels)

    olena = await resident_in(bot, lang="uk")
    await olena.tap("Заходи")
    assert any(label.startswith("📅 ср, 17 лют., 17:00 · ") for label in olena.last().labels)


QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content


async def signs_up_for_the_akteursforum(bot: BotHarness, lang: str) -> SimUser:
    resident = await resident_in(bot, lang=lang)
    await resident.send("/start e_akteursforum-2027-03")
    await resident.tap("✋")
    await skip_questions(resident)  # the topic's intake questions, if any
    await resident.tap("✅")  # nothing to add: signing up is the message
    await resident.tap("💬")
    return resident


async def test_an_event_sign_up_names_the_event_and_its_date_on_consent_and_card(bot: BotHarness) -> None:
    ahmad = await signs_up_for_the_akteursforum(bot, "ar")
    consent = ahmad.last().text or ""
    # The event's title in Arabic and its date, as Arabic readers write it (CLDR).
    assert "• الفعالية: منتدى الفاعلين في Ost- und Westsiedlung (Akteursforum)، " in consent
    assert "الأربعاء، 10 مارس 2027" in consent
    # Nothing written: the sign-up is the message, said to him in Arabic and to the partner in German.
    assert "أرغب في التسجيل في هذه الفعالية." in consent and "anmelden" not in consent
    send = next(b["callback_data"] for b in ahmad.last().flat_buttons if b["text"].startswith("✅"))
    await ahmad.press(send, ahmad.last())
    await deliver(bot)
    card = bot.telegram.bot_messages(QM_GROUP)[-1].text or ""
    assert "Veranstaltung: Akteursforum Ost- und Westsiedlung, Mittwoch, 10. März 2027, 18:00" in card
    assert "Ich möchte mich für diese Veranstaltung anmelden." in card


class Inbox:
    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


async def test_an_event_sign_up_by_email_names_the_event_and_its_date(database_url: str) -> None:
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        async with BotHarness.running(
            database_url=database_url,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
            smtp_from="bot@example.org",
        ) as bot:
            olena = await resident_in(bot, lang="uk")
            await olena.send("/start e_begleitausschuss-2027-02")
            await olena.tap("✋")
            await skip_questions(olena)
            await olena.send("Можна прийти з донькою?")
            await olena.tap("✅")
            await olena.tap("💬")
            assert "• захід: " in (olena.last().text or "")
            send = next(b["callback_data"] for b in olena.last().flat_buttons if b["text"].startswith("✅"))
            await olena.press(send, olena.last())
            assert bot.services.delivery is not None
            for _ in range(40):
                await deliver(bot)
                if inbox.mails:
                    break
                await asyncio.sleep(0.05)
    finally:
        controller.stop()
    assert [mail["To"] for mail in inbox.mails] == ["soziale-stadt@example.org"]
    for part in inbox.mails[0].walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            body = part.get_payload(decode=True).decode()
            assert "Begleitausschuss STÄRKEN vor Ort – Sitzung, Mittwoch, 17. Februar 2027, 17:00" in body
            assert "Можна прийти з донькою?" in body


SCHOOL_GROUP = -1_000_000_000_003  # the Hauptschule's group in the shipped content


async def test_a_pupil_signing_up_as_a_tandem_helper_is_asked_helper_questions(bot: BotHarness) -> None:
    emre = await resident_in(bot, lang="tr")
    await emre.send("/start o_helfer-tandem-mitmachen")
    assert "✋ Yardım etmek istiyorum" in emre.last().labels  # the offer's own label
    await emre.tap("✋ Yardım etmek istiyorum")
    assert "Kim yardım etmek istiyor?" in (emre.last().text or "")
    await emre.send("Öğrenciyim, 15 yaşındayım")
    assert "Yardım için ne zaman vakit var?" in (emre.last().text or "")
    await emre.send("Pazartesi ve çarşamba öğleden sonra")
    assert "Hangi tür yardım uygun?" in (emre.last().text or "")
    await emre.send("Telefon ve bilgisayar")  # the tandem's other offer's words: her answer all the same
    await emre.tap("✅")  # nothing more to say: the answers are the sign-up
    await emre.tap("💬")
    consent = emre.last()
    assert "Telefon ve bilgisayar" in (consent.text or "")
    assert "Wobei" not in (consent.text or "") and "Ne konuda" not in (consent.text or "")
    send = next(b["callback_data"] for b in consent.flat_buttons if b["text"].startswith("✅"))
    await emre.press(send, consent)
    await deliver(bot)
    card = bot.telegram.bot_messages(SCHOOL_GROUP)[-1].text or ""
    assert "Wann ist Zeit zum Helfen? (Tage und Uhrzeit)" in card
    assert "Pazartesi ve çarşamba öğleden sonra" in card
    assert "Wer möchte helfen?" in card and "15 yaşındayım" in card
    assert "Wobei brauchen Sie Hilfe?" not in card

    # Asking for help with everyday things still gets the topic's question.
    await emre.send("/start o_helfer-tandem-hilfe")
    await emre.tap("✋")
    assert "⏭" in " ".join(emre.last().labels) and "Hangi yaş" not in (emre.last().text or "")


async def test_mydata_names_the_event_a_request_was_about(bot: BotHarness) -> None:
    anna = await signs_up_for_the_akteursforum(bot, "de")
    send = next(b["callback_data"] for b in anna.last().flat_buttons if b["text"].startswith("✅"))
    await anna.press(send, anna.last())
    await anna.send("/mydata")
    data = " ".join(m.text or "" for m in bot.telegram.bot_messages(anna.chat)[-3:])
    assert "Veranstaltung: Akteursforum Ost- und Westsiedlung, Mittwoch, 10. März 2027, 18:00" in data


async def test_a_teenager_asking_about_an_apprenticeship_is_asked_about_school_not_childcare(
    bot: BotHarness,
) -> None:
    taras = await resident_in(bot, lang="uk")
    await taras.send("/start o_jugend-ausbildung")
    await taras.tap("✋")
    assert "Для кого запис?" in (taras.last().text or "")
    await taras.send("для себе")
    assert "Який клас і яка школа" in (taras.last().text or "")
    await taras.send("9 клас")
    assert "Які професії цікаві?" in (taras.last().text or "")
    asked = " ".join(m.text or "" for m in bot.telegram.bot_messages(taras.chat))
    assert "дит" not in asked.lower()  # nothing about children (дитина, діти) or childcare
