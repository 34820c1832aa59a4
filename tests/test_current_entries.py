"""Offers and events that are over or not yet on: hidden from the menus, and from every other way to an entry
too (a search's answer, an answer's offer buttons, a poster's link), which says plainly that it is over."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.harness import ROOT, BotHarness, content_with_partner_group, deliver, skip_questions
from tests.test_catalogs import informal_polish

TODAY = datetime.now(UTC).date()
PAST, FUTURE = TODAY - timedelta(days=400), TODAY + timedelta(days=200)
ORGANISER = -1_000_000_000_555  # the group of the organiser of an offer or event, where a test needs one
SCHOOL_GROUP = -1000000000003  # the Hauptschule's, in the shipped content
QUARTIERSMANAGEMENT = -1_000_000_000_001  # the catch-all's, in the shipped content


def sub(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The Viertel-Lauf took place last year, the Sprachcafé ended, the Frauen-Deutschkurs starts only in
    half a year, and the course "Berufe mit Service" ended."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    sub(target, "events.yaml", '"2027-09-18 10:00"', f'"{PAST} 10:00"')
    sub(target, "events.yaml", '"2027-09-18 14:00"', f'"{PAST} 14:00"')
    sub(
        target,
        "offers/sprachcafe.yaml",
        "    kind: meeting_place",
        f"    valid_until: {PAST}\n    kind: meeting_place",
    )
    sub(
        target,
        "offers/deutschkurs-frauen.yaml",
        "    kind: course",
        f"    valid_from: {FUTURE}\n    kind: course",
    )
    sub(target, "offers/dienstleistung-beruf.yaml", "      starts: 2027-02-01", f"      starts: {PAST}")
    sub(
        target,
        "offers/dienstleistung-beruf.yaml",
        "      ends: 2027-06-30",
        f"      ends: {PAST + timedelta(days=60)}",
    )
    return target


async def test_a_poster_link_to_an_entry_that_is_over_says_so_without_a_sign_up(
    database_url: str, content: Path
) -> None:
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start e_viertel-lauf-2027")
        seen = anna.last()
        assert "Viertel-Lauf" in (seen.text or "") and "Diese Veranstaltung ist vorbei" in (seen.text or "")
        assert not any("nmelden" in label for label in seen.labels)
        assert any("Einen Menschen fragen" in label for label in seen.labels)
        assert any("Menü" in label for label in seen.labels)
        for offer in ("sprachcafe", "deutschkurs-frauen", "dienstleistung-beruf"):
            await anna.send(f"/start o_{offer}")
            seen = anna.last()
            assert "Dieses Angebot gibt es zurzeit nicht" in (seen.text or ""), offer
            assert not any("nmelden" in label for label in seen.labels), offer

        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("/language")
        await ayse.tap("Türkçe")
        await ayse.send("/start o_sprachcafe")
        assert "Bu hizmet şu anda yok" in (ayse.last().text or "")


async def test_a_polish_resident_is_told_politely_that_an_entry_is_over(
    database_url: str, content: Path
) -> None:
    # Exploratory test 5, F7: the notice said "W menu zobaczysz … – albo zapytaj człowieka" ("ty") next to
    # a polite Polish UI.
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        ola = bot.resident("Ola", lang="pl")
        await ola.send("/language")
        await ola.tap("Polski")
        for link, notice in (
            ("e_viertel-lauf-2027", "To wydarzenie już się odbyło."),
            ("o_sprachcafe", "Ta oferta jest obecnie niedostępna."),
        ):
            await ola.send(f"/start {link}")
            text = ola.last().text or ""
            assert notice in text and "W menu można sprawdzić" in text and "albo zapytać człowieka" in text
            assert informal_polish(text) == [], text


async def test_the_search_and_an_answers_buttons_leave_out_what_is_over(
    database_url: str, content: Path
) -> None:
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start")
        await anna.send("Wann ist der Viertel-Lauf?")
        seen = anna.last()
        assert str(PAST.year) not in (seen.text or "")
        assert not any("Viertel-Lauf" in label or "nmelden" in label for label in seen.labels)
        await anna.send("Sprachcafé")
        assert not any("Sprachcafé" in label for label in anna.last().labels)
        assert "Sprachcafé – Deutsch sprechen" not in (anna.last().text or "")

        await anna.send("/start f_wenig-deutsch")
        labels = anna.last().labels
        assert any("Integrationscoaching" in label or "Coaching" in label for label in labels), labels
        assert not any("Sprachcafé" in label or "Deutschkurs für Frauen" in label for label in labels)

        await anna.send("/start t_kurse")
        assert not any("Berufe mit Service" in label for label in anna.last().labels)


async def test_the_sign_up_button_of_a_page_read_before_the_event_is_over_does_not_sign_up(
    database_url: str,
) -> None:
    async with BotHarness.running(database_url=database_url) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start e_viertel-lauf-2027")
        page = anna.last()
        event = bot.services.content.catalogue.events["viertel-lauf-2027"]
        bot.services.clock = lambda: (event.ends or event.starts) + timedelta(days=1)
        await anna.tap("Anmelden", page)
        seen = anna.last()
        assert "Diese Veranstaltung ist vorbei" in (seen.text or "")
        assert "Schreiben Sie" not in (seen.text or "")


async def test_an_offer_with_dated_sessions_only_is_over_after_its_last_session(
    database_url: str, tmp_path: Path
) -> None:
    """Bewerbungstraining with two dated sessions (no weekly slot) last year: the content check warns about
    it, and the resident gets the same answer – no sign-up from a poster, not in the topic's menu."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    sessions = (
        f'      sessions:\n        - {{date: {PAST}, start: "14:00", end: "16:00"}}\n'
        f'        - {{date: {PAST + timedelta(days=7)}, start: "14:00", end: "16:00"}}\n'
    )
    sub(
        target,
        "offers/bewerbungstraining.yaml",
        '      weekly:\n        - {day: thu, start: "14:00", end: "16:00"}\n',
        sessions,
    )
    async with BotHarness.running(database_url=database_url, content_dir=target) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start o_bewerbungstraining")
        seen = anna.last()
        assert "Dieses Angebot gibt es zurzeit nicht" in (seen.text or "")
        assert not any("nmelden" in label for label in seen.labels)
        await anna.send("/start t_kurse")
        assert not any("Bewerbungstraining" in label for label in anna.last().labels)


