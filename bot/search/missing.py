"""A missing person: someone the message names has disappeared, has not come home, or cannot be found.

"Mein Kind ist seit gestern nicht nach Hause gekommen", "kızım kayboldu", "zaginął mój syn", "I can't find
my child", "لا أجد ابني": the police (110) look for missing people, children and adults alike, and the first
hours count. By meaning such messages lie near everyday ones (bot/search/situations.py has a missing
child, but its margin misses many, and more situations raised false alarms), so this is a rule.

A first rule (a person word anywhere and a "missing" word anywhere) alarmed everyday messages about a
person's *thing* ("у сына пропал паспорт", "oğlumun kimliği kayıp", "der Ausweis meines Sohnes ist
verschwunden"), about someone *missed* ("I am missing my mother back home") or lacking something ("my son
is missing some documents"), and explained absences ("kam nicht nach Hause, weil er Nachtschicht hatte").
So the person must be *who* is missing, read from the words around the expression, in one clause:

- **Gone**: an expression that someone has disappeared, is missing or lost, has not come (back) home,
  is nowhere ("verschwunden", "kayboldu", "пропала", "nie wrócił", "گم شده", "is gone") with a person
  as its subject: a person word in the subject form (nominative; in Turkish, Persian and Arabic the
  possessive "my son" form), at most ``SUBJECT_GAP`` words before it, or (where the verb may come
  first: ru, uk, pl, ar) at most ``AFTER_GAP`` words after it, or opening the clause at most ``HEAD_GAP``
  words before it with no thing between ("Meine Mutter hat Demenz und ist seit heute Mittag
  verschwunden"). "у сына", "synowi", "meines Sohnes", "oğlumun", "my son's" are no subject forms and
  are not listed.
- **Not found**: "can't find" with a person as its object ("I can't find my child", "не могу найти
  сына", "بچه‌ام رو پیدا نمی‌کنم", "ich finde mein Kind nicht"), or with "him"/"her" where the message
  names a person as subject or object elsewhere ("Mein Opa ist weg. Wir finden ihn nicht."); "he"/"she"
  as the subject of "gone" likewise ("mein Sohn ist nicht wieder da, er ist verschwunden").

What cancels it:
- a thing or a place of work next to the expression (``SUBJECT_GAP`` words before it, ``THING_GAP`` after,
  same clause): the passport, phone, key, letter, ID card, work, a night shift, a war ("mąż nie wrócił z
  pracy", "ran away from the war"); a message reading "him"/"her" as the person must name no thing at all;
- a negation right before the expression ("he is not missing anymore", "не пропал");
- a word that may take an object ("missing", "lost", "vermisst") followed by anything but a preposition,
  a time word or a conjunction ("missing *some* documents", "missing *his* family", "lost *his* phone"), a
  direction after "gone" ("is gone *to* work", "ist weg *zur* Arbeit");
- anywhere in the message, word after word and not negated: a reason given ("weil", "because", "потому
  что", "çünkü", "لأن", "چون"), the person found again ("anymore", "gefunden", "нашёлся"; not "не
  вернулся домой"), dead ("died", "verstorben") or gone from the writer ("left me", "hat mich verlassen").

Such a clause is *explained away* (``MissingReading.explained_rest``): by meaning "у сина пропав телефон"
and "Mein Mann kam nicht nach Hause, weil er Nachtschicht hatte" lie near the missing child, and the engine
keeps the meaning's alarm for them only when the rest of the message alarms by meaning on its own. The
rest keeps what such a clause goes on to say after "and" or "but" ("у сына пропал телефон | и он не
дышит"). A "can't find" whose person follows a preposition ("не могу найти няню для сына") is no missing
person but is not explained away either: "can't find a doctor for my son" may be an emergency.

Known limits: a whereabouts told without a reason word ("kızım eve gelmedi, arkadaşında kaldı": she stayed
at a friend's; "hastanede yatıyor": in hospital), "not back *yet*" ("mąż jeszcze nie wrócił": kept, a
worried parent writes it too) and figurative uses ("lost in math class", "disappeared into their rooms")
still alarm (the soft screen, with *Ask a person*); a reason word explains away a real runaway
("…weggelaufen, weil wir gestritten haben"); a language typed in Latin letters (Arabizi, Finglish,
"moy syn propal") is not read: the engine's Cyrillic reading of it ("мой син пропал") is too rough.

The lists are closed classes written for the meaning (kin nouns in their subject and object forms, the
language's ways to say "gone" and "can't find", common things people lose), not for test phrases; none
was chosen because of a held-out question. Words are folded (no case, no diacritics); a thing matches
by its first letters (inflected forms: "паспорта", "telefonu"), a person and an expression word exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.languages import counts_as
from bot.search.normalize import fold

SUBJECT_GAP = 4  # words between the subject and the expression: "Kind | ist seit gestern | nicht nach Hause"
# ...or when the subject opens the clause (no thing between): "Meine Mutter | hat Demenz und ist seit
# heute Mittag | verschwunden"
HEAD_GAP = 8
AFTER_GAP = 2  # ...after the expression, where the verb comes first: "zaginął | mój | syn"
OBJECT_GAP = 2  # words between "can't find" and its object: "find | my | child"
THING_GAP = 3  # a thing this close after the expression cancels it (before it: SUBJECT_GAP)
SEQ_GAP = 2  # other words allowed between two words of an expression (none in a reason or "found")

Reading = Literal["person", "explained"] | None

_CLAUSE_RE = re.compile(r"[.,;:!?،؛؟\n\r()…]+")
_WORD_RE = re.compile(r"\w+(?:'\w+)*")


@dataclass(frozen=True)
class _Lang:
    subjects: str  # person words in the subject form
    objects: str  # person words in the object form ("can't find my son": son, сына, oğlumu)
    pronouns: str  # "him", "her" as the object of "can't find", standing for a person named elsewhere
    he_she: str  # "he", "she" as the subject of "gone", standing for a person named elsewhere
    for_whom: str  # a preposition before a person: "for my son", "dla syna", "برای پسرم" (no object)
    then_what: str  # after the person, what is found for them: "can't find my son | a | place"
    joins: str  # "and", "but": where an explained-away clause may go on to say something else
    gone: tuple[str, ...]  # "has disappeared", "is missing", "has not come home"
    not_found: tuple[str, ...]  # "can't find"; its object follows (en, ru, uk, pl, ar) or precedes it
    object_first: bool  # tr, fa, de ("mein Kind nicht finden"): the object comes before "can't find"
    verb_first: bool  # ru, uk, pl, ar: "пропала дочь", "zaginął mój syn"
    things: str  # thing nouns (and work, shift, war) that cancel an expression next to them
    negations: str  # a negation right before a "gone" expression cancels it
    open_verbs: str  # "gone" words that may also take an object ("missing", "lost", "vermisst")...
    open_next: str  # ...and count only at the clause's end or followed by one of these words
    went: str  # "gone", "weg": followed by one of ``directions`` they say where someone went
    directions: str
    reasons: tuple[str, ...]  # a reason given for the absence
    found: tuple[str, ...]  # the person is back or found, has died or has left the one who writes


_LANGS: dict[str, _Lang] = {
    "de": _Lang(
        subjects="kind kinder sohn tochter mann frau ehemann ehefrau mutter vater mama papa oma opa "
        "großmutter großvater bruder schwester enkel enkelin baby junge mädchen neffe nichte eltern "
        "sohnemann kleine kleiner",
        objects="kind kinder sohn tochter mann frau ehemann ehefrau mutter vater mama papa oma opa "
        "großmutter großvater bruder schwester enkel enkelin baby jungen mädchen neffen nichte eltern",
        pronouns="ihn sie",
        he_she="er sie",
        for_whom="für mit zu von bei",
        then_what="",
        joins="und oder aber",
        gone=(
            "verschwunden",
            "vermisst",
            "weggelaufen",
            "abgehauen",
            "ist weg",
            "sind weg",
            "nicht nach hause gekommen",
            "nicht nach hause zurückgekommen",
            "kam nicht nach hause",
            "kommt nicht nach hause",
            "nicht heimgekommen",
            "nicht zurückgekommen",
            "nicht wiedergekommen",
            "nirgends",
            "nirgendwo",
        ),
        not_found=("nicht finden", "nicht mehr finden", "nirgends finden", "finde nicht", "finden nicht"),
        object_first=True,
        verb_first=False,
        things="ausweis pass reisepass dokument dokumente unterlagen papiere handy telefon schlüssel "
        "brief briefe post paket geldbörse portemonnaie geldbeutel geld tasche rucksack fahrrad auto "
        "karte zeugnis bescheid katze kater hund arbeit schicht nachtschicht frühschicht spätschicht "
        "krieg= krieges termin",
        negations="nicht nie kein keine",
        open_verbs="vermisst",
        open_next="seit und wir ich er sie",
        went="weg",
        directions="zu zur zum nach in ins für bei auf einkaufen arbeiten",
        reasons=("weil", "wegen"),
        found=(
            "gefunden",
            "wieder da",
            "wieder zu hause",
            "ist zurück",
            "ist wieder",
            "gestorben",
            "verstorben",
            "mich verlassen",
            "uns verlassen",
        ),
    ),
    "en": _Lang(
        subjects="son sons daughter daughters child children kid kids husband wife mother mum mom "
        "mummy father dad daddy grandmother grandma granny grandfather grandpa brother sister baby "
        "toddler boy girl grandson granddaughter teenager teen parents",
        objects="son daughter child children kid kids husband wife mother mum mom mummy father dad "
        "daddy grandmother grandma granny grandfather grandpa brother sister baby toddler boy girl "
        "grandson granddaughter",
        pronouns="him her them",
        he_she="he she",
        for_whom="for to with from of",
        then_what="a an the some any",
        joins="and or but",
        gone=(
            "missing",
            "disappeared",
            "vanished",
            "lost",
            "gone",
            "not come home",
            "not came home",
            "hasn't come home",
            "didn't come home",
            "not come back",
            "hasn't come back",
            "didn't come back",
            "not returned",
            "hasn't returned",
            "didn't return",
            "wandered off",
            "ran away",
            "run away",
            "nowhere",
        ),
        not_found=("can't find", "cannot find", "can not find", "couldn't find", "cant find", "not find"),
        object_first=False,
        verb_first=False,
        things="id passport document documents papers paper phone mobile key keys letter letters mail "
        "parcel package wallet purse bag money bike bicycle car card certificate ticket cat dog work "
        "job shift war appointment",
        negations="not isn't wasn't aren't never no",
        open_verbs="missing lost",
        open_next="since for from again now and today yesterday tonight after at in on while when we i "
        "he she please help",
        went="gone",
        directions="to for out shopping on off back with into home away abroad",
        reasons=("because",),
        found=(
            "anymore",
            "any more",
            "no longer",
            "found",
            "is back",
            "came back",
            "is home",
            "died",
            "passed away",
            "left me",
            "left us",
        ),
    ),
    "tr": _Lang(
        subjects="oğlum oğlumuz oğlu kızım kızımız kızı çocuğum çocuğumuz çocuklarım çocuk annem "
        "annesi babam babası kocam eşim karım dedem ninem anneannem babaannem kardeşim abim ağabeyim "
        "ablam torunum bebeğim bebek",
        objects="oğlumu oğlumuzu kızımı kızımızı çocuğumu çocuğumuzu çocuklarımı annemi babamı kocamı "
        "eşimi karımı dedemi ninemi anneannemi babaannemi kardeşimi abimi ablamı torunumu bebeğimi",
        pronouns="onu",
        he_she="o",
        for_whom="",
        then_what="",
        joins="ve ama fakat",
        gone=(
            "kayboldu",
            "kaybolmuş",
            "kayıp",
            "kayıplara karıştı",
            "eve gelmedi",
            "eve dönmedi",
            "hala dönmedi",
            "hala gelmedi",
            "geri gelmedi",
            "geri dönmedi",
            "ortada yok",
            "hiçbir yerde yok",
            "evden kaçtı",
        ),
        not_found=("bulamıyorum", "bulamıyoruz", "bulamadım", "bulamadık"),
        object_first=True,
        verb_first=False,
        things="kimlik kimliğ pasaport belge evrak telefon anahtar mektup mektub cüzdan çanta para param "
        "parası kart kartı kartım bisiklet araba kedi kedim kedisi köpek köpeğ paket karne iş işi işe "
        "işten savaş randevu",
        negations="",
        open_verbs="kayıp",
        open_next="ve",
        went="",
        directions="",
        reasons=("çünkü",),
        found=(
            "bulundu",
            "bulduk",
            "eve geldi",
            "geri geldi",
            "öldü",
            "vefat etti",
            "beni terk etti",
            "bizi terk etti",
        ),
    ),
    "ar": _Lang(
        subjects="ابني ابنتي بنتي طفلي ولدي زوجي زوجتي امي ابي والدي والدتي جدي جدتي اخي اختي ابننا "
        "بنتنا طفلنا اطفالي اولادي",
        objects="ابني ابنتي بنتي طفلي ولدي زوجي زوجتي امي ابي والدي والدتي جدي جدتي اخي اختي ابننا "
        "بنتنا طفلنا اطفالي اولادي",
        pronouns="",
        he_she="هو هي",
        for_whom="ل",
        then_what="",
        joins="و لكن",
        gone=(
            "مفقود",
            "مفقودة",
            "اختفى",
            "اختفت",
            "تاه",
            "تاهت",
            "ضاع",
            "ضاعت",
            "لم يرجع",
            "لم ترجع",
            "ما رجع",
            "ما رجعت",
            "لم يعد",
            "لم تعد",
            "هرب من البيت",
            "هربت من البيت",
        ),
        not_found=("لا اجد", "لا نجد", "لم اجد", "لم نجد", "ما لقيت", "ما لقينا", "مش لاقي", "مش لاقية"),
        object_first=False,
        verb_first=True,
        things="جواز هوية بطاقة وثيقة وثائق اوراق هاتف جوال موبايل مفتاح رسالة محفظة شنطة حقيبة فلوس "
        "مال سيارة دراجة قطة كلب عمل شغل حرب موعد",
        negations="ليس ليست مش مو غير",
        open_verbs="",
        open_next="",
        went="",
        directions="",
        reasons=("لان", "بسبب"),
        found=(
            "وجدناه",
            "وجدناها",
            "لقيناه",
            "لقيناها",
            "لم يعد مفقودا",
            "لم تعد مفقودة",
            "مات",
            "ماتت",
            "توفي",
            "توفيت",
            "تركني",
            "تركنا",
        ),
    ),
    "ru": _Lang(
        subjects="сын сынок дочь дочка ребёнок ребенок дети муж жена мама мать папа отец бабушка "
        "дедушка дед брат сестра внук внучка малыш мальчик девочка подросток",
        objects="сына сынка дочь дочку ребёнка ребенка детей мужа жену маму мать папу отца бабушку "
        "дедушку деда брата сестру внука внучку малыша мальчика девочку",
        pronouns="его её",
        he_she="он она",
        for_whom="для с к от у",
        then_what="",
        joins="и а но",
        gone=(
            "пропал",
            "пропала",
            "пропали",
            "исчез",
            "исчезла",
            "исчезли",
            "потерялся",
            "потерялась",
            "потерялись",
            "не пришёл домой",
            "не пришла домой",
            "не пришли домой",
            "не вернулся",
            "не вернулась",
            "не вернулись",
            "нигде нет",
            "сбежал из дома",
            "сбежала из дома",
            "убежал из дома",
            "убежала из дома",
        ),
        not_found=("не могу найти", "не можем найти", "не можем нигде найти", "не могу нигде найти"),
        object_first=False,
        verb_first=True,
        things="паспорт документ телефон ключ письм кошел сумк деньг карт велосипед машин кот кота "
        "коту кошк собак посылк справк работ войн смен",
        negations="не",
        open_verbs="",
        open_next="",
        went="",
        directions="",
        reasons=("потому что", "так как"),
        found=(
            "нашёлся",
            "нашлась",
            "нашлись",
            "уже дома",
            "вернулся домой",
            "вернулась домой",
            "умер",
            "умерла",
            "ушёл от меня",
            "ушла от меня",
            "бросил меня",
            "бросила меня",
        ),
    ),
    "uk": _Lang(
        subjects="син синочок донька дочка дитина діти чоловік дружина мама мати тато батько бабуся "
        "бабця дідусь дід брат сестра онук онука малюк хлопчик дівчинка підліток",
        objects="сина синочка доньку дочку дитину дітей чоловіка дружину маму матір тата батька бабусю "
        "бабцю дідуся діда брата сестру онука онуку малюка хлопчика дівчинку",
        pronouns="його її",
        he_she="він вона",
        for_whom="для з до від у",
        then_what="",
        joins="і й та а але",
        gone=(
            "зник",
            "зникла",
            "зникли",
            "пропав",
            "пропала",
            "пропали",
            "загубився",
            "загубилася",
            "не повернувся",
            "не повернулася",
            "не повернулась",
            "не повернулися",
            "не прийшов додому",
            "не прийшла додому",
            "ніде немає",
            "ніде нема",
            "втік з дому",
            "втекла з дому",
        ),
        not_found=("не можу знайти", "не можемо знайти", "не можу ніде знайти", "не можемо ніде знайти"),
        object_first=False,
        verb_first=True,
        things="паспорт документ телефон ключ лист= листа= листи= гаманц гаманець сумк грош картк "
        "велосипед машин кіт кота кішк собак посилк довідк робот війн змін",
        negations="не",
        open_verbs="",
        open_next="",
        went="",
        directions="",
        reasons=("бо", "тому що", "через те що"),
        found=(
            "знайшовся",
            "знайшлася",
            "знайшлись",
            "вже вдома",
            "помер",
            "померла",
            "пішов від мене",
            "пішла від мене",
        ),
    ),
    "pl": _Lang(
        subjects="syn synek córka córeczka dziecko dzieci mąż żona mama matka tata ojciec babcia "
        "dziadek brat siostra wnuk wnuczka chłopiec dziewczynka nastolatek",
        objects="syna synka córki córkę córeczki dziecka dzieci męża żony mamy matki taty ojca babci "
        "dziadka brata siostry wnuka wnuczki chłopca dziewczynki",
        pronouns="go jej",
        he_she="on ona",
        for_whom="dla z do od u",
        then_what="",
        joins="i a ale oraz",
        gone=(
            "zaginął",
            "zaginęła",
            "zaginęli",
            "zaginęło",
            "zniknął",
            "zniknęła",
            "zniknęli",
            "zgubił się",
            "zgubiła się",
            "nie wrócił",
            "nie wróciła",
            "nie wrócili",
            "nie przyszedł do domu",
            "nie przyszła do domu",
            "nigdzie nie ma",
            "nie ma go nigdzie",
            "nie ma jej nigdzie",
            "uciekł z domu",
            "uciekła z domu",
        ),
        not_found=("nie mogę znaleźć", "nie możemy znaleźć", "nie mogę nigdzie znaleźć"),
        object_first=False,
        verb_first=True,
        things="dowód dokument paszport telefon komórk klucz list listu portfel torebk pieniądz "
        "pieniędz karta karty kartę rower samochód auto kot kota pies psa paczk zaświadcz praca pracy "
        "pracą pracę wojna wojny wojnie zmiana zmiany zmianie",
        negations="nie",
        open_verbs="",
        open_next="",
        went="",
        directions="",
        reasons=("bo", "ponieważ"),
        found=(
            "znalazł się",
            "znalazła się",
            "już wrócił",
            "już wróciła",
            "jest w domu",
            "zmarł",
            "zmarła",
            "odszedł ode mnie",
            "odeszła ode mnie",
        ),
    ),
    "fa": _Lang(
        subjects="پسرم دخترم بچه‌ام بچم بچه‌م بچه‌هام شوهرم همسرم زنم مادرم مامانم پدرم بابام "
        "مادربزرگم پدربزرگم برادرم خواهرم نوه‌ام",
        objects="پسرم دخترم بچه‌ام بچم بچه‌م بچه‌هام شوهرم همسرم زنم مادرم مامانم پدرم بابام "
        "مادربزرگم پدربزرگم برادرم خواهرم نوه‌ام",
        pronouns="",
        he_she="او",
        for_whom="برای با به از",
        then_what="",
        joins="و ولی اما",
        gone=(
            "گم شده",
            "گم شد",
            "گم شدن",
            "ناپدید",
            "خونه نیومده",
            "خانه نیامده",
            "نیومده خونه",
            "برنگشته",
            "برنگشت",
            "پیداش نمیکنیم",
            "پیداش نمی‌کنم",
            "پیداش نمی‌کنیم",
            "پیداش نکردیم",
        ),
        not_found=("پیدا نمی‌کنم", "پیدا نمی‌کنیم", "پیدا نکردم", "پیدا نکردیم", "پیدا نمی‌شه"),
        object_first=True,
        verb_first=False,
        things="کارت گوشی موبایل تلفن کلید نامه کیف پول مدارک مدرک پاسپورت گذرنامه شناسنامه دوچرخه "
        "ماشین گربه سگ کار جنگ",
        negations="",
        open_verbs="",
        open_next="",
        went="",
        directions="",
        reasons=("چون", "چونکه", "زیرا"),
        found=("پیدا شد", "پیداش کردیم", "برگشت خونه", "فوت کرد", "فوت شد", "مرد", "ولم کرد", "ترکم کرد"),
    ),
}


def _words(text: str) -> list[str]:
    """Folded words (no case, no diacritics, no zero-width non-joiner; "can't" and "son's" kept whole)."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("ʼ", "'").replace("\u200c", "")
    return [fold(w) for w in _WORD_RE.findall(text.casefold())]


