"""A missing person: someone named in the message has disappeared or has not come home.

"Mein Kind ist seit gestern nicht nach Hause gekommen", "kızım kayboldu", "пропал дедушка", "zaginął mój
syn": the police (110) look for missing people, children and adults alike, and the first hours count. The
emergency situations (bot/search/situations.py) have a missing child, but by meaning such messages lie
near everyday ones ("my son comes home late", "my son can't find an apprenticeship"), so the model's
margin misses some and wording more situations raised false alarms elsewhere. This is a rule instead:
the message names a person (bot/search/persons.py: kin, age and role nouns) *and* says that someone is
missing, has disappeared or has not come (back) home, in a short closed list of expressions per language
written for the meaning, not for test phrases. Both are needed: a lost key, wallet or cat names no person,
"my son is looking for an apprenticeship" says nothing of being missing. The screen is the soft emergency
screen (the numbers, *Ask a person*, entries below only as for an emergency by meaning).

Expressions are folded word sequences (no case, no diacritics); their words must follow each other in
order, with at most ``GAP`` other words between two of them ("nicht *mehr* nach Hause gekommen").
"""

from __future__ import annotations

from functools import lru_cache

from bot.languages import counts_as
from bot.search.normalize import fold, query_words, raw_tokens
from bot.search.persons import person

GAP = 2

#: Per language: has disappeared / is missing / has not come (back) home. Negated "come home" needs the
#: negation: "kommt spät nach Hause" (comes home late) is no missing person.
_EXPRESSIONS: dict[str, tuple[str, ...]] = {
    "de": (
        "verschwunden",
        "wird vermisst",
        "werden vermisst",
        "weggelaufen",
        "nicht nach hause gekommen",
        "kam nicht nach hause",
        "nicht heimgekommen",
        "nicht zurückgekommen",
        "nicht wiedergekommen",
    ),
    "tr": (
        "kayboldu",
        "kaybolmuş",
        "kayıp",
        "eve gelmedi",
        "eve dönmedi",
        "hala gelmedi",
        "hala dönmedi",
        "ortada yok",
    ),
    "ar": (
        "مفقود",
        "مفقودة",
        "اختفى",
        "اختفت",
        "لم يرجع",
        "لم ترجع",
        "ما رجع",
        "ما رجعت",
        "لم يعد الى البيت",
        "لم تعد الى البيت",
    ),
    "ru": (
        "пропал",
        "пропала",
        "пропали",
        "исчез",
        "исчезла",
        "исчезли",
        "не пришёл домой",
        "не пришла домой",
        "не пришли домой",
        "не вернулся",
        "не вернулась",
        "не вернулись",
    ),
    "uk": (
        "зник",
        "зникла",
        "зникли",
        "пропав",
        "пропала",
        "пропали",
        "не повернувся",
        "не повернулася",
        "не повернулась",
        "не повернулися",
        "не прийшов додому",
        "не прийшла додому",
    ),
    "pl": (
        "zaginął",
        "zaginęła",
        "zaginęli",
        "zaginęło",
        "zniknął",
        "zniknęła",
        "nie wrócił",
        "nie wróciła",
        "nie wrócili",
        "nie przyszedł do domu",
        "nie przyszła do domu",
    ),
    "fa": (
        "گم شده",
        "گم شد",
        "ناپدید",
        "خونه نیومده",
        "خانه نیامده",
        "برنگشته",
        "برنگشت",
    ),
    "en": (
        "missing",
        "disappeared",
        "vanished",
        "not come home",
        "hasn't come home",
        "didn't come home",
        "hasn't come back",
        "didn't come back",
        "not come back",
        "wandered off",
        "ran away",
    ),
}


@lru_cache(maxsize=16)
def _expressions(lang: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold(w) for w in raw_tokens(text)) for text in _EXPRESSIONS.get(lang, ()))


def _follows(words: list[str], expression: tuple[str, ...]) -> bool:
    """Whether ``expression``'s words occur in ``words`` in order, at most ``GAP`` words apart."""
    for start, word in enumerate(words):
        if word != expression[0]:
            continue
        at = start
        for part in expression[1:]:
            nxt = next((i for i in range(at + 1, min(len(words), at + GAP + 2)) if words[i] == part), None)
            if nxt is None:
                break
            at = nxt
        else:
            return True
    return False


def reports_missing_person(text: str, lang: str) -> bool:
    """Whether ``text`` (a message in ``lang``) names a person and says that someone is missing."""
    code = counts_as(lang)
    expressions = _expressions(code)
    if not expressions:
        return False
    if not any(person(word, lang) is not None for word in query_words(text, lang)):
        return False
    words = [fold(w) for w in raw_tokens(text)]
    return any(_follows(words, expression) for expression in expressions)
