"""Which danger words make a request urgent (the handlers pass the answer on to the request desk). The bot
shows the emergency numbers for every danger word (bot/search/emergency/); only some also mark the request
she writes or talks about as urgent for its partner (⚠️ on the card, reminders after hours). Hard triggers
(suicide, rape, not breathing, a threat to kill: "er droht mich umzubringen", "beni öldürecek") and violence
done to her ("mein Mann schlägt mich", "kocam beni dövüyor", "زوجي يضربني") do. Fire words do not: in a
request they are everyday words far more often ("Im Keller brennt kein Licht"), and she saw the numbers
anyway. Nor does a threat aimed at no one ("Mein Aufenthalt ist bedroht", "ev sahibi tehdit ediyor"); a
threat aimed at her, her children or "us" does ("Ich werde bedroht", "Mein Ex bedroht mich und meine
Kinder", "угрожает мне", "threatened to stab my son", or something done to her: "... und hat mich
gewürgt": ``EmergencyMatch.aimed``), whether the trigger is hard or not ("my husband threatens to cancel our
netflix" shows the numbers, not urgent). A threat to kill that names no one killed ("umzubringen",
"threatened to kill") is urgent only so aimed, or with a relative named. A threat with an everyday
consequence ("Das Jobcenter droht mir mit Sanktionen") and a kill idiom of her everyday ("Meine Mama bringt
mich um, wenn ich die Prüfung nicht bestehe") are no danger words at all (the detector's ``_set_aside``).
Other danger words in the same message still count ("... hat ein Messer und droht").
Nor do a call for help ("Hilfe!") or a service's name ("Polizei") alone: asking for help is what a request
is. "Ask a person" on the emergency screen still makes any request urgent: she chose it there."""

from __future__ import annotations

from bot.search.emergency import EmergencyMatch
from bot.search.engine import SearchEngine

#: Words of a trigger (built-in or the content's) that tell a fire: their starts, and whole words where a
#: start would take in other words ("feuer" in "Feuerwehr"). A threat is the detector's ``THREAT_STARTS``.
EVERYDAY_STARTS = ("brenn", "yangın", "пожар", "пожеж")
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
    """Whether the trigger tells only a threat aimed at no one or a fire (or is a call for help or a service's
    name)."""
    if match.call or match.service:
        return True
    if match.threat or match.kill:
        return not match.aimed
    words = [word.strip("*").lower() for word in match.trigger.split()]
    return any(word in EVERYDAY_WORDS or word.startswith(EVERYDAY_STARTS) for word in words)


def marks_urgent(engine: SearchEngine, match: EmergencyMatch | None) -> bool:
    """Whether the danger words `match` found make her request urgent (see the module's docstring): a hard
    trigger does; an everyday one only when the rest of the message has other danger words."""
    for _ in range(5):  # five everyday danger words in a row are as everyday as one
        if match is None:
            return False
        if match.aimed or (match.hard and not match.kill and not match.threat) or not _everyday(match):
            return True
        # The rest read without typo guesses: "droht mir, mein Mann schläft nicht" is no "schlägt", and a
        # guess is kept elsewhere only once the meaning confirms it (`SearchEngine.answer`).
        match = engine.emergency.detect(match.rest, guesses=False) if match.rest.strip() else None
    return False


def urgent_words(engine: SearchEngine, text: str, lang: str) -> bool:
    """`marks_urgent` for a text read again, as `SearchEngine.emergency_words` reads it."""
    return marks_urgent(engine, engine.emergency_match(text, lang))