@dataclass(frozen=True)
class _Folded:
    subjects: frozenset[str]
    objects: frozenset[str]
    pronouns: frozenset[str]
    he_she: frozenset[str]
    for_whom: frozenset[str]
    then_what: frozenset[str]
    gone: tuple[tuple[str, ...], ...]
    not_found: tuple[tuple[str, ...], ...]
    things: tuple[str, ...]
    negations: frozenset[str]
    open_verbs: frozenset[str]
    open_next: frozenset[str]
    went: frozenset[str]
    directions: frozenset[str]
    reasons: tuple[tuple[str, ...], ...]
    found: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=16)
def _folded(lang: str) -> _Folded | None:
    spec = _LANGS.get(counts_as(lang))
    if spec is None:
        return None

    def bag(text: str) -> frozenset[str]:
        return frozenset(_words(text))

    def seqs(texts: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(_words(t)) for t in texts)

    return _Folded(
        bag(spec.subjects),
        bag(spec.objects),
        bag(spec.pronouns),
        bag(spec.he_she),
        bag(spec.for_whom),
        bag(spec.then_what),
        seqs(spec.gone),
        seqs(spec.not_found),
        tuple(w + "=" * t.endswith("=") for t in spec.things.split() for w in _words(t)),
        bag(spec.negations),
        bag(spec.open_verbs),
        bag(spec.open_next),
        bag(spec.went),
        bag(spec.directions),
        seqs(spec.reasons),
        seqs(spec.found),
    )


