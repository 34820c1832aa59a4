"""Wishing to be dead, fear of the husband, colloquial hitting, and household breakdowns (the safety test;
its phrases are dev, bench/eval/explore-dev-safety.jsonl). The phrases here are other wordings of the same
meanings, through the real engine: each fails without the rule it names."""

from __future__ import annotations

import pytest

from bot.search.engine import SearchEngine


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("manchmal möchte ich einfach tot sein", "de"),
        ("artık hayattan bıktım", "tr"),
        ("انا تعبت من الحياة كثيرا", "ar"),
        ("иногда хочу быть мёртвой", "ru"),
        ("іноді хочу бути мертвою", "uk"),
        ("wolałbym już nie żyć", "pl"),
        ("دیگه از زندگی خسته شدم", "fa"),
        ("honestly I wish I were dead", "en"),
    ],
)
def test_wishing_to_be_dead_or_tired_of_life_is_a_hard_trigger(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """A wish to die told without the verb "die" (emergency/words.py ``BUILTIN_HARD``): the crisis line's
    numbers, also before the model is there."""
    for searched in (engine, lexical_engine):
        result = searched.answer(text, lang)
        assert result.emergency and result.emergency_match is not None, (text, result)
        assert result.emergency_match.hard


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("er haut mich wenn er getrunken hat", "de"),
        ("mój mąż tłucze mnie", "pl"),
        ("he slapped me again", "en"),
        ("отчим лупит меня", "ru"),
    ],
)
def test_colloquial_verbs_of_hitting_raise_the_alarm(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """ "haut mich", "tłucze mnie", "slapped me", "лупит меня" (``BUILTIN_SOFT``): violence said as
    residents say it, a phrase that no answer overrules."""
    assert lexical_engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Meine Haut juckt mich", "de"), ("Das haut mich um", "de"), ("die Haut brennt mich", "de")],
)
def test_skin_and_an_amazed_haut_mich_um_are_no_hitting(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """ "Haut" after an article or a possessive is skin (``SKIN_BEFORE``); "haut mich um" amazes her
    (``SEPARABLE_PARTICLES``)."""
    result = lexical_engine.answer(text, lang)
    assert result.emergency_match is None or result.emergency_match.trigger != "haut mich", result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("من از شوهرم خیلی میترسم", "fa"),
        ("Mein Mann tut unseren Kindern weh", "de"),
        ("my husband keeps hurting our children", "en"),
    ],
)
def test_fear_of_the_husband_and_a_husband_hurting_the_children_raise_the_alarm_by_meaning(
    engine: SearchEngine, text: str, lang: str
) -> None:
    """Two situations (bot/search/situations.py): she is afraid of her husband who hurts her; he hurts
    the children."""
    result = engine.answer(text, lang)
    assert result.emergency and result.emergency_match is not None, result
    assert result.emergency_match.trigger == "(meaning)"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Die Heizung funktioniert seit gestern nicht", "de"),
        ("Warmwasser geht nicht", "de"),
        ("bizim evde elektrik yok", "tr"),
    ],
)
def test_a_thing_broken_at_home_raises_no_alarm(engine: SearchEngine, text: str, lang: str) -> None:
    """Closer to gas or smoke in the flat or someone "not responding" than to any entry (the content has
    no entry about repairs), but closer still to the situations' everyday counterparts: breakdowns at
    home, a broken phone (``EVERYDAY``).

    Not here: "мій телефон зламався" (uk). It lies as close to a situation as to its counterpart (0.8823
    and 0.8820 on an AMD EPYC, the other way round on the machine the test was written on): the same
    model file gives vectors that differ in the fourth decimal from one CPU to another, so a test of a
    tie passes on one machine and fails on the next. Giving the counterparts a lead of 0.005 to break
    such ties lost "شوهرم بچه ها رو میزنه" (my husband hits the children) on dev: a tie stays an alarm."""
    assert not engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I'm tired of living in this tiny room with my kids", "en"),
        ("yurtta yaşamaktan bıktım, ev arıyorum", "tr"),
        ("устал жить в этой комнате с соседями", "ru"),
        ("zmęczona życiem w akademiku, szukam mieszkania", "pl"),
        ("Wir haben das Leben im Container satt", "de"),
        ("Ohne die Tafel wäre ich tot, danke", "de"),
        ("I'd rather be dead than eat that food again", "en"),
    ],
)
def test_tired_of_a_place_or_a_thing_is_no_wish_to_die(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """A wish-to-die phrase said of a place, with other words between its words, "wäre ich tot" without a
    wish, "rather be dead than …" (emergency/rules.py ``a_complaint``): no hard trigger."""
    result = lexical_engine.answer(text, lang)
    assert result.emergency_match is None or not result.emergency_match.hard, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I'm tired of living in this world", "en"),
        ("bu dünyada yaşamaktan bıktım", "tr"),
        ("ich will einfach nur tot sein", "de"),
        ("Ich wünsche mir, ich wäre tot", "de"),
        ("устала жить, не знаю что делать", "ru"),
    ],
)
def test_the_wish_to_die_with_fillers_or_the_world_stays_hard(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """Fillers between the words, the world as the place, a wish before "wäre ich tot": still hard."""
    result = lexical_engine.answer(text, lang)
    assert result.emergency and result.emergency_match is not None and result.emergency_match.hard, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("na przystanku leje mnie deszcz", "pl"),
        ("Die Werkstatt haut uns übers Ohr", "de"),
        ("меня всего колотит от холода", "ru"),
    ],
)
def test_rain_shivering_and_cheating_are_no_hitting(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """A colloquial verb of hitting that says something else (emergency/words.py ``NOT_HITTING``)."""
    assert not lexical_engine.answer(text, lang).emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Der haut uns ständig", "de"), ("Die haut mich, wenn ich weine", "de"), ("Er haut meinen Sohn", "de")],
)
def test_der_die_haut_with_an_object_and_haut_my_son_are_hitting(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    """ "der"/"die" before "haut" and an object right after is a pronoun and the verb (``HIT_OBJECTS``);
    "haut meinen Sohn" a soft trigger."""
    assert lexical_engine.answer(text, lang).emergency
