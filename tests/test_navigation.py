"""Finding one's way back: ⬅️ Back returns to the screen the resident came from, and entries name the
languages spoken in the resident's language — as a resident sees it."""

from __future__ import annotations

from html import escape
from typing import get_args

import pytest

from bot.content.models import OnlyFor, TargetGroup
from bot.languages import Lang
from bot.render.callback import MAX_BYTES, Origin, with_origin
from bot.render.screens import AMONG_WOMEN, ONLY_FOR, TARGET_GROUPS, shorten
from bot.testing.fakeapi import Sent
from tests.harness import BotHarness, confirmed_resident

OUT_OF_DATE = "Dieser Button ist nicht mehr aktuell."


def title(bot: BotHarness, kind: str, entry_id: str, lang: Lang) -> str:
    """A topic's, offer's or partner's title in `lang`, as the content has it."""
    catalogue = bot.services.content.catalogue
    if kind == "partner":
        return str(catalogue.partners[entry_id].name[lang])
    entries = catalogue.topics if kind == "topic" else catalogue.offers
    return str(entries[entry_id].title[lang])


def entry_of(data: str) -> str:
    """`kind:id` of an entry button (without the screen it is on)."""
    return ":".join(data.split(":")[:2])


def all_data(message: Sent) -> list[str]:
    return [str(b["callback_data"]) for b in message.flat_buttons]


async def test_back_from_an_entry_returns_to_the_topic_and_page_it_was_opened_from(bot: BotHarness) -> None:
    """Application training is listed under Courses and Counselling: opened from Counselling, Back leads to
    Counselling (it led to Courses, the entry's first topic), and from its second page to that page."""
    shirin = await confirmed_resident(bot, "Shirin", "fa")
    t = bot.services.i18n.translator("fa")
    counselling = title(bot, "topic", "beratung", "fa")
    await shirin.tap(counselling)
    topic = shirin.last()
    await shirin.tap(title(bot, "offer", "bewerbungstraining", "fa"))
    assert escape(title(bot, "offer", "bewerbungstraining", "fa")) in (topic.text or "")
    # Right to left: Back points right and comes first from the right (Telegram does not mirror a row).
    assert topic.labels[-2:] == ["🏠 " + t.gettext("Menu"), "➡️ " + t.gettext("Back")]
    await shirin.tap("➡️", topic)
    assert shirin.last().message_id == topic.message_id  # edited in place
    assert escape(counselling) in (topic.text or "")
    assert title(bot, "topic", "kurse", "fa") not in (topic.text or "")
    assert t.html("Page {page} of {pages}", page=1, pages=2) in (topic.text or "")

    await shirin.tap("◀️", topic)  # forward, in Farsi
    second_page = t.html("Page {page} of {pages}", page=2, pages=2)
    assert second_page in (topic.text or "")
    await shirin.tap(1, topic)  # the first entry of the second page
    assert second_page not in (topic.text or "")
    await shirin.tap("➡️", topic)
    assert escape(counselling) in (topic.text or "") and second_page in (topic.text or "")
    assert all(len(data.encode()) <= MAX_BYTES for data in all_data(topic))


async def test_back_from_a_suggestion_returns_to_the_suggestions(bot: BotHarness) -> None:
    """“Is it one of these?” → an entry → Back shows the same suggestions again (it showed the entry's
    topic, and the suggestions were gone), in the resident's language; another one can be picked."""
    shirin = await confirmed_resident(bot, "Shirin", "fa")
    t = bot.services.i18n.translator("fa")
    await shirin.send("زنان")  # "women": the women's café, two partners
    choices = shirin.last()
    question = escape(t.gettext("I am not sure what you mean. Is it one of these?"))
    assert choices.text == question
    suggested = choices.labels
    assert [entry_of(d) for d in all_data(choices)[:3]] == [
        "offer:frauencafe",
        "partner:gleichstellung",
        "partner:sos-muetterzentrum",
    ]
    await shirin.tap(title(bot, "offer", "frauencafe", "fa"), choices)
    assert escape(title(bot, "offer", "frauencafe", "fa")) in (choices.text or "")
    await shirin.tap("➡️", choices)
    assert shirin.last().message_id == choices.message_id
    assert choices.text == question and choices.labels == suggested

    # A partner page has a Back too, when it was opened from somewhere to go back to.
    await shirin.tap(2, choices)  # the second suggestion: a partner
    assert escape(title(bot, "partner", "gleichstellung", "fa")) in (choices.text or "")
    assert "➡️ " + t.gettext("Back") in choices.labels
    await shirin.tap("➡️", choices)
    assert choices.text == question and choices.labels == suggested


