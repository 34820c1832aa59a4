"""The word lists of the emergency detector (bot/search/emergency/__init__.py says what it does with them):
the built-in triggers of the nine languages, hard (``BUILTIN_HARD``), soft (``BUILTIN_SOFT``), threats to
kill (``BUILTIN_KILL``) and calls of an emergency service (``SERVICE_CALLS``), and the words the rules read
beside a trigger (rules.py: idioms, everyday consequences, relatives, whom a threat is aimed at, calls for
help that are part of a request; detector.py: offers, stations, things that hold air). Data only: each
list says above it what it is for and which rule reads it. In sections: the triggers; threats and kill
phrases; other words that make a trigger say no danger; a soft trigger in an everyday question; calls for
help; the keyboards; the lists as the Latin reader knows them.

Over 400 lines on purpose: it is nothing but these lists, one word or phrase a line where a list
is long, so that a reviewer who knows a language can read and check its words in one place.
"""

from __future__ import annotations

from bot.search.normalize import fold

# ---- The triggers: hard, soft, threats to kill, calls of a service (detector.py ``_builtin_triggers``)
#: Hard triggers, per language ("*" = prefix): they always fire (the package's docstring).
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *(
            "will tot",
            "möchte tot",
            "wäre lieber tot",
            "wäre ich tot",
            "ich wäre tot",
            "müde vom leben",
            "das leben satt",
            "keine lust mehr zu leben",
        ),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *(
            "ölmüş olmak",
            "keşke ölsem",
            "keşke ölseydim",
            "hayattan bıktım",
            "yaşamaktan bıktım",
            "yaşamaktan yoruldum",
            "hayattan yoruldum",
        ),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *(
            "تعبت من الحياة",
            "تعبت من حياتي",
            "مليت من الحياة",
            "مللت من الحياة",
            "مليت من حياتي",
            "لو كنت ميت*",
            "أكون ميت*",
            "ليتني مت",
            "ليتني ميت*",
        ),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *(
            "быть мертв*",
            "лучше бы я умер*",
            "устал* жить",
            "устал* от жизни",
            "надоело жить",
            "жить надоело",
        ),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *("бути мертв*", "краще б я помер*", "втомил* від життя", "втомил* жити", "набридло жити"),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *("być martw*", "wolał* nie żyć", "mam dość życia", "zmęczon* życiem", "zmęczył* życiem"),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *("کاش مرده بودم", "کاش بمیرم", "مرده باشم", "از زندگی خسته", "از زندگی سیرم", "از زندگی سیر شدم"),
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
        # wishing to be dead, tired of life: a wish to die told without the verb "die"
        *(
            "wish i was dead",
            "wish i were dead",
            "want to be dead",
            "rather be dead",
            "better off dead",
            "tired of living",
            "tired of life",
            "sick of life",
            "sick of living",
        ),
    ],
}

