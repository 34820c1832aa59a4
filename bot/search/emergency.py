"""Emergency detection: runs before anything else on every message.

Longer than most modules on purpose: the matching rules below (typos, stems, neighbouring keys, hard and
soft triggers, what overrules a soft one) decide together whether the numbers are shown, and splitting
them would hide from the reader which rule wins.

A trigger is a word or a phrase. It matches the message's words (folded, so diacritics and case do not
matter) when every trigger word is found close together (in any order: word order is free in most of our
languages). A trigger word matches a
message word when they are equal, have the same stem in the trigger's language, differ by one typo (both at
least six letters long), or — for trigger words written with a trailing ``*`` — the message word starts
with it (also with one typo in the prefix). Latin-typed Arabic, Persian, Russian and Ukrainian ("zawji
yadribuni") is read back into these words by bot/search/translit.py (``latin_reading``).

A typo is a word that does not exist: a message word that is itself a *known word* of the trigger's
language (a stop word, or a word of the content's texts in that language) is never read as a typo of a
trigger word, and neither is another form of one (its stem is a known word's: "الانتظار", the waiting,
beside the content's "انتظار", is no "الانتحار", suicide). One letter turns many everyday words into a
trigger ("yapıyor", is doing, into "yanıyor", is burning; "schläft" into "schlägt"); a misspelt trigger
("bewustlos", "dövüyo") is no word at all. The verb of a suicide phrase said of herself ("bringe mich um":
a verb, "me", ``FIRST_PERSON_OBJECTS``) does not inflect: "Kopfschmerzen bringen mich um" has another
subject. A trigger inside a name the content uses ("SOS-Mütterzentrum": a partner's, an offer's, an
event's or a place's name) is no trigger (``_in_a_name``).
The known words are few, so one more rule: a *wrong* letter in a trigger word under eight letters
("kalıyor" for "kanıyor", "trennt" for "brennt") is only a guess. A finger slips to a neighbouring key
("kaniyir" for "kanıyor": i beside o; "blutrt": r beside e), so a wrong letter that is no neighbour of the
right one on the script's keyboards ("yasiyor", lives, for "yanıyor": s is far from n; "kalıyor",
"trennt") makes another word, not a typo: the engine drops such a match (``EmergencyMatch.other_word``),
with or without the model, and only the meaning can then raise the alarm. The engine keeps a match that
needed a neighbouring-key guess when the message's meaning is closer to an emergency situation than to
anything in the content, or when there is no model to ask; a missing, doubled or swapped letter
("dövüyo", "brennnt") is a typo.

False positives we chose to avoid
---------------------------------
Matching is on whole words, never substrings: "Feuerwehrfest" does not contain the word "Feuer",
"Gewaltprävention" is not "Gewalt". On top of that, triggers are *hard* or *soft*:

- hard (suicide, wanting to die, rape, heart attack, unconscious, not breathing, heavy bleeding, being
  strangled: told as done or tried, "hat mich gewürgt", not "the tie chokes me") always trigger; missing
  one is far worse than showing the emergency numbers once too often.
- soft (violence, being beaten, threatened, fire, danger) are ignored when the message also names a course,
  workshop, talk, festival or prevention ("Kurs gegen Gewalt", "Brandschutz-Workshop", "fire safety class"),
  because then the resident is asking about an offer, not reporting an emergency.

Triggers from the content's ``emergency`` entries are hard when they are phrases and soft when they are
single words (staff list single words like "Gewalt" or "Hilfe!" that also occur in ordinary questions).
Soft single words from the content match whole words only (and one typo), not other forms of the word:
"pomocy" (help!) fires, "pomoc w napisaniu CV" (help writing a CV) does not. Finally, the SearchEngine
drops a *soft* match of a single word when the message clearly names a thing to do, as a call for help
needs below ("Haben Sie Feuer?", "I got a letter from the police" → the letter help); hard matches and
soft phrases ("schlägt mich", "beats me", "in danger": what happens to a person, which no everyday
question says; "call the police", ``SERVICE_CALLS``) are never dropped, whatever else the message asks
("My husband beats me, where can I get counselling?"). A trigger that repeats one word ("hilfe hilfe") is
a repeated cry: its words must follow each other ("Hilfe! Hilfe!"), not stand anywhere in the window
("Danke für Ihre Hilfe. Mein Sohn braucht auch Hilfe …").

The words of a phrase stand in one clause ("ev sahibi tehdit ediyor, kocam işsiz", the landlord threatens,
my husband is out of work, is no "kocam tehdit ediyor"). Threats: a threat to kill her, her children or
"us" is hard (``BUILTIN_KILL``: "er droht mich umzubringen", "beni öldürecek", "he threatened to kill
me"), unless a thing or "this" says it ("das bringt mich um", "to mnie zabije": ``IDIOM_SUBJECTS``); a
threat word is no danger word when its clause names an everyday consequence (``CONSEQUENCES``: "Das
Jobcenter droht mir mit Sanktionen", "Арендодатель угрожает выселением"). German "schlägt … vor"
(proposes) is no "schlägt" (``SEPARABLE_PARTICLES``).

Calls for help
--------------
"допоможіть", "pomocy", "yardım edin" are what a resident in danger writes, but just as often the polite
start of an ordinary request ("допоможіть з листом від відомства", "yardım edin, Jobcenter'dan mektup
geldi"). Content triggers ending in ``!`` are *calls for help*: soft even when they are phrases, and the
SearchEngine drops them whenever the rest of the message clearly names something to do that the bot knows
(a strong best hit, even if two entries about letters compete for first place; not a partner or a place
matched by its name, as "help me now" matches the partner NOW). A call for help alone ("pomocy!!"),
or with words the bot does not know, still shows the emergency numbers; violence or danger words in the
same message ("yardım edin! kocam beni dövüyor") fire their own, hard, triggers. Words that only say it
is urgent ("Hilfe, bitte schnell!") are no rest: that is a call alone; so is a rest that only says that
help is asked for (request words and pronouns: "Ich brauche dringend Hilfe", "help me please"). A one-word
call that is part of a request does not count: right after a request word (Polish "potrzebuję pomocy", I
need help; "ich brauche Hilfe", "erste Hilfe") or right before what the help is for ("Hilfe beim Umzug",
"помогите с письмом", "help me with the form", also with "please" in between: "помогите пожалуйста с
письмом"). An urgency word in between keeps it a call ("ich brauche dringend Hilfe", "I need urgent
help"): with nothing else said that is a cry, and help asked urgently *with* something still names it
after the call or in the rest. German "Hilfe!" and English "help!" are
such calls too, and so is "SOS". A message that is only a thank-you ("Thanks a lot for the help, God bless
you", bot/search/smalltalk.py) has no call in it: the help is what is thanked for (SearchEngine.answer);
danger words in it still fire.

Longer than most modules on purpose: about half of it is data, the built-in trigger lists of the nine
languages (`BUILTIN_HARD`, `BUILTIN_SOFT`), kept beside the matcher that reads them.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Hamming

from bot.languages import counts_as
from bot.search.normalize import SCRIPT_OF_LANG, fold, raw_tokens, script_of, stem, stop_words
from bot.search.translit import LatinReader, common_words

MAX_GAP = 3
#: The Latin-script languages a resident of a language with its own script writes too: their words are
#: never read back into her script (``LatinReader``).
LATIN_WRITTEN = ("de", "en")
KNOWN_STEM = "~"  # marks a stem among the known words (``_Message.known``)
MISS, MATCH, GUESS, OTHER = 0, 1, 2, 3  # how a message word matches a trigger word (``_typo``)
#: A wrong letter is a typo in trigger words this long; in shorter ones only a ``GUESS`` (``_typo``).
SUBSTITUTION_FROM = 8

# "*" = prefix. Each language lists hard triggers, then soft triggers.
BUILTIN_HARD: dict[str, list[str]] = {
    "de": [
        "suizid*",
        "selbstmord*",
        "umbringen",
        "bringe mich um",
        "bring mich um",
        "will sterben",
        "möchte sterben",
        "will nicht mehr leben",
        "nicht mehr leben",
        "mich töten",
        "vergewaltig*",
        "herzinfarkt*",
        "bewusstlos*",
        "ohnmächtig",
        "atmet nicht",
        "atmet nicht mehr",
        "kann nicht atmen",
        "bekomme keine luft",
        "bekommt keine luft",
        "kriege keine luft",
        "kriegt keine luft",
        "blutet stark",
        "blutet sehr",
        "viel blut",
        "schlaganfall*",
        "lebensgefahr*",
        "notarzt",
        "notfall",
        "krankenwagen",
        "rettungswagen",
        # strangling (the strongest sign of a partner's lethal violence), told as done or tried
        *(
            "mich gewürgt|würgt mich|würgte mich|mich zu würgen|erwürg*|hat sie gewürgt|"
            "kinder gewürgt|tochter gewürgt|sohn gewürgt"
        ).split("|"),
    ],
    "tr": [
        "intihar*",
        "kendimi öldür*",
        "kendimi oldurecegim",
        "ölmek istiyorum",
        "olmek istiyorum",
        "yaşamak istemiyorum",
        "tecavüz*",
        "kalp krizi",
        "bayıldı",
        "baygın",
        "bilinci kapalı",
        "nefes almıyor",
        "nefes alamıyor*",
        "çok kan",
        "kanaması",
        "kan kaybı",
        "acil durum",
        "ambulans",
        *("beni boğdu", "beni boğmaya", "beni boğacak", "boğmaya çalıştı", "boğazımı sıktı"),
    ],
    "ar": [
        "انتحار",
        "انتحر",
        "اقتل نفسي",
        "أريد أن أموت",
        "أريد الموت",
        "لا أريد أن أعيش",
        "اغتصاب",
        "اغتصبني",
        "نوبة قلبية",
        "جلطة",
        "فاقد الوعي",
        "مغمى عليه",
        "أغمي عليه",
        "لا يتنفس",
        "لا تتنفس",
        "نزيف",
        "ينزف",
        "طوارئ",
        "إسعاف",
        *("خنقني", "خنقوني", "حاول خنقي", "خنقها"),
    ],
    "ru": [
        "суицид*",
        "самоубийств*",
        "покончить с собой",
        "убить себя",
        "убью себя",
        "хочу умереть",
        "не хочу жить",
        "изнасил*",
        "инфаркт*",
        "без сознания",
        "потерял сознание",
        "потеряла сознание",
        "не дышит",
        "не могу дышать",
        "кровотечен*",
        "истекает кровью",
        "много крови",
        "скорая",
        "скорую",
        *("задушить", "придушить", "душил* меня"),
    ],
    "uk": [
        "суїцид*",
        "самогубств*",
        "покінчити з собою",
        "вбити себе",
        "вб'ю себе",
        "хочу померти",
        "не хочу жити",
        "зґвалтув*",
        "згвалтув*",
        "інфаркт*",
        "без свідомості",
        "знепритомн*",
        "не дихає",
        "не можу дихати",
        "кровотеч*",
        "багато крові",
        "швидку",
        "швидка",
        *("задушити", "придушити", "душив мене", "душил* мене"),
    ],
    "pl": [
        "samobójst*",
        "zabić się",
        "zabiję się",
        "chcę umrzeć",
        "nie chcę żyć",
        "gwałt",
        "zgwałc*",
        "zawał*",
        "nieprzytomn*",
        "nie oddycha",
        "nie mogę oddychać",
        "krwawi*",
        "krwotok*",
        "pogotowie",
        *("udusić mnie", "udusił mnie", "udusiła mnie", "dusił* mnie"),
    ],
    "fa": [
        "خودکشی",
        "خودم را بکشم",
        "خودمو بکشم",
        "می‌خواهم بمیرم",
        "میخوام بمیرم",
        "بمیرم",
        "تجاوز",
        "سکته قلبی",
        "سکته",
        "بیهوش",
        "نفس نمی‌کشد",
        "نفس نمیکشه",
        "خونریزی",
        "اورژانس",
        "آمبولانس",
        *(
            "منو خفه کرد|مرا خفه کرد|من را خفه کرد|خفه‌ام کرد|خفه‌ام کنه|خفم کرد|گلومو فشار داد|"
            "گلویم را فشار داد"
        ).split("|"),
    ],
    "en": [
        "suicid*",
        "kill myself",
        "want to die",
        "end my life",
        "rape",
        "raped",
        "heart attack",
        "unconscious",
        "passed out",
        "not breathing",
        "can't breathe",
        "cannot breathe",
        "bleeding heavily",
        "bleeding a lot",
        "lot of blood",
        "ambulance",
        "emergency",
        *(
            "strangled me|strangled her|strangle me|tried to strangle|choked me|choke me|"
            "choked her|choked my|he is choking me|he's choking me"
        ).split("|"),
    ],
}
#: Who was hit, after "ضرب"/"يضرب" (he hit, he hits): the children, a son, a daughter, her mother. Arabic
#: says whom a verb is done to after it: "ابني ضرب صديقه" (my son hit his friend) is no "ضرب ابني"
#: (``_verb_after``).
VERB_FIRST = tuple(
    f"{verb} {who}" for verb in ("ضرب", "يضرب") for who in "الأطفال الاولاد ابني بنتي أمي".split()
)
BUILTIN_SOFT: dict[str, list[str]] = {
    "de": [
        "gewalt",
        "häusliche gewalt",
        "schlägt mich",
        "schlägt",
        "geschlagen",
        "verprügel*",
        "bedroht",
        "droht mir",
        "droht uns",
        "bedroht mich",
        "brennt",
        "feuer",
        "brand",
        "in gefahr",
    ],
    "tr": ["şiddet", "dayak", "dövüyor", "dövdü", "beni dov*", "tehdit*", "yangın", "yanıyor"],
    "ar": [
        *"عنف يضربني ضربني ضربوني يضربها ضربها تهديد يهددني حريق".split(),
        "في خطر",
        *VERB_FIRST,
    ],
    "ru": [
        *"насилие бьет избил* угрожа* пожар* горит".split(),
        *("бьёт меня", "в опасности", "ударил меня", "бил меня", "била меня", "били меня"),
        *("бьет детей", "бил детей", "ударил ребенка"),
    ],
    "uk": [
        *"насильство б'є побив* погрож* пожеж* горить".split(),
        *("б'є мене", "в небезпеці", "вдарив мене", "ударив мене", "бив мене", "била мене", "били мене"),
        *("б'є дітей", "бив дітей", "вдарив дитину"),
    ],
    "pl": [
        "przemoc",
        "bije mnie",
        "pobił*",
        *("uderzył mnie", "uderzyła mnie", "bił mnie", "biła mnie", "bije dzieci"),
        "grozi mi",
        "grożą",
        "pożar",
        "pali się",
        "w niebezpieczeństwie",
    ],
    "fa": [
        *"خشونت کتک کتکم تهدید آتش آتیش".split(),
        *("آتش سوزی", "در خطر"),
        # زدن, to hit, with whom: "مرا می‌زند", "منو زد" (not a compound verb: ``COMPOUND_VERB_NOUNS``)
        *(f"{who} {verb}" for who in ("مرا", "منو", "من را") for verb in "میزند میزنه میزد زد".split()),
        *(
            f"{who} {verb}"
            for who in ("بچه‌ها را", "بچه‌ها رو", "بچه‌هامو")
            for verb in ("میزند", "میزنه", "زد")
        ),
    ],
    "en": [
        "violence",
        "beats me",
        "beating me",
        "hits me",
        "hit me",
        *("hit the kids", "hit my kids", "hit the children", "hit my children"),
        "threatened",
        "threatening me",
        "fire",
        "burning",
        "in danger",
    ],
}


#: Asking someone to call an emergency service ("polisi arayın", "вызовите полицию", "call the police"):
#: per language, the services' names (police, fire brigade, ambulance) and the verbs that call or summon
#: one; a service and a verb close together are a soft phrase trigger (``with_builtin``), never overruled
#: by an answer, as "polizei rufen" was before alone. The name alone stays what it was: the content's
#: single word ("Polizei", soft, an everyday word too: "Wo ist die Polizeiwache?"); the verb alone is an
#: everyday word ("Wie kann ich das Quartiersbüro anrufen?"). Verbs only in the forms a request uses
#: (imperatives; German and English infinitives are ones too, and the Russian and Ukrainian infinitive of
#: summoning, "надо вызвать полицию", "треба викликати поліцію": not of phoning, "мне нужно позвонить в
#: полицию насчёт паспорта"), read as written, not by their stem: "the police called me", "czy mogę
#: zadzwonić na policję?" ask no one to call. A ``*`` where the forms share a start no other word has.
SERVICE_CALLS: dict[str, tuple[list[str], list[str]]] = {
    lang: (services.split("|"), verbs.split("|"))
    for lang, services, verbs in (
        (
            "de",
            "polizei|feuerwehr|krankenwagen|notarzt|rettungswagen",
            "ruf|rufe|ruft|rufen|anrufen|holen|hol|holt|verständigen|alarmieren",
        ),
        (
            "tr",
            "polis*|itfaiye*|ambulans*",
            "ara|arayın|arayınız|arasın|arar|çağır|çağırın|çağırınız|çağırsın|haber ver*",
        ),
        (
            "ar",
            "الشرطة|الشرطه|بالشرطة|بالشرطه|للشرطة|شرطة|الإسعاف|الاسعاف|بالإسعاف|بالاسعاف|الإطفاء|الاطفاء|بالإطفاء"
            "|بالاطفاء|المطافئ",
            "اتصل|اتصلوا|اتصلو|اتصلي|اطلب|اطلبوا|اطلبو|اطلبي|كلم|كلموا|نادوا",
        ),
        (
            "ru",
            "полици*|милици*|пожарн*|скорую",
            "вызовите|вызови|вызывайте|звоните|звони|позвоните|позвони|вызвать",
        ),
        (
            "uk",
            "поліці*|полици*|пожежн*|швидку",
            "викличте|виклич|викликайте|дзвоніть|дзвони|подзвоніть|подзвони|зателефонуйте|телефонуйте"
            "|викликати",
        ),
        ("pl", "policj*|straż*|karetk*|pogotowie", "zadzwoń|zadzwońcie|dzwoń|dzwońcie|wezwij|wezwijcie"),
        ("fa", "پلیس|پلیسو|آتش‌نشانی|آتشنشانی|اورژانس|آمبولانس|police|polis", "زنگ|خبر|zang|khabar"),
        ("en", "police|cops|cop|ambulance|fire brigade|fire department|firefighters", "call|phone|ring"),
    )
}


#: Threats to kill her, her children or "us" ("er droht mich umzubringen", "beni öldürecek", "سيقتلني",
#: "он хочет меня убить", "میخواد منو بکشه", "he threatened to kill me"): hard triggers (the numbers, and
#: the request urgent: bot/search/urgency.py), read as written, not by their stem: the stem would take in
#: "killing" ("my back is killing me") and Turkish "öldürücü" (deadly: "öldürücü sıcak"). A verb of killing
#: with a person as its object, or a form that says "he will kill", never "to kill" alone ("kill time",
#: "vakit öldürmek", "убить время", "zabić czas"). "das bringt mich um", "to mnie zabije", "эта жара меня
#: убьёт", "bu sıcak beni öldürecek" say it of a thing: ``IDIOM_SUBJECTS``.
BUILTIN_KILL: dict[str, list[str]] = {
    "de": [
        "umzubringen",
        "umbringt",
        "bringt mich um",
        "bringt uns um",
        "bringt die kinder um",
        "sie bringen mich um",  # they (a typo of the suicide phrase until today); not "Kopfschmerzen
        "sie bringen uns um",  # bringen mich um", nor "Die Kinder bringen mich um"
        "bring dich um",
        "bringe dich um",
        "kinder töten",
        "uns töten",
        "dich töten",
        "töte dich",
        "tötet mich",
        "tötet uns",
        "abstechen",
        "abzustechen",
        "bring* sohn um",
        "bring* tochter um",
        "sohn töten",
        "tochter töten",
        "morddroh*",
        "todesdroh*",
    ],
    "tr": [
        "beni öldür*",
        "bizi öldür*",
        "seni öldür*",
        "çocukları öldür*",
        "çocuklarımı öldür*",
        "oğlumu öldür*",
        "kızımı öldür*",
        "öldürecek",
        "öldürecekmiş",
        "öldüreceğini",
        "öldüreceğim",
        "öldürürüm",
        "öldürmekle",
        "ölümle tehdit*",
        "ölüm tehdi*",
    ],
    "ar": [
        "سيقتلني",
        "يقتلني",
        "بيقتلني",
        "يقتلنا",
        "سيقتلنا",
        "قتلي",
        "بالقتل",
        "يقتل أولادي",
        "يقتل اطفالي",
        "يقتل ابني",
        "يقتلون ابني",
        "سيقتلون ابني",
        "يقتل بنتي",
        "سأقتلك",
        "راح اقتلك",
        "رح اقتلك",
        "بقتلك",
        "بالموت",
    ],
    "ru": [
        "убить меня",
        "убьёт меня",
        "убьют меня",
        "убить нас",
        "убьёт нас",
        "убить детей",
        "убьёт детей",
        "убь* сын*",
        "убь* доч*",
        "убить сын*",
        "убить доч*",
        "убью тебя",
        "убью",
        "угро* убийством",
        "грози* убийством",
        "зарежу",
        "зарежет",
    ],
    "uk": [
        "вбити мене",
        "вб'є мене",
        "уб'є мене",
        "убити мене",
        "вбити нас",
        "вб'є нас",
        "вбити дітей",
        "вб'є дітей",
        "вб* сина",
        "вб* доньк*",
        "вб'ю тебе",
        "вб'ю",
        "уб'ю",
        "погро* вбивством",
        "загро* вбивством",
        "заріжу",
    ],
    "pl": [
        "zabije mnie",
        "zabić mnie",
        "zabiją mnie",
        "zabije nas",
        "zabić nas",
        "zabije dzieci",
        "zabi* syna",
        "zabi* córk*",
        "zabić dzieci",
        "zabiję cię",
        "groz* śmiercią",
        "groz* zabójstwem",
        "groźby śmierci",
    ],
    "fa": [
        "منو بکشه",
        "منو میکشه",
        "مرا بکشد",
        "مرا می‌کشد",
        "من را بکشد",
        "من رو بکشه",
        "میکشمت",
        "بکشمت",
        "بچه‌هامو بکشه",
        "بچه‌هامو میکشه",
        "بچه‌ها رو بکشه",
        "پسرمو میکش*",
        "دخترمو میکش*",
        "تهدید به قتل",
        "تهدید به مرگ",
    ],
    "en": [
        "kill me",
        "kill us",
        "kill the kids",
        "kill the children",
        "kill my kids",
        "kill my children",
        "kill my son",
        "kill my daughter",
        "murder me",
        "threatened to kill",
        "threatens to kill",
        "threatening to kill",
        "death threat*",
    ],
}
#: Kill triggers that name no one killed ("umzubringen", "threatened to kill"): aimed at her only with her,
#: her children or "us" beside them (``AIMED_WORDS``: "er droht mich umzubringen"); "ein Mann hat gedroht,
#: seine Nachbarn umzubringen" shows the numbers but makes no request urgent (bot/search/urgency.py).
KILL_WITHOUT_OBJECT = frozenset(
    {
        *"umzubringen umbringt abstechen abzustechen öldürecek öldürecekmiş öldüreceğini öldürmekle".split(),
        *("зарежет", "threatened to kill", "threatens to kill", "threatening to kill"),
    }
)
#: A thing or "this" before a kill trigger makes it an idiom ("das bringt mich um", "this heat will kill
#: me", "to mnie zabije", "эта жара меня убьёт", "bu sıcak beni öldürecek"): up to three words before its
#: first word, in its clause, unless a person comes first ("er bringt mich um", "he said he'll kill me").
IDIOM_SUBJECTS: dict[str, frozenset[str]] = {
    lang: frozenset(fold(w) for w in words.split())
    for lang, words in (
        ("de", "das dies diese dieser dieses es"),
        ("tr", "bu şu"),
        ("ar", "هذا هذه"),
        ("ru", "это эта этот эти"),
        ("uk", "це ця цей ці"),
        ("pl", "to ta ten"),
        ("fa", "این"),
        ("en", "this that it"),
    )
}
#: Who says a kill phrase of her everyday, the way "this" does ("Meine Mama bringt mich um, wenn ich die
#: Prüfung nicht bestehe", "my boss will kill me if I'm late", "annem beni öldürecek", "мама меня убьёт",
#: "Mathe bringt mich um"): a mother, a teacher, a boss, a school subject (starts of words, folded). Not her
#: husband, ex or a "he" (``PERSON_SUBJECTS``), and not when a threat or "said" comes first ("Mein Vater hat
#: gesagt, er bringt mich um"; "Mein Vater droht mich umzubringen"): ``_an_idiom``. Not a father or "the
#: parents" either: "Mein Vater bringt mich um, wenn er erfährt, dass ich einen Freund habe", "أبي سيقتلني
#: إذا عرف" is how a threat of violence in the name of honour is told, which words cannot tell from "my dad
#: will kill me when he sees my grades"; a missed threat is the worse mistake.
EVERYDAY_KILLERS = tuple(
    fold(w)
    for w in (
        "mama mami mutti mutter chef lehrer boss mathe physik prüfung "
        "mom mum mommy teacher manager math maths exam "
        "anne annem patron öğretmen hoca sınav "
        "мама мать начальни учител учительниц экзамен математик "
        "мама мати начальни вчител іспит математик "
        "mama matka szef nauczyciel egzamin matma "
        "امي أمي ماما المعلم معلم المدير مديري "
        "مامان مادرم معلم رئیسم امتحان"
    ).split()
)
#: A film, a game or the news tells a kill phrase ("Wir spielen Werwolf, der Werwolf tötet uns alle", "I read
#: in the news a man threatened to kill his neighbour", "oyunda abim beni öldürüyor"): anywhere in the
#: message, it makes the phrase (and a threat word) no danger word; the meaning of the rest still decides
#: (``SearchEngine.answer``).
MEDIA_WORDS = frozenset(
    fold(w)
    for w in (
        "film filme films krimi serie spiel spiele spielen spielt zeitung nachrichten "
        "movie movies film game games news series "
        "oyun oyunda oyunu dizi dizide haberlerde "
        "фильм фильме сериал игра игре игру новостях фільм фільмі серіал гра грі новинах "
        "gra grze filmie serial wiadomościach "
        "فيلم الفيلم لعبة اللعبة مسلسل الأخبار الاخبار فیلم بازی سریال اخبار"
    ).split()
)
#: Words that say a threat was made ("hat gesagt", "said", "dedi", "сказал"): before a kill phrase they make
#: it a reported threat, whoever made it.
SAID_WORDS = frozenset(
    fold(w)
    for w in (
        "gesagt sagt sagte said says dedi diyor сказал сказала говорит сказав каже powiedział mówi قال يقول "
        "گفت میگه"
    ).split()
)
PERSON_SUBJECTS = frozenset(
    fold(w)
    for w in (
        "er sie he she they o onlar он она они він вона вони on ona oni هو هي او اون "
        "mann ex husband kocam муж чоловік mąż شوهرم زوجي"
    ).split()
)
#: The words of a threat (their starts): a threat trigger is one with such a word and no kill word.
THREAT_STARTS = (
    "droh",
    "bedroh",
    "gedroh",
    "tehdit",
    "угрож",
    "угроз",
    "грози",
    "погро",
    "загроз",
    "groz",
    "groź",
    "groż",
    "تهديد",
    "يهدد",
    "هدد",
    "تهدد",
    "تهدید",
    "threat",
)
_THREAT_FOLDED = tuple(fold(start) for start in THREAT_STARTS)
#: An everyday consequence an office, a landlord or a school threatens with ("Das Jobcenter droht mir mit
#: Sanktionen", "Арендодатель угрожает выселением", "ev sahibi evden çıkarmakla tehdit ediyor", "the school
#: threatened to expel my son"): a threat trigger in the same clause does not fire; a kill trigger and
#: every other danger word still do. Only what institutions threaten: not a report or a lawyer, which a
#: threatened woman names herself ("er bedroht mich, ich will Anzeige erstatten").
CONSEQUENCES = [
    *"sanktion* kündig* gekündigt räumung* zwangsräum* räumungsklage* rauswurf rausschmiss* rauszuwerfen "
    "mahnung* mahnverfahren* strafe* geldstrafe* bußgeld* inkasso* pfändung* schufa abmahnung* schulverweis* "
    "verweis ausschluss* kürzung* kürzen leistungskürzung* sperre* stromsperre* abstellen wohnungslosigkeit "
    "obdachlosigkeit".split(),
    *"yaptırım* kesinti* tahliye* çıkarmak* okuldan ceza* icra* haciz* fesih* uzaklaştırma*".split(),
    *"عقوبات عقوبة بالعقوبات بالعقوبة طرد بالطرد الطرد إخلاء بالإخلاء".split(),
    *"فصل بفصل بالفصل بقطع غرامة بغرامة".split(),
    *"санкци* выселени* штраф* увольнени* отчислени* исключени* исключить отключ* лишени*".split(),
    *"санкці* виселенн* штраф* звільненн* відрахуванн* виключенн* відключ* позбавленн*".split(),
    *"sankcj* eksmisj* wypowiedzeni* kara karą karami grzywn* wyrzuceni* wyrzuc* odcięci* komornik*".split(),
    *"تحریم جریمه اخراج تخلیه قطع".split(),
    *"sanction* evict* eviction benefits termination terminate expel* expulsion suspension suspend*".split(),
]
#: A threat by her husband, her ex or a relative is never everyday, whatever it names ("kocam beni evden
#: atmakla tehdit ediyor", my husband threatens to throw me out; "Mein Mann droht mir mit Rauswurf"; "Mein
#: Onkel ist der Vermieter. Er droht mir mit Rauswurf"): controlling and threatening at home is what the
#: women's helpline is for. A relative anywhere in the message (a word starting with one of these; "ex"
#: whole), in-laws, uncles and cousins too.
FAMILY_WORDS = tuple(
    fold(w)
    for w in (
        "mann ehemann ex exmann exfreund freund partner vater papa bruder onkel cousin neffe schwager "
        "schwägerin schwieger stiefvater "
        "koca eşim esim babam abim ağabey kayın kayin kayn amca dayı enişte kuzen sevgili "
        "زوج طليق أبي ابي أخي اخي حما عمي خالي صهري سلفي "
        "муж бывш отец отчим брат свекр свёкр деверь шурин дяд зять сожител "
        "чоловік колишн батьк вітчим брат свекр дівер шурин дядьк зять "
        "mąż maz były byly ojciec ojczym brat teść tesc szwagier wujek wuj stryj kuzyn chłopak chlopak "
        "شوهر همسر سابقم پدرم برادر عمو دایی پسرعمو نامزد "
        "husband ex boyfriend father dad stepfather brother uncle cousin nephew"
    ).split()
)
_FAMILY_WHOLE = frozenset(FAMILY_WORDS)
_FAMILY_STARTS = tuple(w for w in FAMILY_WORDS if len(w) > 2)


def _done_to_her(message: _Message, besides: set[int]) -> bool:
    """Whether a word of ``message`` not in ``besides`` says something is done to her (``DONE_TO_HER``)."""
    words = message.folded
    for j, word in enumerate(words):
        done = word in DONE_TO_HER or (len(word) > 3 and word.endswith("ني"))
        helped = any(words[k].startswith(HELP_STARTS) for k in (j - 1, j + 1) if 0 <= k < len(words))
        if j not in besides and done and not helped:
            return True
    return False


def _a_relative(word: str) -> bool:
    """Whether the folded ``word`` names her husband, ex or a relative (``FAMILY_WORDS``: a word of more
    than two letters as a start too)."""
    return word in _FAMILY_WHOLE or word.startswith(_FAMILY_STARTS)


#: Done to her ("… und hat mich gewürgt", "beni itti", "толкнул меня", "mnie popchnął", "ودفعني"): a first
#: person object outside a threat and its consequence keeps the threat a danger word (Arabic: a word ending
#: in the suffix "-ni"). Not beside a word of help ("können Sie mich beraten" is no violence).
DONE_TO_HER = frozenset(fold(w) for w in "mich me beni меня мене mnie".split())
HELP_STARTS = tuple(
    fold(w) for w in "hilf helf berat help yardım помог допомож pomó pomoz pomag ساعد کمک".split()
)
#: Said of a threat, these words aim it at her, her children or "us" ("bedroht mich", "Ich werde bedroht",
#: "beni tehdit ediyor", "угрожает мне", "grozi mi", "يهددني", "تهدیدم", "threatening me"), within two words
#: of it in its clause: the request is urgent then (bot/search/urgency.py); a threat aimed at no one ("Mein
#: Aufenthalt ist bedroht", "ev sahibi tehdit ediyor") stays an everyday word there. Not German "mir": "droht
#: mir" is what an office or a landlord does ("… droht mir mit …"), "bedroht mich" what a person does; nor a
#: possessive ("my husband threatens to cancel our netflix"): her son or daughter is named ("mein Sohn wird
#: bedroht", "threatened to stab my son").
AIMED_WORDS = frozenset(
    fold(w)
    for w in (
        "mich uns werde wurde werden wurden bin kinder sohn tochter "
        "beni bizi çocuklarımı çocuklarımızı çocuklarımıza bana bize oğlumu oğlum kızımı kızım "
        "يهددني هددني يهددنا هددنا تهددني أطفالي اولادي أولادي ابني بنتي "
        "меня мне нас нам детей детям сына сын дочь дочку мене мені дітей дітям сина доньку "
        "mi mnie nam nas dzieci dzieciom syna córkę corke "
        "تهدیدم تهدیدمون منو مرا بچه‌هامو پسرم دخترم پسرمو دخترمو "
        "me us kids children son daughter i'm im being am was"
    ).split()
)
#: After a threat, its verb may come first ("threatened to stab my son", "droht, meine Tochter zu
#: schlagen"): a person up to this many words after it is whom it is aimed at; not the words of the passive
#: ("I'm", "bin": "Mein Aufenthalt ist bedroht, ich bin …" is aimed at no one), and her mother too.
AIM_AFTER = 5
AIMED_LATER = frozenset(
    fold(w)
    for w in (
        "mich uns kinder sohn tochter mutter mama mami beni bizi çocuklarımı oğlumu kızımı annemi "
        "أطفالي اولادي أولادي ابني بنتي أمي امي والدتي меня нас детей сына дочь дочку маму мать "
        "мене нас дітей сина доньку маму матір mnie nas dzieci syna córkę corke mamę matkę "
        "منو مرا بچه‌هامو پسرمو دخترمو مادرمو مامانمو me us kids children son daughter mom mum mother"
    ).split()
)
#: Persian "الهی بمیرم" and "بمیرم برات" ("may I die", "I'd die for you"): sympathy, said of someone
#: else's trouble, never her wish to die ("میخوام بمیرم"); Finglish too ("elahi bemiram barat").
DIE_FOR_YOU = frozenset(fold(w) for w in "بمیرم".split())
FONDLY_BEFORE = frozenset(fold(w) for w in "الهی الاهی elahi elahy ellahi".split())
FONDLY_AFTER = frozenset(
    fold(w) for w in "برات براش براتون براشون برای واست واسش واسه barat barash baratoon baratun vasat".split()
)
#: Harm done to a person (starts of words, folded): a person after a threat is whom it is aimed at only
#: where one of these is named with it ("threatened to kill my mom", "droht, meinen Sohn zu schlagen"),
#: not "threatened to report my son to the school", "школа угрожает отчислить мою дочку".
HARM_STARTS = tuple(
    fold(w)
    for w in (
        "kill stab beat hurt hit shoot shot harm attack strangl chok burn murder rape punch slap kidnap "
        "umbring umzubring töte tötet getötet schlag schläg verprügel ersteche erstech absteche abzusteche "
        "stech erschieß erschiess verletz erwürg würg anzünd vergewaltig entführ "
        "öldür döv vur bıçakla yarala boğ kaçır "
        "قتل يقتل اقتل تقتل ضرب يضرب اضرب تضرب طعن يطعن يؤذي أذى اذى حرق يحرق خطف يخطف "
        "بکش میکش کشتن بزن میزن کتک چاقو آسیب بسوزون بدزد "
        "уби убь побь поби бить бьет бьёт изби зарез удар покалеч изнасил похит сжечь сожж задуш "
        "вби вб'ю побит бити б'є зарізат вдар покаліч згвалт викрад спалит задуш "
        "zabi pobi bić bije dźgn skrzywdz uderz zadźga udusi porwa podpal"
    ).split()
)
#: German "schlägt … vor" (proposes), "schlägt … nach" (looks up), "schlägt … um" (turns over): a separable
#: verb's particle at the end of the clause makes "schlägt" another verb ("Mein Mann schlägt vor, dass wir
#: …", "Mein Mann schlägt mir einen Umzug vor"); a trigger with "schlägt" does not fire there. Not "zu",
#: "ein", "aus", "auf": "er schlägt zu", "er schlägt auf mich ein", "schlägt mir die Zähne aus" are violence.
SEPARABLE_PARTICLES = frozenset({"vor", "nach", "um", "fehl"})
#: Persian nouns that make زدن (to hit) another verb right before it: "منو صدا میزنه" (calls me), "زنگ زد"
#: (phoned), "حرف می‌زند" (talks), "سر زد" (dropped by), "گول زد" (fooled), "قدم زد" (walked), "داد زد"
#: (shouted): a trigger with زدن does not fire there (``_compound``).
COMPOUND_VERB_NOUNS = frozenset(fold(w) for w in "صدا زنگ حرف داد سر گول حدس قدم لبخند جار غر پس زل".split())


#: A service's station: a message naming one asks about a place ("wo ist die Polizeiwache", "polis
#: karakolu nerede", "where is the police station?"), so the service's name alone (a soft single word,
#: "Polizei", "polis", "الشرطة") does not fire there; a call for the service (``SERVICE_CALLS``) and
#: every danger word still do ("polis karakolunun önünde beni dövüyor").
STATION_WORDS = [
    "wache*",
    "polizeiwache*",
    "revier*",
    "polizeirevier*",
    "dienststelle*",
    "polizeistation*",
    "präsidium*",
    "karakol*",
    "emniyet*",
    "مركز",
    "قسم",
    "مخفر",
    "участ*",
    "отделени*",
    "відділ*",
    "дільниц*",
    "komisariat*",
    "posterun*",
    "komend*",
    "کلانتری",
    "پاسگاه",
    "ایستگاه",
    "station*",
    "precinct*",
]


#: The letter rows of the keyboards residents type on (phones copy them), per script: QWERTY, QWERTZ and
#: Turkish Q; Russian and Ukrainian ЙЦУКЕН; Arabic and Persian ("·": the lam-alef key). Read folded, like
#: the messages.
KEYBOARD_ROWS: tuple[tuple[str, ...], ...] = (
    ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("qwertzuiopü", "asdfghjklöä", "yxcvbnm"),
    ("qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç"),
    ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),
    ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤر·ىةوزظ"),
    ("ضصثقفغعهخحجچ", "شسیبلاتنمکگ", "ظطزرذدپو"),
)


def _neighbours(layouts: Iterable[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """Folded letter → the folded letters of the keys touching it on any of ``layouts``: beside it in its
    row, and of the staggered rows the key below-left and below-right (``c - 1`` and ``c`` in the next row)
    and above-left and above-right (``c`` and ``c + 1`` in the row before)."""
    out: dict[str, set[str]] = defaultdict(set)
    for rows in layouts:
        folded = [fold(row) for row in rows]
        for r, row in enumerate(folded):
            for c, key in enumerate(row):
                out[key].update(row[max(0, c - 1) : c + 2])
                if r + 1 < len(folded):
                    out[key].update(folded[r + 1][max(0, c - 1) : c + 1])
                if r > 0:
                    out[key].update(folded[r - 1][c : c + 2])
    return {key: frozenset(keys) for key, keys in out.items()}


NEIGHBOURS = _neighbours(KEYBOARD_ROWS)


def _words(text: str) -> frozenset[str]:
    """A word list as the matcher sees it (folded: no case, no diacritics, one spelling of Arabic letters)."""
    return frozenset(fold(word) for word in text.split())


#: A call for help right after one of these words is the object of a request, not a cry: Polish "pomocy" is
#: both "help!" and the genitive in "potrzebuję pomocy" (I need help), "szukam pomocy" (I am looking for
#: help), "bez pomocy" (without help); German "Hilfe" after a verb that takes it, an article or a
#: possessive ("ich brauche Hilfe", "Ihre Hilfe", "erste Hilfe"); English "help" after "need", "can", "to"
#: (a verb in a sentence: "can you help me…").
REQUEST_WORDS: dict[str, frozenset[str]] = {
    "pl": _words("potrzebuję potrzebujemy potrzebujesz potrzeba trzeba szukam szukamy bez"),
    "de": _words(
        "brauche brauchen braucht benötige benötigen benötigt suche suchen sucht bekomme bekommen bekommt "
        "gibt um nach ohne keine etwas mehr erste die eine der einer ihre ihrer eure deine meine"
    ),
    "en": _words(
        "need needs needed want get find some any for without more can could would will to you first"
    ),
    "ru": _words("нужна нужно ищу без"),
    "uk": _words("потрібна потрібно шукаю без"),
}
#: A call for help right before one of these words (an object pronoun between them is skipped) asks for help
#: *with* something ("Hilfe mit einem Brief", "помогите с письмом", "help me with the form"): a request, not
#: a cry. Turkish and Persian put the thing before the call ("mektup için yardım edin"); there the engine
#: asks whether the rest of the message names something it knows (SearchEngine.answer).
ABOUT_WORDS: dict[str, frozenset[str]] = {
    "de": _words("mit bei beim für fürs zum zur zu im in von vom gegen"),
    "en": _words("with for on to in"),
    "ru": _words("с со в по для найти написать заполнить понять"),
    "uk": _words("з із зі в у по для знайти написати заповнити"),
    "pl": _words("z ze w przy dla do"),
    "ar": _words("في مع"),
}
OBJECT_PRONOUNS = _words("me us mir uns мне нам мені mi nam")
#: "Please" between a call and what the help is for is skipped like an object pronoun: "помогите
#: пожалуйста с письмом" asks for help with a letter as "помогите с письмом" does.
PLEASE_WORDS = _words("bitte please lütfen пожалуйста будь ласка proszę لطفا أرجوكم")
#: Skipped before a call in a question's word order ("bekomme ich Hilfe", "gibt es Hilfe").
SUBJECT_PRONOUNS = _words("ich du er sie es wir ihr man i we you they he she")
#: Words that only say that it is urgent ("Hilfe, bitte schnell!", "help, quick!"): they are left out of
#: the rest of a call for help, so a call with nothing else is a cry (SearchEngine.answer).
URGENT_WORDS: dict[str, frozenset[str]] = {
    "de": _words("bitte schnell sofort dringend jetzt kommen kommt komm hier eilig"),
    "en": _words("please quick quickly fast now hurry urgent urgently come here"),
    "tr": _words("lütfen çabuk hemen acil gelin şimdi yetişin"),
    "ar": _words("بسرعة الآن حالا أرجوكم تعالوا فورا"),
    "ru": _words("быстрее скорее срочно пожалуйста сейчас быстро"),
    "uk": _words("швидше терміново будь ласка зараз швидко"),
    "pl": _words("szybko proszę natychmiast teraz pilnie"),
    "fa": _words("سریع فوری لطفا الان زود زودتر"),
}

#: Things that hold air: a soft trigger about air ("keine Luft") is about them, not a person, when the
#: message names one ("Mein Fahrradreifen hat keine Luft mehr"). A person's breathing has hard triggers
#: of its own ("bekomme keine Luft", "atmet nicht").
AIR_WORDS = {
    "luft",
    "air",
    "hava",
    "воздух",
    "воздуха",
    "повітря",
    "powietrze",
    "powietrza",
    "هواء",
    "هوا",
    "باد",
}
AIR_THINGS = [
    "reifen*",
    "fahrrad*",
    "fahrradreifen*",
    "schlauch*",
    "ball",
    "luftmatratze*",
    "tyre*",
    "tire*",
    "bike*",
    "bicycle*",
    "lastik*",
    "bisiklet*",
    "шин*",
    "колес*",
    "велосипед*",
    "мяч*",
    "опон*",
    "м'яч*",
    "opon*",
    "rower*",
    "dętk*",
    "piłk*",
    "إطار",
    "دراجة",
    "الدراجة",
    "لاستیک",
    "دوچرخه",
]

#: A message naming one of these asks about an offer, so soft triggers do not fire ("Kurs gegen Gewalt"); the
#: same for an insurance or a drill, which are about a danger, not in one ("yangın sigortası", fire
#: insurance; "Yangın tatbikatı", fire drill).
CONTEXT_WORDS = [
    "kurs*",
    "workshop*",
    "seminar*",
    "vortrag*",
    "training*",
    "präventi*",
    "prävention*",
    "fest",
    "übung*",
    "schulung*",
    "beratungsstelle",
    "selbstverteidigung*",
    "brandschutz*",
    "eğitim*",
    "semineri",
    "курс*",
    "семинар*",
    "тренинг*",
    "тренінг*",
    "профилактик*",
    "профілактик*",
    "dersi",
    "دورة",
    "دوره",
    "ورشة",
    "ورشه",
    "کلاس",
    "کارگاه",
    "szkoleni*",
    "warsztat*",
    "course*",
    "class*",
    "prevention",
    "safety",
    "versicherung*",
    "probealarm*",
    "sigorta*",
    "tatbikat*",
    "تأمين",
    "تمرين",
    "страхов*",
    "учения",
    "ubezpiecz*",
    "ćwiczeni*",
    "بیمه",
    "مانور",
    "insurance",
    "drill*",
]


@dataclass(frozen=True, slots=True)
class _Word:
    word: str  # folded
    prefix: bool  # the trigger word ended in "*"
    stem: str  # folded stem in the trigger's language ("" = compare the word only)
    inflects: bool = True  # another form of the word matches too (False: ``FIRST_PERSON_OBJECTS``)


@dataclass(frozen=True, slots=True)
class _Trigger:
    words: tuple[_Word, ...]
    lang: str
    hard: bool
    emergency_id: str | None
    text: str
    call: bool = False  # a call for help ("yardım edin!"): soft, even as a phrase
    kill: bool = False  # a threat to kill (``BUILTIN_KILL``): hard, never an idiom's
    threat: bool = False  # a threat word and no kill word (``THREAT_STARTS``)


@dataclass(frozen=True, slots=True)
class EmergencyMatch:
    """Which trigger fired; ``emergency_id`` is the content entry it came from (None = built-in list)."""

    trigger: str
    lang: str
    emergency_id: str | None
    hard: bool = True
    rest: str = ""  # the message without the words that matched the trigger
    call: bool = False  # the trigger is a call for help ("допоможіть!"): asking for help *with* something
    phrase: bool = False  # the trigger has more than one word ("schlägt mich", "beats me", "in danger")
    guess: bool = False  # a word matched only as a ``GUESS`` (one wrong letter in a short word)
    other_word: bool = False  # ...and that letter is no neighbouring key of the right one (``OTHER``)
    service: bool = False  # the trigger is one word naming an emergency service ("Polizei", "полиция")
    threat: bool = False  # the trigger tells a threat and no killing ("bedroht", "tehdit", "угрожает")
    aimed: bool = False  # ...aimed at her, her children or "us" (``AIMED_WORDS``: "bedroht mich")
    kill: bool = False  # the trigger tells a threat to kill (``BUILTIN_KILL``); ``aimed`` as for a threat


def _content_words(phrase: str, lang: str) -> int:
    """How many words of ``phrase`` are not stop words: "keine Luft" is one word's worth ("Luft")."""
    stops = stop_words(lang)
    return sum(1 for word in raw_tokens(phrase.replace("*", "")) if fold(word) not in stops)


