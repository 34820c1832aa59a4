"""Words that deny: "nicht", "kein", "not", "değil", "не", "nie", "ليس", "نیست" and their kin, per language.

A message that denies and names one thing ("das ist keine Antwort", "це не відповідь", "to nie jest
kurs") may say that the bot's last answer was not what she wanted rather than ask for that thing; the
engine gives no confident answer on that word alone (``SearchEngine._hybrid``). Only free-standing words
are listed: the negation a verb carries in itself (Turkish "-me", "-ma": "sormadım"; Persian "ن-":
"ندادن") is not read, since the same letters begin or end other words ("نامه", a letter); nor is a word
that says nobody did something ("Nobody has answered", "niemand", "никто"): it denies who, not what.
"""

from __future__ import annotations

from bot.search.normalize import fold, raw_tokens

_NEGATIONS = frozenset(
    fold(word)
    for word in """
    nicht nichts kein keine keinen keinem keiner keines nie niemals nein
    not no never none nothing isn aren wasn weren don doesn didn haven hasn hadn couldn wouldn
    shouldn ain
    değil degil yok hayır hayir hiç hic
    ليس ليست لست لسنا ليسوا لا لم لن مش مو
    نه نیست نیستم نیستی نیستیم نیستید نیستند نبود هیچ
    не нет ни ничего никогда ні немає нема нічого ніколи
    nie żaden żadna żadne żadnego żadnej nic nigdy brak
    """.split()
)


def negations(text: str) -> list[str]:
    """The words of ``text`` (folded) that deny."""
    return [word for word in (fold(token) for token in raw_tokens(text)) if word in _NEGATIONS]