def _spans(words: list[str], seq: tuple[str, ...], gap: int = SEQ_GAP) -> list[tuple[int, int]]:
    """Where ``seq`` occurs in ``words`` as (start, end): its words in order, at most ``SEQ_GAP`` other
    words between two of them ("kam *gestern* nicht nach Hause", "nicht *mehr* nach Hause gekommen");
    ``gap`` words at most."""
    found = []
    for start, word in enumerate(words):
        if word != seq[0]:
            continue
        at: int | None = start
        for part in seq[1:]:
            assert at is not None
            window = range(at + 1, min(len(words), at + gap + 2))
            at = next((i for i in window if words[i] == part), None)
            if at is None:
                break
        if at is not None:
            found.append((start, at + 1))
    return found


def _says(words: list[str], seqs: tuple[tuple[str, ...], ...], negations: frozenset[str]) -> bool:
    """Whether one of ``seqs`` occurs in ``words`` word after word, and not negated: "не | вернулся домой"
    and "is not home" say no one came back."""
    return any(
        not negations & set(words[max(0, start - 2) : start])
        for seq in seqs
        for start, _ in _spans(words, seq, gap=0)
    )


_ARTICLES = ("وال", "بال", "ال", "و", "ب")  # Arabic prefixes before a noun: the, and, with


