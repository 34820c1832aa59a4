"""Emergency detection: runs before anything else on every message.

A trigger is a word or a phrase. It matches the message's words (folded, so diacritics and case do not
matter) when every trigger word is found in order, at most ``MAX_GAP`` words apart. A trigger word matches a
message word when they are equal, have the same stem in the trigger's language, differ by one typo (both at
least six letters long), or — for trigger words written with a trailing ``*`` — the message word starts
with it (also with one typo in the prefix).

False positives we chose to avoid
---------------------------------
Matching is on whole words, never substrings: "Feuerwehrfest" does not contain the word "Feuer",
"Gewaltprävention" is not "Gewalt". On top of that, triggers are *hard* or *soft*:

- hard (suicide, wanting to die, rape, heart attack, unconscious, not breathing, heavy bleeding) always
  trigger; missing one is far worse than showing the emergency numbers once too often.
- soft (violence, being beaten, threatened, fire, danger) are ignored when the message also names a course,
  workshop, talk, festival or prevention ("Kurs gegen Gewalt", "Brandschutz-Workshop", "fire safety class"),
  because then the resident is asking about an offer, not reporting an emergency.

Triggers from the content's ``emergency`` entries are hard when they are phrases and soft when they are
single words (staff list single words like "Gewalt" that also occur in course titles).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.search.normalize import fold, raw_tokens, stem

MAX_GAP = 3

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
        "keine luft",
        "blutet stark",
        "blutet sehr",
        "viel blut",
        "schlaganfall*",
        "lebensgefahr*",
        "notarzt",
        "notfall",
        "krankenwagen",
        "rettungswagen",
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
    ],
}
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
        "bedroht mich",
        "brennt",
        "feuer",
        "brand",
        "in gefahr",
        "polizei rufen",
    ],
    "tr": ["şiddet", "dayak", "dövüyor", "dövdü", "beni dov*", "tehdit*", "yangın", "yanıyor"],
    "ar": ["عنف", "يضربني", "ضربني", "يضربها", "تهديد", "يهددني", "حريق", "في خطر"],
    "ru": ["насилие", "бьёт меня", "бьет", "избил*", "угрожа*", "пожар*", "горит", "в опасности"],
    "uk": ["насильство", "б'є мене", "б'є", "побив*", "погрож*", "пожеж*", "горить", "в небезпеці"],
    "pl": [
        "przemoc",
        "bije mnie",
        "pobił*",
        "grozi mi",
        "grożą",
        "pożar",
        "pali się",
        "w niebezpieczeństwie",
    ],
    "fa": ["خشونت", "کتک", "کتکم", "تهدید", "آتش سوزی", "آتش", "آتیش", "در خطر"],
    "en": [
        "violence",
        "beats me",
        "beating me",
        "hits me",
        "hit me",
        "threatened",
        "threatening me",
        "fire",
        "burning",
        "in danger",
    ],
}
#: A message naming one of these asks about an offer, so soft triggers do not fire ("Kurs gegen Gewalt").
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
]


@dataclass(frozen=True, slots=True)
class _Word:
    word: str  # folded
    prefix: bool  # the trigger word ended in "*"
    stem: str  # folded stem in the trigger's language ("" = compare the word only)


@dataclass(frozen=True, slots=True)
class _Trigger:
    words: tuple[_Word, ...]
    lang: str
    hard: bool
    emergency_id: str | None
    text: str


@dataclass(frozen=True, slots=True)
class EmergencyMatch:
    """Which trigger fired; ``emergency_id`` is the content entry it came from (None = built-in list)."""

    trigger: str
    lang: str
    emergency_id: str | None


def _compile(text: str, lang: str, hard: bool, emergency_id: str | None) -> _Trigger | None:
    words: list[_Word] = []
    for part in text.split():
        prefix = part.endswith("*")
        tokens = raw_tokens(part.rstrip("*"))
        for i, raw in enumerate(tokens):
            word = fold(raw)
            is_prefix = prefix and i == len(tokens) - 1
            word_stem = stem(raw, lang) if len(word) >= 4 and not is_prefix else ""
            words.append(_Word(word, is_prefix, word_stem if len(word_stem) >= 4 else ""))
    if not words:
        return None
    return _Trigger(tuple(words), lang, hard, emergency_id, text)


class _Message:
    """A message's words with lazily computed stems per language."""

    def __init__(self, text: str) -> None:
        self.raws = raw_tokens(text)
        self.folded = [fold(w) for w in self.raws]
        self._stems: dict[tuple[int, str], str] = {}

    def stem(self, i: int, lang: str) -> str:
        key = (i, lang)
        value = self._stems.get(key)
        if value is None:
            value = self._stems[key] = stem(self.raws[i], lang) if len(self.folded[i]) >= 4 else ""
        return value

    def matches(self, i: int, pattern: _Word, lang: str) -> bool:
        folded = self.folded[i]
        word = pattern.word
        if pattern.prefix:
            if folded.startswith(word):
                return True
            return len(word) >= 6 and OSA.distance(folded[: len(word)], word, score_cutoff=1) <= 1
        if folded == word:
            return True
        if len(word) >= 6 and abs(len(folded) - len(word)) <= 1 and len(folded) >= 6:
            if OSA.distance(folded, word, score_cutoff=1) <= 1:
                return True
        return bool(pattern.stem) and self.stem(i, lang) == pattern.stem


