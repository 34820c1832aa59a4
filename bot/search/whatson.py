"""Questions about *what is happening when* ("was ist heute los", "bu hafta ne var", "whats on this
weekend", "что будет в этом месяце"): answered with the events topic, whose screen lists the coming events.

Such a question names no thing the content has – only a time and "is on / is happening" – so neither the
words nor the meaning reach the events topic, whose passages are its title and a list of nouns ("Events",
"event, festival, party"); the search answered "I don't know" in German, Turkish, English and Russian.
Like small talk (bot/search/smalltalk.py) the message must consist *only* of words from a short closed list
per language: at least one word of a time ("heute", "hafta", "weekend", "месяце") and one of "is on /
happens / there is" ("los", "var", "happening", "будет"), the rest question words, "this/next", "in the
neighbourhood" and the like. Any other word makes it a question for the search: "Was kostet der
Deutschkurs diese Woche?", "bu hafta hava nasıl olacak" (the weather), "what's on TV tonight".
"""

from __future__ import annotations

from bot.search.normalize import fold, raw_tokens
from bot.search.smalltalk import same_word

# A time: today, tonight, tomorrow, (this/next) week, weekend, month, soon.
_TIME = """
heute heut abend heuteabend morgen woche wochenende monat demnachst bald
bugun aksam yarin hafta haftasonu haftaya ay yakinda
اليوم الليلة غدا الاسبوع الأسبوع الويكند الشهر قريبا
امروز امشب فردا هفته ماه
сегодня вечером завтра неделе неделю неделя выходные выходных выходными месяце месяц скоро
сьогодні ввечері завтра тижні тиждень вихідні вихідних вихідними місяці місяць незабаром
dzis dzisiaj wieczorem jutro tygodniu tydzien weekend weekendzie miesiacu miesiac wkrotce
today tonight tomorrow week weekend weekends month soon
"""
# Is on / happens / there is.
_HAPPENING = """
los passiert lauft gibt geht
var oluyor olacak neler yapiliyor
يحدث في فيه يوجد هناك
خبره خبر هست میفته اتفاقی
будет происходит интересного интересное намечается
відбувається буде цікавого цікаве
dzieje bedzie ciekawego
on happening going
"""
# Question words, "this / next / coming", "in the neighbourhood", "anything".
_FILLERS = """
was ist es im in am an der die das dem den diese dieser diesem dieses diesen nachste nachsten kommende
kommenden viertel quartier stadtteil kiez hier denn so etwas da
bu ne bir sey mi mu mahallede mahalle burada sonu gelecek onumuzdeki icin
ماذا شو ايش إيش هذا هذه الحي بالحي عندكم القادم القادمة نهاية
این چه چی چیه در محله تو آخر داریم است
что в во на этой этом эти этот есть ли какие у вас районе тут здесь следующей ближайшие
що в у на цими цього цей цієї є які районі тут наступного наступному найближчі
co sie w na tym ten te jest przyszlym najblizszy osiedlu dzielnicy tu
what whats is on this next coming up in the neighbourhood neighborhood area around here any anything
something there at
"""  # fmt: skip


def _words(block: str) -> frozenset[str]:
    return frozenset(fold(token) for word in block.split() for token in raw_tokens(word))


_TIME_WORDS = _words(_TIME)
_HAPPENING_WORDS = _words(_HAPPENING)
_ALL_WORDS = _TIME_WORDS | _HAPPENING_WORDS | _words(_FILLERS)


def _one_of(word: str, words: frozenset[str]) -> bool:
    """`word` (folded) is one of `words`, allowing one typo in a longer word ("wochenende" → "wochende")."""
    return word in words or (len(word) >= 5 and any(same_word(word, w) for w in words))


def asks_whats_on(text: str) -> bool:
    """Whether the message asks only what is on at some time ("was ist heute los?")."""
    words = [fold(token) for token in raw_tokens(text)]
    if not words or not all(_one_of(word, _ALL_WORDS) for word in words):
        return False
    return any(_one_of(w, _TIME_WORDS) for w in words) and any(_one_of(w, _HAPPENING_WORDS) for w in words)
