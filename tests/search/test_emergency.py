import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.languages import REGISTRY, counts_as
from bot.search.emergency import BUILTIN_SOFT, EmergencyDetector
from bot.search.engine import SearchEngine
from bot.search.offtopic import OFF_TOPIC
from bot.search.situations import SITUATIONS
from bot.sos import ShownNumbers
from tests.harness import BotHarness

_BUILT: dict[str, EmergencyDetector] = {}


def built(content_triggers: dict[str, dict[str, list[str]]] | None = None) -> EmergencyDetector:
    """`EmergencyDetector.with_builtin(content_triggers)`, built once per test process for the same triggers
    (30 ms each; a detector does not change once built, `detect` only reads it)."""
    key = json.dumps(content_triggers, sort_keys=True)
    if key not in _BUILT:
        _BUILT[key] = EmergencyDetector.with_builtin(content_triggers)
    return _BUILT[key]


@pytest.fixture(scope="module")
def detector() -> EmergencyDetector:
    return built()


@pytest.mark.parametrize(
    "text",
    [
        "Mein Mann schlägt mich",
        "ich will nicht mehr leben",
        "Mann schlägt mich. Hilfe.",
        "Er atmet nicht mehr!!",
        "kocam beni dövüyor",
        "intihar etmek istiyorum",
        "kendimi oldurecegim",
        "babam bayildi",
        "زوجي يضربني",
        "أريد أن أموت",
        "في حريق بالعمارة",
        "муж меня избил",
        "не хочу жить",
        "чоловік мене б'є",
        "хочу померти",
        "mąż mnie bije",
        "maz mnie bije",
        "chce umrzec",
        "شوهرم منو کتک میزنه",
        "میخوام خودکشی کنم",
        "my husband beats me",
        "i want to kill myself",
        "he is not breathing",
        "Selbstmordgedanken",  # prefix trigger
        "vergewlatigt",  # typo in a long word
        # threats to kill, and the infinitive of calling the police (a test on main: no numbers)
        "er droht mich umzubringen",
        "beni öldürecek",
        "سيقتلني",
        "он хочет меня убить",
        "میخواد منو بکشه",
        "he wants to kill me",
        "надо вызвать полицию",
        "треба викликати поліцію",
        # review rv9: a threat to kill her son or daughter; violence told beside a landlord's notice
        "die jungs sagen sie bringen meinen sohn um",
        "zabije moja corke",
        "سيقتلون ابني",
        "Der Vermieter droht mir mit Kündigung und hat mich an die Wand gedrückt",
        "деверь угрожает выселением и душил меня",
        # a father's threat in the name of honour (the lead, after review: the parents' idiom rule hid it)
        "Mein Vater bringt mich um, wenn er erfährt, dass ich einen Freund habe",
        "babam beni öldürür, erkek arkadaşım olduğunu öğrenirse",
        "أبي سيقتلني إذا عرف أن لي صديقا",
        "Sie bringen mich um",
        "sie bringen uns um, wenn wir reden",
        # review gaps: past tense (uk, ru), Farsi mi- with a space or nothing, children hit (ar),
        # strangling in every language
        "він знову мене вдарив",
        "вона мене вдарила при дітях",
        "муж ударил меня по лицу",
        "شوهرم مرا می زند",
        "شوهرم مرا میزند",
        "شوهرم مرا می\u200cزند",
        "شوهرم بچه‌ها رو میزنه",
        "ضرب الأطفال أيضا",
        "أبي ضرب أمي",
        "er hat mich gewürgt",
        "er wollte mich erwürgen",
        "my husband tried to strangle me",
        "he choked me last night",
        "kocam beni boğmaya çalıştı",
        "زوجي خنقني البارحة",
        "он пытался меня задушить",
        "чоловік намагався мене задушити",
        "mąż mnie dusił",
        "شوهرم منو خفه کرد",
    ],
)
def test_emergency_is_detected_in_every_language(detector: EmergencyDetector, text: str) -> None:
    assert detector.detect(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Wann ist das Feuerwehrfest?",
        "Gibt es einen Gewaltprävention-Kurs?",
        "Kurs gegen Gewalt für Jugendliche",
        "fire safety course",
        "Deutschkurs für Frauen",
        "çocuğumun ateşi var",
        "Bewerbung schreiben",
        # proposes, an idiom, killing time, an office's everyday threat (a test on main: the numbers)
        "Mein Mann schlägt vor, dass wir umziehen",
        "to mnie zabije, tyle papierów",
        "эта жара меня убьёт",
        "how can I kill time",
        "Das Jobcenter droht mir mit Sanktionen",
        "Арендодатель угрожает выселением",
        # review rv9: a parent's, a boss's kill idiom, a game, "schlägt vor dass" without a comma
        "мама меня убьет если я не сдам экзамен",
        "annem beni oldurecek sinavdan kalirsam",
        "my boss will kill me if im late again",
        "Wir spielen Werwolf, der Werwolf tötet uns alle",
        "mein mann schlägt vor dass wir zum sprachcafe gehen",
        # review gaps: the same words, everyday (a compound verb, a ball, a cough, stuffy air, sums)
        "شوهرم منو صدا میزنه",
        "پسرم پیانو می زند، کلاس موسیقی هست؟",
        "син вдарив м'яч у вікно сусіда",
        "kaszel mnie dusi w nocy, jaki lekarz",
        "the traffic in the city strangles small shops",
        "в комнате душно, что делать",
        "ضرب 5 في 3 كم يساوي",
        "ابني ضرب صديقه في المدرسة",  # my son hit his friend: the object comes after the verb
        "Mir ist übel, ich muss ständig würgen",
    ],
)
def test_ordinary_questions_do_not_trigger(detector: EmergencyDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_content_triggers_are_used_and_single_words_are_soft() -> None:
    detector = EmergencyDetector.with_builtin({"polizei": {"pl": ["pomocy", "mąż mnie bije"]}})
    soft = detector.detect("pomocy!")
    assert soft is not None and soft.emergency_id == "polizei" and not soft.hard
    hard = detector.detect("maz mnie bije")
    assert hard is not None and hard.hard
    assert detector.detect("pomoc w napisaniu CV") is None  # whole words only for soft content words


def test_engine_puts_emergency_before_everything(lexical_engine: SearchEngine) -> None:
    result = lexical_engine.answer("Hallo, ich will sterben", "de", None)
    assert result.emergency and result.understood and result.small_talk is None


def test_soft_trigger_is_overruled_by_a_confident_answer_to_the_rest(engine: SearchEngine) -> None:
    assert engine.answer("помогите!", "ru", None).emergency
    result = engine.answer("помогите написать резюме", "ru", None)
    assert not result.emergency and result.alternatives[0].id == "bewerbungstraining"


# --- everyday phrases and real cries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mein Fahrradreifen hat keine Luft mehr", "de"),
        ("der Ball hat keine Luft mehr, wo kann ich ihn aufpumpen", "de"),
        ("my bike tyre has no air", "en"),
        ("Hilfe beim Umzug", "de"),
        ("Kann mir jemand beim Umzug helfen?", "de"),
        ("Mein Akku ist leer, wo kann ich laden?", "de"),
        # close by meaning to a threat situation; the words say no danger (an eviction, an idiom)
        ("Арендодатель угрожает выселением", "ru"),
        ("эта жара меня убьёт", "ru"),
        # xr6 finding 2: closer to a situation than to any entry, not to its everyday counterparts
        ("Mein Mann ist im Krankenhaus", "de"),
        ("Мой сын болеет, завтра не смогу прийти", "ru"),
    ],
)
def test_everyday_phrases_raise_no_alarm(engine: SearchEngine, text: str, lang: str) -> None:
    assert not engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ich bekomme keine Luft mehr", "de"),
        ("mein Mann kriegt keine Luft!", "de"),
        ("keine Luft!!", "de"),
        ("Mein Sohn ist vom Fahrrad gefallen und blutet", "de"),
        ("Hilfe, mein Vater atmet nicht", "de"),
        ("Mein Kind ist krank und atmet ganz schwer, es wird blau", "de"),  # sick, and the acute part
    ],
)
def test_real_cries_about_breathing_and_bleeding_still_raise_the_alarm(
    engine: SearchEngine, text: str, lang: str
) -> None:
    assert engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [("the baby drank some bleach", "en"), ("جاري يكسر باب بيتي ويصرخ", "ar")],  # no trigger word in either
)
def test_an_emergency_told_in_own_words_raises_the_alarm_by_meaning(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    assert not lexical_engine.answer(text, lang).emergency  # the trigger lists do not know these words
    result = engine.answer(text, lang)
    assert result.emergency and result.emergency_match is not None
    assert result.emergency_match.trigger == "(meaning)" and not result.emergency_match.hard


# --- calls for help ("yardım edin!") from the content --------------------------------------------------

_CALL_TRIGGERS = {
    "polizei": {"tr": ["yardım edin!", "dövüyor"], "uk": ["допоможіть!"], "pl": ["pomocy!"]},
    "hilfetelefon": {"tr": ["kocam beni dövüyor"]},
}


def test_a_call_for_help_is_soft_even_as_a_phrase() -> None:
    detector = EmergencyDetector.with_builtin(_CALL_TRIGGERS)
    match = detector.detect("yardım edin lütfen")
    assert match is not None and match.call and not match.hard


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("допоможіть з листом від відомства", "uk"),
        ("pomocy, dostałem list z urzędu i nie rozumiem", "pl"),
        ("Ich brauche Hilfe mit einem Brief", "de"),
        ("Помогите с письмом", "ru"),  # exploratory test: raised the emergency screen
        ("Can you help me with my letter?", "en"),
        # urgently: the call counts, and the letter in its rest drops it
        ("Ich brauche dringend Hilfe, ich habe einen Brief vom Jobcenter bekommen", "de"),
        ("I need urgent help, I got a letter from the job centre", "en"),
    ],
)
def test_asking_for_help_with_a_letter_shows_no_emergency_numbers(
    engine: SearchEngine, text: str, lang: str
) -> None:
    result = engine.answer(text, lang)
    assert not result.emergency, result
    hits = ([result.answer] if result.answer else []) + result.alternatives
    assert hits and hits[0].id in {"briefe-aemter", "briefe-von-aemtern"}


