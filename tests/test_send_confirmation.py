"""After "✅ Send" the resident is told once that her request went out: the acknowledgement replaces the check
screen at once, and nothing else follows; a crash before she saw it does not cost her the message, and a
reply to it goes to the request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.content.models import localized
from bot.i18n import I18n
from bot.render import requests as render
from bot.storage.models.requests import Request
from tests.harness import ROOT, BotHarness, deliver, fill_in_request


class Killed(BaseException):
    """The process dies (not an error a handler could catch)."""


async def the_request(bot: BotHarness) -> Request:
    async with bot.services.database.sessions() as session:
        (request,) = (await session.scalars(select(Request))).all()
        return request


def acknowledgement(bot: BotHarness, lang: str, request: Request, *, urgent: bool = False) -> str:
    partner = bot.services.content.catalogue.partners[request.partner_id]
    t = bot.services.i18n.translator(lang)
    name = localized(partner.name, lang)
    hours = partner.requests.response_hours
    return render.acknowledgement(t, request.number, name, hours, by_phone=False, urgent=urgent)


@pytest.mark.parametrize(
    ("lang", "thanks", "here"),
    [
        ("de", "✅ Danke! Ihre Anfrage Nr.", "Die Antwort kommt hier in diesen Chat."),
        ("ar", "✅ شكرًا! تم إرسال طلبك", "سيصلك الجواب هنا في هذه المحادثة."),
    ],
)
async def test_send_is_confirmed_once_in_place_of_the_check_screen(
    bot: BotHarness, lang: str, thanks: str, here: str
) -> None:
    # Found by review: the check screen became "✅ Sent. Your request number is N." and a moment later the
    # outbox brought "✅ Thank you! Your request N was sent to …": two confirmations in a row.
    resident = bot.resident("Amal", lang=lang)
    t = bot.services.i18n.translator(lang)
    await fill_in_request(resident, "briefe-aemter", "Brief vom Jobcenter")
    check = resident.last()
    await resident.tap("✅", check)
    await deliver(bot)
    request = await the_request(bot)
    after = [m for m in bot.telegram.bot_messages(resident.chat) if m.message_id >= check.message_id]
    assert [m.message_id for m in after] == [check.message_id]  # the check screen, replaced; nothing after
    (confirmation,) = after
    text = confirmation.text or ""
    assert text == acknowledgement(bot, lang, request)
    assert text.startswith(thanks) and request.number in text and here in text
    assert confirmation.labels == ["🏠 " + t.gettext("Menu")]
    # A reply to it goes to the request, as a reply to any of the bot's messages about the request does.
    group, card = next(
        (chat, m)
        for chat in bot.telegram.chats
        if chat < 0
        for m in bot.telegram.bot_messages(chat)
        if "Brief vom Jobcenter" in (m.text or "")
    )
    await resident.send("Der Brief kam am Montag.", reply_to=confirmation)
    await deliver(bot)
    added = bot.telegram.bot_messages(group)[-1]
    assert "Der Brief kam am Montag." in (added.text or "") and added.reply_to == card.message_id


async def test_a_crash_before_the_confirmation_showed_tells_her_when_send_is_handled_again(
    bot: BotHarness,
) -> None:
    # The request is committed, then the process dies before her screen changed: the update is handled
    # again after the restart (the inbox), as a "Send" she taps again would be. She is told then, with the
    # same number, and still that it is marked urgent (the draft is gone by then).
    anna = bot.resident("Anna", lang="de")
    await anna.send("Mein Mann schlägt mich")
    await anna.tap("🙋")
    await anna.tap("✅")
    await anna.tap("💬")
    check = anna.last()
    send = next(b["callback_data"] for b in check.flat_buttons if b["text"].startswith("✅"))

    def dies_at_the_screen(method: str, params: dict[str, object]) -> Killed | None:
        return Killed() if method == "editMessageText" else None

    bot.telegram.fault = dies_at_the_screen
    with pytest.raises(Killed):
        await anna.press(send, check)
    bot.telegram.fault = None
    request = await the_request(bot)
    assert "Danke" not in (anna.last().text or "")  # not told yet

    await anna.press(send, check)
    await deliver(bot)
    assert (await the_request(bot)).number == request.number  # no second request
    after = [m for m in bot.telegram.bot_messages(anna.chat) if m.message_id >= check.message_id]
    assert [m.message_id for m in after] == [check.message_id]
    text = after[0].text or ""
    assert text == acknowledgement(bot, "de", request, urgent=True)
    assert "Notrufnummern" in text and "2 Tage" not in text


@pytest.mark.parametrize("via", ["Quartiersmanagement", None])
def test_an_urgent_request_handed_over_to_an_e_mail_partner_names_no_waiting_time(via: str | None) -> None:
    """A request from the emergency screen was told no waiting time; its hand-over notice names none either
    and repeats not to wait in danger (review of today's change)."""
    t = I18n(ROOT / "locales", default="de").translator("de")
    text = " ".join(render.handed_over_notice(t, "123456", "Jobcenter", 72, via, urgent=True).split())
    assert "Notrufnummern" in text and "3 Tage" not in text
    assert "3 Tage" in render.handed_over_notice(t, "123456", "Jobcenter", 72, "Quartiersmanagement")
