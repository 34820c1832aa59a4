"""All handlers, registered in one place. Order matters: the negative groups run for every update first
(flood guard, forged buttons, the resident's row, parking a draft), then the first matching handler of
group 0 takes it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Literal

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot.handlers import (
    admin,
    afresh,
    common,
    conversation,
    errors,
    menu,
    navigation,
    partner_group,
    questions,
    requests,
    start,
)
from bot.handlers.context import AppType, Context
from bot.render.callback import pattern

PRIVATE = filters.ChatType.PRIVATE
FILES = filters.PHOTO | filters.VOICE | filters.Document.ALL
TEXT_MESSAGE = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


def on_button(
    callback: Callable[[Update, Context], Coroutine[Any, Any, None]],
    *namespaces: str,
    first: Iterable[str] = (),
    args: Literal["required", "none", "optional"] = "required",
) -> CallbackQueryHandler[Context, None]:
    """A handler for the buttons of `namespaces` (the arguments as in `bot.render.callback.pattern`)."""
    return CallbackQueryHandler(callback, pattern=pattern(*namespaces, first=first, args=args))


def register(app: AppType) -> None:
    # Group -20: every update first counts (a resident sending very many messages is slowed down) and
    # refreshes the resident's row (language, district, last seen).
    app.add_handler(TypeHandler(Update, common.load_resident), group=-20)
    # Group -15: a button pressed in a chat where it never appears (forged, or forwarded) goes no further.
    app.add_handler(TypeHandler(Update, common.check_button_chat), group=-15)
    # Group -5: navigation (/start, a command, a menu tap) parks a running request draft (and takes the
    # "share my phone number" keyboard away).
    app.add_handler(TypeHandler(Update, requests.park_on_navigation), group=-5)
    # Group -2: a button on a screen from before /delete gets the first minute, as her next message does.
    app.add_handler(CallbackQueryHandler(afresh.old_screen), group=-2)
    # Group -1: a message that only names a language opens the language picker (also in a request, unless
    # its question asks for a language).
    app.add_handler(MessageHandler(PRIVATE & TEXT_MESSAGE, start.language_by_name), group=-1)

    # Commands in the resident's private chat.
    app.add_handler(CommandHandler("start", start.start, filters=PRIVATE))
    app.add_handler(CommandHandler(["menu", "menue"], start.menu, filters=PRIVATE))
    app.add_handler(CommandHandler(["help", "hilfe"], start.help_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["language", "sprache"], start.language_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["district", "stadtteil"], start.district_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["privacy", "datenschutz"], start.privacy, filters=PRIVATE))
    app.add_handler(CommandHandler(["requests", "anfragen"], conversation.requests_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["delete", "loeschen"], start.delete_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["mydata", "meinedaten"], start.mydata, filters=PRIVATE))

    # Staff commands (they check the admin chat / admin ids themselves, in groups and in private).
    app.add_handler(CommandHandler("reload", admin.reload_content))
    app.add_handler(CommandHandler("stats", admin.stats))

    # A button without data (forged, or a game button) would match the first handler with a pattern
    # below: PTB skips the pattern when there is no data. It is out of date, whatever it was.
    app.add_handler(CallbackQueryHandler(navigation.stale_button, pattern=r"^$"))
    # Buttons of the first minute and of the main menu.
    app.add_handler(on_button(start.choose_language, "lang"))
    app.add_handler(on_button(start.choose_district, "district"))
    app.add_handler(on_button(start.district_command, "district", args="none"))
    app.add_handler(on_button(start.menu, "menu", args="none"))
    app.add_handler(on_button(start.language_command, "language", args="optional"))
    app.add_handler(on_button(start.continue_in, "switch"))
    app.add_handler(on_button(start.confirm_delete, "forget", first=["yes"]))
    app.add_handler(on_button(menu.all_numbers, "sos", first=["q"], args="optional"))
    app.add_handler(on_button(menu.open_entry, "topic", "offer", "event", "partner", "faq"))
    app.add_handler(on_button(menu.go_back, "back"))
    app.add_handler(on_button(menu.send_pin, "pin"))
    app.add_handler(on_button(menu.rate_answer, "fb"))

    # Requests: the resident's dialogue (consent before anything leaves) and their open requests.
    app.add_handler(on_button(requests.start_request, "signup", "signup-e", "ask", args="optional"))
    # "A new question", not an answer to the draft: the held text goes to the search.
    app.add_handler(on_button(questions.new_question, "dlg", first=["new"]))
    app.add_handler(on_button(requests.dialogue_button, "dlg"))
    app.add_handler(on_button(conversation.resident_request_button, "req", first=["add", "withdraw"]))
    app.add_handler(on_button(conversation.my_requests_button, "req", first=["list"]))
    # "A new question", not a message for a partner: her message goes to the search.
    app.add_handler(on_button(questions.conversation_question, "conv", first=["new"]))
    # Her question the bot could not answer, added to an open request of hers.
    app.add_handler(on_button(conversation.add_to_request, "conv", first=["add"]))
    app.add_handler(on_button(conversation.conversation_button, "conv", first=["end", "to", "un"]))
    app.add_handler(on_button(conversation.handover_answer, "hoc", first=["yes", "no"]))
    app.add_handler(on_button(conversation.reopen_button, "reopen"))
    app.add_handler(MessageHandler(PRIVATE & filters.CONTACT, requests.on_contact))
    app.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & FILES, requests.resident_media))
    # A file's caption edited: the file, if it waits for her tap, goes on with the new caption.
    app.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE & FILES, requests.caption_edited)
    )
    # The partner side, in groups: buttons on request cards, and replies to a request's thread.
    app.add_handler(CallbackQueryHandler(partner_group.partner_button, pattern=common.PARTNER_BUTTON))
    group_replies = filters.ChatType.GROUPS & filters.REPLY & (filters.TEXT | FILES)
    app.add_handler(MessageHandler(group_replies, partner_group.partner_message))
    # A message there that replies to nothing reaches nobody: the group is told and may pick a request. The
    # bot sees such messages only as an admin or with privacy mode off (README, "Partners").
    group_plain = (
        filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & ~filters.REPLY & ~filters.COMMAND
    ) & (filters.TEXT | FILES)
    app.add_handler(MessageHandler(group_plain, partner_group.partner_stray))
    # Its correction, once staff passed it on to a request, follows it as a Reply's does.
    group_plain_edits = (
        filters.ChatType.GROUPS & filters.UpdateType.EDITED_MESSAGE & ~filters.REPLY & ~filters.COMMAND
    ) & (filters.TEXT | FILES)
    app.add_handler(MessageHandler(group_plain_edits, partner_group.partner_unreplied_edit))

    # Free text in the private chat: emergency words first, then a running dialogue, then the search.
    app.add_handler(
        MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGES & filters.TEXT & ~filters.COMMAND, questions.on_text
        )
    )

    # Last: whatever nobody above understood, in the private chat. Groups are ignored unless addressed.
    app.add_handler(MessageHandler(filters.COMMAND & PRIVATE, errors.unknown_command))
    app.add_handler(
        MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND & ~filters.TEXT,
            requests.resident_unsupported,
        )
    )
    app.add_handler(CallbackQueryHandler(navigation.stale_button))

    app.add_error_handler(errors.error_handler)