def test_a_call_for_help_whose_rest_names_two_close_entries_is_no_emergency(engine: SearchEngine) -> None:
    # Two entries about letters share the first place, too close for one confident answer; the message is
    # still clearly about a letter (exploratory test of 7 Dec 2026, F1): the choice, not the numbers.
    result = engine.answer("yardım edin, Jobcenter'dan mektup geldi anlamadım", "tr")
    assert not result.emergency and result.answer is None, result
    assert {hit.id for hit in result.alternatives[:2]} == {"briefe-aemter", "briefe-von-aemtern"}


def test_a_call_for_help_with_a_rest_that_names_nothing_keeps_the_numbers(engine: SearchEngine) -> None:
    assert engine.answer("допоможіть, тут чужа людина", "uk").emergency  # help, a stranger is here


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("yardım edin! kocam beni dövüyor", "tr"),
        ("yardım edin!!", "tr"),
        ("pomocy", "pl"),
        ("допоможіть, тут чужа людина", "uk"),
    ],
)
def test_a_call_for_help_alone_or_with_danger_still_shows_the_emergency_numbers(
    engine: SearchEngine, text: str, lang: str
) -> None:
    assert engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        ("potrzebuję pomocy", False),  # I need help: a request, "pomocy" its object
        ("jestem nowa w salzgitter, potrzebuje pomocy", False),
        ("szukam pomocy", False),
        ("pomocy! potrzebuję pomocy", True),  # the cry itself still counts
        ("potrzebuję pomocy, mąż mnie bije", True),  # and danger words fire their own triggers
    ],
)
def test_a_call_for_help_that_is_the_object_of_a_request_is_no_call(text: str, emergency: bool) -> None:
    detector = built(_CALL_TRIGGERS | {"hilfetelefon": {"pl": ["mąż mnie bije"]}})
    assert (detector.detect(text) is not None) is emergency, detector.detect(text)


def test_a_polish_newcomer_asking_for_help_gets_the_integration_offers(engine: SearchEngine) -> None:
    result = engine.answer("jestem nowa w salzgitter, potrzebuje pomocy", "pl")
    assert not result.emergency
    hits = ([result.answer] if result.answer else []) + result.alternatives
    assert {"integrationscoaching", "integrationsbeauftragter"} & {h.id for h in hits[:3]}