#: "Me" as the object of a verb: a hard phrase of a verb and one of these, and no noun, is said of herself
#: ("bringe mich um", I'll kill myself): another form of its verb has another subject ("Kopfschmerzen
#: bringen mich um", headaches are killing me) and is no match (``_Word.inflects``); whether a person
#: threatens her is the kill triggers' question (``BUILTIN_KILL``). Reflexives ("себя", "kendimi") are
#: said of the speaker in every form and keep matching.
FIRST_PERSON_OBJECTS = frozenset(
    {"mich", "mir", "me", "beni", "bana", "меня", "мне", "мене", "мені", "mnie", "mi", "مرا", "منو"}
)


def _compile(
    text: str,
    lang: str,
    hard: bool,
    emergency_id: str | None,
    call: bool = False,
    stems: bool = True,
    kill: bool = False,
) -> _Trigger | None:
    words: list[_Word] = []
    for part in text.split():
        prefix = part.endswith("*")
        tokens = raw_tokens(part.rstrip("*"))
        for i, raw in enumerate(tokens):
            word = fold(raw)
            is_prefix = prefix and i == len(tokens) - 1
            use_stem = stems and len(word) >= 4 and not is_prefix and (hard or " " in text.strip())
            word_stem = stem(raw, lang) if use_stem else ""
            words.append(_Word(word, is_prefix, word_stem if len(word_stem) >= 4 else ""))
    if not words:
        return None
    if hard and any(w.word in FIRST_PERSON_OBJECTS for w in words):
        stops = stop_words(lang)
        others = [w for w in words if w.word not in FIRST_PERSON_OBJECTS and w.word not in stops]
        if len(others) == 1:  # the verb alone: "bringe mich um", not "mann schlägt mich"
            words = [_Word(w.word, w.prefix, w.stem, False) if w in others else w for w in words]
    threat = not kill and any(w.word.startswith(_THREAT_FOLDED) for w in words)
    return _Trigger(tuple(words), lang, hard, emergency_id, text, call, kill, threat)


