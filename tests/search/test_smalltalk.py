import pytest

from bot.search.engine import SearchEngine, small_talk_language
from bot.search.smalltalk import message_shape, reopen_answer, small_talk


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hallo!", "greeting"),
        ("moin", "greeting"),
        ("merhaba", "greeting"),
        ("slm", "greeting"),
        ("selamün aleyküm", "greeting"),
        ("مرحبا", "greeting"),
        ("السلام عليكم", "greeting"),
        ("سلام", "greeting"),
        ("Здравствуйте", "greeting"),
        ("привіт", "greeting"),
        ("Dzień dobry", "greeting"),
        ("hi there", "greeting"),
        ("danke dir vielmals 🙏", "thanks"),
        ("teşekkürler", "thanks"),
        ("sağol abi", "thanks"),
        ("شكرا جزيلا", "thanks"),
        ("ممنون", "thanks"),
        ("مرسی", "thanks"),
        ("спасибо большое", "thanks"),
        ("дякую", "thanks"),
        ("dziękuję", "thanks"),
        ("thanks a lot", "thanks"),
        ("Hallo, danke!", "thanks"),
        ("tschüss", "bye"),
        ("до свидания", "bye"),
        ("خداحافظ", "bye"),
        ("merhba", "greeting"),  # typo
        # "how are you", alone or after a greeting, typed with or without the language's letters
        ("selam nasılsın", "greeting"),
        ("merhaba nasilsin", "greeting"),
        ("hallo wie geht's", "greeting"),
        ("Hallo, wie gehts?", "greeting"),
        ("привет как дела", "greeting"),
        ("hi how are you", "greeting"),
        ("السلام عليكم كيف حالك", "greeting"),
        ("سلام خوبی", "greeting"),
        ("cześć jak się masz", "greeting"),
        ("czesc jak sie masz", "greeting"),
        ("привіт як справи", "greeting"),
        # a bare acknowledgement
        ("ok", "ok"),
        ("Okay!", "ok"),
        ("tamam", "ok"),
        ("tamam abi", "ok"),
        ("gut", "ok"),
        ("alles klar", "ok"),
        ("👍", "ok"),
        ("👍🏽", "ok"),
        ("хорошо", "ok"),
        ("ладно", "ok"),
        ("добре", "ok"),
        ("dobrze", "ok"),
        ("حسنا", "ok"),
        ("باشه", "ok"),
        ("اوکی", "ok"),
        ("ok danke", "thanks"),
    ],
)
def test_small_talk_in_all_languages(text: str, kind: str) -> None:
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        # Found by exploratory testing (round 3, F6): only a bare "danke" was a thank-you; with "for the
        # help", "all clear" or a blessing it was a message for the closed request ("Reopen it?").
        "большое спасибо за помощь!",
        "спасибо, всё понятно",
        "cok tesekkur ederim allah razi olsun",
        "Vielen Dank für Ihre Hilfe!",
        "Danke für die Info, jetzt weiß ich Bescheid",
        "danke schön für die schnelle antwort 😊",
        "allah razı olsun",
        "emeğinize sağlık",
        "شكرا على المساعدة",
        "جزاك الله خيرا",
        "ممنون بابت کمکتون",
        "دستتون درد نکنه",
        "дякую за допомогу",
        "дуже дякую, все зрозуміло",
        "dziekuje za pomoc",
        "Bóg zapłać",
        "thank you so much for your help!",
        "thanks, all clear",
        "❤️",
        "Danke 🌹",
        "да, хорошо, спасибо",
        # Explore xr5 #10: thanks and a wish to end with, the most common way to end
        "спасибо, хорошего дня",
        "спасибо, хорошего вам дня 🙏",
        "Perfekt, danke!",
        "Dankeschön, schönen Tag noch!",
        "Danke, schönes Wochenende",
        "Danke, Ihnen auch einen schönen Tag",
        "thank you, have a nice day",
        "dziękuję, miłego dnia",
        "شكرا، يوم سعيد",
        "дякую, гарного дня",
        "teşekkürler, iyi çalışmalar",
        "ممنون، روز خوبی داشته باشید",
    ],
)
def test_a_message_that_is_only_thanks_is_a_thank_you(text: str) -> None:
    assert small_talk(text) == "thanks"