async def test_back_from_an_entry_below_the_emergency_numbers_shows_the_numbers_again(
    bot_with_model: BotHarness,
) -> None:
    """A call for help that may also be a request: the numbers, entries below them. Opening an entry
    replaces the numbers; Back brings them back with the same entries (it led to the entry's topic)."""
    bot = bot_with_model
    ola = await confirmed_resident(bot, "Ola", "pl")
    await ola.send("pomocy, jestem nowa tutaj")
    screen = ola.last()
    numbers, labels = screen.text, screen.labels
    assert "110" in (numbers or "") and "112" in (numbers or "")
    await ola.tap(title(bot, "offer", "integrationscoaching", "pl"), screen)
    assert "110" not in (screen.text or "")
    await ola.tap("⬅️", screen)
    assert (screen.text, screen.labels) == (numbers, labels)


async def test_back_from_an_entry_an_answer_links_to_returns_to_the_answer(bot: BotHarness) -> None:
    olena = await confirmed_resident(bot, "Olena", "uk")
    faq = bot.services.content.catalogue.faq["wenig-deutsch"]
    await olena.press("faq:wenig-deutsch", olena.last())
    answer = olena.last()
    await olena.tap(title(bot, "offer", "sprachcafe", "uk"), answer)
    assert escape(title(bot, "offer", "sprachcafe", "uk")) in (answer.text or "")
    await olena.tap("⬅️", answer)
    assert escape(faq.questions["uk"][0]) in (answer.text or "")