# --- calls for help in German and English, new kinds of emergency, soft alarms (exploratory test) -------
# Moved from tests/test_explore_findings.py, where they were strict xfails.


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hilfe bitte schnell", "de"),  # was: the confident answer "who helps with a Jobcenter letter?"
        ("Hilfe, schnell, bitte kommen", "de"),
        ("SOS", "de"),  # was: the SOS mothers' centre
        ("help!", "en"),
        ("Ich brauche dringend Hilfe", "de"),  # was: the resident survey ("welche Angebote Sie brauchen")
    ],
)
def test_a_cry_for_help_shows_the_emergency_numbers(engine: SearchEngine, text: str, lang: str) -> None:
    assert engine.answer(text, lang).emergency


@pytest.mark.parametrize("text", ["help me now", "please help me now"])
async def test_help_me_now_gets_the_emergency_numbers(bot: BotHarness, text: str) -> None:
    # Review 2, finding 3: "now" is one of the words that only say it is urgent (URGENT_WORDS), and also
    # the shipped partner NOW's name; its confident answer dropped the call, and the resident got NOW's
    # contact card instead of the emergency numbers, while "help me please" or "help!" got them.
    sam = bot.resident("Sam", lang="en")
    await sam.send(text)
    assert "🆘" in (sam.last().text or "")


def test_a_call_for_help_is_not_overruled_by_an_organisation_named_in_the_message(
    engine: SearchEngine, lexical_engine: SearchEngine
) -> None:
    # An answer that is a partner or a place says who or where, not what the help is for: the numbers
    # come, with and without the model, and the partner is listed below them. (Written as the partner's
    # name: "now" in small letters is the everyday word and finds no partner, test_lexical.py.)
    for searched in (engine, lexical_engine):
        result = searched.answer("help me NOW", "en")
        assert result.emergency, result
        assert result.answer is not None and result.answer.id == "now"


def test_a_missing_child_is_not_answered_with_childcare(engine: SearchEngine) -> None:
    result = engine.answer("طفلي مفقود", "ar")  # "my child is missing"
    assert result.emergency and (result.answer is None or result.answer.id != "kinderbetreuung"), result


_GERMAN_CALLS = {"polizei": {"de": ["hilfe!", "sos!"], "en": ["help!"], "ru": ["помогите!"]}}


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Hilfe!!!", ""),
        ("Hilfe, bitte schnell!", ""),  # only urgency besides the call: a cry with nothing else
        ("help, quick, please", ""),
        ("Hilfe, der Nachbar steht vor der Tür", "der nachbar steht vor der tür"),
        ("SOS", ""),
        ("Ich brauche dringend Hilfe", ""),  # the rest only says that help is asked for
        ("help me please", ""),
    ],
)
def test_a_call_with_only_urgent_words_is_a_call_alone(text: str, rest: str) -> None:
    match = built(_GERMAN_CALLS).detect(text)
    assert match is not None and match.call and not match.hard
    assert match.rest == rest


@pytest.mark.parametrize(
    "text",
    [
        "Ich brauche Hilfe mit einem Brief",  # after a request word, and before what it is for
        "Hilfe beim Umzug",
        "Wo bekomme ich Hilfe?",  # a subject pronoun between the verb and the call
        "Danke für Ihre Hilfe",
        "Erste Hilfe",
        "Can you help me with the form?",  # an object pronoun between the call and what it is for
        "I need help",
        "помогите с письмом",
        "помогите пожалуйста с письмом",  # "please" between the call and what it is for
        "Can you help me please with the form?",
    ],
)
def test_help_asked_for_something_is_no_call(text: str) -> None:
    assert built(_GERMAN_CALLS).detect(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("karım doğuruyor", "tr"),  # a birth happening now
        ("жена рожает", "ru"),
        ("Meine Frau bekommt das Baby jetzt", "de"),
        ("dumanla dolu merdiven", "tr"),  # smoke in the stairwell
        ("çocuğum kayıp", "tr"),  # a missing child
        ("moje dziecko zaginęło", "pl"),
        ("мой ребёнок пропал", "ru"),
    ],
)
def test_a_birth_smoke_in_the_stairwell_and_a_missing_child_raise_the_alarm_by_meaning(
    engine: SearchEngine, text: str, lang: str
) -> None:
    result = engine.answer(text, lang)
    assert result.emergency and result.emergency_match is not None, result
    assert result.emergency_match.trigger == "(meaning)"


def test_a_confident_answer_is_listed_below_the_numbers_when_the_meaning_is_an_emergency(
    engine: SearchEngine,
) -> None:
    # "my child is missing": childcare is answered confidently by its words, the meaning is a missing child
    result = engine.answer("мой ребёнок пропал", "ru")
    assert result.emergency and result.answer is None
    assert result.alternatives and result.alternatives[0].id == "kinderbetreuung"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Haben Sie Feuer?", "de"),
        ("Wie heißt Feuer auf Arabisch?", "de"),
        ("Ich habe Angst vor der Prüfung", "de"),
        ("Mann schlägt die Tür zu", "de"),
        ("Schimmel in der Wohnung", "de"),
    ],
)
def test_a_soft_alarm_lists_what_the_search_found(engine: SearchEngine, text: str, lang: str) -> None:
    # the model cannot tell "Haben Sie Feuer?" from "Feuer!": what the search would show without the alarm
    # goes below the numbers (unless the meaning is an emergency and nothing is clearly named), never more
    result = engine.answer(text, lang)
    assert result.emergency_match is None or not result.emergency_match.hard
    searched = engine.search(text, lang)
    found = ([searched.answer] if searched.answer else []) + searched.alternatives
    below = ([result.answer] if result.answer else []) + result.alternatives
    assert below in (found, []), result


