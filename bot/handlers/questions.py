"""Free-text questions: the emergency numbers first (the text still going on to a running request dialogue or
thread; an edited text corrects what it went into), else such a dialogue or thread, else (her first message
after /delete) the first minute again, else a button's label typed, else small talk (and a typed wish to
talk to a person, which opens "Ask a person"), else the search (what it cannot answer offers first to add
the message to an open request of hers: `conversation.offer_to_add`)."""

from __future__ import annotations

import re

from telegram import Message, Update

from bot.handlers import afresh
from bot.handlers.common import answer_query, button_press, show, tapped_old_message
from bot.handlers.context import Context
from bot.handlers.conversation import (
    conversation_input,
    correction,
    handover_typed,
    offer_as_answer,
    offer_below_answer,
    offer_to_add,
    resident_followup,
    settled,
    write_on,
)
from bot.handlers.menu import back_typed, danger_words, show_entry, typed_vote
from bot.handlers.navigation import show_main_menu, stale_button
from bot.handlers.requests import ask_person_typed, dialogue_input, media_kept
from bot.handlers.typed_labels import named_button
from bot.languages import same_language
from bot.render import requests as request_screens
from bot.render import screens
from bot.render.callback import DEEP_LINK_KINDS, Origin, deep_link_payload
from bot.render.keyboards import Button
from bot.search.engine import SearchResult
from bot.search.smalltalk import vote_answer
from bot.search.urgency import marks_urgent

# Only a small number ("1", "2.", "٣", "1️⃣"): a resident who types the button she means instead of tapping.
TYPED_NUMBER = re.compile(r"\d{1,2}[.)]?|\d\ufe0f?\u20e3")
# What the search says of a text that asks nothing (no words, only emoji, too short, a bare yes or no).
BARE = frozenset({"empty", "emoji", "too_short", "bare_yes", "bare_no"})


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await answer(update, context, message.text, dialogue=update.edited_message is None)


async def new_question(update: Update, context: Context) -> None:
    """“A new question”: the text held by the draft is searched; the draft waits (parked)."""
    if (press := button_press(update)) is None:
        return
    query, user, callback = press
    reply = await context.services.requests.press(user.id, callback.arg(1), "new", f"q:{query.id}")
    if reply.effect != "question" or not reply.question:
        await stale_button(update, context)
        return
    await answer_query(query)
    await answer(update, context, reply.question, dialogue=False)


async def conversation_question(update: Update, context: Context) -> None:
    """“A new question” under “which request is this message for?” (or “your answer, or a new question?”):
    her message, which the prompt replies to, is answered as a question instead (in place of the prompt)."""
    query = update.callback_query
    original = (
        query.message.reply_to_message if query is not None and isinstance(query.message, Message) else None
    )
    if original is None or not original.text:
        await stale_button(update, context)
        return
    await answer_query(query)
    if query is not None and query.message is not None:
        # Her message waits no longer: it is a question now.
        await settled(context, query.from_user.id, query.message)
    await answer(update, context, original.text, dialogue=False)


async def after_first_minute(update: Update, context: Context) -> None:
    """After the language and district of the first minute after /delete (`afresh`): what she wrote or sent
    meanwhile, now in her language: her questions answered (together, the latest few), her files asked
    about ("who should get this?", below the answer); else the question of the request she is writing
    (`draft_again`), else the menu."""
    held = await afresh.release(update, context)
    texts = [item for item in held if isinstance(item, str)]
    files = [item for item in held if not isinstance(item, str)]
    below = tapped_old_message(update, context)  # a picker far up: the screen comes below, where she reads
    if not held:
        if not await draft_again(update, context):
            await show_main_menu(update, context, new_message=below)
        return
    if texts:
        await answer(update, context, "\n".join(texts), dialogue=False)
    if files:
        await media_kept(update, context, files, new_message=bool(texts) or below)


async def draft_again(update: Update, context: Context) -> bool:
    """A language (or district) chosen while she writes a request – she typed a language's name because she
    could not read the question (explore xr4 F5): the question she was answering again, in place of the
    picker, in her language now; her next message answers it. False if no draft runs (the picks do not park
    it: `requests.park_on_navigation`)."""
    user = update.effective_user
    if user is None or context.user_data is None or not context.user_data.drafting:
        return False
    view = await context.services.requests.running_draft(user.id)
    if view is None:
        return False
    screen = request_screens.ask_new_screen if view.pending else request_screens.dialogue_screen
    # In place of the picker she tapped, unless it is an old picker far up: then below, where she reads.
    await show(update, context, *screen(context.t, view), new_message=tapped_old_message(update, context))
    return True


