"""The check screen before "Send" names everyone who sees the request at once. A partner that gets requests by
e-mail only cannot answer in the chat, so the Quartiersmanagement's group gets the card at once to pass the
answer on (`bot.tickets.routing.copied_at_once`, `notify._copy_for`): the screen said only "This goes to:
<partner>", while the privacy notice promised that only the chosen partner sees it (exploratory test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.testing.fakeapi import SimUser
from tests.harness import (
    COURSE_GROUP,
    BotHarness,
    content_with_partner_group,
    deliver,
    fill_in_request,
    skip_questions,
)

QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content
COURSE = "deutschkurs-frauen"  # offered by the Bildungsträger, which gets requests by e-mail only

# The line naming the Quartiersmanagement, as the resident reads it, per language.
ALSO_SEES = {
    "de": "Quartiersmanagement Ost- und Westsiedlung sieht Ihre Anfrage auch sofort und gibt Ihnen die "
    "Antwort weiter.",
    "ar": "طلبك فورًا أيضًا، ويوصل إليك الجواب.",
    "tr": "tarafından da görülür; cevap size oradan iletilir.",
}


@pytest.fixture
def bot_factory(database_url: str):  # type: ignore[no-untyped-def]
    def factory(**overrides):  # type: ignore[no-untyped-def]
        return BotHarness.running(database_url=database_url, **overrides)

    return factory


def check_screen(resident: SimUser) -> str:
    text = resident.last().text or ""
    assert "✅" in resident.last().labels[0], text  # the check screen, with its Send
    return text


async def qm_copies(bot: BotHarness) -> int:
    await deliver(bot)
    return len([m for m in bot.telegram.bot_messages(QM_GROUP) if "Anfrage Nr." in (m.text or "")])


@pytest.mark.parametrize("lang", ["de", "ar", "tr"])
async def test_an_email_partners_request_names_the_quartiersmanagement_before_send(
    bot: BotHarness, lang: str
) -> None:
    resident = bot.resident("Amal", lang=lang)
    await fill_in_request(resident, COURSE, "Ich möchte mich anmelden")
    text = check_screen(resident)
    assert ALSO_SEES[lang] in text.replace("\u2068", "").replace("\u2069", ""), text
    # The line comes right after "This goes to:", before what they will see.
    t = bot.services.i18n.translator(lang)
    lines = text.split("\n")
    goes_to = next(
        i for i, line in enumerate(lines) if line.startswith(t.gettext("This goes to: {partner}")[:5])
    )
    assert ALSO_SEES[lang] in lines[goes_to + 1].replace("\u2068", "").replace("\u2069", "")
    # And so it is: the Quartiersmanagement's group gets the card the moment it is sent.
    assert await qm_copies(bot) == 0
    await resident.tap("✅")
    assert await qm_copies(bot) == 1


@pytest.mark.parametrize("lang", ["de", "ar"])
async def test_a_partner_with_a_group_is_the_only_one_named(bot_factory, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    content = content_with_partner_group(tmp_path, "bildungstraeger", COURSE_GROUP)
    async with bot_factory(content_dir=content) as bot:
        resident = bot.resident("Amal", lang=lang)
        await fill_in_request(resident, COURSE, "Ich möchte mich anmelden")
        text = check_screen(resident)
        assert ALSO_SEES[lang] not in text.replace("\u2068", "").replace("\u2069", ""), text
        assert "Quartiersmanagement" not in text, text
        await resident.tap("✅")
        assert await qm_copies(bot) == 0
        await deliver(bot)
        assert bot.telegram.bot_messages(COURSE_GROUP)  # the partner's own group got it


async def test_a_resident_who_asks_for_a_call_from_an_email_partner_is_not_told_of_a_copy(
    bot: BotHarness,
) -> None:
    """She asked to be called: the partner calls her itself, no copy goes to the Quartiersmanagement."""
    resident = bot.resident("Anna", lang="de")
    await fill_in_request(resident, COURSE, "Ich möchte mich anmelden", answer_by="📞")
    await resident.send("0151 23456789")
    text = check_screen(resident)
    assert "Quartiersmanagement" not in text, text
    await resident.tap("✅")
    assert await qm_copies(bot) == 0


MOTHERS_CENTRE = -1_000_000_000_002  # the SOS-Mütterzentrum's group in the shipped content


@pytest.mark.parametrize("lang", ["de", "ar"])
async def test_a_hand_over_to_an_email_partner_names_the_quartiersmanagement_too(
    bot: BotHarness, lang: str
) -> None:
    """The hand-over question lists what the new partner would see; a new partner that answers by e-mail
    only gets the card with a copy to the Quartiersmanagement's group (`hand_over`), so it says that too."""
    resident = bot.resident("Amal", lang=lang)
    await resident.send("/start o_frauencafe")  # the SOS-Mütterzentrum's, which has a group
    await resident.tap("🙋")
    await skip_questions(resident)
    await resident.send("Ich suche einen Deutschkurs")
    await resident.tap("✅")
    await resident.tap("💬")
    assert ALSO_SEES[lang] not in check_screen(resident).replace("\u2068", "").replace("\u2069", "")
    await resident.tap("✅")
    await deliver(bot)
    (card,) = [m for m in bot.telegram.bot_messages(MOTHERS_CENTRE) if m.reply_markup]
    staff = bot.partner("Maria", MOTHERS_CENTRE)
    await staff.tap("übergeben", card)
    choices = bot.telegram.bot_messages(MOTHERS_CENTRE)[-1]
    await staff.tap(next(i for i, label in enumerate(choices.labels, 1) if "Bildung" in label), choices)
    await deliver(bot)
    question = (resident.last().text or "").replace("\u2068", "").replace("\u2069", "")
    assert ALSO_SEES[lang] in question, question
    assert await qm_copies(bot) == 0
    await resident.tap("✅", resident.last())  # yes, hand it over
    assert await qm_copies(bot) == 1