@pytest.mark.parametrize("text", ["Hilfe qwertz", "Wie heißt Feuer auf Arabisch?"])
async def test_a_soft_alarm_with_nothing_close_enough_lists_no_entries(bot: BotHarness, text: str) -> None:
    # Nothing is close enough for the search to offer it ("no_match"): the entries nearest all the same are
    # no help under the numbers (to someone in danger they read as the bot's answer); the screen has Ask a
    # person and the menu, as "I don't know" has.
    lena = bot.resident("Lena", lang="de")
    await lena.send(text)
    sos = next(m for m in bot.telegram.bot_messages(lena.chat) if "🆘" in (m.text or ""))
    assert "Kein Notfall?" not in (sos.text or "")
    assert sos.labels == ["🙋 Einen Menschen fragen", "🏠 Menü"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "kocam bana vuruyor",
            "tr",
        ),  # my husband hits me: was "how can I help? · neighbourhood run · courses"
        ("ich will nich mehr leben", "de"),  # was: "Jobcenter · I don't speak German well · Mitmachen"
    ],
)
def test_an_emergency_by_meaning_lists_no_weak_entries_below_the_numbers(
    engine: SearchEngine, text: str, lang: str
) -> None:
    # Exploratory test of 7 Dec 2026, F8: entries further from the message than the emergency is, and
    # named by nothing in it, read as not being taken seriously.
    result = engine.answer(text, lang)
    assert result.emergency and result.emergency_match is not None
    assert result.answer is None and result.alternatives == [], result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("yardım edin, Jobcenter'dan mektup geldi", "tr"),
        ("Hilfe, Brief vom Jobcenter", "de"),
        ("помогите пожалуйста с письмом", "ru"),
        ("допоможіть будь ласка з листом", "uk"),
    ],
)
def test_a_polite_call_for_help_with_a_letter_is_no_emergency(
    engine: SearchEngine, text: str, lang: str
) -> None:
    # Exploratory test of 7 Dec 2026, F1: the letter FAQ and offer were found but, too close together for
    # one confident answer, did not count against the call ("yardım edin, | Jobcenter'dan mektup geldi"),
    # and "please" hid that the help was asked *with* something ("помогите пожалуйста | с письмом").
    result = engine.answer(text, lang)
    assert not result.emergency, result
    first = result.answer or result.alternatives[0]
    assert first.key in ("faq:briefe-von-aemtern", "offer:briefe-aemter"), result


@pytest.mark.parametrize("text", ["yangın sigortası", "Yangın tatbikatı", "Versicherung gegen Feuer"])
def test_an_insurance_or_a_drill_is_no_emergency(detector: EmergencyDetector, text: str) -> None:
    assert detector.detect(text) is None


# --- typos and real words ---------------------------------------------------------------------------------
# The first two are a reviewer's report ("yapıyor", is doing, read as a typo of "yanıyor", is burning); the
# others were written before the bot had been run on them.


@pytest.mark.parametrize(
    "text",
    [
        "annem yemek yapıyor",
        "komsum gece cok gurultu yapiyor ne yapabilirim",
        "oğlum çok güzel resim yapıyor",
    ],
)
def test_a_known_word_is_no_typo_of_a_trigger(lexical_engine: SearchEngine, text: str) -> None:
    # "yapıyor" is one letter from "yanıyor" but a word of its own (a Turkish stop word): even without the
    # model no emergency screen
    assert lexical_engine.emergency.detect(text) is None
    assert not lexical_engine.answer(text, "tr").emergency


