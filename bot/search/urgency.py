"""Which danger words make a request urgent (the handlers pass the answer on to the request desk). The bot
shows the emergency numbers for every danger word (bot/search/emergency.py); only some also mark the request
she writes or talks about as urgent for its partner (⚠️ on the card, reminders after hours). Hard triggers
(suicide, rape, not breathing, ...) and violence done to her ("mein Mann schlägt mich", "kocam beni
dövüyor", "زوجي يضربني") do. Threat and fire words do not: in a request they are everyday words far more
often ("Das Jobcenter droht mir mit Sanktionen", "Im Keller brennt kein Licht", "Арендодатель угрожает
выселением"), and she saw the numbers anyway; other danger words in the same message still count ("... hat
ein Messer und bedroht mich"). Nor do a call for help ("Hilfe!") or a service's name ("Polizei") alone:
asking for help is what a request is. "Ask a person" on the emergency screen still makes any request urgent:
she chose it there."""

from __future__ import annotations

from bot.search.emergency import EmergencyMatch
from bot.search.engine import SearchEngine

#: Words of a trigger (built-in or the content's) that tell a threat or a fire: their starts, and whole
#: words where a start would take in other words ("feuer" in "Feuerwehr").
EVERYDAY_STARTS = (
    "droh",
    "bedroh",
    "brenn",
    "tehdit",
    "yangın",
    "угрож",
    "угроз",
    "погро",
    "загроз",
    "пожар",
    "пожеж",
    "groz",
    "groź",
    "groż",
    "تهديد",
    "يهدد",
    "هدد",
    "تهدید",
    "threat",
)
EVERYDAY_WORDS = frozenset(
    {
        "feuer",
        "brand",
        "yanıyor",
        "горит",
        "горить",
        "pożar",
        "pali",
        "حريق",
        "آتش",
        "آتیش",
        "fire",
        "burning",
    }
)


def _everyday(match: EmergencyMatch) -> bool:
    """Whether the trigger tells only a threat or a fire (or is a call for help or a service's name)."""
    if match.call or match.service:
        return True
    words = [word.strip("*").lower() for word in match.trigger.split()]
    return any(word in EVERYDAY_WORDS or word.startswith(EVERYDAY_STARTS) for word in words)


def marks_urgent(engine: SearchEngine, match: EmergencyMatch | None) -> bool:
    """Whether the danger words `match` found make her request urgent (see the module's docstring): a hard
    trigger does; an everyday one only when the rest of the message has other danger words."""
    for _ in range(5):  # five everyday danger words in a row are as everyday as one
        if match is None:
            return False
        if match.hard or not _everyday(match):
            return True
        # The rest read without typo guesses: "droht mir, mein Mann schläft nicht" is no "schlägt", and a
        # guess is kept elsewhere only once the meaning confirms it (`SearchEngine.answer`).
        match = engine.emergency.detect(match.rest, guesses=False) if match.rest.strip() else None
    return False


def urgent_words(engine: SearchEngine, text: str, lang: str) -> bool:
    """`marks_urgent` for a text read again, as `SearchEngine.emergency_words` reads it."""
    return marks_urgent(engine, engine.emergency_match(text, lang))
