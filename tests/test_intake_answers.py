"""Answers to an offer's own intake questions, through the real handlers: a plain answer goes on as the
answer, and only a clear new question is asked about – naming what she signs up for, not the partner.
Found by exploratory testing (round "xres", m1)."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness, skip_questions


async def test_plain_answers_at_the_helper_tandem_go_on_without_asking(bot_with_model: BotHarness) -> None:
    bot = bot_with_model
    # "after school tuesdays" matched the school (the offer's own partner) and "shopping, phone help" the
    # tandem's other offer: both were asked about as "your answer to Dr.-Klaus-Schmidt-Hauptschule, or a
    # new question?".
    lena = bot.resident("Lena", lang="en")
    await lena.send("/start o_helfer-tandem-mitmachen")
    await lena.tap("✋")
    assert "Who would like to help?" in (lena.last().text or "")
    await lena.send("me, pupil, 15")
    assert "When is there time to help? (days and times)" in (lena.last().text or "")
    await lena.send("after school tuesdays")
    assert "What kind of help fits?" in (lena.last().text or "")
    await lena.send("shopping, phone help")
    await lena.tap("✅")
    await lena.tap("💬")
    consent = lena.last().text or ""
    assert "after school tuesdays" in consent and "shopping, phone help" in consent


async def test_a_clear_new_question_is_asked_about_naming_the_offer(bot: BotHarness) -> None:
    lena = bot.resident("Lena", lang="en")
    await lena.send("/start o_helfer-tandem-mitmachen")
    await lena.tap("✋")
    await lena.send("Where is the Quartiersbüro?")
    asked = lena.last()
    assert "Is this your answer to the question about" in (asked.text or "")
    assert "Become a helper – tandems of young and old" in (asked.text or "")
    assert "Hauptschule" not in (asked.text or "")
    assert asked.labels == ["✍️ My answer", "🔎 A new question"]


@pytest.mark.parametrize(
    ("lang", "button", "for_whom", "school", "not_addressed"),
    [
        ("ar", "أريد التسجيل – لي أو لطفلي", "لمن التسجيل؟", "أي صف وأي مدرسة", "في أي صف أنت"),
        (
            "pl",
            "Chcę zapisać siebie lub dziecko",
            "Dla kogo jest zgłoszenie?",
            "Która klasa i która szkoła",
            "chodzisz",
        ),
        (
            "de",
            "Ich möchte mich oder mein Kind anmelden",
            "Für wen ist die Anmeldung?",
            "Welche Klasse",
            "gehst du",
        ),
    ],
)
async def test_a_parent_signing_up_her_son_for_the_apprenticeship_help_is_not_asked_as_the_pupil(
    bot: BotHarness, lang: str, button: str, for_whom: str, school: str, not_addressed: str
) -> None:
    # xres M4: the mother read "Which class are YOU in?" (Arabic and Polish in the informal "you"), under
    # the Arabic button "أنا مهتم" (I, a man, am interested).
    mother = bot.resident("Samira", lang=lang)
    await mother.send("/start o_jugend-ausbildung")
    assert "✋ " + button in mother.last().labels
    await mother.tap("✋")
    assert for_whom in (mother.last().text or "")
    await mother.send("15")  # what she types is her answer (here: her son's age)
    assert school in (mother.last().text or "")
    asked = " ".join(m.text or "" for m in bot.telegram.bot_messages(mother.chat))
    assert not_addressed not in asked


async def test_the_womens_re_entry_sign_up_asks_about_work_not_letters_and_money(bot: BotHarness) -> None:
    # xres m8: "Konu nedir? Örneğin resmi daireden gelen bir mektup, iş, aile veya para." (the counselling
    # topic's question), and the page said "especially: newcomers" of an offer for women with and without
    # a migration background.
    ayse = bot.resident("Ayse", lang="tr")
    await ayse.send("/start o_wiedereinstieg-frauen")
    page = ayse.last().text or ""
    assert "👥 Sadece kadınlar için" in page and "Özellikle" not in page
    await ayse.tap("✋")
    assert "Şimdiye kadar neler yaptınız?" in (ayse.last().text or "")
    await ayse.send("Türkiye'de terzi olarak çalıştım")
    assert "Nasıl bir iş ya da meslek eğitimi istersiniz?" in (ayse.last().text or "")
    asked = " ".join(m.text or "" for m in bot.telegram.bot_messages(ayse.chat))
    assert "Konu nedir?" not in asked


async def test_the_womens_german_course_speaks_to_women_in_arabic(bot: BotHarness) -> None:
    # xres m9: the button said "أنا مهتم" (masculine) and the question "تحتاجين/تحتاج" on a course only
    # women may come to.
    amal = bot.resident("Amal", lang="ar")
    await amal.send("/start o_deutschkurs-frauen")
    assert "أنا مهتمة – سجّلني" in " ".join(amal.last().labels)
    await amal.tap("✋")
    question = amal.last().text or ""
    assert (
        "هل تحتاجين إلى رعاية لأطفالك" in question and "تحتاج/" not in question and "/تحتاج" not in question
    )


async def test_the_arabic_sign_up_button_speaks_for_women_and_men(bot: BotHarness) -> None:
    # "✋ أنا مهتم – سجّلني" is a man speaking; "أرغب في التسجيل" (I would like to sign up) is anyone.
    amal = bot.resident("Amal", lang="ar")
    await amal.send("/start o_integrationscoaching")
    assert "✋ أرغب في التسجيل" in amal.last().labels


async def test_change_on_the_check_screen_can_change_her_answers_too(bot: BotHarness) -> None:
    """Found by exploratory testing (xr3 m7): "✏️ Change" only reopened the message; an answer to the
    course's questions ("5 children") could be corrected only by cancelling and starting again."""
    ayse = bot.resident("Ayşe", lang="tr")
    t = bot.services.i18n.translator("tr")
    await ayse.send("/start o_deutschkurs-frauen")
    await ayse.tap("✋")
    first = ayse.last().text or ""
    await ayse.send("evet 5 cocuk")
    second = ayse.last().text or ""
    assert second != first and "⏭" in " ".join(ayse.last().labels)  # a second question
    await ayse.send("biraz")
    await skip_questions(ayse)
    await ayse.tap("✅")
    await ayse.tap("💬")
    assert "evet 5 cocuk" in (ayse.last().text or "")
    await ayse.tap("✏️")
    writing = ayse.last()
    change_answers = "✏️ " + t.gettext("Change my answers")
    assert change_answers in writing.labels
    await ayse.tap(change_answers)
    asked = ayse.last().text or ""
    assert asked.startswith(first.split("\n")[0])  # the first question again
    assert t.gettext("Your answer so far:") + " <i>evet 5 cocuk</i>" in asked
    await ayse.send("evet 1 cocuk")
    assert "<i>biraz</i>" in (ayse.last().text or "")  # the second question, her answer shown
    await skip_questions(ayse)  # "Skip" keeps it
    await ayse.tap("✅")
    await ayse.tap("💬")
    consent = ayse.last().text or ""
    assert "evet 1 cocuk" in consent and "5 cocuk" not in consent
    assert "biraz" in consent