async def test_a_sign_up_written_before_the_event_is_over_is_not_sent_after_it(database_url: str) -> None:
    """Found in review: only the start of a sign-up looked at the date; "Send" after the event's end still
    sent it, and the organiser got a sign-up for a run that was over."""
    async with BotHarness.running(database_url=database_url) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start e_viertel-lauf-2027")
        await anna.tap("Anmelden")
        await skip_questions(anna)
        await anna.send("Wir kommen zu zweit.")
        await anna.tap("✅")
        await anna.tap("💬")
        check = anna.last()
        assert "Wir kommen zu zweit." in (check.text or "") and any("✅" in label for label in check.labels)
        event = bot.services.content.catalogue.events["viertel-lauf-2027"]
        bot.services.clock = lambda: (event.ends or event.starts) + timedelta(hours=1)
        await anna.tap("✅", check)
        seen = anna.last()
        assert "Diese Veranstaltung ist vorbei" in (seen.text or "")
        assert not any("nmelden" in label for label in seen.labels)
        await deliver(bot)
        groups = [chat for chat in bot.telegram.chats if chat < 0]
        sent = [m.text or "" for chat in groups for m in bot.telegram.bot_messages(chat)]
        assert not any("Wir kommen zu zweit." in text for text in sent)  # nothing reached the organiser
        # What she wrote is not lost: it waits as a question to the organiser, offered in the menu too.
        await anna.send("/menu")
        assert "unfertige Anfrage an Quartiersmanagement" in (anna.last().text or "")