# xr6 findings 3 and 5: "الانتظار" (the waiting; the content says "انتظار") was read as "الانتحار"
# (suicide); "bringen" (they) as "bringe" (I) in "bringe mich um"; "SOS" in the partner's name as a call.
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("حسنا، أنا في الانتظار", "ar"),
        ("كم مدة قائمة الانتظار للروضة؟", "ar"),
        ("Kopfschmerzen bringen mich um", "de"),
        ("Wann hat das SOS-Mütterzentrum offen?", "de"),
        ("SOS Mütterzentrum nerede?", "tr"),
    ],
)
def test_another_form_of_a_known_word_or_a_name_is_no_trigger(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    assert lexical_engine.emergency.detect(text) is None
    assert not lexical_engine.answer(text, lang).emergency
    assert lexical_engine.answer("SOS", lang).emergency  # a lone SOS is still a call


def test_content_words_are_known_words() -> None:
    everyday = {"de": ["Unsere Gruppe trennt den Müll"]}  # "trennt": one letter from "brennt"
    detector = EmergencyDetector.with_builtin(None, everyday)
    assert detector.detect("Mein Mann trennt sich von mir") is None
    assert built().detect("Mein Mann trennt sich von mir") is not None


@pytest.mark.parametrize(
    ("text", "lang", "trigger"),
    [
        ("kızım öğleden sonra okulda kalıyor, yemek var mı?", "tr", "kanıyor"),
        ("bugün yağmur yağıyor, etkinlik iptal mi?", "tr", "yanıyor"),
        ("Mein Baby schläft nachts nicht, wer kann mir helfen?", "de", "schlägt"),
        ("Mein Mann trennt sich von mir, wo gibt es Beratung?", "de", "brennt"),
    ],
)
def test_one_wrong_letter_in_a_short_word_is_a_guess_the_meaning_decides(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str, trigger: str
) -> None:
    match = lexical_engine.emergency.detect(text)
    assert match is not None and match.guess and match.trigger == trigger
    assert lexical_engine.emergency.detect(text, guesses=False) is None
    assert not engine.answer(text, lang).emergency  # by meaning these are no emergency


# Exploratory test, finding 5: "yasiyor" (lives, experiences; "yaşıyor" typed without diacritics) was read
# as "yanıyor" (is burning) and showed the emergency numbers. s is nowhere near n on a keyboard: another
# word, not a slip of the finger, so no trigger fires, with or without the model.
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("kizim okulda zorluk yasiyor", "tr"),
        ("annem bizimle yasiyor, ona ev yardimi lazim", "tr"),
        ("kızım öğleden sonra okulda kalıyor, yemek var mı?", "tr"),  # l is far from n ("kanıyor")
        ("bugün yağmur yağıyor, etkinlik iptal mi?", "tr"),
        ("Mein Mann trennt sich von mir, wo gibt es Beratung?", "de"),  # t is far from b ("brennt")
    ],
)
def test_a_wrong_letter_far_from_the_right_key_is_another_word(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    match = lexical_engine.emergency.detect(text)
    assert match is not None and match.other_word
    assert not lexical_engine.emergency_words(text, lang)
    assert not lexical_engine.answer(text, lang).emergency


def test_a_wrong_letter_on_a_neighbouring_key_is_still_a_typo_without_the_model(
    lexical_engine: SearchEngine,
) -> None:
    # "kanıyor" with o → i (neighbours on every Latin keyboard): a slip; without the model, the safe side
    match = lexical_engine.emergency.detect("annemin kafasi kaniyir")
    assert match is not None and match.guess and not match.other_word
    assert lexical_engine.answer("annemin kafasi kaniyir", "tr").emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mein vater ist bewustlos", "de"),
        ("meine frau ist ohnmächig geworden", "de"),
        ("Hilfe, die Küche brennnt", "de"),
        ("kocam beni dövüyo", "tr"),
        ("annem bayldı", "tr"),
        ("mutfak yanıyo", "tr"),
        ("intiahr etmek istiyorum", "tr"),
        ("أريد الانتحار", "ar"),
        ("муж меня избиваит", "ru"),
        ("он потерял сознане", "ru"),
        ("ich will mich umbrigen", "de"),
        ("Ich bring mich um", "de"),
        ("أفكر في الانتحر", "ar"),
    ],
)
def test_a_real_emergency_with_a_typo_still_raises_the_alarm(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    assert lexical_engine.answer(text, lang).emergency
    assert engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("annemin kafasi kaniyir, ne yapayim", "tr"),
        ("annemin kafasi kaniyir", "tr"),  # the rest names the Mütterzentrum ("anne"): no answer to it
        ("mein sohn blutrt am kopf", "de"),
    ],
)
def test_a_guess_that_the_meaning_confirms_raises_the_alarm(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    match = lexical_engine.emergency.detect(text)
    assert match is not None and match.guess
    assert lexical_engine.answer(text, lang).emergency  # without the model: the safe side
    assert engine.answer(text, lang).emergency


# --- a confident answer carried by a name ---------------------------------------------------------------
# Reported misses (6 December 2026): "anne" (mother) is a keyword of the SOS-Mütterzentrum, so "annemin
# kafası" (my mother's head) was answered confidently and overruled the soft trigger "kanıyor" (bleeds).


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("annemin kafası kanıyor", "tr"),
        ("yardım edin, annemin kafası kanıyor", "tr"),  # a call for help must not hide the danger word
    ],
)
def test_a_danger_word_is_not_overruled_by_an_organisation_named_in_the_message(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    match = lexical_engine.emergency.detect(text)
    assert match is not None and match.trigger == "kanıyor" and not match.hard
    assert lexical_engine.answer(text, lang).emergency  # without the model: the answer is a partner
    assert engine.answer(text, lang).emergency  # with it: the meaning is closer to an emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("annem için almanca kursu var mı", "tr"),  # the mother, without danger
        ("Mein Kopf brennt, wer hilft mir beim Lebenslauf und der Bewerbung?", "de"),  # an offer answers
        ("my head is burning from job applications, who can help me write a CV?", "en"),
    ],
)
def test_everyday_questions_about_a_mother_or_a_burning_head_stay_questions(
    engine: SearchEngine, text: str, lang: str
) -> None:
    result = engine.answer(text, lang)
    assert not result.emergency, result
    assert result.answer is not None and result.answer.kind not in {"partner", "place"}


def test_an_offer_named_where_the_danger_is_does_not_overrule_it_when_the_meaning_is_an_emergency(
    engine: SearchEngine,
) -> None:
    # "fire in the women's café": the offer's name answers the rest confidently, the meaning of the whole
    # message is still closer to an emergency situation than to any entry
    result = engine.answer("Im Frauencafé brennt es!", "de")
    assert result.answer is not None and result.answer.id == "frauencafe"
    assert result.emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # no trigger word, and "мама" pulls towards the mothers' offers
        ("моя мама упала и разбила голову, вся в крови", "ru"),
        ("Mein Nachbar ist gefallen. Er steht nicht auf. Sein Kopf ist voll Blut.", "de-simple"),  # Grone dev
    ],
)
def test_a_fall_with_a_bleeding_head_raises_the_alarm_by_meaning(
    engine: SearchEngine, text: str, lang: str
) -> None:
    result = engine.answer(text, lang)
    assert result.emergency and result.emergency_match is not None
    assert result.emergency_match.trigger == "(meaning)"


def test_the_reported_russian_fall_with_bleeding_raises_the_alarm(engine: SearchEngine) -> None:
    # reported missed: "мама" pulled the message to the mothers' offers; "кровь идёт" (is bleeding) is the
    # Russian counterpart of the German trigger "blutet"
    assert engine.answer("моя мама упала и у неё кровь идёт из головы", "ru").emergency


@pytest.mark.parametrize("lang", sorted({counts_as(language.code) for language in REGISTRY}))
def test_every_language_has_what_the_emergency_detection_needs(catalogue: Any, lang: str) -> None:
    """A language added to the registry without its danger words or emergency situations would leave its
    residents in danger with no emergency numbers."""
    assert BUILTIN_SOFT.get(lang), "soft danger words (violence, fire …)"
    assert SITUATIONS.get(lang), "emergency situations for the meaning-based detection"
    assert OFF_TOPIC.get(lang), "off-topic questions that calibrate the meaning-based search"
    numbers = catalogue.emergency.values()
    assert [word for entry in numbers for word in entry.triggers.get(lang, ())], "the shipped triggers"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("polisi arayın", "tr"),  # open finding 1, verbatim: "I don't know"
        ("polis cagirin", "tr"),
        ("polise haber verin", "tr"),
        ("ruf die Polizei", "de"),
        ("Bitte rufen Sie die Feuerwehr.", "de-simple"),
        ("вызовите полицию", "ru"),
        ("звоните в полицию, быстро", "ru"),
        ("викличте поліцію", "uk"),
        ("zadzwoncie na policje", "pl"),
        ("wezwijcie policję!", "pl"),
        ("اتصلوا بالشرطة", "ar"),
        ("اتصلو بالشرطه", "ar"),
        ("به پلیس زنگ بزنید", "fa"),
        ("پلیس رو خبر کنید", "fa"),
        ("call the police", "en"),
        ("somebody call the cops!", "en"),
    ],
)
@pytest.mark.parametrize("with_model", [False, True])
def test_asking_to_call_the_police_or_the_fire_brigade_shows_the_numbers(
    lexical_engine: SearchEngine, engine: SearchEngine, text: str, lang: str, with_model: bool
) -> None:
    # Open finding 1 (7 Dec 2026): "polisi arayın" got "I don't know"; "вызовите полицию", "викличте
    # поліцію", "call the cops" got "I don't know" or a choice of letter help and volunteering.
    result = (engine if with_model else lexical_engine).answer(text, lang)
    assert result.emergency, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("polis karakolu nerede", "tr"),
        ("where is the police station?", "en"),
        ("أين مركز الشرطة؟", "ar"),
        ("Wie kann ich das Quartiersbüro anrufen?", "de"),
        ("quartiersbüroyu nasıl arayabilirim", "tr"),
    ],
)
@pytest.mark.parametrize("with_model", [False, True])
def test_a_police_station_or_a_call_to_an_office_is_no_emergency(
    lexical_engine: SearchEngine, engine: SearchEngine, text: str, lang: str, with_model: bool
) -> None:
    # The police's station is a place: "polis karakolu nerede" (where is the police station) showed the
    # emergency numbers and nothing else; a call verb without a service is an everyday question.
    result = (engine if with_model else lexical_engine).answer(text, lang)
    assert not result.emergency, result


