"""All handlers, registered in one place. Order matters!"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import (
    admin,
    buttons,
    common,
    errors,
    flood,
    menu,
    navigation,
    privacy,
    questions,
    requests,
    start,
)
from bot.handlers.context import AppType
from bot.render.callback import pattern

PRIVATE = filters.ChatType.PRIVATE


def register(app: AppType) -> None:
    """Register every handler of the bot, in order."""
    # Group -20: a resident sending very many messages is slowed down before anything else runs.
    app.add_handler(TypeHandler(Update, flood.guard), group=-20)
    # Group -15: a button pressed in a chat where it never appears (forged, or forwarded) goes no further.
    app.add_handler(TypeHandler(Update, buttons.check_chat), group=-15)
    # Group -10: every update first refreshes the resident's row (language, district, last seen).
    app.add_handler(TypeHandler(Update, common.load_resident), group=-10)
    # Group -5: navigation (/start, a command, a menu tap) parks a running request draft.
    app.add_handler(TypeHandler(Update, requests.park_on_navigation), group=-5)

    # Commands in the resident's private chat.
    app.add_handler(CommandHandler("start", start.start, filters=PRIVATE))
    app.add_handler(CommandHandler(["menu", "menue"], start.menu, filters=PRIVATE))
    app.add_handler(CommandHandler("help", start.help_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["language", "sprache"], start.language_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["district", "stadtteil"], start.district_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["privacy", "datenschutz"], start.privacy, filters=PRIVATE))
    app.add_handler(CommandHandler(["requests", "anfragen"], requests.requests_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["delete", "loeschen"], start.delete_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["mydata", "meinedaten"], privacy.mydata, filters=PRIVATE))

    # Staff commands (they check the admin chat / admin ids themselves, in groups and in private).
    app.add_handler(CommandHandler("reload", admin.reload_content))
    app.add_handler(CommandHandler("stats", admin.stats))

    # A button without data (forged, or a game button) would match the first handler with a pattern
    # below: PTB skips the pattern when there is no data. It is out of date, whatever it was.
    app.add_handler(CallbackQueryHandler(navigation.stale_button, pattern=r"^$"))
    # Buttons of the first minute and of the main menu.
    app.add_handler(CallbackQueryHandler(start.choose_language, pattern=pattern("lang")))
    app.add_handler(CallbackQueryHandler(start.choose_district, pattern=pattern("district")))
    app.add_handler(CallbackQueryHandler(start.district_command, pattern=pattern("district", args="none")))
    app.add_handler(CallbackQueryHandler(start.menu, pattern=pattern("menu", args="none")))
    app.add_handler(CallbackQueryHandler(start.language_command, pattern=pattern("language", args="none")))
    app.add_handler(CallbackQueryHandler(start.confirm_delete, pattern=pattern("forget", first=["yes"])))
    app.add_handler(CallbackQueryHandler(menu.emergency, pattern=pattern("sos", args="none")))
    app.add_handler(
        CallbackQueryHandler(menu.open_entry, pattern=pattern("topic", "offer", "event", "partner", "faq"))
    )
    app.add_handler(CallbackQueryHandler(menu.send_pin, pattern=pattern("pin")))
    app.add_handler(CallbackQueryHandler(menu.rate_answer, pattern=pattern("fb")))

    # Requests: the resident's dialogue (consent before anything leaves) and their open requests.
    app.add_handler(
        CallbackQueryHandler(
            requests.start_request, pattern=pattern("signup", "signup-e", "ask", args="optional")
        )
    )
    # "A new question", not an answer to the draft: the held text goes to the search.
    app.add_handler(CallbackQueryHandler(questions.new_question, pattern=pattern("dlg", first=["new"])))
    app.add_handler(CallbackQueryHandler(requests.dialogue_button, pattern=pattern("dlg")))
    app.add_handler(
        CallbackQueryHandler(
            requests.resident_request_button, pattern=pattern("req", first=["add", "withdraw"])
        )
    )
    app.add_handler(
        CallbackQueryHandler(requests.conversation_button, pattern=pattern("conv", first=["end", "to"]))
    )
    app.add_handler(
        CallbackQueryHandler(requests.handover_answer, pattern=pattern("hoc", first=["yes", "no"]))
    )
    app.add_handler(CallbackQueryHandler(requests.reopen_button, pattern=pattern("reopen")))
    app.add_handler(MessageHandler(PRIVATE & filters.CONTACT, requests.on_contact))
    app.add_handler(
        MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGE & (filters.PHOTO | filters.VOICE | filters.Document.ALL),
            requests.resident_media,
        )
    )
    # The partner side, in groups: buttons on request cards, and replies to a request's thread.
    app.add_handler(CallbackQueryHandler(requests.partner_button, pattern=buttons.PARTNER_BUTTON))
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS
            & filters.REPLY
            & (filters.TEXT | filters.PHOTO | filters.VOICE | filters.Document.ALL),
            requests.partner_message,
        )
    )

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
            errors.unsupported_message,
        )
    )
    app.add_handler(CallbackQueryHandler(navigation.stale_button))

    app.add_error_handler(errors.error_handler)
