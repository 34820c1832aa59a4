"""Generate a synthetic content folder (default 10,000 entries in all 9 languages) for benchmarks.

.venv/bin/python bench/gen_catalogue.py /tmp/big-content --entries 10000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

LANGS = ["de", "de-simple", "tr", "ar", "ru", "uk", "pl", "fa", "en"]
WORDS = {
    "de": "Deutschkurs Beratung Frauen Kinder Treffpunkt Nachbarschaft Hilfe Arbeit Wohnung Schule".split(),
    "de-simple": "Kurs Hilfe Frauen Kinder Treffen Nachbarn Arbeit Wohnung Schule Geld".split(),
    "tr": "Almanca kurs danışma kadınlar çocuklar buluşma komşuluk yardım iş konut".split(),
    "ar": "دورة استشارة نساء أطفال لقاء جيران مساعدة عمل سكن مدرسة".split(),
    "ru": "курс консультация женщины дети встреча соседи помощь работа жильё школа".split(),
    "uk": "курс консультація жінки діти зустріч сусіди допомога робота житло школа".split(),
    "pl": "kurs porada kobiety dzieci spotkanie sąsiedzi pomoc praca mieszkanie szkoła".split(),
    "fa": "کلاس مشاوره زنان کودکان دیدار همسایه کمک کار خانه مدرسه".split(),
    "en": "course counselling women children meeting neighbours help work housing school".split(),
}
HEADER = "# yaml-language-server: $schema=../schema.json\n"
SHIPPED = Path(__file__).resolve().parents[1] / "content"


def _shipped_words() -> dict[str, list[str]]:
    """Every word of the shipped content's texts per language, with repetitions (so frequent words stay
    frequent): generated texts then have a real vocabulary, real word lengths and scripts, instead of a
    handful of words repeated (which compress and index unrealistically well)."""
    words: dict[str, list[str]] = {lang: [] for lang in LANGS}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in words and isinstance(value, str):
                    words[key].extend(value.split())
                elif key in words and isinstance(value, list):
                    words[key].extend(w for item in value if isinstance(item, str) for w in item.split())
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(SHIPPED.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {lang: found or WORDS[lang] for lang, found in words.items()}


_VOCABULARY: dict[str, list[str]] = {}


def vocabulary(realistic: bool = True) -> dict[str, list[str]]:
    """Words to draw from: the shipped content's (default) or the old ten words per language."""
    if not realistic:
        return WORDS
    if not _VOCABULARY:
        _VOCABULARY.update(_shipped_words())
    return _VOCABULARY


_WORDS_IN_USE: dict[str, list[str]] = WORDS


def _keyword_words(lang: str) -> list[str]:
    """Words for keyword lists: no bare numbers (staff list words; `- 0800` would also make the whole
    file take the loader's slower positioned path, see bot/content/loader.py `_QUICK_SUSPECTS`)."""
    if lang not in _KEYWORDS:
        _KEYWORDS[lang] = [w for w in _WORDS_IN_USE[lang] if not w.strip(".,;:!?()").isdigit()]
    return _KEYWORDS[lang]


_KEYWORDS: dict[str, list[str]] = {}


def text(rng: random.Random, langs: list[str], words: int) -> dict[str, str]:
    return {lang: " ".join(rng.choices(_WORDS_IN_USE[lang], k=words)).capitalize() for lang in langs}


def base(langs: list[str]) -> dict[str, object]:
    rng = random.Random(0)
    return {
        "districts": {
            "ost": {"name": text(rng, langs, 2)},
            "west": {"name": text(rng, langs, 2)},
        },
        "topics": {
            f"topic-{i}": {"title": text(rng, langs, 2), "order": i, "default_partner": "partner-0"}
            for i in range(10)
        },
        "places": {
            f"place-{i}": {
                "name": text(rng, langs, 3),
                "address": f"Musterstraße {i}, 38226 Salzgitter",
                "latitude": 52.1 + i / 1000,
                "longitude": 10.3 + i / 1000,
                "district": "ost",
            }
            for i in range(50)
        },
        "partners": {
            f"partner-{i}": {
                "name": text(rng, langs, 2),
                "description": text(rng, langs, 12),
                "place": f"place-{i % 50}",
                "languages": ["de", "tr"],
                "requests": {"telegram_chat_id": -1000 - i},
                "catch_all": i == 0,
                "opening_hours": {"weekly": {"mon": ["09:00-12:00"], "thu": ["14:00-18:00"]}},
            }
            for i in range(50)
        },
        "privacy": {"notice": {"title": text(rng, langs, 2), "text": text(rng, langs, 40)}},
    }


def offer(rng: random.Random, langs: list[str], i: int) -> dict[str, object]:
    return {
        "kind": rng.choice(["course", "counselling", "micro_project", "meeting_place", "service"]),
        "topics": [f"topic-{i % 10}"],
        "target_groups": ["everyone"],
        "title": text(rng, langs, 4),
        "summary": text(rng, langs, 15),
        "details": text(rng, langs, 40),
        "partner": f"partner-{i % 50}",
        "place": f"place-{i % 50}",
        "schedule": {"weekly": [{"day": "tue", "start": "10:00", "end": "12:00"}]},
        "languages": ["de"],
        "signup": ["request"],
        "keywords": {lang: rng.choices(_keyword_words(lang), k=3) for lang in langs},
    }


def generate(out: Path, entries: int, langs: list[str], per_file: int = 100, realistic: bool = True) -> int:
    """Write the folder; returns the number of files written.

    `realistic`: words drawn from the shipped content (default); False: ten words per language, as
    until 2026-11-25 (hundreds of near-identical entries; kept to compare with older numbers).
    """
    global _WORDS_IN_USE
    _WORDS_IN_USE = vocabulary(realistic)
    _KEYWORDS.clear()
    out.mkdir(parents=True, exist_ok=True)
    dump = {"allow_unicode": True, "sort_keys": False, "width": 200}
    (out / "base.yaml").write_text(HEADER + yaml.safe_dump(base(langs), **dump), encoding="utf-8")
    # The emergency numbers are required content (without them the screen for danger would be empty).
    shutil.copyfile(SHIPPED / "emergency.yaml", out / "emergency.yaml")
    rng = random.Random(1)
    files = 1
    offers = max(entries - 112, 0)  # base.yaml holds 112 entries
    for start in range(0, offers, per_file):
        chunk = {f"offer-{i}": offer(rng, langs, i) for i in range(start, min(start + per_file, offers))}
        path = out / "offers" / f"offers-{start // per_file:03d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(HEADER + yaml.safe_dump({"offers": chunk}, **dump), encoding="utf-8")
        files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--languages", type=int, default=len(LANGS), help="how many of the 9 languages")
    parser.add_argument("--ten-words", action="store_true", help="the old vocabulary: ten words per language")
    args = parser.parse_args()
    langs = LANGS[: max(1, min(args.languages, len(LANGS)))]
    files = generate(args.out, args.entries, langs, realistic=not args.ten_words)
    print(f"{args.entries} entries in {files} files written to {args.out}")


if __name__ == "__main__":
    main()