def test_a_station_does_not_explain_away_a_call_for_the_police_or_a_danger(
    detector: EmergencyDetector,
) -> None:
    assert detector.detect("polis karakolunun önünde polisi arayın") is not None
    assert detector.detect("Vor der Polizeiwache schlägt mich mein Mann") is not None


def test_a_letter_from_the_police_gets_the_letter_help_not_the_numbers(engine: SearchEngine) -> None:
    # "police" is a soft word; the letter FAQ and the letter offer were too close together for one
    # confident answer, so it was not overruled: the numbers, the letters below them.
    result = engine.answer("I got a letter from the police and don't understand it", "en")
    assert not result.emergency
    shown = [result.answer] if result.answer else result.alternatives
    assert shown and shown[0].key in ("offer:briefe-aemter", "faq:briefe-von-aemtern"), result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("annem düştü kalkamıyor yardım edin", "tr"),  # open finding 2
        ("annem dustu kalkamiyor yardim edin", "tr"),
        ("Meine Mutter ist gestürzt und kommt nicht mehr hoch, Hilfe", "de"),
        ("mama upadła i nie może wstać, pomocy", "pl"),
    ],
)
@pytest.mark.parametrize("with_model", [False, True])
def test_a_parent_who_fell_gets_the_numbers_and_no_offer_to_become_a_helper(
    lexical_engine: SearchEngine, engine: SearchEngine, text: str, lang: str, with_model: bool
) -> None:
    # Open finding 2 (7 Dec 2026): without the model "annem düştü kalkamıyor yardım edin" listed "become a
    # helper" below the numbers (the call's "yardım" met the tandem's keywords), the German one nothing.
    # Below the numbers of a call only what the rest of the message finds too: here nothing.
    result = (engine if with_model else lexical_engine).answer(text, lang)
    assert result.emergency
    assert result.answer is None and result.alternatives == [], result


@pytest.mark.parametrize(
    "text",
    [
        "the cops called me yesterday",  # a past call, read as written, not by its stem ("call")
        "czy mogę zadzwonić na policję w sprawie hałasu?",  # "may I call", no request to call
        "Ich habe einen Anruf von der Feuerwehr bekommen",  # the noun "Anruf"
        "itfaiye bizi aradı",  # the fire brigade called us
    ],
)
def test_a_service_named_with_a_call_that_asks_no_one_to_call_is_no_trigger(
    detector: EmergencyDetector, text: str
) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("there is violence at home, I need help with a letter from the office", "en"),
        ("Ich werde bedroht, kann mir jemand beim Brief vom Jobcenter helfen?", "de"),
        ("bir mektup geldi, tehdit ediliyorum, mektubu okumama yardım eder misiniz", "tr"),
        ("муж избил меня, нужна помощь с письмом из ведомства", "ru"),
        ("mąż mnie pobił, potrzebuję pomocy z listem z urzędu", "pl"),
        ("чоловік побив мене, потрібна допомога з листом з джобцентру", "uk"),
        ("help me read a letter, someone set fire to my door", "en"),
        ("Ich habe einen Brief vom Amt bekommen und mein Mann hat mich geschlagen", "de"),
    ],
)
@pytest.mark.parametrize("with_model", [False, True])
def test_a_danger_word_beside_a_letter_keeps_the_numbers(
    lexical_engine: SearchEngine, engine: SearchEngine, text: str, lang: str, with_model: bool
) -> None:
    # Review of the police-call change (7 Dec 2026): letting every single danger word give way when the
    # letter entries came first together (as a service's name does: "a letter from the police") took the
    # numbers from threats, beatings and fire told beside a letter. Only a service's name gives way so.
    result = (engine if with_model else lexical_engine).answer(text, lang)
    assert result.emergency, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Police please, I'm at the bus station and a man is following me", "en"),
        ("الشرطة! أنا في مركز التسوق ورجل يلاحقني", "ar"),
        ("پلیس! من در ایستگاه اتوبوس هستم و یک مرد دنبالم میکنه", "fa"),
        ("policja! jestem przy komisariacie, ktoś mnie śledzi z nożem", "pl"),
        ("полиция! я у участка, за мной идёт мужчина с ножом", "ru"),
        ("поліція! я у відділенні пошти, чоловік з ножем", "uk"),
        ("polis! emniyet kemeri sıkıştı, arabada mahsur kaldık", "tr"),
    ],
)
@pytest.mark.parametrize("with_model", [False, True])
def test_a_station_elsewhere_in_the_message_does_not_explain_away_a_call_for_the_police(
    lexical_engine: SearchEngine, engine: SearchEngine, text: str, lang: str, with_model: bool
) -> None:
    # Review of the station rule (7 Dec 2026): any station word anywhere ("bus station", "мой участок",
    # "emniyet kemeri", "مركز التسوق") took the alarm from the service's name. Only a station right beside
    # the name, in the same clause, names the station ("polis karakolu", "police station").
    result = (engine if with_model else lexical_engine).answer(text, lang)
    assert result.emergency, result