_CLAUSE_END = re.compile(r"[!?.;,؟،]+")


class _Message:
    """A message's words with lazily computed stems per language."""

    def __init__(self, text: str) -> None:
        self.raws = raw_tokens(text)
        self.folded = [fold(w) for w in self.raws]
        self._stems: dict[tuple[int, str], str] = {}
        # The clause of each word: "!", "?", ".", ";" and "," end one ("полиция! я у участка").
        clauses = [raw_tokens(part) for part in _CLAUSE_END.split(text)]
        self.clause = [n for n, words in enumerate(clauses) for _ in words]
        if len(self.clause) != len(self.raws):  # a mark inside a word: one clause
            self.clause = [0] * len(self.raws)

    def next_to(self, these: set[int], those: set[int]) -> bool:
        """Whether a word of ``these`` is one of ``those`` or right beside one, in the same clause."""
        return any(abs(i - j) <= 1 and self.clause[i] == self.clause[j] for i in these for j in those)

    def stem(self, i: int, lang: str) -> str:
        key = (i, lang)
        value = self._stems.get(key)
        if value is None:
            value = self._stems[key] = stem(self.raws[i], lang) if len(self.folded[i]) >= 4 else ""
        return value

    def known(self, i: int, lang: str, known: frozenset[str]) -> bool:
        """Whether message word ``i`` is a known word of ``lang``: one of ``known``, or another form of one
        (its stem is in ``known``, marked ``KNOWN_STEM``: "الانتظار", the waiting, beside the content's
        "انتظار", is no typo of "الانتحار", suicide)."""
        return self.folded[i] in known or KNOWN_STEM + self.stem(i, lang) in known

    def matches(self, i: int, pattern: _Word, lang: str, known: frozenset[str] = frozenset()) -> int:
        """Whether message word ``i`` is ``pattern``: ``MISS``, ``MATCH``, ``GUESS`` or ``OTHER`` (``_typo``);
        ``known``: words of ``lang`` (and stems, ``known``) that are never read as a typo. Another form of
        ``pattern`` (the same stem) is a match, unless the pattern does not inflect (``_Word.inflects``):
        then it is no match, and no typo either ("bringen" for "bringe")."""
        folded = self.folded[i]
        word = pattern.word
        if pattern.prefix:
            if folded.startswith(word):
                return MATCH
            if len(word) < 6:
                return MISS
            typo = _typo(folded[: len(word)], word)  # the cheaper test first: most words are no typo
            return typo if typo == MISS or not self.known(i, lang, known) else MISS
        if folded == word:
            return MATCH
        if pattern.stem and self.stem(i, lang) == pattern.stem:
            return MATCH if pattern.inflects else MISS
        if len(word) >= 6 and abs(len(folded) - len(word)) <= 1 and len(folded) >= 6:
            typo = _typo(folded, word)
            return typo if typo == MISS or not self.known(i, lang, known) else MISS
        return MISS