def _thing(word: str, things: tuple[str, ...]) -> bool:
    """A thing noun: the word itself (in Arabic script also after "ال", "و", "ب"), or an inflected form
    starting with it ("паспорта", "telefonu") where it is five letters or more, four in other scripts than
    Latin; one written with a final "=" only as it is ("krieg=": not "kriegen")."""
    forms = [word] + [word[len(a) :] for a in _ARTICLES if word.startswith(a) and len(word) > len(a) + 2]
    for thing in things:
        exact = thing.endswith("=")
        thing = thing.rstrip("=")
        stem = not exact and (len(thing) >= 5 or (len(thing) >= 4 and not thing.isascii()))
        if any(form == thing or (stem and form.startswith(thing)) for form in forms):
            return True
    return False


def _names_thing(words: list[str], lo: int, hi: int, things: tuple[str, ...]) -> bool:
    return any(_thing(w, things) for w in words[max(lo, 0) : max(hi, 0)])


def _gone(clause: list[str], f: _Folded, verb_first: bool, named: bool) -> Reading:
    """ "person" where a person is the subject of a "gone" expression of ``clause``; "explained" where
    the clause has one that a thing, a negation, an object or a direction next to it explains away."""
    reading: Reading = None
    for seq in f.gone:
        for start, end in _spans(clause, seq):
            following = clause[end] if end < len(clause) else None
            if (
                _names_thing(clause, start - SUBJECT_GAP, end + THING_GAP, f.things)
                or (seq[0] not in f.negations and f.negations & set(clause[max(0, start - 2) : start]))
                or (
                    following is not None
                    and (
                        (len(seq) == 1 and seq[0] in f.open_verbs and following not in f.open_next)
                        or (seq[-1] in f.went and following in f.directions)
                    )
                )
            ):
                reading = "explained"
                continue
            before = set(clause[max(0, start - SUBJECT_GAP - 1) : start])
            after = set(clause[end : end + AFTER_GAP + 1]) if verb_first else set()
            # "дочь … её нигде нет": "her", right next to the expression, for the person named before
            beside = set(clause[max(0, start - 1) : end + 1]) if named else set()
            he_she = f.he_she & before if named else set()
            if f.subjects & (before | after) or f.pronouns & beside or he_she:
                return "person"
            # "Meine Mutter | hat Demenz und ist seit heute Mittag | verschwunden"
            if f.subjects & set(clause[:2]) and start <= HEAD_GAP + 1:
                if not _names_thing(clause, 0, start, f.things):
                    return "person"
                reading = "explained"
    return reading