def test_a_wish_alone_is_a_goodbye_and_a_lone_prayer_emoji_thanks_only_at_the_end() -> None:
    for text in ("хорошего дня", "schönen Tag noch", "have a nice day", "miłego dnia"):
        assert small_talk(text) == "bye"
    assert small_talk("🙏") is None  # "please" as often as "thanks"
    assert small_talk("🙏", closing=True) == small_talk("🙏🏽", closing=True) == "thanks"
    assert small_talk("🙏 ?", closing=True) is None


@pytest.mark.parametrize(
    "text",
    [
        # Found by exploratory testing (round 3, F5): what "🙋 Ask a person" says, typed, was searched
        # (volunteering, the Sprachcafé).
        "хочу поговорить с человеком",
        "bir insanla konusmak istiyorum",
        "хочу поговорити з людиною",
        "میخواهم با یک آدم صحبت کنم",
        "ich will mit einem Menschen sprechen",
        "i want to talk to a person",
        "یک نفر",
        "Kann ich mit jemandem sprechen?",
        "ich möchte bitte mit einem mitarbeiter reden",
        "gercek bir insanla gorusmek istiyorum lutfen",
        "أريد التحدث مع شخص",
        "بدي احكي مع موظف",
        "можно с живым человеком поговорить?",
        "chcę porozmawiać z człowiekiem",
        "czy mogę porozmawiać z pracownikiem?",
        "can i speak to a real person please",
        "Hallo, ich möchte mit einem Menschen sprechen",
        "danke, ich möchte mit jemandem sprechen",
    ],
)
def test_asking_for_a_person_in_all_languages(text: str) -> None:
    assert small_talk(text) == "person"


@pytest.mark.parametrize(
    "text",
    [
        "Hallo, wo ist der Deutschkurs?",
        "danke für den Kurs, wann ist der nächste?",
        "",
        "hallo, gibt es einen deutschkurs?",
        "ok, wo ist das Jobcenter?",
        "selam nasılsın, almanca kursu var mı?",
        "Pass",  # the passport
        "ja",
        "👍 ?",
        "👨‍👩‍👧",
        # thanks with a question or news: for the partner or the search
        "danke, aber wann ist der Kurs?",
        "danke, aber wann ist der Termin?",
        "спасибо, хорошего дня. а где садик?",
        "thank you, have a nice day at the course?",
        "Hallo, schönen Tag, wo ist der Kurs?",
        "спасибо, а где это?",
        "danke für die Hilfe?",
        "vielen Dank für die Info, ich komme am Dienstag",
        "tesekkurler, cocugumu da getirebilir miyim",
        "спасибо за помощь с письмом из джобцентра",
        "für die Hilfe",  # courtesy words without a thank-you
        # a person for something, or people to meet: a question for the search
        "ich will mit Menschen sprechen",  # the Sprachcafé
        "ich möchte mit jemandem vom Jobcenter sprechen",
        "Wie viel kostet es pro Person?",
        "ich suche jemanden, der mir beim Brief hilft",
        "i need someone to help with a letter",
        "хочу поговорить с человеком из джобцентра",
        "hallo, ich will sprechen",
    ],
)
def test_questions_are_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("👍", "emoji"),
        ("🙂🙂🙂", "emoji"),
        ("?", "too_short"),
        ("ok", "too_short"),
        ("こんにちは", "unsupported_script"),
        ("Deutschkurs", None),
        ("110", None),
    ],
)
def test_message_shape(text: str, shape: str | None) -> None:
    assert message_shape(text) == shape


def test_engine_answers_small_talk_without_searching(lexical_engine: SearchEngine) -> None:
    result = lexical_engine.answer("Merhaba!", "tr", None)
    assert result.small_talk == "greeting" and result.understood and not result.alternatives
    # Too short to search, or emoji only: an acknowledgement all the same.
    for text in ("ok", "👍"):
        assert lexical_engine.answer(text, "de", None).small_talk == "ok"
    assert lexical_engine.answer("🙂🙂?", "de", None).reason == "emoji"


