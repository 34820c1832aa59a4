from __future__ import annotations

import pytest

from bot.search.engine import SearchEngine
from bot.search.index import SearchDocument


def doc(id_: str, kind: str = "offer", districts: set[str] | None = None, **fields: str) -> SearchDocument:
    """A document with one title per language: doc("x", de="Deutschkurs", tr="Almanca kursu")."""
    return SearchDocument(
        id_,
        kind,
        frozenset(districts) if districts else None,
        {lang.replace("_", "-"): [(text, 3.0)] for lang, text in fields.items()},
    )


DOCS = [
    doc(
        "deutschkurs-frauen",
        de="Deutschkurs für Frauen mit Kinderbetreuung",
        tr="Çocuk bakımlı kadınlar için Almanca kursu",
        ar="دورة لغة ألمانية للنساء مع رعاية الأطفال",
        ru="Курс немецкого для женщин с присмотром за детьми",
        uk="Курс німецької для жінок із доглядом за дітьми",
        pl="Kurs niemieckiego dla kobiet z opieką nad dziećmi",
        fa="کلاس زبان آلمانی برای زنان با نگهداری از بچه‌ها",
        en="German course for women, with childcare",
    ),
    doc(
        "bewerbungstraining",
        de="Bewerbungstraining: Lebenslauf und Vorstellungsgespräch",
        tr="İş başvurusu eğitimi: özgeçmiş ve mülakat",
        en="Job application training: CV and interview",
    ),
    doc(
        "briefe-aemter",
        de="Hilfe bei Briefen von Ämtern und Jobcenter",
        ar="مساعدة في الرسائل من الدوائر والجوب سنتر",
        uk="Допомога з листами від відомств і джобцентру",
        en="Help with letters from offices",
    ),
    doc("frauencafe", districts={"fredenberg"}, de="Frauencafé: Frauen treffen sich", en="Women's café"),
    doc("sprachcafe", districts={"ost-westsiedlung"}, de="Sprachcafé: Deutsch sprechen", en="Language café"),
]


@pytest.fixture(scope="session")
def engine() -> SearchEngine:
    return SearchEngine.from_documents(DOCS)
