"""The languages of the bot, defined once: content fields, gettext catalogs, search, settings and the
language picker all take them from here.

"de-simple" is plain German (Einfache Sprache): its own language for residents and content, analysed as
German by the search.
"""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["de", "de-simple", "tr", "ar", "ru", "uk", "pl", "fa", "en"]
"""A language code (the type of content fields' keys; the JSON Schema lists exactly these)."""

LANGUAGES: tuple[Lang, ...] = get_args(Lang)
"""Every language, in the order the language picker shows them."""