def _an_idiom(used: set[int], message: _Message, lang: str) -> set[int]:
    """The words to set aside when the kill trigger at ``used`` is said of her everyday, or an empty set: a
    thing, "this", a parent, a teacher or a boss says it (``IDIOM_SUBJECTS``, ``EVERYDAY_KILLERS``: "das
    bringt mich um", "эта жара меня убьёт", "my mom will kill me"; one of the four words before it in its
    clause, with no person, threat or "said" between: "Mein Vater hat gesagt, er bringt mich um"), or a
    film, a game or the news tells it (``MEDIA_WORDS``)."""
    if any(word in MEDIA_WORDS for word in message.folded):
        return used
    first = min(used)
    for i in range(first - 1, max(-1, first - 5), -1):
        word = message.folded[i]
        if message.clause[i] != message.clause[first] or word in PERSON_SUBJECTS or word in SAID_WORDS:
            return set()
        if word.startswith(_THREAT_FOLDED):
            return set()
        if word in IDIOM_SUBJECTS.get(lang, frozenset()) or word.startswith(EVERYDAY_KILLERS):
            return used | set(range(i, first))
    return set()


def _aimed(used: set[int], message: _Message) -> bool:
    """Whether the threat at ``used`` is aimed at her, her children or "us" (``AIMED_WORDS``): one of its
    words or one within two words of it, in its clause; or a person (``AIMED_LATER``) up to ``AIM_AFTER``
    words after it, where the verb the threat names comes first, when that verb names harm
    (``HARM_STARTS``: "threatened to stab my son", "he threatened to kill my mom"; not "threatened to
    report my son to the school"). German "mir" too when a relative is named in the clause ("Mein Mann droht
    mir mit Kündigung der Wohnung")."""
    n = len(message.folded)
    near = {j for i in used for j in range(i - 2, i + 3) if 0 <= j < n}
    later = set(range(max(used) + 1, min(n, max(used) + 1 + AIM_AFTER)))
    clauses = {message.clause[i] for i in used}
    family = any(_a_relative(w) for i, w in enumerate(message.folded) if message.clause[i] in clauses)
    aimed = AIMED_WORDS | ({"mir"} if family else set())
    if any(message.folded[j] in aimed and message.clause[j] in clauses for j in near):
        return True
    # A person named later, where the threat names the harm it threatens, before the person or after (the
    # verb ends a German, Turkish or Persian clause): not an administrative threat ("threatened to report
    # my son to the school")
    harm = any(
        message.folded[j].startswith(HARM_STARTS) and message.clause[j] in clauses
        for j in range(min(used), min(n, max(used) + 3 + AIM_AFTER))
    )
    return harm and any(message.folded[j] in AIMED_LATER and message.clause[j] in clauses for j in later)


