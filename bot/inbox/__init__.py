"""The durable inbox: how Telegram updates get in and are processed, so that a kill at any moment loses none.

What it guarantees:

- **Stored before confirmed.** Every update is written to the `inbox` table (idempotently, by `update_id`)
  before Telegram learns it arrived: long polling (`bot.inbox.polling`) asks for the next batch — which
  confirms the previous one — only after the previous batch is committed; the webhook
  (`bot.inbox.webhook`) answers HTTP 200 only after the insert. A crash before that makes Telegram send
  the update again; a second copy is ignored.
- **In order per chat, concurrently across chats.** `InboxWorker` runs the handlers (PTB's
  `Application.process_update`, unchanged) for the updates of one chat one after another, in `update_id`
  order, and for different chats at the same time: one slow Bot API call stalls one chat, not everyone.
  It is the only place that decides what runs concurrently (PTB's own `concurrent_updates` stays off).
  Since a resident's updates all come from their private chat, their `user_data` is never written by two
  updates at once.
- **At least once.** An update is marked done after its handlers returned. If the process dies before,
  the update is processed again after the restart (at most the one update per chat that was running).
  Handlers make that safe where it matters: their lasting effects are keyed by the Telegram message or
  update that caused them (request per dialogue, relay per partner message, outbox rows by key), so a
  replay changes nothing in the database; at worst a screen is sent twice.
- An update whose handlers could not reach the Bot API (after `bot.transport`'s retries) is handled again
  a few times, seconds apart (`bot.telegram_modes.update_processor`), for the same reason.
- An update that killed the process `max_attempts` times is given up (status `failed`, logged), so one
  poisonous update cannot keep the bot from starting.
"""
