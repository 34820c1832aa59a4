from bot.search.normalize import analyse, analyse_query, fold, raw_tokens, tokenize


def test_fold_removes_diacritics_of_all_latin_languages() -> None:
    assert fold("Çocuk bakımı ŞİŞLİ ğüö") == "cocuk bakimi sisli guo"
    assert fold("Straße Führerschein") == "strasse fuhrerschein"
    assert fold("Łódź zażółć gęślą jaźń") == "lodz zazolc gesla jazn"


def test_fold_unifies_arabic_and_persian_letter_variants() -> None:
    assert fold("أحمد إسلام آمنة") == fold("احمد اسلام امنة")
    assert fold("مَدْرَسَة") == fold("مدرسه")  # tashkeel removed, teh marbuta = heh
    assert fold("كتاب ي") == fold("کتاب ی")  # Arabic and Persian kaf/yeh
    assert fold("عـــربي") == fold("عربي")  # tatweel


def test_fold_keeps_short_i_and_maps_yo() -> None:
    assert fold("Ёлка") == "елка"
    assert fold("мій") == "мій"


def test_persian_zwnj_is_removed_inside_words() -> None:
    assert tokenize("می‌خواهم") == tokenize("میخواهم")


def test_tokenizer_handles_apostrophes_per_script() -> None:
    assert raw_tokens("Jobcenter'dan mektup") == ["jobcenter", "mektup"]
    assert raw_tokens("він мене б'є") == ["він", "мене", "бє"]


def test_stems_are_found_under_the_text_language() -> None:
    (token,) = analyse("Bewerbungen", "de")
    assert "bewerb" in token.stems
    (token,) = analyse("письмами", "ru")
    assert "письм" in token.stems


def test_query_is_analysed_under_every_language_of_its_script() -> None:
    tokens = analyse_query("Deutschkurs var mı")
    assert [t.surface for t in tokens] == ["deutschkurs", "var", "mi"]
    assert tokens[1].stop and tokens[2].stop