def test_the_full_screen_comes_again_after_the_window_in_another_language_and_after_a_restart() -> None:
    start = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    shown = ShownNumbers()
    assert shown.full_due("de", start)  # the first: the full screen
    shown.shown("de", start)
    assert not shown.full_due("de", start + timedelta(minutes=3))  # minutes later: the short list
    assert shown.full_due("ar", start + timedelta(minutes=3))  # she may not have read the German one
    # counted from the full screen, not from the short lists in between
    assert not shown.full_due("de", start + timedelta(minutes=9, seconds=59))
    assert shown.full_due("de", start + timedelta(minutes=10))
    assert shown.full_due("de", start - timedelta(minutes=1))  # a clock set back: the full screen
    assert ShownNumbers().full_due("de", start + timedelta(minutes=1))  # after a restart


@pytest.mark.parametrize(
    ("text", "lang", "emergency"),
    [
        ("zawji yadribuni", "ar", True),  # my husband hits me
        ("marhaba\nzawji yadribuni", "ar", True),  # on the second line of her message (final read)
        ("ibni la yatanaffas", "ar", True),  # my son is not breathing
        ("urid an amut", "ar", True),  # I want to die
        ("etasel bil shorta besor3a", "ar", True),  # call the police, quick
        ("shoharam goft mano mikoshe", "fa", True),  # my husband said he will kill me
        ("mikham bemiram", "fa", True),  # I want to die
        ("pesaram nafas nemikeshe", "fa", True),  # my son is not breathing
        ("muzh menya b'et", "ru", True),
        ("khochu pokonchit s soboy", "ru", True),
        ("cholovik mene b'ye", "uk", True),
        ("vin pohrozhuie vbyty mene", "uk", True),
        ("ne khochu zhyty", "uk", True),
        ("zawji yadrus almani bil masa2", "ar", False),  # my husband studies German in the evening
        ("ana 7amel w ma 3ndi 7ada, wen fi musa3ade?", "ar", False),  # pregnant: no Persian "حمله"
        ("man bimaram, nemitunam biam", "fa", False),  # I am ill, I can't come: no "بمیرم"
        ("mamanam mano mikoshe age dir beresam", "fa", False),  # my mom will kill me if I'm late
        ("mama menya ub'et za ocenki", "ru", False),
        ("mama mene vb'ye yakshcho ya ne zdam", "uk", False),
        ("ok, dyakuiu, bye", "uk", False),  # "bye" is no "б'є" (hits) on its own
        ("zawji yadribuni", "de", False),  # read back only for a resident of a language with its script
    ],
)
def test_danger_words_typed_in_latin_letters_are_read_in_her_script(
    lexical_engine: SearchEngine, text: str, lang: str, emergency: bool
) -> None:
    # Residents of Arabic, Persian, Russian and Ukrainian type Arabizi, Finglish and Latin Cyrillic on
    # their phones: the detector's own words, compared by their letters' sounds (bot/search/translit.py),
    # with its rules unchanged (an everyday killer, "said").
    assert (lexical_engine.emergency_match(text, lang) is not None) == emergency


@pytest.mark.parametrize(
    ("text", "lang", "emergency"),
    [
        # Review rv13: German and English words are never read back (F1)...
        ("Is there a doctor near me?", "ar", False),  # near: no نار (fire)
        ("Is the office open today?", "ar", False),  # today: no اعتداء (assault)
        ("my son has a skin rash, which doctor?", "ar", False),  # skin: no سكين (knife)
        ("where can I buy a cheap shirt for my son", "ar", False),  # shirt: no شرطة (police)
        ("safe place for kids to play?", "ar", False),  # safe: no إسعاف (ambulance)
        ("wo kann ich Seife und Windeln billig kaufen", "ar", False),
        ("wir spielen Skat im Cafe", "ar", False),  # no سكتة (stroke)
        ("Ich gehe mit dem Sohn zum Arzt", "ru", False),  # dem: no дым (smoke)
        ("Ich war beim Arzt mit meinem Sohn", "ru", False),  # war: no вор (thief)
        ("Ich brauche ein Bett fuer mein Kind", "ru", False),  # no бьет
        ("Ich war bei Mama, wann ist der Kurs?", "uk", False),  # no "мама б'є"
        ("Termin bei der Mama am Montag", "uk", False),
        ("bye mama, see you", "uk", False),
        ("Wie lösche ich meine Daten bei Facebook?", "uk", False),  # no "б'є мене"
        ("Kann ich mit dem Kinderwagen in den Bus?", "uk", False),  # no дим
        ("ich trinke keinen Sekt", "fa", False),  # no سکته
        ("aseman mesle Himmel", "fa", False),  # no حمله (attack)
        ("dood nakon, dude", "fa", False),
        # ...a word of two consonants is read only beside a longer one or inside its phrase (F2)...
        ("ana asef, ma 3rft el jawab", "ar", False),  # sorry: no إسعاف
        ("asef, mumkin tsa3dni bel kurs?", "ar", False),
        ("Saif ibni 3ando madrase bokra", "ar", False),  # names: no إسعاف
        ("esmi Safaa w bedi kurs almani", "ar", False),
        ("beddi shaqa nazife w rkhisa", "ar", False),  # clean: no نزيف (bleeding)
        ("el ghorfe nazifa?", "ar", False),
        ("bi shart ykoon ma3 el wlad", "ar", False),  # on condition: no شرطة
        ("iskut ya walad hahaha", "ar", False),  # no سكتة
        ("sokoot lotfan, bacheha khabidan", "fa", False),  # silence: no سکته
        ("esmam Khatereh ast", "fa", False),  # no خطر
        ("mama by skazala tak", "uk", False),  # "by" alone is no б'є
        # ...and every reading of a word is tried (F3): "mout" is "موت" as well as "اموت"
        ("bedi mout", "ar", True),
        ("bidi mout, ma fi faide", "ar", True),
        ("3ayez amoot", "ar", True),
        ("ibni la yatanaffas", "ar", True),
        ("syn ne dyshit", "ru", True),
        ("ne khochu zhyty", "uk", True),
        # ...nor a word of a general German or English word list (wordfreq)
        ("ya nemnogo ustala, a bit tired", "ru", False),  # no бьет
        ("Harriet moya sosedka, ona pomogaet", "ru", False),  # no горит
        ("de tut mozhna kupyty dim?", "uk", False),  # a house (дім), no дим (smoke)
        ("ye sekte kuchik dar football", "fa", False),
        ("my son plays a game where you kill zombies", "fa", False),  # no پلیس
        ("ana sakin bi Grone, wen el jobcenter?", "ar", False),  # I live: no سكين (knife)
        # Finglish writes the vowel Persian leaves out: kesh (pull) is no kosh (kill)
        ("mano mikeshe be kelas har roz", "fa", False),  # drags me to class
        ("shoharam goft mano mikoshe", "fa", True),
        ("pesaram nafas nemikeshe", "fa", True),  # not breathing: "pulls no breath"
        # a word that fits an everyday word of hers as well (pregnant, حامله, and حمله, attack: the script
        # writes no short vowel) is read only beside another word read back
        ("man hamele hastam", "fa", False),
        ("zanam hamele ast", "fa", False),
        ("be man hamle kard", "fa", True),
        ("shoharam be man hamle kard", "fa", True),
        ("dar khatar hastam", "fa", True),  # خطر (danger) fits خاطر (sake) too: "dar" makes it در خطر
        ("khatar", "fa", True),  # a word alone is a cry
    ],
)
def test_the_latin_reading_reads_only_her_words_of_her_script(
    lexical_engine: SearchEngine, text: str, lang: str, emergency: bool
) -> None:
    assert (lexical_engine.emergency_match(text, lang) is not None) == emergency


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        ("الهی بمیرم برات، خیلی ممنون", False),  # "I'd die for you": sympathy
        ("الهی بمیرم، چی شده؟", False),
        ("elahi bemiram barat, kheili mamnoon", False),
        ("بمیرم", True),
        ("میخوام بمیرم", True),
        ("mikham bemiram", True),
        ("دیگه میخوام بمیرم برای همیشه", True),
    ],
)
def test_persian_sympathy_with_may_i_die_is_no_wish_to_die(
    lexical_engine: SearchEngine, text: str, emergency: bool
) -> None:
    assert (lexical_engine.emergency_match(text, "fa") is not None) == emergency