def _separable(used: set[int], message: _Message) -> set[int]:
    """The words to set aside when the German trigger's "schlägt" at ``used`` is a separable verb
    (``SEPARABLE_PARTICLES``: "schlägt … vor", proposes), or an empty set: its clause ends with the particle,
    or the particle comes right after it and no pronoun after that ("schlägt vor dass wir …", without the
    comma residents leave out; not "schlägt um sich", "schlägt nach mir")."""
    n = len(message.folded)
    for i in used:
        if message.folded[i].startswith(("schlagt", "schlag")):
            clause = message.clause[i]
            last = max(j for j in range(n) if message.clause[j] == clause)
            if last > i and message.folded[last] in SEPARABLE_PARTICLES:
                return used | set(range(i, last + 1))  # "schlägt mir einen Umzug vor"
            after = message.folded[i + 1] if i + 1 < n else ""
            pronoun = i + 2 < n and message.folded[i + 2] in _PRONOUNS_AFTER_PARTICLE
            if after in SEPARABLE_PARTICLES and not pronoun:
                return used | {i + 1}
    return set()


_REFLEXIVE = frozenset({"sich", "dich", "dir", "ihn", "ihm", "ihr", "euch"})
_PRONOUNS_AFTER_PARTICLE = OBJECT_PRONOUNS | AIMED_WORDS | _REFLEXIVE