async def test_old_and_broken_navigation_buttons_still_work_or_are_out_of_date(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    menu = anna.last()
    # A button from before entries knew where they were opened from: Back leads to the entry's first topic.
    await anna.press("offer:bewerbungstraining", menu)
    await anna.tap("⬅️", menu)
    assert escape(title(bot, "topic", "kurse", "de")) in (menu.text or "")
    # A screen to return to that this bot never made (or the content no longer has): the same.
    for origin in ("tzzzz", "t", "x1234", "aab", "f!!!!"):
        await anna.press(f"offer:bewerbungstraining:{origin}", menu)
        assert escape(title(bot, "offer", "bewerbungstraining", "de")) in (menu.text or "")
        await anna.tap("⬅️", menu)
        assert escape(title(bot, "topic", "kurse", "de")) in (menu.text or "")
    # Back to suggestions the content no longer has: the friendly answer and the menu.
    for data in ("back:azzzzyyyy", "back:", "back:tAAAA", "back:a"):
        await anna.press(data, menu)
        assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE


async def test_a_language_tapped_on_a_picker_with_messages_below_it_shows_the_menu_below(
    bot: BotHarness,
) -> None:
    """Exploratory test: a language tapped on a picker with a confirmation below it ("please tap a button",
    "Passed on to …": no screen) turned the picker far up into the menu, out of her sight."""
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("/language")
    picker = anna.last()
    await anna.send("1")
    assert anna.last().text == "Bitte tippen Sie oben auf einen der Buttons."
    await anna.tap("English", picker)
    menu = anna.last()
    assert menu.message_id > picker.message_id and "What can I help you with?" in (menu.text or "")
    assert "In welcher Sprache" in (picker.text or "")  # the old picker stays as it was


def test_an_entry_button_keeps_where_it_is_whenever_that_fits_into_64_bytes() -> None:
    longest = "x" * 40  # content ids are slugs of at most 40 characters
    hits = [("offer", longest), ("partner", longest), ("faq", longest)]
    data = with_origin("partner", longest, origin=Origin.of("alternatives", hits))
    assert len(data.encode()) <= MAX_BYTES and data.count(":") == 2
    assert len(with_origin("topic", longest, 12, origin=Origin.of("topic", hits[:1], 99)).encode()) <= 64
    # Where it does not fit, the button still opens the entry (Back then leads to its first topic).
    assert with_origin("partner", longest, origin=Origin.of("alternatives", hits * 3)) == f"partner:{longest}"


@pytest.mark.parametrize(
    ("lang", "spoken"),
    [
        ("tr", "Almanca ve Türkçe"),
        ("uk", "німецька і турецька"),
        ("ar", "الألمانية والتركية"),
        ("fa", "آلمانی و ترکی استانبولی"),
        ("de", "Deutsch und Türkisch"),
        ("de-simple", "Deutsch und Türkisch"),
        ("en", "German and Turkish"),
    ],
)
async def test_the_languages_spoken_are_named_in_the_residents_language(
    bot: BotHarness, lang: str, spoken: str
) -> None:
    resident = bot.resident("Sam", lang="de")
    await resident.send("/language")
    await resident.press(f"lang:{lang}", resident.last())
    await resident.send("/start o_sprachcafe")  # spoken in German and Turkish
    t = bot.services.i18n.translator(lang)
    text = resident.last().text or ""
    assert "🗣 " + t.html("Languages spoken: {languages}", languages=spoken) in text.splitlines()
    if lang not in {"de", "de-simple"}:
        assert "Deutsch" not in text.split("🗣", 1)[1]


@pytest.mark.parametrize(
    ("lang", "groups"),
    [
        ("de", "Zugewanderte und Frauen"),
        ("tr", "Almanya'ya yeni gelenler ve kadınlar"),
        ("ar", "القادمون الجدد إلى ألمانيا والنساء"),
        ("en", "people new to Germany and women"),
    ],
)
async def test_an_offer_says_whom_it_is_for_in_the_residents_language(
    bot: BotHarness, lang: str, groups: str
) -> None:
    resident = bot.resident("Sam", lang=lang)
    t = bot.services.i18n.translator(lang)
    await resident.send("/start o_integrationscoaching")  # for migrants and women, not only for women
    lines = (resident.last().text or "").splitlines()
    for_groups = "👥 " + t.html("For: {groups}", groups=groups)
    assert [line for line in lines if line.startswith("👥 ")] == [for_groups]
    await resident.send("/start o_mikroprojekte")  # for everyone
    assert "👥 " + t.html("Open to everyone") in (resident.last().text or "").splitlines()


@pytest.mark.parametrize(
    ("lang", "only", "especially"),
    [
        ("de", "👥 Nur für Frauen", "Besonders für: zugewanderte Frauen"),
        ("de-simple", "👥 Nur für Frauen", "Vor allem für: Frauen aus anderen Ländern"),
        # Among women the groups are women: Arabic said "القادمون الجدد" (newcomers, masculine; xres m9).
        ("ar", "👥 للنساء فقط", "وبالأخص: القادمات الجديدات إلى ألمانيا"),
        ("fa", "👥 فقط برای زنان", "به‌ویژه: زنان تازه‌وارد به آلمان"),
        ("ru", "👥 Только для женщин", "Прежде всего: недавно приехавшие в Германию женщины"),
        ("pl", "👥 Tylko dla kobiet", "Przede wszystkim: kobiety nowo przybyłe do Niemiec"),
        ("en", "👥 Only for women", "Especially for: women new to Germany"),
    ],
)
async def test_the_womens_german_course_says_first_that_only_women_may_come(
    bot: BotHarness, lang: str, only: str, especially: str
) -> None:
    """A man asking for a German course found this one and read "For: women and people new to Germany" as
    "women, and newcomers too": its page now says right under its title that it is only for women, then
    whom among them (not as the 16th line, after when and where)."""
    resident = bot.resident("Sam", lang="de")
    await resident.send("/language")
    await resident.press(f"lang:{lang}", resident.last())
    await resident.send("/start o_deutschkurs-frauen")  # target_groups: [women, migrants], only_for: women
    lines = (resident.last().text or "").splitlines()
    assert lines[1:3] == [only, especially]  # under the title
    assert [line for line in lines if line.startswith("👥 ")] == [only]


def test_every_target_group_the_content_may_name_has_a_name_residents_read() -> None:
    assert set(TARGET_GROUPS) | {"everyone"} == set(get_args(TargetGroup))
    assert set(ONLY_FOR) == set(get_args(OnlyFor)) == set(TARGET_GROUPS)
    assert set(AMONG_WOMEN) == set(TARGET_GROUPS) - {"women"}


async def test_a_long_label_ends_after_a_whole_word_with_an_ellipsis(bot: BotHarness) -> None:
    olga = await confirmed_resident(bot, "Olga", "ru")
    await olga.send("/start f_briefe-von-aemtern")  # links the Quartiersmanagement's long Russian name
    labels = olga.last().labels
    assert "🏢 Бюро помощи жителям района (Quartiersmanagement) Ost- und…" in labels  # not "…Westsi"
    assert all(len(label) <= 60 for label in labels)


def test_a_shortened_right_to_left_label_closes_the_isolate_it_cut_into() -> None:
    shown = shorten("📅 \u2068الأربعاء، 17 فبراير، 5:00 م\u2069 · " + "طويل " * 20, 20)
    assert shown == "📅 \u2068الأربعاء، 17\u2069…"
    assert shorten("Donaudampfschifffahrtsgesellschaftskapitän", 10) == "Donaudamp…"  # one word: cut in it


async def test_back_to_the_emergency_screen_keeps_its_way_to_a_person_urgent(bot: BotHarness) -> None:
    # Back from an entry listed under the emergency numbers rebuilds that screen: its "Ask a person" must
    # still start an urgent request carrying her words (ask:sos.q), as it did before she opened the entry.
    anna = await confirmed_resident(bot, "Anna", "de")
    screen = anna.last()
    await anna.press("back:" + str(Origin.of("emergency", [("offer", "briefe-aemter")])), screen)
    assert "🆘" in (screen.text or "")
    assert any(button["callback_data"] == "ask:sos.q" for button in screen.flat_buttons)


async def test_arrows_point_the_way_an_arabic_reader_goes(bot: BotHarness) -> None:
    # In Arabic and Farsi forward points left: "▶️" led forward, which reads as back to them.
    amal = await confirmed_resident(bot, "Amal", "ar")
    t = bot.services.i18n.translator("ar")
    await amal.tap(title(bot, "topic", "beratung", "ar"))
    topic = amal.last()
    assert "◀️" in topic.labels and not any(label.startswith(("▶️", "⬅️")) for label in topic.labels)
    await amal.tap("◀️", topic)
    assert t.html("Page {page} of {pages}", page=2, pages=2) in (topic.text or "")
    assert "▶️" in topic.labels and "◀️" not in topic.labels  # the only way now: back to page 1
    # An unfinished request is continued with ◀️ too.
    await amal.send("/start o_deutschkurs-frauen")
    await amal.tap("✋")
    await amal.send("/start")
    assert "◀️ " + t.gettext("Continue") in amal.last().labels


def test_a_topic_without_entries_lists_the_districts_partners_as_partners_are_listed_everywhere() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from bot.i18n import I18n
    from bot.render.screens import topic_screen
    from tests.harness import ROOT, shipped_words_only

    shipped = shipped_words_only().catalogue
    mitmachen = shipped.topics["mitmachen"].model_copy(update={"partners": ()})
    # Nothing under "Mitmachen" any more (its offers and answers gone): the district's partners stand in.
    catalogue = replace(shipped, topics={"mitmachen": mitmachen}, offers={}, events={}, faq={})
    t = I18n(ROOT / "locales", default="de").translator("de")
    now = datetime(2027, 3, 2, tzinfo=UTC)
    pages = [topic_screen(t, catalogue, "mitmachen", "fredenberg", page, now)[1] for page in (0, 1)]
    labels = [label for rows in pages for row in rows for label, data in row if data.startswith("partner:")]
    assert "🏢 Quartiersmanagement Fredenberg" in labels  # with the 🏢 of every other list of partners
    assert "🏢 Quartiersmanagement Ost- und Westsiedlung" not in labels  # not in her district