#: Who was hit, after "ضرب"/"يضرب" (he hit, he hits): the children, a son, a daughter, her mother. Arabic
#: says whom a verb is done to after it: "ابني ضرب صديقه" (my son hit his friend) is no "ضرب ابني"
#: (``verb_after``).
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
        # colloquial verbs of hitting, with whom (an everyday "haut mich um", amazes me: ``separable``)
        *("haut mich", "haute mich", "hauen mich", "haut die kinder", "haut uns"),
        *("haut meine kinder", "haut unsere kinder", "haut meinen sohn", "haut meine tochter"),
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
        # colloquial verbs of hitting, with whom
        *("лупит меня", "колотит меня", "лупит детей", "лупил меня"),
    ],
    "uk": [
        *"насильство б'є побив* погрож* пожеж* горить".split(),
        *("б'є мене", "в небезпеці", "вдарив мене", "ударив мене", "бив мене", "била мене", "били мене"),
        *("б'є дітей", "бив дітей", "вдарив дитину"),
        # colloquial verbs of hitting, with whom
        *("лупцює мене", "лупить мене", "лупцює дітей"),
    ],
    "pl": [
        "przemoc",
        "bije mnie",
        "pobił*",
        *("uderzył mnie", "uderzyła mnie", "bił mnie", "biła mnie", "bije dzieci"),
        # colloquial verbs of hitting, with whom
        *("leje mnie", "lał mnie", "tłucze mnie", "leje dzieci", "tłucze dzieci"),
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
        # colloquial verbs of hitting, with whom (not "kicks me": the baby in her belly does)
        *("slaps me", "slapped me", "punches me", "punched me"),
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

#: "Me" as the object of a verb: a hard phrase of a verb and one of these, and no noun, is said of herself
#: ("bringe mich um", I'll kill myself): another form of its verb has another subject ("Kopfschmerzen
#: bringen mich um", headaches are killing me) and is no match (``Word.inflects``); whether a person
#: threatens her is the kill triggers' question (``BUILTIN_KILL``). Reflexives ("себя", "kendimi") are
#: said of the speaker in every form and keep matching.
FIRST_PERSON_OBJECTS = frozenset(
    {"mich", "mir", "me", "beni", "bana", "меня", "мне", "мене", "мені", "mnie", "mi", "مرا", "منو"}
)


# ---- Threats and kill phrases: who says them, whom they are aimed at, what makes them everyday (rules.py)
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
#: gesagt, er bringt mich um"; "Mein Vater droht mich umzubringen"): ``an_idiom``. Not a father or "the
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
THREAT_FOLDED = tuple(fold(start) for start in THREAT_STARTS)

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
FAMILY_WHOLE = frozenset(FAMILY_WORDS)
FAMILY_STARTS = tuple(w for w in FAMILY_WORDS if len(w) > 2)

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


# ---- Other words that make a trigger say no danger (rules.py, detector.py ``_set_aside``)
#: Persian "الهی بمیرم" and "بمیرم برات" ("may I die", "I'd die for you"): sympathy, said of someone
#: else's trouble, never her wish to die ("میخوام بمیرم"); Finglish too ("elahi bemiram barat").
DIE_FOR_YOU = frozenset(fold(w) for w in "بمیرم".split())
FONDLY_BEFORE = frozenset(fold(w) for w in "الهی الاهی elahi elahy ellahi".split())
FONDLY_AFTER = frozenset(
    fold(w) for w in "برات براش براتون براشون برای واست واسش واسه barat barash baratoon baratun vasat".split()
)

#: German "schlägt … vor" (proposes), "schlägt … nach" (looks up), "schlägt … um" (turns over): a separable
#: verb's particle at the end of the clause makes "schlägt" another verb ("Mein Mann schlägt vor, dass wir
#: …", "Mein Mann schlägt mir einen Umzug vor"); a trigger with "schlägt" does not fire there. Not "zu",
#: "ein", "aus", "auf": "er schlägt zu", "er schlägt auf mich ein", "schlägt mir die Zähne aus" are violence.
SEPARABLE_PARTICLES = frozenset({"vor", "nach", "um", "fehl"})

#: The wish to die told without the verb "die" (the phrases under "wishing to be dead" in ``BUILTIN_HARD``):
#: hard, but said of a place or a thing they are an everyday complaint (``a_complaint``): "I'm tired of
#: living in a hostel", "bu evde yaşamaktan bıktım", "устала жить в общежитии", "Ich habe das Leben in der
#: Unterkunft satt", "Ich möchte meinen Opa tot melden", "Ohne meine Nachbarin wäre ich tot".
WISH_TO_DIE = frozenset(
    (
        "will tot|möchte tot|wäre lieber tot|wäre ich tot|ich wäre tot|müde vom leben|das leben satt|"
        "keine lust mehr zu leben|ölmüş olmak|keşke ölsem|keşke ölseydim|hayattan bıktım|yaşamaktan bıktım|"
        "yaşamaktan yoruldum|hayattan yoruldum|تعبت من الحياة|تعبت من حياتي|مليت من الحياة|مللت من الحياة|"
        "مليت من حياتي|لو كنت ميت*|أكون ميت*|ليتني مت|ليتني ميت*|быть мертв*|лучше бы я умер*|устал* жить|"
        "устал* от жизни|надоело жить|жить надоело|бути мертв*|краще б я помер*|втомил* від життя|"
        "втомил* жити|набридло жити|być martw*|wolał* nie żyć|mam dość życia|zmęczon* życiem|"
        "zmęczył* życiem|کاش مرده بودم|کاش بمیرم|مرده باشم|از زندگی خسته|از زندگی سیرم|از زندگی سیر شدم|"
        "wish i was dead|wish i were dead|want to be dead|rather be dead|better off dead|tired of living|"
        "tired of life|sick of life|sick of living"
    ).split("|")
)
#: Between the words of such a phrase only these may stand ("manchmal möchte ich einfach tot sein", "از
#: زندگی خیلی خسته شدم"); another word makes it another sentence ("möchte meinen Opa tot melden", "das Leben
#: in der Unterkunft satt", "از زندگی در این خانه خسته").
WISH_FILLERS = frozenset(
    fold(w)
    for w in (
        "ich i je einfach nur noch so lieber am liebsten echt wirklich jetzt schon bald manchmal gern gerne "
        "ganz total just really so very all artık çok gerçekten я так просто уже очень вже дуже już tak "
        "po prostu naprawdę bardzo ja دیگه خیلی واقعا من حقا جدا كثيرا"
    ).split()
)
#: Right after such a phrase, a place ("tired of living in a hostel", "here", "устала жить в общежитии",
#: "mam dość życia w tym mieszkaniu", "تعبت من الحياة في هذه الشقة"); Turkish says it before, in the
#: locative ("bu evde yaşamaktan bıktım", "burada"): the complaint is about the place.
PLACE_AFTER = frozenset(
    fold(w)
    for w in "in im at here there hier dort в во у тут здесь w we tu tutaj في هنا هون در اینجا".split()
)
LOCATIVE_ENDINGS = ("de", "da", "te", "ta")
#: ...unless the place is the world, or fear or pain ("tired of living in this world", "bu dünyada"):
#: still the wish to die.
STILL_LIFE_STARTS = tuple(
    fold(w)
    for w in "world welt мир світ świat świecie dünya dunya العالم الدنيا دنیا fear pain angst schmerz "
    "страх бол біл strach ból bol".split()
)
#: "wäre ich tot" is the wish only with a wish ("Ich wünschte, ich wäre tot", "am liebsten"), not "Ohne
#: meine Nachbarin wäre ich tot" (a thank-you); "rather be dead than …" compares ("I'd rather be dead than
#: call the Jobcenter again").
WISH_WORDS = tuple(fold(w) for w in "lieber wünsch liebsten hoffentlich wish".split())
WOULD_BE_DEAD = frozenset({"wäre ich tot", "ich wäre tot"})


#: Before "haut", these make it the noun, skin ("meine Haut juckt mich", "die Haut"), not "hits"
#: (``separable``).
SKIN_BEFORE = frozenset(
    fold(w) for w in "die der meine deine seine ihre unsere eure meiner deiner seiner ihrer unserer".split()
)

#: ...unless an object follows right after: then "der"/"die" is a pronoun, "haut" the verb ("Der haut mich
#: jeden Tag", "Die haut mich immer"); not after a possessive ("meine Haut juckt mich").
HIT_OBJECTS = frozenset(fold(w) for w in "mich uns dich ihn meine meinen unsere unseren".split())
POINTING_BEFORE = frozenset({"der", "die"})

#: A colloquial verb of hitting (its start, folded) and the words in its clause that make it something else
#: (``not_hitting``): "меня колотит от температуры" (shivering with fever: "от" right after), "leje mnie
#: woda z sufitu" (water pours on me), "haut mich übers Ohr" (cheats me). A word of four letters or more is
#: a start ("sufitu"), a shorter one a whole word ("от", not "отец").
NOT_HITTING: dict[str, frozenset[str]] = {
    fold(verb): frozenset(fold(w) for w in words.split())
    for verb, words in (
        ("колот", "от від"),
        ("колоч", "от від"),
        ("leje", "woda wodą wody deszcz deszczem sufit rura rury"),
        ("lał", "woda wodą wody deszcz deszczem sufit rura rury"),
        ("haut", "ohr übers"),
        ("haute", "ohr übers"),
        ("hauen", "ohr übers"),
    )
}

#: After a particle, these make it a preposition, "schlägt" still violence ("schlägt um sich": ``separable``).
REFLEXIVE = frozenset({"sich", "dich", "dir", "ihn", "ihm", "ihr", "euch"})

#: Persian nouns that make زدن (to hit) another verb right before it: "منو صدا میزنه" (calls me), "زنگ زد"
#: (phoned), "حرف می‌زند" (talks), "سر زد" (dropped by), "گول زد" (fooled), "قدم زد" (walked), "داد زد"
#: (shouted): a trigger with زدن does not fire there (``compound``).
COMPOUND_VERB_NOUNS = frozenset(fold(w) for w in "صدا زنگ حرف داد سر گول حدس قدم لبخند جار غر پس زل".split())


# ---- A soft trigger in an everyday question: an offer, a station, a thing holding air (``detect``)
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


# ---- Calls for help: part of a request, or a cry (rules.py ``asks_for_help_with``, detector.py ``detect``)
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


# ---- The keyboards, for typos (matching.py ``typo_kind``)
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


# ---- For the Latin reader (bot/search/translit.py)
#: The word lists the rules read, as the Latin reader knows them (whole words; ``READ_AS_STARTS``: starts).
READ_ALSO = (
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
READ_AS_STARTS = (EVERYDAY_KILLERS, FAMILY_WORDS, THREAT_FOLDED, HELP_STARTS)
