from bot.search.normalize import (
    content_words,
    fold,
    latin_reading,
    query_words,
    raw_tokens,
    scope,
    stem,
    stop_words,
)


def test_fold_removes_diacritics_of_all_latin_languages() -> None:
    assert fold("Çocuk bakımı ŞİŞLİ ğüö") == "cocuk bakimi sisli guo"
    assert fold("Straße Führerschein") == "strasse fuhrerschein"
    assert fold("Łódź zażółć gęślą jaźń") == "lodz zazolc gesla jazn"


def test_fold_unifies_arabic_and_persian_letter_variants() -> None:
    assert fold("أحمد إسلام آمنة") == fold("احمد اسلام امنة")
    assert fold("مَدْرَسَة") == fold("مدرسه")  # tashkeel removed, teh marbuta = heh
    assert fold("كتاب ي") == fold("کتاب ی")  # Arabic and Persian kaf/yeh
    assert fold("عـــربي") == fold("عربي")  # tatweel


def test_tokenizer_handles_apostrophes_per_script() -> None:
    assert raw_tokens("Jobcenter'dan mektup") == ["jobcenter", "mektup"]
    assert raw_tokens("він мене б'є") == ["він", "мене", "бє"]


def test_a_resident_is_read_in_their_language_german_and_english_only() -> None:
    assert scope("tr") == ("tr", "de", "en")
    assert scope("de-simple") == ("de-simple", "de", "en")
    (word,) = query_words("kursu", "tr")
    languages = {term.split(":")[0] for term in word.terms if ":" in term}
    assert languages == {"tr", "de", "en"}  # never Polish, Russian, ... stems
    (word,) = query_words("kursu", "pl")
    assert {term.split(":")[0] for term in word.terms if ":" in term} == {"pl", "de", "en"}


def test_content_is_read_in_its_own_language_only() -> None:
    (word,) = content_words("Bewerbungen", "de")
    assert word.terms == {"bewerbungen", "de:bewerb"}
    (word,) = content_words("письмами", "ru")
    assert word.terms == {"письмами", "ru:письм"}


def test_function_words_and_numbers_come_from_the_kept_lists_and_carry_nothing() -> None:
    words = {w.surface: w for w in query_words("just 2 mehr nur а Deutschkurs", "ru")}
    assert words["just"].stop and words["mehr"].stop and words["nur"].stop  # English, German
    assert words["а"].stop  # Russian
    assert words["2"].number and not words["deutschkurs"].stop
    assert {"mehr", "nur", "und"} <= stop_words("de-simple")


def test_russian_typed_in_latin_letters_is_also_read_in_cyrillic() -> None:
    reading = latin_reading("gde mozhno vzyat igrushki dlya rebenka", "ru")
    assert reading is not None and "игрушки" in reading and "для" in reading
    assert latin_reading("где взять игрушки, Jobcenter", "ru") is None  # already in its own letters
    assert latin_reading("oyuncak nerede", "tr") is None  # Turkish is written in Latin letters anyway
    assert latin_reading("123 !!", "ru") is None


def test_a_russian_resident_typing_latin_letters_finds_the_russian_words(lexical_engine: object) -> None:
    from bot.search import SearchEngine

    assert isinstance(lexical_engine, SearchEngine)
    latin = lexical_engine.search("kurs nemetskogo dlya zhenshchin s rebenkom", "ru")
    shown = ([latin.answer] if latin.answer else []) + latin.alternatives
    assert shown and shown[0].key == "offer:deutschkurs-frauen"


def test_a_persian_verb_prefix_is_one_word_with_its_verb_however_it_is_typed() -> None:
    # the zero-width non-joiner, a space (phones), nothing: one word; Arabic "مي" (water) stands alone
    assert raw_tokens("مرا می\u200cزند") == raw_tokens("مرا می زند") == raw_tokens("مرا میزند")
    assert raw_tokens("نمی دانم") == ["نمیدانم"]
    assert raw_tokens("بدي مي بارده") == ["بدي", "مي", "بارده"]


def test_ukrainian_past_tense_meets_the_infinitive() -> None:
    assert stem("вдарив", "uk") == stem("вдарила", "uk") == stem("вдарили", "uk") == stem("вдарити", "uk")
