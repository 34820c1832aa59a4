"""Turning domain objects into Telegram HTML and keyboards. No I/O here."""