def _not_found(clause: list[str], f: _Folded, object_first: bool, named: bool) -> Reading:
    persons = f.objects | (f.pronouns if named else frozenset())
    reading: Reading = None
    for seq in f.not_found:
        for start, end in _spans(clause, seq):
            if object_first:
                # "بچه‌ام رو | پیدا نمی‌کنم": the nearest person before; a thing between them or right
                # before it ("کارت پسرم", my son's card) is what cannot be found
                near = range(start - 1, max(-1, start - SUBJECT_GAP - 2), -1)
                at = next((i for i in near if clause[i] in persons), None)
                thing = at is not None and _names_thing(clause, at - 1, start, f.things)
            else:
                # "can't find | my child": the person within OBJECT_GAP words after, no thing before it, no
                # preposition ("nie mogę znaleźć opiekunki | dla | syna": a babysitter for my son), nothing
                # found for the person ("can't find my son | a | place")
                far = range(end, min(len(clause), end + OBJECT_GAP + 1))
                at = next((i for i in far if clause[i] in persons), None)
                if at is not None and (
                    f.for_whom & set(clause[max(end, at - 2) : at])
                    or (at + 1 < len(clause) and clause[at + 1] in f.then_what)
                ):
                    at = None
                thing = at is not None and _names_thing(clause, end, at + 2, f.things)
            if at is not None and not thing:
                return "person"
            if thing:
                reading = "explained"
    return reading


