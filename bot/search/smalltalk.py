"""Small talk (greetings and "how are you", thanks, goodbyes and wishes to end with, a bare "ok"), a
request for a person ("ich will mit einem Menschen sprechen") and messages that are not a question at all.

A message is small talk only when *all* its words are small-talk words or fillers ("Hallo!",
"Danke dir vielmals 🙏", "çok teşekkürler abi", "selam nasılsın"); "Hallo, wo ist der Deutschkurs?" is a
question. A message of emoji only is small talk when each is one of a few signs ("👍", "👋", "❤️").
Two kinds may also carry words of their own, from a short closed list per language (`_COMPANIONS`):
a thank-you its courtesy words, in every language the same four kinds: what is thanked for, a blessing,
"you helped me", "all clear"/"it is settled" ("Vielen Dank für Ihre Hilfe!", "спасибо за помощь", "çok
teşekkür ederim allah razı olsun", "Danke, hat sich erledigt") – unless the message asks something
("danke für die Info, und wo ist das?" has other words anyway; "danke für die Hilfe?" has a question mark);
a request for a person the words of asking for one ("kann ich mit jemandem sprechen?", "хочу поговорить с
человеком") – any other word ("mit jemandem vom Jobcenter") makes it a question for the search.
If a message mixes kinds, a person beats thanks beats goodbye beats greeting beats "ok" ("Hallo, danke!"
is a thank-you, "ok danke" too, "danke, ich möchte mit einem Menschen sprechen" asks for a person).

A little longer than most modules: two thirds of it are the closed word lists of nine languages, which
are read beside the few rules that use them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import OSA

from bot.languages import QUESTION_MARKS
from bot.search.normalize import OTHER, fold, raw_tokens, script_of

SmallTalkKind = Literal["greeting", "thanks", "bye", "ok", "person"]
MessageShape = Literal["empty", "emoji", "too_short", "unsupported_script"]

#: Greetings and "how are you" (answered as a greeting), and thanks, by language: the one a message's small
#: talk is in may be offered to go on in (``small_talk_languages``). "" for words of no one language ("salam"
#: typed in Latin letters).
_GREETINGS: dict[str, list[str]] = {
    "de": [
        "hallo", "hallöchen", "hi", "hey", "moin", "moinsen", "servus", "guten tag", "guten morgen",
        "guten abend", "grüß gott", "grüß dich", "na",
        "wie geht's", "wie gehts", "wie geht es dir", "wie geht es ihnen", "wie geht es euch", "wie läuft's",
    ],
    "tr": [
        "merhaba", "merhabalar", "mrb", "selam", "selamlar", "slm", "selamün aleyküm", "selamın aleyküm",
        "sa", "günaydın", "iyi günler", "iyi akşamlar",
        "nasılsın", "nasılsınız", "naber", "ne haber", "iyi misin", "iyi misiniz", "ne var ne yok",
    ],
    "ar": [
        "مرحبا", "مرحباً", "اهلا", "أهلا", "أهلا وسهلا", "السلام عليكم", "سلام عليكم", "صباح الخير",
        "مساء الخير", "هلا", "سلام",
        "كيف حالك", "كيف حالكم", "كيف الحال", "كيفك", "شلونك", "شو أخبارك",
    ],
    "fa": [
        "سلام", "درود", "صبح بخیر", "عصر بخیر", "سلام علیکم",
        "خوبی", "خوبید", "خوبین", "چطوری", "چطورید", "حالت خوبه", "حالتون خوبه", "چه خبر",
    ],
    "ru": [
        "привет", "приветик", "здравствуйте", "здраствуйте", "добрый день", "доброе утро", "добрый вечер",
        "как дела", "как ты", "как вы", "как поживаешь", "как поживаете", "как жизнь",
    ],
    "uk": [
        "привіт", "вітаю", "добрий день", "доброго дня", "доброго ранку", "добрий вечір",
        "як справи", "як ти", "як ви", "як життя", "як ся маєш",
    ],
    "pl": [
        "cześć", "dzień dobry", "witam", "witaj", "hej", "siema", "dobry wieczór",
        "jak się masz", "jak się pan ma", "jak się pani ma", "co słychać", "jak leci",
    ],
    "en": [
        "hello", "hi there", "good morning", "good evening", "good afternoon",
        "how are you", "how are u", "how r u", "how's it going", "how do you do", "what's up", "whats up",
    ],
    "": ["salam", "salaam"],
}  # fmt: skip
_THANKS: dict[str, list[str]] = {
    "de": [
        "danke", "danke schön", "dankeschön", "vielen dank", "danke sehr", "merci", "dank",
        # thanks said as a blessing or a wish, alone (so in every language)
        "herzlichen dank", "vergelt's gott", "gott segne sie", "gott segne dich",
    ],
    "tr": [
        "teşekkürler", "teşekkür ederim", "teşekkür", "sağol", "sağ ol", "sağolun", "sağ olun", "eyvallah",
        "tşk",
        "allah razı olsun", "eline sağlık", "elinize sağlık", "emeğinize sağlık", "emeklerinize sağlık",
    ],
    "ar": [
        "شكرا", "شكراً", "شكرا جزيلا", "مشكور", "تسلم",
        "جزاك الله خيرا", "جزاكم الله خيرا", "بارك الله فيك", "بارك الله فيكم", "الله يعطيك العافية",
        "يعطيك العافية", "الله يجزيك الخير",
    ],
    "fa": [
        "ممنون", "مرسی", "متشکرم", "سپاس", "سپاسگزارم", "مچکرم",
        "دستت درد نکنه", "دستتون درد نکنه", "دست شما درد نکند", "خدا خیرت بده", "خدا خیرتون بده",
        "خسته نباشید", "لطف کردید",
    ],
    "ru": [
        "спасибо", "спс", "благодарю", "большое спасибо",
        "спасибочки", "дай бог здоровья", "храни вас бог", "спаси бог",
    ],
    "uk": ["дякую", "щиро дякую", "дуже дякую", "дай боже здоров'я", "дякуємо", "спасибі"],
    "pl": ["dziękuję", "dzięki", "dziękuje", "wielkie dzięki", "bóg zapłać", "szczęść boże"],
    "en": [
        "thanks", "thank you", "thx", "cheers", "many thanks",
        "god bless you", "thank u", "ty", "tysm",
    ],
}  # fmt: skip
_PHRASES: dict[SmallTalkKind, list[str]] = {
    "greeting": [phrase for phrases in _GREETINGS.values() for phrase in phrases],
    "thanks": [phrase for phrases in _THANKS.values() for phrase in phrases],
    "bye": [
        "tschüss", "tschüs", "tschau", "ciao", "auf wiedersehen", "bis bald", "bis dann", "bis später",
        "güle güle", "hoşça kal", "görüşürüz", "allaha ısmarladık",
        "مع السلامة", "إلى اللقاء", "وداعا",
        "خداحافظ", "خدانگهدار", "بدرود",
        "пока", "до свидания", "до свиданья", "до встречи",
        "до побачення", "бувай", "бувайте",
        "do widzenia", "na razie", "pa", "papa",
        "bye", "goodbye", "bye bye", "see you",
        # a wish or a greeting to end with ("thanks, have a nice day": a thank-you, as thanks beat goodbyes)
        "schönen tag", "schönen tag noch", "einen schönen tag", "einen schönen tag noch", "schönen abend",
        "schönen abend noch", "schönes wochenende", "schönes wochenende noch", "schöne woche", "gute nacht",
        "alles gute", "grüße", "viele grüße", "liebe grüße", "mit freundlichen grüßen", "lg", "mfg",
        "iyi çalışmalar", "iyi geceler", "iyi hafta sonları", "hayırlı günler", "hayırlı akşamlar",
        "iyi günler dilerim", "iyi çalışmalar dilerim", "kendinize iyi bakın", "saygılarımla",
        "يوم سعيد", "يومك سعيد", "نهارك سعيد", "نهاركم سعيد", "أتمنى لك يوما سعيدا", "في أمان الله",
        "تصبح على خير", "تصبحون على خير", "تحياتي", "مع تحياتي", "دمتم بخير",
        "روز خوبی داشته باشید", "روز خوش", "روز بخیر", "روزتون بخیر", "شب بخیر", "شب خوش", "موفق باشید",
        "موفق باشی", "در پناه خدا",
        "хорошего дня", "хорошего вам дня", "хорошего вечера", "хороших выходных", "удачного дня",
        "всего доброго", "всего хорошего", "всего наилучшего", "удачи", "спокойной ночи", "с уважением",
        "гарного дня", "гарного вам дня", "гарного вечора", "гарних вихідних", "гарного тижня",
        "хорошого дня", "всього доброго", "всього найкращого", "на все добре", "на добраніч", "з повагою",
        "miłego dnia", "miłego wieczoru", "miłego weekendu", "dobrego dnia", "wszystkiego dobrego",
        "wszystkiego najlepszego", "pozdrawiam", "do usłyszenia", "dobranoc", "z poważaniem",
        "życzę miłego dnia", "miłego dnia życzę",
        "have a nice day", "have a good day", "have a great day", "have a nice weekend",
        "have a good weekend", "have a nice evening", "have a good one", "nice day", "good day", "take care",
        "all the best", "best wishes", "best regards", "kind regards", "regards", "good night",
    ],
    # A bare acknowledgement after an answer ("ok", "alles klar"): no question in it.
    "ok": [
        "ok", "okay", "okey", "oki", "alles klar", "klar", "gut", "alles gut", "in ordnung", "super", "prima",
        "verstanden", "genau", "perfekt", "wunderbar",
        "tamam", "tamamdır", "tmm", "peki", "olur", "anladım", "güzel", "süper", "iyiyim", "harika",
        "mükemmel",
        "حسنا", "تمام", "طيب", "ماشي", "اوكي", "أوكي", "فهمت", "ممتاز",
        "باشه", "اوکی", "خوبه", "فهمیدم", "عالی", "حله",
        "хорошо", "ладно", "понятно", "ясно", "ок", "окей", "отлично", "договорились", "супер", "прекрасно",
        "добре", "гаразд", "зрозуміло", "чудово", "домовились", "ідеально",
        "dobrze", "dobra", "okej", "jasne", "rozumiem", "w porządku", "świetnie", "doskonale",
        "good", "great", "got it", "alright", "all right", "understood", "cool", "nice", "perfect",
        "i'm fine", "i am fine",
    ],
    # Somebody to talk to, instead of the bot: the "Ask a person" dialogue (a human, staff, somebody).
    "person": [
        "mensch", "einem menschen", "einen menschen", "echten menschen", "echter mensch", "person", "jemand",
        "jemandem", "jemanden", "mitarbeiter", "mitarbeiterin", "einem mitarbeiter", "ansprechpartner",
        "ansprechperson",
        "insan", "insanla", "gerçek insan", "biriyle", "birisiyle", "birisi", "kişiyle", "yetkili",
        "yetkiliyle", "görevli", "görevliyle", "personel", "personelle", "temsilci", "temsilciyle",
        "canlı destek",
        "شخص", "إنسان", "انسان", "موظف", "موظفة", "أحد", "احد", "حد", "مسؤول", "بشر",
        "آدم", "آدمی", "نفر", "کسی", "یکی", "کارمند", "مسئول", "اپراتور",
        "человек", "человеком", "человеку", "кем нибудь", "кем то", "сотрудник", "сотрудником",
        "сотруднику", "оператор", "оператором",
        "людина", "людиною", "людині", "кимось", "ким небудь", "працівник", "працівником", "співробітником",
        "оператором",
        "człowiek", "człowiekiem", "osoba", "osobą", "kimś", "pracownik", "pracownikiem", "konsultantem",
        "person", "a person", "human", "a human", "someone", "somebody", "staff", "employee", "agent",
        "operator",
    ],
}  # fmt: skip
#: Emoji that are small talk on their own (a message of nothing but these, skin tones aside).
#: Not "🙏": it asks ("please") as often as it thanks – except at the end (`small_talk`'s `closing`).
_EMOJI: dict[str, SmallTalkKind] = {
    "👋": "greeting", "👍": "ok", "👌": "ok", "🆗": "ok", "✅": "ok", "🙂": "ok", "😊": "ok",
    "❤": "thanks", "♥": "thanks", "💐": "thanks", "🌹": "thanks", "🤗": "thanks", "🥰": "thanks",
}  # fmt: skip
_CLOSING_EMOJI: dict[str, SmallTalkKind] = {**_EMOJI, "🙏": "thanks"}
#: What may change an emoji's look without changing it: skin tones, the emoji presentation selector.
_EMOJI_MODIFIERS = {chr(c) for c in range(0x1F3FB, 0x1F400)} | {"\ufe0f"}
#: Words that may accompany small talk without turning it into a question.
_FILLERS = {
    fold(w)
    for w in """
    bot quartiersbot lieber liebe liebes lieben ihr dir euch auch so sehr viel vielmals nochmal nochmals mal
    alle zusammen allen alles leute und ja ihnen very much so a lot you all everyone everything again too
    çok cok abi abla hocam kardeşim canım ederim ya iyi her şey
    جزيلا كثيرا يا اخي أخي اختي كل شيء
    خیلی زیاد جان عزیز همه چیز
    вам тебе большое очень огромное друзья всем всім да так всё все усе тоже теж
    bardzo wszystkim wszystko serdecznie tak
    """.split()
}
#: Words that may accompany one kind only (see the module's docstring): short closed lists per language.
_COMPANIONS: dict[SmallTalkKind, str] = {
    # In every language, four kinds of words: for the help / the answer / the information / your patience;
    # a blessing; "you helped me"; "now I know", "all clear", "it is settled". Then a yes ("Yes, thanks",
    # "Evet, teşekkürler": thanks, not a yes to "Reopen?") and "you too" ("Спасибо, и вам тоже").
    "thanks": """
    für die den das ihre ihr deine eure hilfe unterstützung antwort antworten info infos information
    informationen auskunft mühe geduld zeit schnelle nette freundliche tolle gott segne sie dich jetzt weiß
    ich bescheid herzlich herzlichen vielen haben hat habt mir uns geholfen sich erledigt klar
    için yardımınız yardımın yardım ilginiz cevap cevabınız bilgi bilgiler allah razı olsun sizden
    hepinize emeğinize sağlık kolay gelsin yardımcı oldunuz oldun bana bize anlaşıldı halloldu anladım
    على المساعدة مساعدتك مساعدتكم الله يعطيك العافية جزاك جزاكم خيرا بارك فيك فيكم لك لكم المعلومات
    يباركك يبارك ساعدتموني ساعدتني ساعدتنا فهمت واضح
    از بابت برای کمک کمکتون کمکت کمکتان راهنمایی راهنماییتون لطف لطفتون شما خدا خیرت بده حفظتون کنه
    کردید کردی کردین به من ما حل شد فهمیدم
    за помощь ответ ответы информацию вы нам мне помогли помог помогла бог храни дай здоровья понятно ясно
    допомогу відповідь інформацію ви нам мені допомогли допоміг допомогла боже бог здоров'я зрозуміло
    za pomoc odpowiedź informację informacje pani panu państwu bóg zapłać mi nam pomogła pomógł pomogli
    pomogliście wielkie jasne załatwione
    for the help your you answer answers info information god bless all clear helped me us now sorted
    settled fine is
    evet نعم أجل اجل بله بلی آره yes yeah yep
    gleichfalls ebenfalls size sana de da siz sen ve و ولك وأنت وانت أيضا ايضا كمان هم همچنین
    и взаимно і взаємно i wam też wzajemnie nawzajem same to
    """,
    # I want / would like / can I / please + talk / speak / write + with / to + a / real
    "person": """
    ich will möchte würde gern gerne mit einem einer einen echten richtigen sprechen reden schreiben
    kann könnte darf bitte zu verbinden brauche gibt es da hier vom team
    bir gerçek canlı ile konuşmak görüşmek istiyorum isterim lazım lütfen bağlayın ben beni var mı mi
    konuşabilir miyim bi
    أريد اريد بدي ابغى أبغى أحب اتكلم أتكلم التكلم أتحدث اتحدث التحدث الحديث أكلم اكلم مع حقيقي من فضلك لو
    سمحت ممكن هل يمكنني أن ان التواصل تواصل أتواصل إلى الى احكي أحكي
    میخواهم میخوام میخام می خواهم با یک یه صحبت حرف کنم بزنم بکنم لطفا میشه آیا ممکن است هست واقعی
    تماس بگیرم ارتباط من میتوانم میتونم
    я хочу хотела хотел бы можно мне нужен нужно надо поговорить говорить связаться пообщаться с со
    живым живой настоящим пожалуйста позовите дайте соедините могу ли
    хочу хотіла хотів би можна мені потрібна потрібен треба поговорити говорити зв'язатися з із живою
    справжньою будь ласка покличте дайте можу
    chcę chciałabym chciałbym porozmawiać rozmawiać mówić z ze prawdziwym prawdziwą żywym proszę mogę czy
    połączyć skontaktować się potrzebuję
    i want wanna would like to talk speak chat with a an the can could may please pls plz need real live me
    connect let is there from your team
    """,
}  # fmt: skip
#: Each companion word (folded) and the kinds it may accompany.
_COMPANION_OF: dict[str, set[SmallTalkKind]] = {}
for _kind, _words in _COMPANIONS.items():
    for _word in _words.split():
        for _token in raw_tokens(_word):
            _COMPANION_OF.setdefault(fold(_token), set()).add(_kind)
_PHRASE_TOKENS: list[tuple[tuple[str, ...], SmallTalkKind]] = sorted(
    ((tuple(fold(t) for t in raw_tokens(p)), kind) for kind, phrases in _PHRASES.items() for p in phrases),
    key=lambda pk: -len(pk[0]),
)
#: Each greeting's or thank-you's words (folded) and the languages whose list has it.
_LANGUAGES_OF: dict[tuple[str, ...], frozenset[str]] = {}
for _lists in (_GREETINGS, _THANKS):
    for _lang, _phrases in _lists.items():
        for _p in _phrases:
            _key = tuple(fold(t) for t in raw_tokens(_p))
            _LANGUAGES_OF[_key] = _LANGUAGES_OF.get(_key, frozenset()) | ({_lang} if _lang else set())
_PRIORITY: tuple[SmallTalkKind, ...] = ("person", "thanks", "bye", "greeting", "ok")
#: The longer words (five letters or more: one typo allowed, ``same_word``) by their length, so a word is
#: compared only with those one letter longer or shorter: each message is read in microseconds, not by a
#: pass over every word of the lists (``small_talk`` runs for every question a resident asks).
_TYPO_LENGTH = 5


def _by_length(words: Iterable[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for word in sorted(set(words)):
        if len(word) >= _TYPO_LENGTH:
            out.setdefault(len(word), []).append(word)
    return out


_COMPANIONS_BY_LENGTH = _by_length(_COMPANION_OF)
#: Each phrase's position in ``_PHRASE_TOKENS``, by its first word.
_PHRASES_BY_FIRST: dict[str, list[int]] = {}
for _position, (_phrase, _kind) in enumerate(_PHRASE_TOKENS):
    _PHRASES_BY_FIRST.setdefault(_phrase[0], []).append(_position)
_FIRST_WORDS_BY_LENGTH = _by_length(_PHRASES_BY_FIRST)


def _typo_neighbours(word: str, by_length: dict[int, list[str]]) -> Iterator[str]:
    """The words of ``by_length`` that ``word`` is with one typo (``same_word``), itself aside."""
    for length in (len(word) - 1, len(word), len(word) + 1):
        for pattern in by_length.get(length, ()):
            if pattern != word and same_word(word, pattern):
                yield pattern


@lru_cache(maxsize=4096)
def _phrases_from(word: str) -> tuple[int, ...]:
    """The positions in ``_PHRASE_TOKENS`` (in its order) of the phrases whose first word ``word`` is."""
    found = set(_PHRASES_BY_FIRST.get(word, ()))
    for first in _typo_neighbours(word, _FIRST_WORDS_BY_LENGTH):
        found.update(_PHRASES_BY_FIRST[first])
    return tuple(sorted(found))


def same_word(word: str, pattern: str) -> bool:
    """`word` (folded) is `pattern`, allowing one typo when `pattern` has five letters or more: the rule
    of every closed word list here and in bot/search/whatson.py."""
    if word == pattern:
        return True
    # one typo in longer words ("merhba", "spasibo" is another script and stays unmatched)
    return len(pattern) >= 5 and abs(len(word) - len(pattern)) <= 1 and OSA.distance(word, pattern) <= 1


def small_talk(text: str, *, closing: bool = False) -> SmallTalkKind | None:
    """The kind of small talk if the message is nothing else, else None. `closing`: written after the
    answer that ended her request, where nothing is left to ask for: a lone "🙏" thanks, and a no ("Nein
    danke", "No, thank you" to the partner's "Anything else?") is a friendly "ok"."""
    if closing and reopen_answer(text) == "no":
        return "ok"
    words = [fold(w) for w in raw_tokens(text)]
    found: set[SmallTalkKind] = set()
    if not words:  # emoji only, or nothing to read
        emoji = _CLOSING_EMOJI if closing else _EMOJI
        signs = [c for c in text if not c.isspace() and c not in _EMOJI_MODIFIERS]
        if not signs or any(c not in emoji for c in signs):
            return None
        found = {emoji[c] for c in signs}
    read = _read(words)
    if read is None:
        return None
    phrases, companions = read
    found |= {kind for _phrase, kind in phrases}
    chosen = next((k for k in _PRIORITY if k in found), None)
    if chosen is None or not all(chosen in kinds for kinds in companions):
        return None  # "für die Hilfe" alone, "hallo, ich will sprechen"
    if chosen == "thanks" and companions and any(mark in text for mark in QUESTION_MARKS):
        return None  # "danke für die Info?"
    return chosen


def _read(
    words: list[str], *, exact_first: bool = False
) -> tuple[list[tuple[tuple[str, ...], SmallTalkKind]], list[set[SmallTalkKind]]] | None:
    """The small-talk phrases `words` (folded) are made of, each as its list has it, and for each companion
    word the kinds it may go with; None if a word is neither (nor a filler). `exact_first`: a phrase whose
    first word is the word itself before one with a typo ("hello" is English, not "hallo")."""
    phrases: list[tuple[tuple[str, ...], SmallTalkKind]] = []
    companions: list[set[SmallTalkKind]] = []
    i = 0
    while i < len(words):
        positions = _phrases_from(words[i])
        if exact_first:
            positions = tuple(sorted(positions, key=lambda p: _PHRASE_TOKENS[p][0][0] != words[i]))
        for position in positions:
            phrase, kind = _PHRASE_TOKENS[position]
            n = len(phrase)
            if i + n <= len(words) and all(same_word(words[i + k], phrase[k]) for k in range(1, n)):
                phrases.append((phrase, kind))
                i += n
                break
        else:
            # repeated letters ("hallooo", "danke!!") are folded by the typo rule; fillers are skipped
            if words[i] in _FILLERS:
                pass
            elif (kinds := _companion_of(words[i])) is not None:
                companions.append(kinds)
            else:
                return None
            i += 1
    return phrases, companions


def small_talk_languages(text: str) -> frozenset[str]:
    """The languages whose greetings ("how are you" with them) or thanks a small-talk message is in: those
    of each such phrase in it, where they agree ("Merhaba" Turkish, "مرحبا" Arabic, "Привет" Russian, "hi"
    German and English). Empty if it has none, or they disagree ("hallo, teşekkürler")."""
    read = _read([fold(w) for w in raw_tokens(text)], exact_first=True)
    if read is None:
        return frozenset()
    languages: frozenset[str] | None = None
    for phrase, kind in read[0]:
        if kind in ("greeting", "thanks"):
            of = _LANGUAGES_OF.get(phrase, frozenset())
            languages = of if languages is None else languages & of
    return languages or frozenset()


def _companion_of(word: str) -> set[SmallTalkKind] | None:
    """The kinds `word` (folded) may accompany, allowing one typo in a longer word."""
    if (kinds := _COMPANION_OF.get(word)) is not None:
        return kinds
    if len(word) < 5:
        return None
    found = set().union(*(_COMPANION_OF[w] for w in _typo_neighbours(word, _COMPANIONS_BY_LENGTH)))
    return found or None


def message_shape(text: str) -> MessageShape | None:
    """Why a message cannot be searched, or None if it can (it has at least three letters in a script we
    read). Digits alone ("110") count as searchable."""
    stripped = text.strip()
    if not stripped:
        return "empty"
    letters = [c for c in stripped if c.isalpha()]
    digits = [c for c in stripped if c.isdigit()]
    if not letters and not digits:
        if any(unicodedata.category(c) in {"So", "Sk", "Cs"} or ord(c) >= 0x1F000 for c in stripped):
            return "emoji"
        return "too_short"
    if letters:
        other = sum(1 for c in letters if script_of(c) == OTHER)
        if other * 2 > len(letters):
            return "unsupported_script"
    if len(letters) + len(digits) < 3:
        return "too_short"
    return None


ReopenAnswer = Literal["reopen", "yes", "no"]
#: A typed answer to the bot's "Reopen it?", in every language: a plain yes, the words that ask to open it
#: ("open it again"), no, thanks, and the words that may go with any of them (please, "it", "need").
_ANSWER_WORDS: dict[str, str] = {
    "yes": """
    ja jaa jo jep jap gerne gern evet evt نعم أجل اجل ايوه أيوه ايوا بله بلی آره да ага угу конечно
    давайте давай так звісно звичайно tak oczywiście yes yeah yep yup sure
    """,
    "open": """
    öffnen öffne öffnet aufmachen wieder aç açın açar açabilirsiniz tekrar yeniden
    افتح افتحه افتحها افتحوه افتحيه مرة أخرى اخرى باز دوباره
    откройте открой открыть откроете снова заново відкрийте відкрий відкрити знову
    otwórz otwórzcie otworzyć ponownie open reopen again
    """,
    "no": """
    nein nee nö nicht nötig hayır hayir yok gerek istemiyorum لا كلا نه خیر нет не ні nie no nope nah
    """,
    "thanks": """
    danke dank vielen schön herzlichen teşekkürler teşekkür ederim çok sağol sağolun شكرا جزيلا ممنون مرسی
    خیلی спасибо большое дякую дуже dziękuję dzięki bardzo thanks thank you a lot much many
    """,
    "either": """
    bitte sie es ihn ok okay lütfen من فضلك لو سمحت لطفا لطفاً کنید کن کنین пожалуйста его её надо нужно
    будь ласка його її треба потрібно proszę je go trzeba please pls it need
    """,
}  # fmt: skip


def _kind_of(lists: dict[str, str]) -> dict[str, str]:
    """Each folded word of `lists` (kind → the words, space-separated) → its kind."""
    return {
        fold(token): kind
        for kind, words in lists.items()
        for word in words.split()
        for token in raw_tokens(word)
    }


_ANSWER_OF = _kind_of(_ANSWER_WORDS)


def reopen_answer(text: str) -> ReopenAnswer | None:
    """A typed answer to the bot's "Reopen it?": "reopen" asks to open it and says nothing else ("да,
    откройте", "Evet lütfen açın", "Wieder öffnen"), "yes" is a plain yes ("ja", "evet", "ja bitte") that
    reopens it and may well answer the partner's last question, so it is passed on too; "no" ("nein danke",
    "нет"). None for a question ("ja, aber wann?", "да?"), news, both yes and no, only a please, or thanks
    with a plain yes ("Yes, thanks", "Да, спасибо", "Evet, teşekkürler": a thank-you, `small_talk`)."""
    if any(mark in text for mark in QUESTION_MARKS):
        return None
    kinds: set[str] = set()
    for word in raw_tokens(text):
        kind = _ANSWER_OF.get(fold(word))
        if kind is None:
            return None
        kinds.add(kind)
    kinds.discard("either")
    if "no" in kinds:
        return "no" if kinds <= {"no", "thanks"} else None
    if "open" in kinds:
        return "reopen"
    return "yes" if kinds == {"yes"} else None


#: A typed answer to "Did this help?": only a plain yes or no, with thanks or a please at most
#: (`vote_answer`). Not the words that ask to reopen a request ("wieder", "again"), nor "nicht nötig",
#: "istemiyorum": they answer another question. Polish "no" is a colloquial yes ("no, pomogło"); Persian
#: "خیر" (no) is Arabic "خير" (good) folded alike: a no in Persian only.
_VOTE_WORDS: dict[str, str] = {
    "yes": """
    ja jaa jo jep jap evet evt نعم أجل اجل ايوه أيوه ايوا بله بلی آره да ага угу так tak yes yeah yep yup
    """,
    "no": """
    nein nee nö hayır hayir لا كلا نه خیر нет ні nie no nope nah
    """,
    "thanks": _ANSWER_WORDS["thanks"],
    "please": """
    bitte lütfen لطفا لطفاً пожалуйста будь ласка proszę please
    """,
}  # fmt: skip
_VOTE_OF = _kind_of(_VOTE_WORDS)


_PERSIAN_NO = fold("خیر")


def vote_answer(text: str, lang: str) -> bool | None:
    """A typed answer to "Did this help?" under an answer: True for a plain yes ("ja", "Ja, danke", "Evet,
    teşekkürler", "так"), False for a plain no ("nein", "Nein danke", "нет"); None for anything else: a
    question ("ja?"), both, other words ("wieder öffnen", "nicht nötig"), Polish "no" (a colloquial yes)."""
    if any(mark in text for mark in QUESTION_MARKS):
        return None
    kinds: set[str] = set()
    for word in raw_tokens(text):
        folded = fold(word)
        kind = _VOTE_OF.get(folded)
        if kind is None or (kind == "no" and (lang, folded) == ("pl", "no")):
            return None
        if kind == "no" and lang != "fa" and folded == _PERSIAN_NO:
            return None
        kinds.add(kind)
    if ("yes" in kinds) == ("no" in kinds):
        return None
    return "yes" in kinds