async def test_signing_up_for_an_event_that_has_begun_is_answered_honestly(database_url: str) -> None:
    """xres m3: the run (07:00–12:00) offered "Sign me up" while it was on, and a sign-up reached the
    organiser after the start. A page's button tapped once it has begun, and "Send" of a sign-up written
    before, now say it is on (a walk-in event: just come; else: ask a person), and nothing is sent."""
    async with BotHarness.running(database_url=database_url) as bot:
        run = bot.services.content.catalogue.events["viertel-lauf-2027"]  # walk_in and request, 10:00–14:00
        bot.services.clock = lambda: run.starts - timedelta(hours=1)
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start e_viertel-lauf-2027")
        page = anna.last()
        bot.services.clock = lambda: run.starts + timedelta(minutes=40)
        await anna.tap("Anmelden", page)  # the button of the page she opened before the start
        seen = anna.last()
        assert "Die Veranstaltung hat um 10:00 begonnen und geht bis 14:00." in (seen.text or "")
        assert "kommen Sie einfach vorbei" in (seen.text or "")
        assert "❓" not in (seen.text or "") and not any("nmelden" in label for label in seen.labels)
        assert any("Einen Menschen fragen" in label for label in seen.labels)

        # A walk-in event's "Ask a person" is a request about the event: open while it is on.
        assembly = bot.services.content.catalogue.events["bewohnerversammlung-2027-05"]  # walk_in only
        bot.services.clock = lambda: assembly.starts + timedelta(minutes=10)
        await anna.send("/start e_bewohnerversammlung-2027-05")
        await anna.tap("Einen Menschen fragen")
        assert "Schreiben Sie Ihre Nachricht an" in (anna.last().text or "")

        meeting = bot.services.content.catalogue.events["begleitausschuss-2027-02"]  # request only, 17:00
        bot.services.clock = lambda: meeting.starts - timedelta(minutes=30)
        olga = bot.resident("Olga", lang="pl")
        await olga.send("/start e_begleitausschuss-2027-02")
        await olga.tap("✋")
        await skip_questions(olga)
        await olga.send("Przyjdę z koleżanką.")
        await olga.tap("✅")
        await olga.tap("💬")
        check = olga.last()
        bot.services.clock = lambda: meeting.starts + timedelta(minutes=5)
        await olga.tap("✅", check)
        seen = olga.last()
        assert "Wydarzenie zaczęło się o 17:00 i trwa do 19:00. Zapisy nie są już możliwe" in (
            seen.text or ""
        )
        assert not informal_polish(seen.text or "")
        await deliver(bot)
        groups = [chat for chat in bot.telegram.chats if chat < 0]
        sent = [m.text or "" for chat in groups for m in bot.telegram.bot_messages(chat)]
        assert not any("koleżanką" in text for text in sent)  # nothing reached the organiser


async def test_an_offer_ends_at_midnight_in_salzgitter_not_at_midnight_utc(
    database_url: str, tmp_path: Path
) -> None:
    # The menus and links used the UTC date: the Sprachcafé, valid until New Year's Eve, was still offered
    # at half past midnight on New Year's Day in Salzgitter (23:30 UTC).
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    sub(
        target,
        "offers/sprachcafe.yaml",
        "    kind: meeting_place",
        "    valid_until: 2026-12-31\n    kind: meeting_place",
    )
    async with BotHarness.running(database_url=database_url, content_dir=target) as bot:
        anna = bot.resident("Anna", lang="de")
        bot.services.clock = lambda: datetime(2026, 12, 31, 22, 30, tzinfo=UTC)  # 23:30 in Salzgitter
        await anna.send("/start o_sprachcafe")
        assert "Dieses Angebot gibt es zurzeit nicht" not in (anna.last().text or "")
        # The topic's list too (review 1, finding 12: only the deep link was tested).
        await anna.send("/start t_treffpunkte")
        assert any("Sprachcafé" in label for label in anna.last().labels)
        bot.services.clock = lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on New Year's Day
        await anna.send("/start o_sprachcafe")
        assert "Dieses Angebot gibt es zurzeit nicht" in (anna.last().text or "")
        await anna.send("/start t_treffpunkte")
        assert not any("Sprachcafé" in label for label in anna.last().labels)