class EmergencyDetector:
    """Finds emergency triggers in a message. Build once (``with_builtin``), then call :meth:`detect`."""

    def __init__(self, triggers: Iterable[_Trigger], context: Iterable[_Trigger]) -> None:
        self._triggers = sorted(triggers, key=lambda t: (not t.hard, -len(t.words)))
        self._context = list(context)

    @classmethod
    def with_builtin(
        cls, content_triggers: Mapping[str, Mapping[str, Iterable[str]]] | None = None
    ) -> EmergencyDetector:
        """The built-in safety list plus ``content_triggers``: emergency id → language → phrases."""
        triggers: list[_Trigger] = []
        for table, hard in ((BUILTIN_HARD, True), (BUILTIN_SOFT, False)):
            for lang, phrases in table.items():
                triggers.extend(t for p in phrases if (t := _compile(p, lang, hard, None)))
        for emergency_id, by_lang in (content_triggers or {}).items():
            for lang, phrases in by_lang.items():
                analyser_lang = "de" if lang == "de-simple" else lang
                for phrase in phrases:
                    compiled = _compile(phrase, analyser_lang, False, emergency_id)
                    if compiled:
                        triggers.append(
                            _Trigger(
                                compiled.words, analyser_lang, len(compiled.words) > 1, emergency_id, phrase
                            )
                        )
        context = [t for p in CONTEXT_WORDS if (t := _compile(p, "de", False, None))]
        return cls(triggers, context)

    @staticmethod
    def _find(trigger: _Trigger, message: _Message) -> bool:
        n = len(message.folded)
        for start in range(n):
            if not message.matches(start, trigger.words[0], trigger.lang):
                continue
            position, ok = start, True
            for word in trigger.words[1:]:
                for nxt in range(position + 1, min(n, position + 2 + MAX_GAP)):
                    if message.matches(nxt, word, trigger.lang):
                        position = nxt
                        break
                else:
                    ok = False
                    break
            if ok:
                return True
        return False

    def detect(self, text: str) -> EmergencyMatch | None:
        """The first matching trigger (hard ones first), or None."""
        message = _Message(text)
        in_context: bool | None = None
        for trigger in self._triggers:
            if not self._find(trigger, message):
                continue
            if not trigger.hard:
                if in_context is None:
                    in_context = any(self._find(c, message) for c in self._context)
                if in_context:
                    continue
            return EmergencyMatch(trigger.text, trigger.lang, trigger.emergency_id)
        return None