async def district_chosen(update: Update, context: Context, district: str | None) -> None:
    """A district tapped, or its name typed at the first minute's district step (None: "I don't know"):
    stored, then what she wrote or sent meanwhile, else the menu."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return
    await context.services.residents.choose_district(user.id, district)
    context.user_data.district = district
    await after_first_minute(update, context)


async def taken_as_input(
    update: Update, context: Context, *, match: tuple[str, str] | None, danger: bool = False
) -> bool:
    """A running request dialogue takes the text (`match`: the search's confident entry for it); so does a
    reply to one of the request's messages, and an open conversation (a request waiting for the
    resident). `danger`: the search showed her the emergency numbers for it; the request desk makes the
    request urgent. False: the text is a question."""
    return (
        await dialogue_input(update, context, match=match, danger=danger)
        or await resident_followup(update, context, danger=danger)
        or await conversation_input(update, context, danger=danger)
    )


def continue_in(context: Context, result: SearchResult, target: str) -> Button | None:
    """“🌐 Türkçe devam et”, in that language's own words, below the answer or the choices that her question
    read in another language than the bot's brought (``SearchResult.read_in``: Turkish words on a German
    phone, Arabic or Persian letters, whichever reading won): her language becomes it, and `target` (the
    answer's link, the choices' `Origin`) comes again in it (`start.continue_in`). Not for the bot's own
    language (German and plain German are one), nor one the bot does not speak. While the bot's language is
    one she chose herself (in the picker), each language is offered once (`UserData.continue_offered`):
    she may write Turkish to a German bot on purpose."""
    lang, data = result.read_in, context.user_data
    if lang is None or data is None or lang not in context.services.i18n.languages:
        return None
    if same_language(lang, context.lang) or (data.language_confirmed and lang in data.continue_offered):
        return None
    button = screens.continue_in(context.services.i18n.translator(lang), target)
    if button is not None and data.language_confirmed:
        data.continue_offered.add(lang)
    return button


async def answer(update: Update, context: Context, text: str, *, dialogue: bool) -> None:
    """Emergency first (and then, with `dialogue`, the text goes on to a running request dialogue or thread,
    as it would without the danger words), else such a dialogue or thread, else the search."""
    services = context.services
    lang = context.lang
    district = context.district
    # In a worker thread: embedding the question must not hold up other residents. Offers and events that
    # are over or not yet on are left out, as in the menus.
    result = await services.answer_question(text, lang, district)
    if result.emergency:
        hits = []
        if result.emergency_match is not None and not result.emergency_match.hard:
            # Soft words ("pomocy", "Hilfe!") also start ordinary requests: the best entries go below the
            # numbers, and "Ask a person" carries the message.
            hits = [
                (hit.kind, hit.id) for hit in ([result.answer] if result.answer else []) + result.alternatives
            ]
        if context.user_data is not None:
            context.user_data.asked(text, services.clock(), answered=False)
        # The numbers first, at once (the short list of them while she was sent the full screen minutes
        # ago: `danger_words`). Then what she wrote still goes where it would have gone without the
        # danger words (the counsellor she is writing with must learn it; a draft keeps it), confirmed
        # below the numbers. Taken as written: the numbers already offer the search's entries.
        await danger_words(update, context, text, hits[:3])
        # Only some danger words make the request urgent (`marks_urgent`: not "droht mir mit Sanktionen").
        danger = marks_urgent(services.engine, result.emergency_match)
        if dialogue:
            await write_on(update, context)
            if not await taken_as_input(update, context, match=None, danger=danger):
                # After the conversation went quiet, asked about as a plain line is ("your answer to …?"):
                # the partner helping her must not miss it (her tap finds its danger words again).
                await offer_as_answer(update, context)
        elif update.edited_message is not None:
            await correction(update, context, danger=danger)  # in her draft, or passed on as a correction
        return
    # An edit of a text she wrote into her draft corrects it there; of one that reached a request, goes to
    # the partner as her correction. Any other edited message is a question again (searched, never taken
    # as input: nothing she did not write into a draft or a conversation changes one).
    if update.edited_message is not None and await correction(update, context):
        return
    match = (result.answer.kind, result.answer.id) if result.answer else None
    # "ja" / "Ja, danke" right under "Did this help?": 👍 (only a plain yes or no: `vote_answer`).
    if dialogue and (helpful := vote_answer(text, lang)) is not None:
        if await typed_vote(update, context, helpful=helpful):
            return
    if dialogue:
        await write_on(update, context)  # a message left under the bot's question is not lost
    if dialogue and await taken_as_input(update, context, match=match):
        return
    if dialogue and await handover_typed(update, context):
        return  # "ja" under the hand-over question: the question again, its buttons answer it
    # Only a button's label ("Menü", "geri"): what the button does, not a search for the word.
    button = named_button(services.i18n, lang, text)
    # After /delete: her question waits for her language and district (a greeting, a button's label or a
    # number needs no answer after it; a wish to talk to a person is kept: "Ask a person" follows).
    data = context.user_data
    if dialogue and button:
        await afresh.release(update, context)  # "Menü" typed: she goes on without choosing
    kept = not (button or TYPED_NUMBER.fullmatch(text.strip()) or result.small_talk not in (None, "person"))
    held = text if kept and result.reason not in BARE else None
    if dialogue and data is not None and data.first_step == "district":
        if (district := afresh.typed_district(context, text)) is not None:
            await district_chosen(update, context, district)  # her district's name, typed
            return
    if dialogue and await afresh.held_step(update, context, held):
        return  # kept, and the step she is at asked again
    if dialogue and data is not None and data.afresh:
        await afresh.first_contact(update, context, held)  # her first message after /delete
        return
    if button == "menu":
        await show_main_menu(update, context)
        return
    if button == "back":
        await back_typed(update, context)
        return
    if TYPED_NUMBER.fullmatch(text.strip()):
        # Every screen ends with buttons: she is pointed to them (the screen above still works).
        if (message := update.effective_message) is not None:
            await message.reply_html(screens.tap_a_button(context.t))
        return
    if result.small_talk == "person":
        await ask_person_typed(update, context)  # "ich will mit einem Menschen sprechen": as "🙋" does
        return
    if result.small_talk:
        screen = screens.small_talk_screen(context.t, result.small_talk)
        # "Hallo?" while she waits for an answer: a nudge she may send to her request. "Danke", "Tschüss":
        # said to the bot, nothing for the people who have her request.
        plain = screen
        if dialogue and result.small_talk not in ("thanks", "bye"):
            say = "greeting" if result.small_talk == "greeting" else "hint"
            screen = await offer_to_add(update, context, screen, say)
        # "Merhaba" on a German phone, often the first thing she types: "🌐 Türkçe devam et" above the menu,
        # then the greeting again in Turkish (not under the nudge to her open request: its ✍️ would go).
        target = screens.small_talk_target(result.small_talk)
        if screen is plain and (switch := continue_in(context, result, target)) is not None:
            screen = screen[0], [*screen[1][:-1], [switch], *screen[1][-1:]]
        await show(update, context, *screen)
        return
    # No clear question, or one whose answer is what the request is about ("Meine Kinder sind 3 und 5" →
    # the childcare FAQ), while a partner's message waits for her answer (she answers the next morning,
    # after the conversation went quiet): she is asked whether it is that answer.
    if dialogue and await offer_as_answer(update, context, match):
        return
    if context.user_data is not None and result.reason not in BARE:
        context.user_data.asked(text, services.clock(), answered=result.answer is not None)
    if result.answer is not None:
        kind, entry_id = result.answer.kind, result.answer.id
        linkable = kind in DEEP_LINK_KINDS.values()
        # Read in another language than the bot's ("Almanca kursu var mı?" on a German phone): "🌐 Türkçe
        # devam et" below the answer, her language then, and the answer again in it. Else, written in
        # another script (Arabic on a German phone): 🌐 shows it again in the language she picks.
        switch = continue_in(context, result, deep_link_payload(kind, entry_id)) if linkable else None
        other = result.other_script and linkable and switch is None
        then = deep_link_payload(kind, entry_id) if other else None
        # Even a confident answer may miss what she meant for the people who have her request ("Ich habe
        # noch keine Antwort bekommen"): while one she sent lately is open, it may go there with one tap.
        below = await offer_below_answer(update, context) if dialogue else None
        await show_entry(
            update,
            context,
            kind,
            entry_id,
            feedback_buttons=True,
            language_then=then,
            switch=switch,
            below=below,
        )
        return
    if result.alternatives:
        hits = [(hit.kind, hit.id) for hit in result.alternatives]
        # The choices, too, may come again in the language they were read in (in place of 🌐).
        switch = continue_in(context, result, str(Origin.of("alternatives", hits)))
        screen = screens.alternatives_screen(context.t, services.content.catalogue, hits, switch)
    elif result.reason == "no_match":
        screen = screens.unknown_screen(context.t)
    else:
        screen = screens.not_found_screen(context.t, result.reason)
    if result.reason in {"no_match", "unsupported_script"} and update.effective_user is not None:
        await services.feedback.unanswered(update.effective_user.id, text, lang, district)
    if dialogue and result.reason not in ("empty", "emoji"):
        # Not answered while a request of hers is open ("Hallo? Antwortet mir jemand?" after a sign-up,
        # "???"): may be meant for the people who have it. First on the screen, one tap adds it there. So
        # may a bare "Ja" or "Nein" (the partner asked "Können Sie am Dienstag kommen?" before she ended the
        # conversation), as "ok" is. With ✍️ below, a bare "Ja" reads as "Nein" does ("All right!"), not as
        # if the bot failed ("I'm not sure what your answer refers to"): ✍️ says where it may belong.
        friendly = screens.not_found_screen(context.t, "bare_no") if result.reason == "bare_yes" else screen
        offered = await offer_to_add(update, context, friendly)
        screen = screen if offered is friendly and friendly is not screen else offered
    await show(update, context, *screen)
