"""Words that deny: "nicht", "kein", "not", "değil", "не", "nie", "ليس", "نیست" and their kin, per language.

A message that denies and names one thing ("das ist keine Antwort", "це не відповідь", "to nie jest
kurs") may say that the bot's last answer was not what she wanted rather than ask for that thing; the
engine gives no confident answer on that word alone (``SearchEngine._hybrid``) when the denial is of what
something is (``denies_what_it_is``: a demonstrative or copula beside it); a denial that it exists or came
("noch keine Antwort", "нет ответа", "hiç cevap yok") asks for it (review rv16). Only free-standing words
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


#: Words that deny what something is by themselves: a copula denied ("değil", "ليس", "isn't").
_NOT_IS = frozenset(
    fold(word)
    for word in """
    değil degil isn aren wasn weren ليس ليست لست لسنا ليسوا
    """.split()
)

#: Words that point at something or say what it is: a demonstrative or a copula. Beside one, a word that
#: denies denies what it is ("das ist keine Antwort", "это не ответ", "to nie jest kurs", "این جواب نیست");
#: without one it may deny that it exists or came ("noch keine Antwort", "ещё нет ответа", "nie ma
#: odpowiedzi", "هنوز جوابی نیست"), which is the need itself.
_POINTING = frozenset(
    fold(word)
    for word in """
    das dies diese dieser dieses ist sind war es
    that this it is are was were thats its
    bu şu su bunu öyle
    هذا هذه ذلك تلك هذي
    این اون آن اینو همین همون است
    это то так эта этот тот та те це ця цей той
    to ten ta jest są
    """.split()
)

#: Words that say something exists or is awaited: "es gibt", "there is", "noch", "yet", "kommt". With one,
#: the denial is of its being there or having come ("Es gibt keine Antwort", "Why is there no answer?",
#: "Es ist noch keine Antwort da", "there isn't a reply yet"), even beside a pointing word or a denied copula.
_THERE_OR_AWAITED = frozenset(
    fold(word)
    for word in """
    gibt noch kommt kam gekommen angekommen
    there yet still came come arrived
    henüz hala hâlâ gelmedi
    بعد لسه مازال
    هنوز
    ещё еще пор пришёл пришел пришло ще досі прийшла прийшло
    jeszcze wciąż nadal przyszła przyszło
    """.split()
)

#: An article right after a denial: "not an answer", "nicht der Kurs".
_ARTICLES = frozenset("a an the der die den dem".split())


def negations(text: str) -> list[str]:
    """The words of ``text`` (folded) that deny."""
    return [word for word in (fold(token) for token in raw_tokens(text)) if word in _NEGATIONS]


def denies_what_it_is(text: str) -> bool:
    """Whether ``text`` denies what something is ("das ist keine Antwort", "це не відповідь", "bu cevap
    değil", "not an answer"), not that it exists or came ("noch keine Antwort", "still no answer", "hiç
    cevap yok", "нет ответа", "nie ma odpowiedzi", "Es gibt keine Antwort"): unless a word says it exists
    or is awaited (``_THERE_OR_AWAITED``), a denied copula, or a word that denies beside a word that points
    or says what it is (``_POINTING``), or before an article."""
    words = [fold(token) for token in raw_tokens(text)]
    if any(word in _THERE_OR_AWAITED for word in words):
        return False
    if any(word in _NOT_IS for word in words):
        return True
    denying = [i for i, word in enumerate(words) if word in _NEGATIONS]
    if not denying:
        return False
    return any(word in _POINTING for word in words) or any(
        i + 1 < len(words) and words[i + 1] in _ARTICLES for i in denying
    )