def _german_finde_nicht(clause: list[str], f: _Folded, named: bool) -> Reading:
    """German splits "can't find": "ich finde | mein Kind | nicht (mehr)", "wir finden | ihn | nirgends"."""
    for i, word in enumerate(clause):
        if word not in ("finde", "finden", "findet"):
            continue
        for j in range(i + 1, min(len(clause), i + OBJECT_GAP + 2)):
            if _thing(clause[j], f.things):
                break
            if clause[j] in f.objects or (named and clause[j] in f.pronouns):
                rest = clause[j + 1 : j + 3]
                if any(w in ("nicht", "nirgends", "nirgendwo") for w in rest):
                    return "person"
    return None


@dataclass(frozen=True)
class MissingReading:
    """What bot/search/missing.py reads in a message."""

    person: bool  # a person is missing or cannot be found
    #: The message without the clauses where something is said to be missing that is explained away (a
    #: person's lost passport, a night shift, "not missing anymore"), or None if it has no such clause.
    explained_rest: str | None


def _readings(clause: list[str], f: _Folded, spec: _Lang, named: bool) -> set[Reading]:
    readings = {_gone(clause, f, spec.verb_first, named), _not_found(clause, f, spec.object_first, named)}
    if spec is _LANGS["de"]:
        readings.add(_german_finde_nicht(clause, f, named))
    return readings


