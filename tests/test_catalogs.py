"""Every catalog is complete, and every translation keeps the placeholders and HTML tags of its msgid and is
valid Telegram HTML."""

from __future__ import annotations

import gettext
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, I18n
from bot.languages import language
from tests.telegram_html import html_problems

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def catalog(lang: str):  # type: ignore[no-untyped-def]
    path = ROOT / "locales" / language(lang).catalog_dir / "LC_MESSAGES" / "bot.po"
    with path.open("rb") as handle:
        return read_po(handle)


def template_ids() -> set[str]:
    with (ROOT / "locales" / "bot.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def extracted_ids() -> set[str]:
    spec = importlib.util.spec_from_file_location("update_catalogs", ROOT / "scripts" / "update_catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in module.extract() if m.id}


# Extracted while this module is collected: Babel parses every string of bot/ into an AST, which can fail
# with a spurious SystemError in CPython 3.11 when another thread parses too (see tests/test_architecture.py).
EXTRACTED = extracted_ids()


def test_template_holds_every_msgid_of_the_code() -> None:
    """A sentence the code translates (t.html, ...) but the extractor misses would show in German."""
    in_code = EXTRACTED
    called = set()
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        called |= set(re.findall(r"\bt\.(?:html|gettext)\(\s*\"([^\"\n]+)\"\s*[,)]", text))
    assert called, "the code's translated sentences were not found"
    assert not sorted(called - in_code), "translated in the code but not extracted"
    missing = sorted(in_code - template_ids())
    assert not missing, "extracted but not in locales/bot.pot: run scripts/update_catalogs.py"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_translates_every_msgid(lang: str) -> None:
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}
    missing = sorted(template_ids() - entries.keys())
    assert not missing, f"{lang}: msgids not in the catalog (run scripts/update_catalogs.py): {missing[:5]}"
    untranslated = [
        key
        for key, m in entries.items()
        if not (all(m.string) if isinstance(m.string, tuple) else m.string) or m.fuzzy
    ]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated or fuzzy, e.g. {untranslated[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_one_entry_per_msgid_and_one_header(lang: str) -> None:
    """GNU msgfmt (and translators' tools) refuse an obsolete entry that repeats an active msgid; a merge of
    two branches' catalogs once left every header with two creation dates."""
    po = catalog(lang)
    assert not [key for key in po.obsolete if key in po], f"{lang}: run scripts/update_catalogs.py"
    path = ROOT / "locales" / language(lang).catalog_dir / "LC_MESSAGES" / "bot.po"
    assert path.read_text(encoding="utf-8").count('"POT-Creation-Date:') == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_carries_another_sentence(lang: str) -> None:
    """Two branches that each add a sentence next to the other can merge into one translation holding both
    (a late-answer notice once ended in the English of the closed-request notice): no translation holds the
    English source of another sentence."""
    messages = [m for m in catalog(lang) if m.id]
    sources = {m.id if isinstance(m.id, str) else m.id[0] for m in messages}
    long_sources = [source for source in sources if len(source) > 30]
    carried = []
    for message in messages:
        own = message.id if isinstance(message.id, str) else " ".join(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            carried += [
                (own[:40], other[:40]) for other in long_sources if other in string and other not in own
            ]
    assert not carried, carried


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_tags(lang: str) -> None:
    problems = []
    messages = catalog(lang)
    plural = gettext.c2py(messages.plural_expr)
    forms = Counter(plural(n) for n in range(10_000))
    single_number_forms = {index for index, numbers in forms.items() if numbers == 1}
    for message in messages:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted_placeholders = set(PLACEHOLDER.findall(ids[-1]))
        wanted_tags = sorted(TAG.findall(ids[0]))
        for index, string in enumerate(strings):
            found = set(PLACEHOLDER.findall(string))
            # A plural form that stands for one number only may say it in words: Arabic "يومين" (two
            # days), not "2 يومين" (two two-days).
            droppable = {"{count}"} if len(strings) > 1 and index in single_number_forms else set()
            if not found <= wanted_placeholders or wanted_placeholders - found - droppable:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
            if sorted(TAG.findall(string)) != wanted_tags:
                problems.append(f"HTML tags differ: {ids[0]!r} -> {string!r}")
            # Telegram would take it as it is (no bare & or <, tags closed), whatever fills its placeholders.
            problems += [f"{p}: {string!r}" for p in html_problems(PLACEHOLDER.sub("x", string))]
    assert not problems, f"{lang}: " + "\n".join(problems[:10])


def test_catalogs_load_without_a_compile_step() -> None:
    i18n = I18n(ROOT / "locales")
    assert i18n.translator("tr").gettext("Language") != "Language"
    assert i18n.translator("de").gettext("Language") == "Sprache"


# Found by exploratory testing: Polish said "ty" to everyone ("Kiedy ci najbardziej pasuje", "Kliknij …",
# "twoje pytanie", later "W menu zobaczysz …", "Przy zapisie powiedz …") next to offers saying "Pani"; the
# other languages are polite throughout. Pronouns and 2nd-person verb forms ("zobaczysz", "możesz", "jesteś",
# "wysłałeś") say "ty" wherever they stand ("nasz"/"wasz" are too short for the -asz rule; "zapisz" is below).
POLISH_INFORMAL = re.compile(
    r"\b(ty|ci|cię|ciebie|tobie|twój|twoja|twoje|twojej|twojego|twoim|twoją|twoich|twoimi|masz|jesteś|"
    r"kliknij|napisz|wpisz|wybierz|poczekaj|spróbuj|sprawdź|pytaj|dzwoń|zadzwoń|przyjdź|"
    r"\w+(?:esz|(?<!p)isz|ysz)|\w{2,}asz|\w+ł[ae]ś)\b",
    re.IGNORECASE,
)
# Imperatives are the usual words of buttons and titles ("Wyślij", "Zapytaj człowieka", "Zostań pomocnikiem")
# and of a sentence naming a button („Zapytaj człowieka”); in a sentence of their own they say "ty"
# ("… albo zapytaj człowieka.", "Po prostu się zgłoś."), where Polish says "proszę zapytać", "można …".
POLISH_IMPERATIVE = re.compile(
    r"\b(zapytaj|zobacz|powiedz|zgłoś|wyślij|zapisz|podaj|daj|zostań|weź|zabierz|pokaż|otwórz|dodaj|usuń|zmień|"
    r"wycofaj|przekaż|zamknij|pomiń|kontynuuj|anuluj|udostępnij|przyjmij|zakończ|zadaj|włącz|skorzystaj|"
    r"odpowiedz|czekaj|pamiętaj|zacznij|wróć|przeczytaj|pisz|mów|zrób|wypełnij|przynieś|przyprowadź|dołącz|"
    r"zarejestruj|szukaj|znajdź|wejdź|użyj|odwiedź|zostaw|idź|patrz|spójrz|uważaj|opowiedz)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"„[^”“]*[”“]|“[^”]*”|\"[^\"]*\"")


def informal_polish(text: str) -> list[str]:
    """The words of a Polish text that address the reader with "ty"."""
    found = [match.group(0) for match in POLISH_INFORMAL.finditer(text)]
    own_words = QUOTED.sub("", text)
    if re.search(r"[.!?]", own_words):
        found += [match.group(0) for match in POLISH_IMPERATIVE.finditer(own_words)]
    return found


def test_the_informal_polish_check_knows_ty_forms_and_button_labels() -> None:
    for informal in (
        "To wydarzenie już się odbyło. W menu zobaczysz, co będzie wkrótce – albo zapytaj człowieka.",
        "Przy zapisie powiedz, ile dzieci przyjdzie.",
        "Nie trzeba nic umieć wcześniej. Po prostu się zgłoś.",
        "Czy wysłałaś już list?",
        "Co chcesz zrobić?",
        "Tu znajdziesz pomoc.",
    ):
        assert informal_polish(informal), informal
    for polite in (
        "Zapytaj człowieka",
        "Tak, usuń moje dane",
        "Zostań pomocnikiem – tandemy młodych i starszych",
        "Proszę kliknąć „Zapytaj człowieka”, a przekażę pytanie dalej.",
        "Wystarczy kliknąć „Wyślij”. Nasz zespół odpowie.",
        "W menu można sprawdzić, co będzie wkrótce – albo zapytać człowieka.",
        "Fundusz Europejski wspiera marsz.",
    ):
        assert not informal_polish(polite), polite


def test_polish_catalog_addresses_the_resident_politely() -> None:
    informal = [
        (m.string, informal_polish(str(m.string)))
        for m in catalog("pl")
        if m.id and informal_polish(str(m.string))
    ]
    assert informal == []


def polish_content_texts() -> list[tuple[str, str]]:
    import yaml

    found: list[tuple[str, str]] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pl" and isinstance(value, str):
                    found.append((where, value))
                else:
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for path in sorted((ROOT / "content").rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.stem)
    return found


def test_polish_content_addresses_the_resident_politely() -> None:
    # The youth offer too: parents sign their children up, and Polish is impersonal everywhere (xres M4).
    informal = [
        (where, informal_polish(text)) for where, text in polish_content_texts() if informal_polish(text)
    ]
    assert informal == []


# Found by exploratory testing: "Salzgitter'deki eğitim kurumları (Bildungsträger) kurumuna mesajınızı yazın":
# a Turkish sentence that appends "kurum…" to a partner's name doubles it for names that already say it.
def test_turkish_sentences_read_naturally_with_every_partner_name() -> None:
    import yaml

    partners = yaml.safe_load((ROOT / "content" / "partners.yaml").read_text(encoding="utf-8"))["partners"]
    names = [entry["name"]["tr"] for entry in partners.values()]
    assert "Salzgitter'deki eğitim kurumları (Bildungsträger)" in names
    for message in catalog("tr"):
        template = message.string if isinstance(message.string, str) else ""
        for name in names:
            text = template
            for placeholder in ("{partner}", "{new}", "{old}", "{owner}", "{by}"):
                text = text.replace(placeholder, name)
            assert re.search(re.escape(name) + r"\s+kurum", text) is None, text


@pytest.mark.parametrize(("lang", "noun"), [("ru", "организаци"), ("uk", "організаці")])
def test_no_partner_is_called_the_organisation_organisations(lang: str, noun: str) -> None:
    # Russian and Ukrainian say "организация «{partner}»"; it read "в организацию «Образовательные
    # организации Зальцгиттера (Bildungsträger)»", the same doubling as in Turkish.
    import yaml

    partners = yaml.safe_load((ROOT / "content" / "partners.yaml").read_text(encoding="utf-8"))["partners"]
    names = [entry["name"][lang] for entry in partners.values()]
    assert any(noun in str(m.string) and "{partner}" in str(m.string) for m in catalog(lang))
    assert [name for name in names if noun in name.lower()] == []


def plural_entries(lang: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.id[0], tuple(m.string)) for m in catalog(lang) if m.id and m.pluralizable]


def test_arabic_counts_from_11_to_99_take_the_accusative_singular_and_from_100_the_genitive() -> None:
    # Forms: 0 zero, 1 one, 2 two, 3 (3–10), 4 (11–99), 5 (100+). "14 يومًا" but "100 يوم": two of them had
    # forms 4 and 5 swapped ("خلال 14 يوم", "خلال 100 يومًا"). An entry that avoids the agreement
    # ("عدد المرفقات: {count}") has one text for all forms and is left alone.
    for msgid, forms in plural_entries("ar"):
        assert len(forms) == 6, msgid
        if forms[4] != forms[5]:
            assert "ًا" in forms[4] and "ًا" not in forms[5], (msgid, forms[4], forms[5])


def test_arabic_counts_render_with_the_noun_each_number_takes() -> None:
    """Found in exploratory testing: "لم يُؤخذ 11 مرفق", "11 يوم". The forms were right, but the catalog's
    Plural-Forms (an old Babel's) gave 11–99 form 5 and 100–102 form 4: the order the forms were written in
    (and the test above reads) is 0, 1, 2, 3–10, 11–99, 100+, as in CLDR and today's Babel."""
    t = I18n(ROOT / "locales").translator("ar")

    def attachments(n: int) -> str:
        return t.ngettext("{count} attachment", "{count} attachments", n).format(count=n)

    def days(n: int) -> str:
        return t.ngettext("{count} day", "{count} days", n).format(count=n)

    assert [attachments(n) for n in (1, 2, 3, 11, 100)] == [
        "مرفق واحد",  # one attachment
        "مرفقان",  # two (dual)
        "3 مرفقات",  # 3–10: genitive plural
        "11 مرفقًا",  # 11–99: accusative singular
        "100 مرفق",  # 100+: genitive singular
    ]
    assert [days(n) for n in (14, 99, 101, 103, 111, 200)] == [
        "14 يومًا",
        "99 يومًا",
        "101 يوم",
        "103 أيام",  # as 3
        "111 يومًا",  # as 11
        "200 يوم",
    ]
    not_taken = t.ngettext(
        "{count} file was not taken: one request takes at most {most} files.",
        "{count} files were not taken: one request takes at most {most} files.",
        11,
    ).format(count=11, most=10)
    assert not_taken.startswith("لم يُؤخذ 11 مرفقًا:")


@pytest.mark.parametrize("lang", ["ru", "uk", "pl"])
def test_slavic_counts_of_five_read_otherwise_than_a_count_of_one(lang: str) -> None:
    # One, few, many: "1 вложение", "2 вложения", "5 вложений". Few may equal one where the noun does
    # (Ukrainian "1 попередження", "2 попередження" – right), but many never equals one.
    for msgid, forms in plural_entries(lang):
        assert len(forms) == 3, msgid
        assert forms[2] != forms[0], (msgid, forms)
        # 5+ takes a singular (neuter) predicate: "5 записей выдумано", not "выдуманы".
        assert not re.search(r"\{count\} \w+ (выдуманы|вигадані)", forms[2]), forms[2]
