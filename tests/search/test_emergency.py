import pytest

from bot.search.emergency import EmergencyDetector
from bot.search.engine import SearchEngine


@pytest.fixture(scope="module")
def detector() -> EmergencyDetector:
    return EmergencyDetector.with_builtin()


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


def test_engine_puts_emergency_before_everything(engine: SearchEngine) -> None:
    result = engine.answer("Hallo, ich will sterben", "de", None)
    assert result.emergency and result.understood and result.small_talk is None


def test_soft_trigger_is_overruled_by_a_confident_answer_to_the_rest() -> None:
    from .conftest import DOCS

    engine = SearchEngine.from_documents(DOCS, {"polizei": {"ru": ["помогите"]}})
    assert engine.answer("помогите!", "ru", None).emergency
    result = engine.answer("помогите Bewerbungstraining Lebenslauf", "ru", None)
    assert not result.emergency and result.answer is not None


# --- calls for help ("yardım edin!") from the content --------------------------------------------------

_CALL_TRIGGERS = {
    "polizei": {"tr": ["yardım edin!", "dövüyor"], "uk": ["допоможіть!"], "pl": ["pomocy!"]},
    "hilfetelefon": {"tr": ["kocam beni dövüyor"]},
}


@pytest.fixture(scope="module")
def letters_engine() -> SearchEngine:
    """The shipped content (the score a call for help is weighed against is tuned on it)."""
    from bot.search.documents import documents_from_catalogue, emergency_triggers

    from .test_quality import _catalogue

    catalogue = _catalogue()
    return SearchEngine.from_documents(documents_from_catalogue(catalogue), emergency_triggers(catalogue))


def test_a_call_for_help_is_soft_even_as_a_phrase() -> None:
    detector = EmergencyDetector.with_builtin(_CALL_TRIGGERS)
    match = detector.detect("yardım edin lütfen")
    assert match is not None and match.call and not match.hard


@pytest.mark.parametrize(
    "text",
    [
        "допоможіть з листом від відомства",
        "yardım edin, Jobcenter'dan mektup geldi anlamadım",
        "pomocy, dostałem list z urzędu i nie rozumiem",
    ],
)
def test_asking_for_help_with_a_letter_shows_no_emergency_numbers(
    letters_engine: SearchEngine, text: str
) -> None:
    result = letters_engine.answer(text, "de")
    assert not result.emergency, result
    hits = ([result.answer] if result.answer else []) + result.alternatives
    assert hits and hits[0].id in {"briefe-aemter", "briefe-von-aemtern"}


@pytest.mark.parametrize(
    "text", ["yardım edin! kocam beni dövüyor", "yardım edin!!", "pomocy", "допоможіть, тут чужа людина"]
)
def test_a_call_for_help_alone_or_with_danger_still_shows_the_emergency_numbers(
    letters_engine: SearchEngine, text: str
) -> None:
    assert letters_engine.answer(text, "de").emergency


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
    detector = EmergencyDetector.with_builtin(_CALL_TRIGGERS | {"hilfetelefon": {"pl": ["mąż mnie bije"]}})
    assert (detector.detect(text) is not None) is emergency, detector.detect(text)


def test_a_polish_newcomer_asking_for_help_gets_the_integration_offers(letters_engine: SearchEngine) -> None:
    result = letters_engine.answer("jestem nowa w salzgitter, potrzebuje pomocy", "pl")
    assert not result.emergency
    hits = ([result.answer] if result.answer else []) + result.alternatives
    assert {"integrationscoaching", "integrationsbeauftragter"} & {h.id for h in hits[:3]}