def _verb_after(trigger: _Trigger, used: set[int], message: _Message) -> set[int]:
    """``used`` when the verb of the Arabic trigger at ``used`` comes after whom it names (``VERB_FIRST``:
    "ابني ضرب", my son hit), or an empty set."""
    who = next((i for i in used if message.matches(i, trigger.words[1], trigger.lang) != MISS), max(used))
    return used if any(i > who for i in used) else set()


def _compound(used: set[int], message: _Message) -> set[int]:
    """The words to set aside when a word of the Persian trigger at ``used`` is the verb of a compound
    (``COMPOUND_VERB_NOUNS`` right before it, in its clause: "منو صدا میزنه", calls me), or an empty set."""
    for i in used:
        if (
            i > 0
            and message.folded[i - 1] in COMPOUND_VERB_NOUNS
            and message.clause[i - 1] == message.clause[i]
        ):
            return used | {i - 1}
    return set()


def _asks_for_help_with(words: list[str], at: int, lang: str) -> bool:
    """Whether the call for help at ``words[at]`` (folded) is part of a request: right after a request word
    ("potrzebuję pomocy", "ich brauche Hilfe", "wo bekomme ich Hilfe": a subject pronoun in between is
    skipped) or right before what the help is for ("Hilfe beim Umzug", "помогите с письмом", "help me
    with…": object pronouns and "please" in between are skipped)."""
    before = at - 1
    if before > 0 and words[before] in SUBJECT_PRONOUNS:
        before -= 1
    if before >= 0 and words[before] in REQUEST_WORDS.get(lang, frozenset()):
        return True
    after = at + 1
    while after < len(words) and (words[after] in OBJECT_PRONOUNS or words[after] in PLEASE_WORDS):
        after += 1
    return after < len(words) and words[after] in ABOUT_WORDS.get(lang, frozenset())


def _contiguous(positions: set[int], at: int) -> set[int]:
    """The run of consecutive ``positions`` that holds ``at``."""
    if at not in positions:
        return set()
    low = high = at
    while low - 1 in positions:
        low -= 1
    while high + 1 in positions:
        high += 1
    return set(range(low, high + 1))


def _typo(typed: str, word: str) -> int:
    """Whether ``typed`` is ``word`` with one typo: a letter missing, added or swapped with the next one
    (``MATCH``), or one letter wrong. A wrong letter in a word of eight letters or more is a typo too; in a
    shorter word it is only a ``GUESS``: often it is another word ("schläft"/"schlägt", sleeps/beats), and
    the engine asks the meaning; when the wrong letter is not even a neighbouring key of the right one
    ("yasiyor"/"yanıyor", lives/burns; "kalıyor"/"kanıyor", stays/bleeds; "trennt"/"brennt") it is
    ``OTHER``: another word, not a slip of the finger (module docstring)."""
    if OSA.distance(typed, word, score_cutoff=1) > 1:
        return MISS
    if len(word) < SUBSTITUTION_FROM and len(typed) == len(word) and Hamming.distance(typed, word) == 1:
        wrong, right = next((a, b) for a, b in zip(typed, word, strict=True) if a != b)
        return GUESS if wrong in NEIGHBOURS.get(right, ()) else OTHER
    return MATCH