def test_a_call_for_help_with_a_person_stays_an_emergency(lexical_engine: SearchEngine) -> None:
    for text, lang in (("Hilfe, ich brauche einen Menschen", "de"), ("помогите, нужен человек", "ru")):
        result = lexical_engine.answer(text, lang, None)
        assert result.emergency and result.small_talk is None
    assert lexical_engine.answer("хочу поговорить с человеком", "ru", None).small_talk == "person"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # only asking to reopen (not passed on) or a plain yes (passed on: it may answer the partner)
        ("да, откройте", "reopen"), ("Evet lütfen açın", "reopen"), ("Wieder öffnen", "reopen"),
        ("↩️ Открыть снова", "reopen"), ("yes please, open it again", "reopen"),
        ("ja danke, bitte öffnen", "reopen"),
        ("evet", "yes"), ("ja bitte", "yes"), ("Ja", "yes"), ("نعم", "yes"), ("tak", "yes"), ("بله", "yes"),
        ("nein danke", "no"), ("нет, спасибо", "no"), ("не надо", "no"), ("hayır", "no"), ("no thanks", "no"),
        ("No, thank you", "no"),
        # not an answer: a question, news, both, or only thanks / an ok (small talk), or a yes with thanks
        ("ja, aber wann?", None), ("да?", None), ("а где будет детский сад?", None), ("да, не надо", None),
        ("nicht wieder öffnen", None), ("danke", None), ("ok", None), ("", None),
        ("Ja, danke", None), ("Да, спасибо", None), ("Yes, thanks", None), ("Evet, teşekkürler", None),
        ("نعم شكرا", None), ("بله ممنون", None), ("Так, дякую", None), ("Tak, dziękuję", None),
    ],
)  # fmt: skip
def test_a_typed_answer_to_reopen(text: str, answer: str | None) -> None:
    assert reopen_answer(text) == answer


@pytest.mark.parametrize(
    "text",
    [
        "Ja, danke", "Yes, thanks", "Evet, teşekkürler", "نعم شكرا", "بله ممنون", "Да, спасибо", "Так, дякую",
        "Tak, dziękuję", "yeah thank you",
        # courtesy said back
        "Спасибо, и вам тоже", "Danke, Ihnen auch", "Thank you, you too", "Дякую, і вам теж",
        "Dziękuję, wzajemnie", "Teşekkürler, size de", "ممنون، شما هم همچنین", "شكرا ولك أيضا",
    ],
)  # fmt: skip
def test_a_yes_or_courtesy_with_thanks_is_thanks(text: str) -> None:
    assert small_talk(text) == small_talk(text, closing=True) == "thanks"


def test_a_no_after_the_close_is_a_friendly_ok() -> None:
    for text in ("Nein danke", "No, thank you", "Нет, спасибо", "Hayır, teşekkürler", "لا شكرا", "nein"):
        assert small_talk(text, closing=True) == "ok"
    assert small_talk("Nein danke") is None  # elsewhere a no answers nothing
    assert small_talk("danke, aber wann ist der Termin?", closing=True) is None


@pytest.mark.parametrize(
    ("text", "lang", "read_in"),
    [
        ("Merhaba", "de", "tr"),
        ("selam nasılsın", "de", "tr"),
        ("مرحبا", "de", "ar"),
        ("سلام", "de", None),  # Arabic and Persian alike: neither is offered
        ("درود", "de", "fa"),
        ("Привет", "de", "ru"),
        ("привіт", "de", "uk"),
        ("Cześć", "de", "pl"),
        ("Dziękuję", "en", "pl"),
        ("Hallo", "de", None),
        ("hello", "de", None),  # English, which a German phone reads
        ("hi", "en", None),
        ("Merhaba", "tr", None),
        ("مرحبا", "fa", None),  # the same script: the search reads it as it is
        ("hallo, teşekkürler", "de", None),  # two languages: none offered
    ],
)
def test_small_talk_says_the_language_it_is_in_where_the_bot_writes_another(
    text: str, lang: str, read_in: str | None
) -> None:
    assert small_talk_language(text, lang) == read_in