async def test_the_next_date_of_a_weekly_offer_is_never_after_the_offer_ends(
    database_url: str, tmp_path: Path
) -> None:
    """Review 1, finding 6: the letter counselling, valid until Thursday 10 December, still showed on that
    day (after its session) "Next: Tue, Dec 15", a session that will not take place: the next date counted
    only the schedule's end, not the offer's `valid_until`."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    sub(
        target,
        "offers/briefe-aemter.yaml",
        "    kind: counselling",
        "    valid_until: 2026-12-10\n    kind: counselling",
    )
    async with BotHarness.running(database_url=database_url, content_dir=target) as bot:
        anna = bot.resident("Anna", lang="en")
        bot.services.clock = lambda: datetime(2026, 12, 10, 12, 0, tzinfo=UTC)  # 13:00, the session is over
        await anna.send("/start o_briefe-aemter")
        page = anna.last().text or ""
        assert "Help with letters from offices" in page  # its page, still valid today, no "over" notice
        assert "⏭" not in page and "Dec 15" not in page
        bot.services.clock = lambda: datetime(2026, 12, 8, 17, 0, tzinfo=UTC)  # Tuesday 18:00: Thursday next
        await anna.send("/start o_briefe-aemter")
        assert "⏭ Next: Thu, Dec 10, 9:00\u202fAM – 12:00\u202fPM" in (anna.last().text or "")


async def test_an_offer_removed_while_she_signs_up_is_named_and_nothing_unnamed_reaches_the_partner(
    database_url: str, tmp_path: Path
) -> None:
    # Staff removed the offer (/reload) while Anna was on her check screen: "Send" went out as "Ich möchte
    # mich für dieses Angebot anmelden." with no offer on the card or in the e-mail, and her screen had
    # lost the offer's name too. The partner could not tell which course she meant.
    from tests.test_reload import ADMIN_CHAT, reload_done

    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    async with BotHarness.running(
        database_url=database_url, content_dir=target, admin_chat_id=ADMIN_CHAT
    ) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start o_bewerbungstraining")
        await anna.tap("anmelden")
        await skip_questions(anna)
        await anna.tap("✅")
        choice = anna.last()
        (target / "offers" / "bewerbungstraining.yaml").unlink()
        await bot.partner("Nadine", ADMIN_CHAT).send("/reload")
        await reload_done()
        assert "bewerbungstraining" not in bot.services.content.catalogue.offers
        await anna.tap("💬", choice)
        check = anna.last()
        assert "Bewerbungstraining" in (check.text or "")  # what she is about to send still names it
        await anna.tap("✅", check)
        seen = anna.last()
        assert "Bewerbungstraining" in (seen.text or "")
        assert "Dieses Angebot gibt es zurzeit nicht" in (seen.text or "")
        assert any("Einen Menschen fragen" in label for label in seen.labels)
        await deliver(bot)
        groups = [chat for chat in bot.telegram.chats if chat < 0 and chat != ADMIN_CHAT]
        sent = [m.text or "" for chat in groups for m in bot.telegram.bot_messages(chat)]
        assert not any("anmelden" in text for text in sent), sent


async def test_an_event_removed_while_she_signs_up_is_named_as_no_longer_listed_in_her_language(
    database_url: str, tmp_path: Path
) -> None:
    """Then what she wrote is not lost (found in review: she had to type it all again): "Send" keeps it as a
    question to the organiser, which she checks and sends; its card names the event she meant."""
    from tests.test_reload import ADMIN_CHAT, reload_done

    target = content_with_partner_group(tmp_path, "stadt-soziale-stadt", ORGANISER)
    async with BotHarness.running(
        database_url=database_url, content_dir=target, admin_chat_id=ADMIN_CHAT
    ) as bot:
        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("/start e_begleitausschuss-2027-02")
        title = bot.services.content.catalogue.events["begleitausschuss-2027-02"].title["tr"]
        await ayse.tap("✋")
        await skip_questions(ayse)
        await ayse.send("Arkadaşımla geleceğim.")
        await ayse.tap("✅")
        await ayse.tap("💬")
        check = ayse.last()
        events = target / "events.yaml"
        text = events.read_text(encoding="utf-8")
        start, end = text.index("  begleitausschuss-2027-02:\n"), text.index("  begleitausschuss-2027-06:\n")
        events.write_text(text[:start] + text[end:], encoding="utf-8")
        await bot.partner("Nadine", ADMIN_CHAT).send("/reload")
        await reload_done()
        await ayse.tap("✅", check)
        seen = ayse.last()
        assert title in (seen.text or "")
        assert "Bu etkinlik artık programda yok" in (seen.text or "")
        await deliver(bot)
        groups = [chat for chat in bot.telegram.chats if chat < 0 and chat != ADMIN_CHAT]
        sent = [m.text or "" for chat in groups for m in bot.telegram.bot_messages(chat)]
        assert not any("Arkadaşımla" in text for text in sent), sent

        assert "📝 Yazdıklarınız saklandı: Bunları soru olarak gönderebilirsiniz. Alıcı: " in (
            seen.text or ""
        )
        assert seen.labels[0] == "📝 Soru olarak devam et" and "🙋 Bir kişiye sorun" not in seen.labels
        await ayse.tap("Soru olarak devam et", seen)
        check = ayse.last()
        assert f"Konu: {title}\nArkadaşımla geleceğim." in (check.text or ""), check.text
        await ayse.tap("✅", check)
        assert "numaralı" in (ayse.last().text or "")  # the acknowledgement, with her request's number
        await deliver(bot)
        (card,) = bot.telegram.bot_messages(ORGANISER)
        assert "Betrifft: Begleitausschuss STÄRKEN vor Ort – Sitzung\nArkadaşımla geleceğim." in (
            card.text or ""
        )


async def test_a_sign_up_with_answers_for_an_offer_that_ended_goes_on_as_a_question_with_nothing_lost(
    database_url: str, tmp_path: Path
) -> None:
    """Found in review: "Send" after the helper tandems had ended dropped her answers and her message; she
    had to type everything again to ask the school anything. Now they wait as a question to the school,
    the answers with the questions she read (in polite Polish, as everything else)."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    sub(
        target,
        "offers/helfer-tandem-mitmachen.yaml",
        "    kind: micro_project",
        f"    valid_until: {FUTURE}\n    kind: micro_project",
    )
    async with BotHarness.running(database_url=database_url, content_dir=target) as bot:
        olga = bot.resident("Olga", lang="pl")
        await olga.send("/start o_helfer-tandem-mitmachen")
        await olga.tap("Chcę pomagać")
        await olga.send("ja, emerytka")
        await skip_questions(olga)
        written = await olga.send("Mogę pomagać we wtorki.")
        await olga.tap("✅")
        await olga.tap("💬")
        check = olga.last()
        bot.services.clock = lambda: datetime.combine(FUTURE + timedelta(days=2), datetime.min.time(), UTC)
        send = next(b["callback_data"] for b in check.flat_buttons if b["text"].startswith("✅"))
        await olga.tap("✅", check)
        seen = olga.last()
        await olga.press(send, check)  # "Send" tapped twice: the question she has not checked is not sent
        await deliver(bot)
        assert not bot.telegram.bot_messages(SCHOOL_GROUP)
        assert "Zostań pomocnikiem" in (seen.text or "")
        assert "Napisany tekst został zachowany: można go wysłać jako pytanie do organizacji" in (
            seen.text or ""
        )
        assert not informal_polish((seen.text or "").split("📝")[1])  # (the offer's title is the content's)
        await olga.tap("Kontynuuj jako pytanie", seen)
        check = olga.last()
        offer = bot.services.content.catalogue.offers["helfer-tandem-mitmachen"]
        question = next(q.question for q in offer.intake if q.id == "wer")
        # As she read it, and in German for the school (review: the card showed Polish questions only).
        asked = f"{question['pl']} / {question['de']}"
        title = bot.services.content.catalogue.offers["helfer-tandem-mitmachen"].title
        assert f"Dotyczy: {title['pl']}\n{asked} ja, emerytka\nMogę pomagać we wtorki." in (check.text or "")
        # Her message now follows her answers: an edit of it still corrects it there.
        await olga.edit(written, "Mogę pomagać w środy.")
        assert "ja, emerytka\nMogę pomagać w środy." in (olga.last().text or "")
        await olga.tap("✅", check)
        await deliver(bot)
        (card,) = bot.telegram.bot_messages(SCHOOL_GROUP)
        assert f"Betrifft: {title['de']}\n{asked} ja, emerytka\nMogę pomagać w środy." in (card.text or "")
        assert "Chcę pomagać" not in (card.text or "")  # no sign-up for what has ended