def _near_misses(words: set[str], patterns: Iterable[_Word]) -> frozenset[str]:
    """The ``words`` that one typo would turn into one of the ``patterns`` (as ``_Message.matches`` reads
    typos: words of six letters or more, prefixes of six or more): kept to look up, the rest dropped."""
    whole = sorted({p.word for p in patterns if not p.prefix and len(p.word) >= 6})
    prefixes = sorted({p.word for p in patterns if p.prefix and len(p.word) >= 6})
    candidates = sorted(w for w in words if len(w) >= 5)
    out: set[str] = set()
    if not candidates:
        return frozenset()
    if whole:
        distances = process.cdist(candidates, whole, scorer=OSA.distance, score_cutoff=1, workers=1)
        out.update(candidates[i] for i in np.flatnonzero(distances.min(axis=1) <= 1))
    for length in sorted({len(p) for p in prefixes}):
        heads = [w[:length] for w in candidates]
        same = [p for p in prefixes if len(p) == length]
        distances = process.cdist(heads, same, scorer=OSA.distance, score_cutoff=1, workers=1)
        out.update(candidates[i] for i in np.flatnonzero(distances.min(axis=1) <= 1))
    return frozenset(out)


# The built-in lists compiled once per process, not at every content load (a reload, each `ask`): they do
# not depend on the content, and their triggers are frozen. A tenth of a second per engine.
@functools.cache
def _builtin_triggers() -> tuple[_Trigger, ...]:
    """The built-in triggers: hard and soft phrases, threats to kill, calls of an emergency service."""
    triggers: list[_Trigger] = []
    for table, hard in ((BUILTIN_HARD, True), (BUILTIN_SOFT, False)):
        for lang, phrases in table.items():
            triggers.extend(t for p in phrases if (t := _compile(p, lang, hard, None)))
    for lang, phrases in BUILTIN_KILL.items():
        triggers.extend(t for p in phrases if (t := _compile(p, lang, True, None, stems=False, kill=True)))
    for lang, (services, verbs) in SERVICE_CALLS.items():
        # the verb first where it is a whole word: prefix triggers are tried on every message
        calls = [
            f"{verb} {service}" if not verb.endswith("*") else f"{service} {verb}"
            for service in services
            for verb in verbs
        ]
        triggers.extend(t for p in calls if (t := _compile(p, lang, False, None, stems=False)))
    return tuple(triggers)


@functools.cache
def _builtin_words() -> tuple[tuple[_Trigger, ...], ...]:
    """The context words, things in the air, station words and consequences, compiled."""
    return tuple(
        tuple(t for p in words if (t := _compile(p, "de", False, None)))
        for words in (CONTEXT_WORDS, AIR_THINGS, STATION_WORDS, CONSEQUENCES)
    )


