"""Reminders and escalation are driven by database timestamps: once each, restart-safe."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.delivery import outbox
from bot.delivery.outbox import Destination
from bot.storage.db import Database
from bot.storage.models.outbox import Audience, Channel
from bot.storage.models.requests import Request
from bot.tickets import partners
from bot.tickets.deps import Outcome, TicketContext
from bot.tickets.reminders import remind_and_escalate
from tests.tickets.fakes import ADMIN_CHAT, CATCH_ALL_CHAT, PARTNER_CHAT, RESIDENT
from tests.tickets.helpers import outbox_rows, submit


async def test_reminder_after_response_time_then_escalation_once(
    database: Database, ctx: TicketContext
) -> None:
    request = await submit(database, ctx)  # partner "bildung": response 24 h, escalation 72 h
    created = request.routed_at
    before = len(await outbox_rows(database))

    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, created + timedelta(hours=23)) == 0
    async with database.transaction() as session:  # the reminder, and she learns her time has passed
        assert await remind_and_escalate(session, ctx, created + timedelta(hours=25)) == 2
    async with database.transaction() as session:  # the next poll (or a restarted bot) does nothing again
        assert await remind_and_escalate(session, ctx, created + timedelta(hours=26)) == 0
    rows = (await outbox_rows(database))[before:]
    reminder, late, staff = rows
    assert reminder.target == str(PARTNER_CHAT) and reminder.payload["reply_to_card"] == request.id
    assert f"nobody has taken on request {request.number}" in reminder.payload["text"]
    assert late.target == str(RESIDENT) and late.request_id == request.id
    assert late.dedupe_key == f"req:{request.id}:late:{created.timestamp()}"
    assert staff.target == str(ADMIN_CHAT) and staff.payload["text"] == (
        f"⏰ Request {request.number} to Bildungsträger has had no answer within 24 hours, the time the "
        "resident was told to expect one. They were told that the Quartiersmanagement will take care of it."
    )

    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, created + timedelta(hours=73)) == 1
        assert await remind_and_escalate(session, ctx, created + timedelta(hours=74)) == 0
    card, told, note = (await outbox_rows(database))[before + 3 :]
    assert card.target == str(CATCH_ALL_CHAT) and card.link_role == "card"
    assert "Escalated: Bildungsträger has not taken this request on within 3 days" in card.payload["text"]
    # The partner learns that someone else may now act on its request, in its thread.
    catch_all = ctx.partner_name(ctx.catalogue.catch_all_partner_id)
    assert told.target == str(PARTNER_CHAT) and told.payload["reply_to_card"] == request.id
    assert told.payload["text"] == (
        f"<i>Nobody has taken on request {request.number} within 3 days: {catch_all} sees it now too and "
        "may take it on and answer it.</i>"
    )
    # She gets nothing now: at her promised time (25 h) she read that the Quartiersmanagement knows and takes
    # care of it; "it is now also with the Quartiersmanagement" would be the same news a second time (the
    # escalation still tells her where no late notice came: test_late_answer).
    assert note.target == str(ADMIN_CHAT) and request.number in note.payload["text"]

    # The catch-all's group may now act on the request; the partner's thread learns whose staff took it on.
    async with database.transaction() as session:
        taken = await partners.take_on(
            session, ctx, request_id=request.id, chat_id=CATCH_ALL_CHAT, staff_name="Maria"
        )
    assert taken.outcome is Outcome.OK
    threads = [r for r in await outbox_rows(database) if r.payload.get("reply_to_card") == request.id]
    assert {r.target for r in threads[-2:]} == {str(PARTNER_CHAT), str(CATCH_ALL_CHAT)}
    for row in threads[-2:]:
        assert row.payload["text"] == f"<i>Maria ({catch_all}) has taken on request {request.number}.</i>"


async def test_a_request_from_the_emergency_screen_is_escalated_after_hours_not_days(
    database: Database, ctx: TicketContext
) -> None:
    """Found in review: a request sent from the emergency screen waited the partner's three days, like any
    other, before the Quartiersmanagement saw it, and its reminder came after a day saying the resident was
    told to expect an answer within it (she was told no waiting time)."""
    ordinary = await submit(database, ctx)  # partner "bildung": reminder after 24 h, escalation after 72 h
    urgent = await submit(database, ctx, resident_id=RESIDENT + 1, urgent=True)
    before = len(await outbox_rows(database))
    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, urgent.routed_at + timedelta(hours=1)) == 0
    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, urgent.routed_at + timedelta(hours=3)) == 1
    (reminder,) = (await outbox_rows(database))[before:]
    assert reminder.target == str(PARTNER_CHAT) and reminder.request_id == urgent.id
    assert reminder.payload["text"] == (
        f"<i>Reminder: nobody has taken on request {urgent.number} yet. It is urgent (see the card or the "
        "notes below it): please take it on and answer soon.</i>"
    )
    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, urgent.routed_at + timedelta(hours=5)) == 1
    card, told, resident, note = (await outbox_rows(database))[before + 1 :]
    assert card.target == str(CATCH_ALL_CHAT) and card.link_role == "card"
    assert card.request_id == urgent.id != ordinary.id
    assert resident.target == str(RESIDENT + 1) and "has not been answered yet" in resident.payload["text"]
    assert told.target == str(PARTNER_CHAT) and "within 4 hours" in told.payload["text"]
    assert "Escalated: Bildungsträger has not taken this request on within 4 hours" in card.payload["text"]
    assert "Sent from the emergency screen" in card.payload["text"]
    assert note.target == str(ADMIN_CHAT) and urgent.number in note.payload["text"]


async def test_taken_requests_get_no_reminder(database: Database, ctx: TicketContext) -> None:
    request = await submit(database, ctx)
    async with database.transaction() as session:
        await partners.take_on(session, ctx, request_id=request.id, chat_id=PARTNER_CHAT, staff_name="A")
    before = len(await outbox_rows(database))
    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, request.routed_at + timedelta(days=10)) == 0
    assert len(await outbox_rows(database)) == before


async def test_a_request_to_an_e_mail_only_partner_is_still_escalated_when_nobody_takes_it_on(
    database: Database, ctx: TicketContext
) -> None:
    """Review 1, finding 2: the Quartiersmanagement's copy of a request to a partner reached only by e-mail
    comes at once (to pass the e-mailed answer on), and counted as its escalation: when the partner ignored
    the request, nobody was ever told. After the partner's escalation time the Quartiersmanagement's thread
    and the admin chat learn it, once."""
    request = await submit(database, ctx, offer_id=None, partner_id="beratung")
    partner = ctx.partner("beratung")
    assert partner is not None
    hours = partner.requests.escalation_hours
    before = len(await outbox_rows(database))
    async with database.transaction() as session:
        await remind_and_escalate(session, ctx, request.routed_at + timedelta(hours=hours - 1))
    reminded = len(await outbox_rows(database))
    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, request.routed_at + timedelta(hours=hours + 1)) == 1
        assert await remind_and_escalate(session, ctx, request.routed_at + timedelta(days=30)) == 0
    rows = (await outbox_rows(database))[reminded:]
    note, told, notice = rows
    assert reminded > before  # the reminder to the partner (and the copy) came first
    assert note.target == str(CATCH_ALL_CHAT) and note.payload["reply_to_card"] == request.id
    # It has no "Take on" (xr3 m10): what the Quartiersmanagement learns is that no answer reached her.
    assert note.payload["text"].startswith(
        f"<i>No answer of Beratungsstelle to request {request.number} has reached the resident within"
    )
    assert notice.target == str(ADMIN_CHAT) and request.number in notice.payload["text"]
    # She was promised an answer within that time too (xr3 m9); the Quartiersmanagement had her request
    # from the start, so she learns that it follows it up, not that it has it "now also".
    t = ctx.t(request.language)
    assert told.target == str(RESIDENT) and told.payload["text"] == (
        f"ℹ️ No answer to your request {t.isolate(request.number)} has reached you yet. "
        f"{t.isolate(ctx.partner_name(ctx.catalogue.catch_all_partner_id))} is following it up and will get "
        "back to you."
    )


async def test_an_e_mail_partner_is_reminded_that_no_answer_arrived_not_to_take_on_what_it_cannot(
    database: Database, ctx: TicketContext
) -> None:
    """Found in exploratory testing (xr3 m10): a partner reached by e-mail was reminded that "nobody has
    taken on" its request, a Telegram button it does not have, even after it had replied (without inbound
    mail its reply goes to the Quartiersmanagement's mailbox, unseen by the bot). Its reminder says no
    answer reached the resident yet, and to ignore it if it answered; the Quartiersmanagement's copy in its
    group keeps the button's wording."""
    request = await submit(database, ctx, offer_id=None, partner_id="beratung")
    partner = ctx.partner("beratung")
    assert partner is not None
    before = len(await outbox_rows(database))
    async with database.transaction() as session:
        due = request.routed_at + timedelta(hours=partner.requests.response_hours + 1)
        assert await remind_and_escalate(session, ctx, due) == 2  # and she learns that her time passed
    rows = (await outbox_rows(database))[before:]
    (mail,) = [row for row in rows if row.channel == "email"]
    assert mail.payload["text"] == (
        f"Reminder: no answer to request {request.number} has reached the resident yet; they were told "
        "to expect one within 2 days. Please answer as the first e-mail about it says. If you have already "
        "done so, please ignore this reminder."
    )
    assert all("taken on" not in row.payload["text"] for row in rows if row.channel == "email")


