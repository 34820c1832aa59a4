from types import SimpleNamespace

from bot.search.documents import documents_from_catalogue, emergency_triggers
from bot.search.engine import SearchEngine


def _catalogue() -> SimpleNamespace:
    offer = SimpleNamespace(
        title={"de": "Deutschkurs", "tr": "Almanca kursu"},
        summary={"de": "Deutsch lernen"},
        details=None,
        keywords={"de": ("sprachkurs",)},
        districts=("ost-westsiedlung",),
    )
    faq = SimpleNamespace(
        questions={"de": ("Wer hilft mir bei einem Brief vom Jobcenter?",)},
        answer={"de": "Das Quartiersbüro."},
        keywords={},
    )
    partner = SimpleNamespace(name={"de": "Mütterzentrum"}, description={"de": "Treffpunkt"}, keywords={})
    topic = SimpleNamespace(title={"de": "Kurse"}, districts=())
    emergency = SimpleNamespace(triggers={"de": ("will sterben",)})
    return SimpleNamespace(
        offers={"deutschkurs": offer},
        faq={"brief": faq},
        partners={"mz": partner},
        events={},
        topics={"kurse": topic},
        emergency={"seelsorge": emergency},
    )


def test_catalogue_entries_become_documents_with_kind_and_districts() -> None:
    docs = {d.key: d for d in documents_from_catalogue(_catalogue())}
    assert set(docs) == {"offer:deutschkurs", "faq:brief", "partner:mz", "topic:kurse"}
    assert docs["offer:deutschkurs"].district_ids == frozenset({"ost-westsiedlung"})
    assert docs["topic:kurse"].district_ids is None
    assert ("sprachkurs", 2.5) in docs["offer:deutschkurs"].texts()["de"]


def test_faq_question_variants_are_searchable_and_emergency_triggers_are_read() -> None:
    catalogue = _catalogue()
    assert emergency_triggers(catalogue) == {"seelsorge": {"de": ["will sterben"]}}
    engine = SearchEngine.from_catalogue(catalogue)
    hits = engine.index.search("brief jobcenter", "de", None)
    assert hits[0].key == "faq:brief"
    assert engine.answer("ich will sterben", "de", None).emergency