class EmergencyDetector:
    """Finds emergency triggers in a message. Build once (``with_builtin``), then call :meth:`detect`.

    Triggers are indexed by their first word (exact form, stem, one-letter deletions for typos); prefix
    triggers are few and checked directly. Only the candidate triggers of a message are then matched in
    full, so detection costs microseconds per word, not a pass over hundreds of phrases.
    """

    def __init__(
        self,
        triggers: Iterable[_Trigger],
        context: Iterable[_Trigger],
        air: Iterable[_Trigger] = (),
        stations: Iterable[_Trigger] = (),
        known: Mapping[str, Iterable[str]] | None = None,
        consequences: Iterable[_Trigger] = (),
        names: Iterable[str] = (),
    ) -> None:
        # Hard triggers first, calls for help last: a call is the weakest evidence, and a danger word in the
        # same message ("yardım edin, annemin kafası kanıyor") must be the match the engine weighs, with
        # the call in its rest, not a call whose rest an entry's name answers.
        self._triggers = sorted(triggers, key=lambda t: (not t.hard, t.call, -len(t.words)))
        # Per language, the known words that one typo would turn into a trigger word: these are no typo.
        patterns: dict[str, list[_Word]] = defaultdict(list)
        known_words = {lang: set(words) for lang, words in (known or {}).items()}
        for trigger in self._triggers:
            patterns[trigger.lang].extend(trigger.words)
        # ...and the stems of all known words: another form of a known word is no typo either.
        self._known = {
            lang: _near_misses({fold(w) for w in words}, patterns[lang])
            | {KNOWN_STEM + stem(w, lang) for w in words if len(w) >= 4}
            for lang, words in known_words.items()
            if lang in patterns
        }
        # the content's names of two words or more, by word: "SOS-Mütterzentrum" (``_in_a_name``)
        self._names: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for name in {tuple(fold(w) for w in raw_tokens(name)) for name in names}:
            if len(name) > 1:
                for word in set(name):
                    self._names[word].append(name)
        self._context = list(context)
        self._air = list(air)
        self._stations = list(stations)
        self._consequences = list(consequences)
        # the services' names as single words ("polizei", "polis*", "policj*"): SERVICE_CALLS
        self._services = [
            _Word(fold(name.rstrip("*")), name.endswith("*"), "")
            for services, _verbs in SERVICE_CALLS.values()
            for name in services
            if " " not in name
        ]
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._by_stem: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._prefixed: list[int] = []
        for position, trigger in enumerate(self._triggers):
            first = trigger.words[0]
            if first.prefix:
                self._prefixed.append(position)
                continue
            self._by_word[first.word].append(position)
            if len(first.word) >= 6:
                for deletion in {first.word[:i] + first.word[i + 1 :] for i in range(len(first.word))}:
                    self._by_word[deletion].append(position)
            if first.stem:
                self._by_stem[(trigger.lang, first.stem)].append(position)
        self._stem_langs = sorted({lang for lang, _ in self._by_stem})
        # Latin-typed Arabic, Persian, Russian, Ukrainian read back into the words all these rules know
        by_lang: dict[str, list[str]] = defaultdict(list)
        starts: dict[str, list[str]] = defaultdict(list)
        for trigger in self._triggers:
            for w in trigger.words:
                (starts if w.prefix else by_lang)[trigger.lang].append(w.word)
        rules = [w for t in (*self._context, *self._stations, *self._consequences) for w in t.words]
        self._reader = LatinReader(
            by_lang,
            starts,
            [w.word for w in rules if not w.prefix] + [w for group in _READ_ALSO for w in group],
            [w.word for w in rules if w.prefix] + [w for group in _READ_AS_STARTS for w in group],
            # never a German or English word she wrote ("near", "war", "bei Mama"): their stop words, the
            # content's words and a general word list, and the other forms of the content's (their stems)
            {fold(w) for lang in LATIN_WRITTEN for w in known_words.get(lang, ())}.union(
                *(common_words(lang) for lang in LATIN_WRITTEN)
            ),
            {
                lang: {stem(w, lang) for w in known_words.get(lang, ()) if len(w) >= 4}
                for lang in LATIN_WRITTEN
            },
            [[w.word for w in t.words] for t in self._triggers if len(t.words) > 1],
            [t.words[0].word for t in self._triggers if len(t.words) == 1],
            kill=[w.word for t in self._triggers if t.kill for w in t.words],
        )

    def latin_reading(self, text: str, lang: str) -> str | None:
        """``text`` as a resident of ``lang`` meant it, where she typed her script's words in Latin letters
        (bot/search/translit.py: "zawji yadribuni" → "زوجي يضربني"); None when no word was read."""
        return self._reader.read(text, lang)

    @classmethod
    def with_builtin(
        cls,
        content_triggers: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
        texts: Mapping[str, Iterable[str]] | None = None,
        names: Iterable[str] = (),
    ) -> EmergencyDetector:
        """The built-in safety list plus ``content_triggers``: emergency id → language → phrases.
        The known words, which are never read as a typo of a trigger, are each language's stop words and
        the words of ``texts`` (language → the content's texts); ``names``: the content's names of
        partners, offers, events and places, in which a trigger is none (``_in_a_name``)."""
        known: dict[str, set[str]] = defaultdict(set)
        for lang in SCRIPT_OF_LANG:
            known[lang].update(stop_words(lang))
        for lang, lang_texts in (texts or {}).items():
            known[counts_as(lang)].update(word for text in lang_texts for word in raw_tokens(text))
        triggers = list(_builtin_triggers())
        # A content phrase that repeats a built-in hard one is read as it ("bringe mich um": its verb
        # does not inflect, whatever the stop words make of its hardness).
        fixed = {(t.lang, tuple(w.word for w in t.words)): t.words for t in triggers if t.hard}
        for emergency_id, by_lang in (content_triggers or {}).items():
            for lang, content_phrases in by_lang.items():
                analyser_lang = counts_as(lang)
                for phrase in content_phrases:
                    # "yardım edin!": a call for help is soft even as a phrase (see the module docstring)
                    call = phrase.rstrip().endswith("!")
                    phrase = phrase.rstrip().rstrip("!").rstrip()
                    hard = _content_words(phrase, analyser_lang) > 1 and not call
                    compiled = _compile(phrase, analyser_lang, hard, emergency_id, call)
                    if compiled:
                        same = fixed.get((analyser_lang, tuple(w.word for w in compiled.words)))
                        if same is not None and not hard:
                            compiled = replace(compiled, words=same)
                        triggers.append(compiled)
        context, air, stations, consequences = (list(words) for words in _builtin_words())
        return cls(triggers, context, air, stations, known, consequences, names)

    def _find(
        self, trigger: _Trigger, message: _Message, guesses: bool = True
    ) -> tuple[set[int], int] | None:
        """Positions of all trigger words within a window of ``len(words) + MAX_GAP`` message words, in
        any order ("mąż mnie bije" and "bije mnie", "atmet nicht" and "nicht atmen"), and the weakest way
        a word matched (``MATCH``, ``GUESS`` or ``OTHER``; the last two not counted when ``guesses`` is
        False); or None. A one-word call for help
        that is part of a request (``_asks_for_help_with``) does not count there."""
        n = len(message.folded)
        words = trigger.words
        known = self._known.get(trigger.lang, frozenset())
        for start in range(n):
            first = message.matches(start, words[0], trigger.lang, known)
            if first == MISS or (first != MATCH and not guesses):
                continue
            if trigger.call and len(words) == 1 and _asks_for_help_with(message.folded, start, trigger.lang):
                continue
            used = {start}
            weakest = first
            # The words of a phrase in one clause: "ev sahibi tehdit ediyor, kocam işsiz" (the landlord
            # threatens, my husband is out of work) is no "kocam tehdit ediyor" (my husband threatens).
            window = [
                i
                for i in range(max(0, start - len(words) - MAX_GAP), min(n, start + len(words) + MAX_GAP))
                if message.clause[i] == message.clause[start]
            ]
            if len(words) > 1 and len({w.word for w in words}) == 1:
                # A repeated cry ("Hilfe! Hilfe!"): one word said again at once, not twice in a sentence
                # ("Danke für Ihre Hilfe. Mein Sohn braucht auch Hilfe bei Bewerbungen").
                window = list(range(start + 1, min(n, start + len(words))))
            for word in words[1:]:
                found = next(
                    (
                        (i, kind)
                        for i in window
                        if i not in used
                        and (kind := message.matches(i, word, trigger.lang, known)) != MISS
                        and (kind == MATCH or guesses)
                    ),
                    None,
                )
                if found is None:
                    break
                used.add(found[0])
                weakest = max(weakest, found[1])
            else:
                return used, weakest
        return None

    def _set_aside(self, trigger: _Trigger, used: set[int], message: _Message) -> set[int]:
        """The words to set aside when the words of ``trigger`` at ``used`` say no danger, or an empty set:
        a kill idiom ("das bringt mich um", "my mom will kill me"), a threat with an everyday consequence
        ("droht mir mit Sanktionen"), "schlägt … vor" (proposes). Only the trigger and the words that make
        it everyday: the rest of the message is judged as any message is."""
        if trigger.kill:
            return _an_idiom(used, message, trigger.lang)
        if len(used) == 1 and message.folded[min(used)] in DIE_FOR_YOU:
            i = min(used)
            before = message.folded[max(0, i - 2) : i]
            after = message.folded[i + 1 : i + 2]
            if any(w in FONDLY_BEFORE for w in before) or any(w in FONDLY_AFTER for w in after):
                return used  # "الهی بمیرم", "بمیرم برات": sympathy
            return set()
        if trigger.threat and any(word in MEDIA_WORDS for word in message.folded):
            return used  # "Im Film droht der Bösewicht …"
        if trigger.threat:
            return self._everyday_threat(used, message)
        if trigger.lang == "fa":
            return _compound(used, message)
        if trigger.text in VERB_FIRST:
            return _verb_after(trigger, used, message)
        return _separable(used, message) if trigger.lang == "de" else set()

    def without_set_aside(self, text: str) -> str | None:
        """``text`` without the danger words that ``detect`` set aside because they say no danger
        (``_set_aside``) and what comes before them in their clause (who threatens), or None when it set
        none aside. The engine judges the meaning of this rest: the
        meaning of the whole message is close to a threat or a violence situation for them too
        ("Арендодатель угрожает выселением", "эта жара меня убьёт"), but not "… und hat mich gewürgt"."""
        message = _Message(text)
        aside: set[int] = set()
        for position in self._candidates(message):
            trigger = self._triggers[position]
            found = self._find(trigger, message, False)
            words = self._set_aside(trigger, found[0], message) if found is not None else set()
            # ...from the start of its clause: "Der Vermieter droht mir mit Kündigung | und hat mich …"
            if words:
                first = min(words)
                aside |= words | {j for j in range(first) if message.clause[j] == message.clause[first]}
        if not aside:
            return None
        return " ".join(raw for i, raw in enumerate(message.raws) if i not in aside)

    def _everyday_threat(self, threat: set[int], message: _Message) -> set[int]:
        """The threat at the words ``threat`` and the everyday consequence its clause names (``CONSEQUENCES``:
        "droht mir mit Sanktionen", "угрожает выселением"), with the words between them and a pronoun
        beside them ("threatens to evict me"); an empty set when there is none, when a relative is
        named anywhere in the message (``_a_relative``), or when something is done to her outside them
        (``DONE_TO_HER``)."""
        words = message.folded
        if any(_a_relative(word) for word in words):
            return set()
        clauses = {message.clause[i] for i in threat}
        for consequence in self._consequences:
            found = self._find(consequence, message, False)
            if found is None or not any(message.clause[i] in clauses for i in found[0]):
                continue
            both = threat | found[0]
            span = set(range(min(both), max(both) + 1))
            for j in (min(both) - 1, max(both) + 1):  # "threatens to evict me", "beni tahliye ile tehdit"
                if 0 <= j < len(words) and words[j] in DONE_TO_HER:
                    span.add(j)
            return set() if _done_to_her(message, span) else span
        return set()

    def _kills_her(self, trigger: _Trigger, used: set[int], message: _Message) -> bool:
        """Whether the kill trigger at ``used`` threatens her, her children, "us" or a relative: said so by
        the trigger, or for a trigger that names no one (``KILL_WITHOUT_OBJECT``) by a word beside it
        (``_aimed``) or by a relative in the message ("mein Bruder droht, meine Schwester umzubringen")."""
        if trigger.text not in KILL_WITHOUT_OBJECT:
            return True
        return _aimed(used, message) or any(_a_relative(word) for word in message.folded)

    def _names_a_station(self, service: set[int], message: _Message) -> bool:
        """Whether the service's name at the words ``service`` names its station ("polis karakolu",
        "police station", "Polizeiwache", "مركز الشرطة"): a station word is that word or right beside it,
        in the same clause. A station further off is where she is ("Polizei! Ich bin an der Bushaltestelle
        und ein Mann verfolgt mich"), not what she asks about."""
        for station in self._stations:
            found = self._find(station, message, False)
            if found is not None and message.next_to(service, found[0]):
                return True
        return False

    def _in_a_name(self, used: set[int], message: _Message) -> bool:
        """Whether the trigger words at ``used`` are part of a name the content uses ("Wann hat das
        SOS-Mütterzentrum offen?", "SOS Mütterzentrum nerede?"): they and a word beside them, in one clause,
        are words that follow each other in the name, one of those others of four letters or more. A lone
        "SOS" is still a call for help."""
        folded = message.folded
        first = min(used)
        for name in self._names.get(folded[first], ()):
            for at in (k for k, word in enumerate(name) if word == folded[first]):
                start = first - at
                # the longest run of message words around the trigger that follows the name, in one clause
                run = [
                    i
                    for i in range(max(0, start), min(len(folded), start + len(name)))
                    if folded[i] == name[i - start] and message.clause[i] == message.clause[first]
                ]
                span = set(run)
                around = _contiguous(span, first)
                if used <= around and any(i not in used and len(folded[i]) >= 4 for i in around):
                    return True
        return False

    def _names_a_service(self, trigger: _Trigger) -> bool:
        """Whether ``trigger`` is one word that names an emergency service ("Polizei", "полиция")."""
        if len(trigger.words) != 1:
            return False
        word = trigger.words[0].word
        return any(word.startswith(s.word) if s.prefix else word == s.word for s in self._services)

    def _candidates(self, message: _Message) -> list[int]:
        found: set[int] = set(self._prefixed)
        for i, word in enumerate(message.folded):
            found.update(self._by_word.get(word, ()))
            if len(word) >= 5:
                for deletion in {word[:k] + word[k + 1 :] for k in range(len(word))}:
                    found.update(self._by_word.get(deletion, ()))
            if len(word) >= 4:
                script = script_of(word)
                for lang in self._stem_langs:
                    if SCRIPT_OF_LANG[lang] == script:
                        found.update(self._by_stem.get((lang, message.stem(i, lang)), ()))
        return sorted(found)

    def detect(self, text: str, guesses: bool = True) -> EmergencyMatch | None:
        """The first matching trigger (hard ones first; one read through a ``GUESS`` only if no other
        trigger matches, through an ``OTHER`` only if no ``GUESS`` does, neither when ``guesses`` is
        False), or None."""
        message = _Message(text)
        if not message.folded:
            return None
        in_context: bool | None = None
        fallback: EmergencyMatch | None = None
        for position in self._candidates(message):
            trigger = self._triggers[position]
            found = self._find(trigger, message, guesses)
            if found is None:
                continue
            used, weakest = found
            if not trigger.hard:
                if in_context is None:
                    in_context = any(self._find(c, message, False) is not None for c in self._context)
                if in_context:
                    continue
                if self._names_a_service(trigger) and self._names_a_station(used, message):
                    continue
                if any(w.word in AIR_WORDS for w in trigger.words) and any(
                    self._find(c, message, False) is not None for c in self._air
                ):
                    continue
            if self._names and self._in_a_name(used, message):
                continue
            if self._set_aside(trigger, used, message):
                continue
            left = [i for i in range(len(message.folded)) if i not in used]
            if trigger.call:  # "Hilfe, bitte schnell!" is a call with nothing else (URGENT_WORDS)
                urgent = URGENT_WORDS.get(trigger.lang, frozenset())
                left = [i for i in left if message.folded[i] not in urgent]
                # ...and so is "Ich brauche dringend Hilfe": the rest only says that help is asked for
                asking = REQUEST_WORDS.get(trigger.lang, frozenset()) | SUBJECT_PRONOUNS | OBJECT_PRONOUNS
                if all(message.folded[i] in asking for i in left):
                    left = []
            rest = " ".join(message.raws[i] for i in left)
            match = EmergencyMatch(
                trigger.text,
                trigger.lang,
                trigger.emergency_id,
                trigger.hard,
                rest,
                trigger.call,
                phrase=len(trigger.words) > 1,
                guess=weakest != MATCH,
                other_word=weakest == OTHER,
                service=self._names_a_service(trigger),
                threat=trigger.threat,
                aimed=(trigger.threat and (_aimed(used, message) or _done_to_her(message, used)))
                or (trigger.kill and self._kills_her(trigger, used, message)),
                kill=trigger.kill,
            )
            if weakest == MATCH:
                return match
            if fallback is None or (fallback.other_word and not match.other_word):
                fallback = match
        return fallback


#: The word lists the rules read, as the Latin reader knows them (whole words; ``_READ_AS_STARTS``: starts).
_READ_ALSO = (
    *IDIOM_SUBJECTS.values(),
    MEDIA_WORDS,
    SAID_WORDS,
    PERSON_SUBJECTS,
    AIMED_WORDS,
    DONE_TO_HER,
    OBJECT_PRONOUNS,
    PLEASE_WORDS,
    *URGENT_WORDS.values(),
    *REQUEST_WORDS.values(),
    *ABOUT_WORDS.values(),
)
_READ_AS_STARTS = (EVERYDAY_KILLERS, FAMILY_WORDS, _THREAT_FOLDED, HELP_STARTS)