#: Everyday German and English lines that alarm a resident of a language with its own script and not a
#: German one: "vor" read as вор (thief) and the separable "schlägt … vor" (native-script rules, before
#: the Latin reading).
_ALARM_ONLY_FOR_HER = {
    ("ru", "Ich habe Angst vor der Prüfung"),
    ("ru", "Mein Mann hat Angst vor Hunden"),  # explore-dev-safety.jsonl: the same "vor"
    ("ru", "Ich sterbe vor Neugier, wann fängt der Deutschkurs an?"),
    ("ru", "Mein Mann schlägt vor, dass wir zusammen zum Deutschkurs gehen"),
    ("ru", "Mein Mann schlägt mir einen Umzug vor"),
    ("ru", "mein mann schlägt vor dass wir zum sprachcafe gehen"),
    ("ru", "mein mann schlägt vor dass wir umziehen"),
    ("ru", "Mein Mann schlägt mir einen Umzug nach Berlin vor"),
    ("ru", "meine lehrerin schlägt vor dass ich den deutschkurs mache"),
    ("ru", "mein Mann schlägt vor wir gehen zusammen zum Elterncafe"),
}


def test_everyday_german_and_english_lines_alarm_her_no_more_than_a_german_resident(
    lexical_engine: SearchEngine,
) -> None:
    # Review rv13: an Arabic, Persian, Russian or Ukrainian resident who writes German or English (her
    # Telegram in her language) got the emergency screen for "near", "today", "dem", "bei Mama". Every
    # everyday German and English line of the evaluation sets, asked as her.
    lines = {
        row["q"]
        for path in sorted((Path(__file__).parents[2] / "bench" / "eval").glob("*.jsonl"))
        if "translit" not in path.name and "rv13" not in path.name
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if row.get("lang") in ("de", "en", "de-simple") and row["expect"] != ["emergency"]
    }
    assert len(lines) > 300
    alarms = {
        (lang, line)
        for line in lines
        if lexical_engine.emergency_match(line, "de") is None
        for lang in ("ar", "fa", "ru", "uk")
        if lexical_engine.emergency_match(line, lang) is not None
    }
    assert alarms <= _ALARM_ONLY_FOR_HER, sorted(alarms - _ALARM_ONLY_FOR_HER)


async def test_a_latin_typed_arabic_threat_shows_the_emergency_screen_in_arabic(bot: BotHarness) -> None:
    amal = bot.resident("Amal", lang="ar")
    await amal.send("zawji qal rah yqtolni")  # my husband said he will kill me
    screen = amal.last().text or ""
    ar = bot.services.i18n.translator("ar")
    assert "🆘" in screen and ar.gettext("Emergency help – call now:") in screen
    assert ar.gettext("Emergency help – call now:") != "Emergency help – call now:"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Review rv16: a danger word that also fits an everyday word (wordfreq) was read only beside another
        # word read back; these residents' danger messages raised nothing. The everyday word fits with
        # a letter she did not type (جعلته "jaʿaltuhu" for "jalta": Arabizi writes ع as 3; اشرطه for
        # "shorta"), or is itself a danger word (نزف, bleeding, for "nazif"), or the sentence names a
        # person it happened to ("ukhti", "abi", "mama"); "kardan" is "kard" with its person ending. The
        # everyday word now wins only when it fits strictly better ("hamele": حامله); on a tie, the alarm.
        ("ana b7aja shorta", "ar"),  # I need police
        ("nadi el shorta ya rab", "ar"),  # call the police
        ("abi ja2to jalta", "ar"),  # father had a stroke
        ("mama ja2ha jalta", "ar"),
        ("abuya 3ando jalta fil mokh", "ar"),
        ("ana 7amel w 3andi nazif", "ar"),  # pregnant, bleeding
        ("ukhti sar ma3ha hadith bil shari3", "ar"),  # accident
        ("hamle kardan behem", "fa"),  # they attacked me
    ],
)
def test_a_latin_typed_danger_word_that_fits_an_everyday_word_too_is_still_read(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    assert lexical_engine.emergency_match(text, lang) is not None