async def test_without_an_admin_chat_an_escalation_reaches_the_quartiersmanagements_group_once(
    database: Database, ctx: TicketContext
) -> None:
    """Found in exploratory testing (xr3 m10): with no ADMIN_CHAT_ID the staff notice goes to the
    Quartiersmanagement's group, which the escalation had just told (its card, or its copy's thread): the
    same escalation twice in its group."""
    ctx = replace(ctx, admin_chat_id=None)
    by_email = await submit(database, ctx, offer_id=None, partner_id="beratung")  # its copy from the start
    in_group = await submit(database, ctx, resident_id=RESIDENT + 1)  # "bildung", a group of its own
    before = len(await outbox_rows(database))
    async with database.transaction() as session:
        await remind_and_escalate(session, ctx, by_email.routed_at + timedelta(days=30))
    at_catch_all = [
        row for row in (await outbox_rows(database))[before:] if row.target == str(CATCH_ALL_CHAT)
    ]
    for request in (by_email, in_group):
        told = [row.payload["text"] for row in at_catch_all if row.request_id == request.id]
        # The escalation (the card with its note, or the copy's note), no staff notice besides it.
        escalations = [text for text in told if not text.startswith("<i>Reminder")]
        assert len(escalations) == 1, told


async def test_a_request_whose_steps_fail_costs_no_other_request_its_reminder(
    database: Database, ctx: TicketContext
) -> None:
    """Review rv6: one request's outbox key, enqueued before, made the whole round fail every minute, and
    every request's reminders and escalations with it. Each request's steps have a savepoint now."""
    broken = await submit(database, ctx, urgent=True)
    other = await submit(database, ctx, resident_id=RESIDENT + 1, urgent=True)
    async with database.transaction() as session:  # its reminder's key is taken
        await outbox.enqueue(
            session,
            Destination(Channel.TELEGRAM, str(PARTNER_CHAT)),
            "…",
            audience=Audience.PARTNER,
            dedupe_key=f"req:{broken.id}:reminder:{broken.routed_at.timestamp()}",
        )
    before = len(await outbox_rows(database))
    async with database.transaction() as session:
        assert await remind_and_escalate(session, ctx, other.routed_at + timedelta(hours=3)) == 1
    (reminder,) = (await outbox_rows(database))[before:]
    assert reminder.request_id == other.id and "urgent" in reminder.payload["text"]
    async with database.sessions() as session:  # nothing of the failed step stays: tried again
        assert (await session.get_one(Request, broken.id)).reminder_sent_at is None