async def test_an_offer_removed_with_its_partner_goes_on_as_a_question_to_whom_send_takes_it(
    database_url: str, tmp_path: Path
) -> None:
    """Found in review: staff removed the offer and its organisation while she wrote; the screen after
    "Send" offered to send her words "as a question to (organisation no longer listed)", while "Send" takes
    them to the Quartiersmanagement. It names where they go."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    async with BotHarness.running(database_url=database_url, content_dir=target) as bot:
        catalogue = bot.services.content.catalogue
        qm = str(catalogue.partners[catalogue.catch_all_partner_id].name["de"])
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start o_familienberatung")
        await anna.tap("✋")
        await skip_questions(anna)
        await anna.send("Wir brauchen Hilfe mit der Kita-Anmeldung.")
        await anna.tap("✅")
        await anna.tap("💬")
        check = anna.last()
        (target / "offers" / "familienberatung.yaml").unlink()
        partners = target / "partners.yaml"
        text = partners.read_text(encoding="utf-8")
        start, end = text.index("  fd-kinder-jugend-familie:\n"), text.index("  fd-soziales:\n")
        partners.write_text(text[:start] + text[end:], encoding="utf-8")
        assert (await bot.services.content.reload()).ok
        await anna.tap("✅", check)
        seen = anna.last()
        assert f"als Frage an {qm} schicken" in (seen.text or ""), seen.text
        assert "nicht mehr" not in (seen.text or "").split("📝")[-1]
        await anna.tap("Als Frage weiter", seen)
        check = anna.last()
        assert qm in (check.text or "")
        await anna.tap("✅", check)
        assert qm in (anna.last().text or "")
        await deliver(bot)
        (card,) = bot.telegram.bot_messages(QUARTIERSMANAGEMENT)
        assert "Kita-Anmeldung" in (card.text or "")