@lru_cache(maxsize=16)
def _joins(lang: str) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in _LANGS[lang].joins.split())
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def read_missing(text: str, lang: str) -> MissingReading:
    """Whether ``text`` (a message in ``lang``) says that a person it names is missing or cannot be found,
    and what is left of it without the clauses whose "missing" is explained away."""
    f = _folded(lang)
    if f is None:
        return MissingReading(False, None)
    spec = _LANGS[counts_as(lang)]
    parts = [part for part in _CLAUSE_RE.split(text) if _words(part)]
    clauses = [_words(part) for part in parts]
    every = [w for clause in clauses for w in clause]
    # a reason given ("weil er Nachtschicht hatte") or the person found again explains every clause away
    explained_all = _says(every, f.reasons, f.negations) or _says(every, f.found, f.negations)
    # "him"/"her" stands for a person only where the message names one and no thing it could be
    named = bool((f.subjects | f.objects) & set(every)) and not any(_thing(w, f.things) for w in every)
    rest: list[str] = []
    explained = False
    for part, clause in zip(parts, clauses, strict=True):
        readings = _readings(clause, f, spec, named)
        if "person" in readings and not explained_all:
            return MissingReading(True, None)
        if "explained" in readings or ("person" in readings and explained_all):
            explained = True
            # what the clause goes on to say after "and" stays: "у сына пропал телефон | и он не дышит"
            pieces = _joins(counts_as(lang)).split(part)
            rest += [p for p in pieces if _words(p) and _readings(_words(p), f, spec, named) == {None}]
        else:
            rest.append(part)
    if not explained:
        return MissingReading(False, None)
    return MissingReading(False, ", ".join(piece.strip() for piece in rest))


def reports_missing_person(text: str, lang: str) -> bool:
    """Whether ``text`` (a message in ``lang``) says that a person it names is missing or cannot be found."""
    return read_missing(text, lang).person
