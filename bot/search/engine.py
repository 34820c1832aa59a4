"""The search service the handlers call: emergency first, then small talk, then the hybrid ranking.

Two kinds of evidence are fused per entry: the sentence-embedding model's similarity of the question to
the entry's passages (meaning, across languages and wordings) and BM25 over the analysed words (names,
numbers, typos, words the model does not know). The fused ranking then ends in one of three outcomes:

- **answer**: strong, agreeing evidence for one entry, clearly ahead of the next one, also without the
  words that name a person (bot/search/persons.py: "my mother", "pupil" say whom a message is about, not
  what it asks for), and not an offer for one group only (women) unless the message names a woman
  (``_for_whom_unclear``: "Deutschkurs" gets the women's course among choices with what is open to all);
  and not carried by the one word it shares with a message that names something no entry has ("Wo
  melde ich meinen Hund an?": "anmelden" and the FAQ about signing up, ``_one_word_of_something_else``),
  nor by the one word of a message that denies it ("це не відповідь", that's no answer, is no question
  about waiting for an answer: ``_denies_one_thing``) unless the meaning alone is as close;
- **choices**: something related was found, but not clearly one thing: "is it one of these?" (2–3);
- **unknown**: nothing is close enough (the weather, a dentist): "I don't know" and *Ask a person*.

A message written in a script its UI language does not use (Arabic in a German UI: the UI language is
often just Telegram's) is also ranked in the languages of that script, and the better outcome is kept
(``_in_its_script``); its emergency by meaning is decided in those languages, not in the UI language. A
message in Latin letters whose words the UI language mostly does not know, and Turkish or Polish does
("Almanca kursu var mı?" on a German phone), is also ranked in that language, the better outcome kept, and
either reading may raise the emergency by meaning (``_in_other_latin_languages``).

A wrong confident answer is worse than a choice list, so the thresholds lean to choices. "Nothing is
close" is measured per catalogue and language with everyday off-topic questions (bot/search/offtopic.py):
the model's similarities sit higher for one content or language than for another. The constants were
tuned on the dev sets only (``bench/eval/shipped-dev*.jsonl`` and the Grone district,
bench/search_eval.py).
Until the vectors of the content are computed (first start) or if the model cannot be loaded, the
ranking is lexical alone, with its own, stricter thresholds.

Over 400 lines because the fusion and the three outcomes are one decision read top to bottom: the
thresholds, the agreement checks and the fallbacks refer to each other; the evidence itself (words,
vectors, emergency, small talk, persons, what's on) lives in modules of its own.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from bot.languages import LANGUAGES, REGISTRY, counts_as, language
from bot.search.documents import (
    Entry,
    content_names,
    emergency_triggers,
    entries_from_catalogue,
)
from bot.search.emergency import EmergencyDetector, EmergencyMatch
from bot.search.lexical import LexicalHits, LexicalIndex
from bot.search.negation import denies_what_it_is, negations
from bot.search.normalize import (
    DIGIT,
    LATIN,
    OTHER,
    latin_reading,
    query_words,
    raw_tokens,
    scope,
    script_of,
    tokenize,
)
from bot.search.smalltalk import (
    MessageShape,
    SmallTalkKind,
    message_shape,
    reopen_answer,
    small_talk,
    small_talk_languages,
)
from bot.search.vectors import Calibration, Embedder, SemanticIndex
from bot.search.whatson import asks_whats_on

if TYPE_CHECKING:
    import numpy as np

# "bare_yes", "bare_no": a yes or no alone that answers no question of the bot (``SearchEngine.answer``)
NotUnderstood = Literal[MessageShape, "no_match", "bare_yes", "bare_no"]
Outcome = Literal["answer", "choices", "unknown"]

# --- fusion and confidence (tuned on the dev questions only: bench/search_eval.py, BENCHMARKS.md) -------
# fused = cosine + LEX_WEIGHT × BM25/(BM25 + LEX_HALF) × share of the question's words found in the entry:
# a lexical match of one word out of five ("kostet" in "Was kostet ein Döner am Bahnhof?") adds little.
LEX_WEIGHT = 0.3
LEX_HALF = 6.0
# "I don't know" below the floor of the resident's language in this catalogue: where everyday off-topic
# questions land (bot/search/offtopic.py, vectors.Calibration); FLOOR where there is no calibration.
FLOOR = 0.86
ANSWER = 0.95  # a confident answer needs this much (or the language's calibrated threshold)...
MARGIN = 0.04  # ...this lead over the runner-up, and the lexical ranking's best entry must be the same
CHOICE_GAP = 0.06  # with a confident answer: the entries within this distance of it
SITUATION = 0.84  # a message this close to an emergency situation...
SITUATION_MARGIN = 0.02  # ...and this much closer to it than to any entry raises the emergency screen
SITUATION_TRIGGER = "(meaning)"  # what `emergency_match.trigger` says then
# The confidence of a best entry as close as a confident answer needs to be (``_confidence``: ANSWER, or
# LEX_ANSWER without the model), whether or not it is clearly ahead of the runner-up: the message names
# something the content has (``_names_a_thing_to_do``).
STRONG = 0.75
ORGANISATIONS = frozenset({"partner", "place"})  # entries that name who or where, not what to do (answer())
MAX_EMBEDDED = 600  # characters of a message given to the model
# A sentence that ends in an exclamation mark (``SearchEngine._shouted``).
_SHOUTED = re.compile(r"[^!?.;,\n؟،]+(?=!)")
# ``SearchEngine.written_in`` reads this much of a message: its start tells the language.
WRITTEN_IN_CHARS = 1_000
# Lexical alone (no vectors yet, or no model):
LEX_FLOOR = 2.0  # BM25 × share of the question's words found: below, "I don't know"
LEX_ANSWER = 6.0
LEX_RATIO = 1.5


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    score: float

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What the bot understood of a message.

    ``answer`` is set only for a confident answer; otherwise ``alternatives`` are the choices ("is it one
    of these?"), and with neither the bot does not know (``reason`` "no_match"). ``confidence`` (0–1) is
    the evidence for the best entry. ``emergency`` means: show the emergency numbers first, whatever else
    is set; ``emergency_match`` says which trigger fired (it is also set, with ``emergency`` False, when
    a soft trigger was overruled by a confident answer). ``reason`` says why nothing was understood
    ("empty", "emoji", "too_short", "unsupported_script", "no_match").
    """

    answer: Hit | None = None
    alternatives: list[Hit] = field(default_factory=list)
    emergency: bool = False
    small_talk: SmallTalkKind | None = None
    understood: bool = False
    emergency_match: EmergencyMatch | None = None
    reason: NotUnderstood | None = None
    confidence: float = 0.0
    semantic: bool = False  # whether the meaning-based evidence was used
    alarming: bool = False  # closer by meaning to an emergency situation than to any entry
    situation_lead: float | None = None  # how much closer (cosine) to a situation than to any entry
    other_script: bool = False  # written in a script the UI language does not use (``_in_its_script``)
    # The language whose reading of the message won over the UI language's (``_best``: "tr" for "Almanca
    # kursu var mı?" on a German phone, "ar" or "fa" for Arabic letters); None when the UI language's did.
    read_in: str | None = None

    @property
    def outcome(self) -> Outcome:
        return "answer" if self.answer else "choices" if self.alternatives else "unknown"


class SearchEngine:
    """Build it once per catalogue and share it; :meth:`answer` is thread-safe."""

    def __init__(
        self,
        entries: Sequence[Entry],
        emergency: EmergencyDetector,
        embedder: Embedder | None = None,
        events_topic: str | None = None,
        lexical: LexicalIndex | None = None,
    ) -> None:
        self.entries = list(entries)
        self.emergency = emergency
        # The topic whose screen lists the events: the answer to "what is on today?" (bot/search/whatson.py)
        self.events_topic = next(
            (e for e in self.entries if e.kind == "topic" and e.id == events_topic), None
        )
        self.lexical = lexical if lexical is not None else LexicalIndex(self.entries)
        self.semantic = SemanticIndex(self.entries)
        self.embedder = embedder

    def start_vectors(self) -> None:
        """Have the embedder compute this catalogue's vectors (in the background; at once if all are known).
        Call it when the engine goes live: it supersedes the job of the engine before."""
        if self.embedder is not None:
            self.embedder.prepare(self.semantic)

    @classmethod
    def from_catalogue(cls, catalogue: Any, embedder: Embedder | None = None) -> SearchEngine:
        """The engine for ``catalogue``; with ``embedder`` meaning-based after :meth:`start_vectors`."""
        entries = list(entries_from_catalogue(catalogue))
        # The content's words are split once, for the index and for the detector (which reads none of them
        # as a typo of a trigger): the texts are the same.
        lexical = LexicalIndex(entries)
        detector = EmergencyDetector.with_builtin(
            emergency_triggers(catalogue), None, content_names(entries, catalogue), lexical.vocabulary
        )
        return cls(entries, detector, embedder, events_topic(catalogue), lexical)

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[Entry],
        emergency_triggers: dict[str, dict[str, list[str]]] | None = None,
        embedder: Embedder | None = None,
    ) -> SearchEngine:
        entries = list(entries)
        lexical = LexicalIndex(entries)
        detector = EmergencyDetector.with_builtin(
            emergency_triggers, None, content_names(entries), lexical.vocabulary
        )
        return cls(entries, detector, embedder, lexical=lexical)

    @property
    def semantic_ready(self) -> bool:
        return self.semantic.ready.is_set()

    async def wait_semantic(self, seconds: float) -> bool:
        """Wait (off the event loop) until the vectors are there; False after ``seconds`` or when there is
        no model."""
        embedder = self.embedder
        if embedder is None:
            return False

        def wait() -> bool:
            deadline = time.monotonic() + seconds
            while embedder.status not in ("off", "failed") and time.monotonic() < deadline:
                if self.semantic.ready.wait(0.05):
                    return True
            return self.semantic.ready.is_set()

        return await asyncio.to_thread(wait)

    async def answer_async(
        self, query: str, lang: str, district: str | None = None, limit: int = 3
    ) -> SearchResult:
        """:meth:`answer` in a worker thread: embedding a question must not hold up the event loop."""
        return await asyncio.to_thread(self.answer, query, lang, district, limit)

    @staticmethod
    def with_latin_reading(query: str, lang: str) -> str:
        """`query`, and below it its reading in its own script where it was typed in Latin letters: "muzh
        upal" is also "муж упал" (see search())."""
        reading = latin_reading(query, lang)
        return query if reading is None else f"{query}\n{reading}"

    def for_detection(self, query: str, lang: str) -> str:
        """`query` as the emergency detector reads it: with its Latin reading (`with_latin_reading`) and,
        where she typed her script's words in Latin letters, those words in her script below it
        ("zawji yadribuni" is also "زوجي يضربني": bot/search/translit.py). Only the detector reads the
        second reading: the search of an everyday question stays as it was."""
        reading = self.emergency.latin_reading(query, lang)  # every line she wrote
        query = self.with_latin_reading(query, lang)
        return query if reading is None else f"{query}\n{reading}"

    def emergency_words(self, query: str, lang: str) -> bool:
        """Whether `query` has emergency words, read as `answer` reads them but without the search or the
        model: microseconds, so it may run for every update beyond the flood limit."""
        return self.emergency_match(query, lang) is not None

    def emergency_match(self, query: str, lang: str) -> EmergencyMatch | None:
        """The emergency words `emergency_words` finds (None: none; a word read as another is none)."""
        match = self.emergency.detect(self.for_detection(query, lang))
        return match if match is not None and not match.other_word else None

    def answer(self, query: str, lang: str, district: str | None = None, limit: int = 3) -> SearchResult:
        """Classify and answer one resident message."""
        shape = message_shape(query)
        asked = query
        if shape == "emoji" and (kind := small_talk(query)) is not None:
            return SearchResult(small_talk=kind, understood=True)  # "👍", "🙏"
        if shape in ("empty", "emoji", "unsupported_script"):
            return SearchResult(reason=shape)
        detecting = self.for_detection(query, lang)
        query = self.with_latin_reading(query, lang)
        match = self.emergency.detect(detecting)
        searched: SearchResult | None = None  # the whole message's search, made at most once
        vector: np.ndarray | None = None  # and the model's vector of the message it used
        if match is not None and match.other_word:
            # One wrong letter, far on the keyboard from the right one, in a short word ("yasiyor", lives,
            # for "yanıyor", burns): another word, not a typo. Only the meaning can raise the alarm then.
            match = self.emergency.detect(detecting, guesses=False)
        if match is not None and match.guess:
            # One wrong letter, a neighbouring key, in a short word ("kaniyir" for "kanıyor"): kept when
            # the meaning agrees (closer to an emergency situation than to any entry) or cannot be asked.
            searched, vector = self._searched(query, lang, district, limit, _trigger_words(query, match))
            if searched.situation_lead is not None and searched.situation_lead < 0:
                match = self.emergency.detect(detecting, guesses=False)
        if match is not None and match.call and small_talk(query) == "thanks":
            # A thank-you "for the help" ("Thanks a lot for the help, God bless you", "Danke für Hilfe"):
            # the help is what is thanked for, not a cry. Only a call gives way: a danger word in a
            # thank-you still fires (small talk has no danger words, so it is never read as thanks then).
            return SearchResult(small_talk="thanks", understood=True)
        if match is not None and match.hard:
            result = searched or self.search(query, lang, district, limit, _trigger_words(query, match))
            hits = ([result.answer] if result.answer else []) + result.alternatives
            return SearchResult(
                alternatives=hits[:limit], emergency=True, understood=True, emergency_match=match
            )
        kind = small_talk(query) if match is None else None
        if kind is not None:
            return SearchResult(small_talk=kind, understood=True, read_in=small_talk_language(query, lang))
        if match is None and (typed := reopen_answer(asked)) is not None:
            # A yes or no alone ("evet", "نعم", "tak", "nein danke"; read as a typed answer to "Reopen?"):
            # a question of the bot waiting for it (a request's dialogue, "Reopen?", a partner's question)
            # takes it before the search. Here it answers nothing, and no entry is near a "yes". (A no may
            # answer "Anything else?" after an "ok": the handler says "all right" to it.)
            return SearchResult(reason="bare_no" if typed == "no" else "bare_yes")
        if shape == "too_short" and match is None:
            return SearchResult(reason=shape)
        topic = self.events_topic
        if match is None and topic is not None and topic.serves(district) and asks_whats_on(asked):
            # "was ist heute los?": no entry's words or meaning are near, the events topic lists what is on
            return SearchResult(answer=Hit(topic.id, topic.kind, 1.0), understood=True, confidence=1.0)
        if searched is None:
            searched, vector = self._searched(query, lang, district, limit, _trigger_words(query, match))
        result = searched
        if match is None:
            # A message in a script the UI language does not use (Arabic on a German phone) is read in the
            # languages of its script (``_in_its_script``), and its emergency by meaning is decided there, in
            # either of them (ar or fa, where her letters do not tell which: ``other_script_languages``), as
            # for a resident whose UI is in it. Read in German, "جارتي وقعت على الأرض ولا ترد" (my neighbour
            # fell and does not answer) met German situations and entries only, and "боюсь экзамена по
            # немецкому, умру от страха" was closer to an emergency than in Russian
            # (bench/eval/explore-dev-xalarm.jsonl).
            others = [
                (other, self._rank(query, other, district, limit, frozenset(), vector))
                for other in other_script_languages(query, lang)
            ]
            # A message in another Latin-script language than the UI language ("Almanca kursu var mı?" on a
            # German phone) is also read in that language (``_in_other_latin_languages``); either reading
            # may raise the alarm: "sąsiad leży na klatce schodowej i się nie rusza" met German and
            # English situations only (bench/eval/explore-dev-xlatin.jsonl).
            latin = [] if others else self._in_other_latin_languages(query, lang, district, limit, vector)
            readings = (others or [(lang, result)]) + latin
            alarmed = next(
                (f for read, f in readings if self._alarming(f, detecting, read, district, limit)), None
            )
            if alarmed is not None:
                # An emergency told in the resident's own words ("annem yere düştü, konuşmuyor"), without
                # a trigger word: the numbers first (bot/search/situations.py), entries below them only when
                # the message also clearly names one (``_below_the_numbers``). A confident answer is listed
                # there but does not overrule the meaning: it is confident by its words ("طفلي مفقود", my
                # child is missing: "child" → childcare) while the message is closer to an emergency than to
                # any entry by the SITUATION_MARGIN.
                match = EmergencyMatch(SITUATION_TRIGGER, lang, None, hard=False, rest=query)
                return SearchResult(
                    alternatives=_below_the_numbers(alarmed),
                    emergency=True,
                    understood=True,
                    emergency_match=match,
                    confidence=alarmed.confidence,
                    semantic=True,
                )
            if latin:
                return _best(result, latin)
            return self._in_its_script(result, others)
        # A soft trigger ("Hilfe", "pomocy", "Polizei") is overruled only when the *rest* of the message is
        # confidently answered ("помогите | написать резюме" → job application training); "حريق |
        # بالعمارة" (fire | in the building) stays an emergency.
        rest = self.search(match.rest, lang, district, limit) if match.rest.strip() else SearchResult()
        # A confident answer is no evidence against an emergency when the meaning of the whole message is
        # closer to an emergency situation than to any entry: then the answer was carried by a word the
        # message shares with an entry's name ("annemin kafası kanıyor": mother → Mütterzentrum), not by
        # what the message is about.
        meaning_agrees = result.situation_lead is not None and result.situation_lead >= 0
        # Only an answer that is a thing to do (an offer, a question answered) is evidence against an
        # emergency: an organisation or a place matched by a word of its name says who or where
        # ("annemin kafası | kanıyor": mother → Mütterzentrum; "help me now": the partner NOW), not that
        # the message is about something else. This also decides without the model, which cannot tell a
        # name match from what a message is about.
        if match.call:
            # A call for help ("допоможіть | з листом від відомства") needs only the rest, or the whole
            # message, to name a thing to do: a best entry as strong as an answer, even when two entries
            # about letters are too close together for one confident answer ("yardım edin, | Jobcenter'dan
            # mektup geldi": the FAQ and the offer about letters). A call alone, or with a rest the bot is
            # not sure about ("допоможіть, тут чужа людина"), keeps the emergency numbers (the screen
            # lists the best entries below them).
            stays = not match.rest.strip() or not (_names_a_thing_to_do(rest) or _names_a_thing_to_do(result))
        elif match.phrase:
            # A danger told as a phrase ("beats me", "schlägt mich", "in danger", "bije mnie") says what
            # happens to a person; no everyday question says it, so no answer overrules it: "My husband
            # beats me, where can I get counselling?" gets the numbers with counselling listed below them.
            stays = True
        else:
            # A single danger word ("Feuer", "bedroht", "fire", "yangın") is also an everyday word ("Haben
            # Sie Feuer?"): it is overruled when the rest and the whole message each have a confident
            # answer. Only a service's name ("Polizei", "polis") gives way as readily as a call for help
            # ("I got a letter from the police": the FAQ and the offer about letters, too close together
            # for one answer); a danger word does not ("ich werde bedroht, Brief vom Jobcenter" keeps the
            # numbers, though the letter entries come first).
            if match.service:
                # ...unless the name is shouted on its own ("Polizei! Ich habe einen Brief vom Jobcenter"):
                # that calls the service as "Polizei!" alone does; the letter entries go below the numbers.
                stays = self._shouted(asked, lang) or not (
                    _names_a_thing_to_do(rest) and _names_a_thing_to_do(result)
                )
            else:
                stays = not (_a_thing_to_do(rest.answer) and _a_thing_to_do(result.answer))
        stays = stays or meaning_agrees
        listed = _below_the_numbers(result) if stays and not result.answer else result.alternatives
        if stays and match.call:
            # Below the numbers of a call for help only what the rest of the message finds too: the call's
            # own words ("yardım edin", "допоможіть") lead the words to the helpers' offers, and "annem
            # düştü kalkamıyor yardım edin" (my mother fell and can't get up) listed "become a helper".
            found = {hit.key for hit in ([rest.answer] if rest.answer else []) + rest.alternatives}
            listed = [hit for hit in listed if hit.key in found]
        return SearchResult(
            answer=result.answer,
            alternatives=listed,
            emergency=stays,
            understood=True,
            emergency_match=match,
            confidence=result.confidence,
            semantic=result.semantic,
        )

    def _shouted(self, text: str, lang: str) -> bool:
        """Whether `text` has an emergency service's name as a sentence of its own, with an exclamation
        mark ("Polizei!", "Polis!"): a call for the service, not a word of a question about it ("ich habe
        einen Brief von der Polizei bekommen")."""
        for part in _SHOUTED.findall(text):
            alone = self.emergency.detect(self.for_detection(part, lang), guesses=False)
            if alone is not None and alone.service and not alone.rest.strip():
                return True
        return False

    def search(
        self,
        query: str,
        lang: str,
        district: str | None = None,
        limit: int = 3,
        known: frozenset[str] = frozenset(),
    ) -> SearchResult:
        """The ranking and its outcome, without emergency or small-talk detection. ``known``: words (folded)
        the bot knows though no entry has them, the emergency trigger's ("verzweifelt")."""
        return self._searched(query, lang, district, limit, known)[0]

    def _searched(
        self, query: str, lang: str, district: str | None, limit: int, known: frozenset[str]
    ) -> tuple[SearchResult, np.ndarray | None]:
        """`search`, and the model's vector of the message (None without the model), for
        ``_in_its_script``."""
        # Both readings: a Russian resident may also write German or English in Latin letters.
        query = self.with_latin_reading(query, lang)
        vector = self._vector(query)
        return self._rank(query, lang, district, limit, known, vector), vector

    def _vector(self, query: str) -> np.ndarray | None:
        """The model's vector of ``query`` (None without the model or before the content's vectors)."""
        semantic = self.embedder is not None and self.semantic_ready
        # What a question is about is said at its start; a pasted letter of 4,000 characters would cost
        # the model a second.
        return self.embedder.query(query[:MAX_EMBEDDED]) if semantic and self.embedder else None

    @staticmethod
    def _in_its_script(result: SearchResult, others: list[tuple[str, SearchResult]]) -> SearchResult:
        """``result`` (the search in the UI language), or, for a message written in a script the UI
        language does not use, its search in a language of that script (``others``: language and ranking)
        where it is better: an Arabic resident whose Telegram is set to German writes Arabic ("هل يوجد
        دورة ألمانية مع رعاية للأطفال؟" got "I don't know": Arabic words meet no German text, and the
        German calibration is not Arabic's). "Better" by the engine's own outcome and confidence
        (``_better``). Latin script is read as written (Latin-typed Arabic or Russian has its own reading
        in the ar or ru UI). The rankings reuse the model's vector of the UI language's search: the model
        is not asked again, each further language costs a millisecond."""
        if not others:
            return result
        return replace(_best(result, others), other_script=True)

    def _in_other_latin_languages(
        self, query: str, lang: str, district: str | None, limit: int, vector: np.ndarray | None
    ) -> list[tuple[str, SearchResult]]:
        """The rankings of a Latin-script message in the Latin-script languages its UI language's reading
        leaves out (``other_latin_languages``: Turkish and Polish on a German or English phone), where
        the UI language does not know its words and another language does. A Turkish resident whose
        phone is set to German writes "Almanca kursu var mı?": read in German (and English), three of
        its four words are no stop word and no word of any entry; read in Turkish, "var" and "mı" are
        stop words and "almanca" and "kursu" meet the Turkish course. The evidence is the engine's own
        (``LexicalHits.unknown``, no word list): the UI language's reading leaves at least half of the
        message's words unknown, and the other language's leaves fewer. Then the message is ranked in
        that language, the model's vector reused, and ``answer`` keeps the better outcome (``_best``).
        A message in the UI language rarely has half its words unknown ("Wo melde ich meinen Hund an?":
        one of three), so it costs one more lexical reading of it, no ranking."""
        return [
            (code, self._rank(query, code, district, limit, frozenset(), vector, lexical))
            for code, lexical in self._latin_readings(query, lang)
        ]

    def _latin_readings(self, text: str, lang: str) -> list[tuple[str, LexicalHits]]:
        """The lexical readings of a Latin-script ``text`` in the Latin-script languages its UI language
        ``lang`` leaves out (``other_latin_languages``) that know more of its words, where ``lang``'s own
        reading leaves at least half of them unknown to every entry (``LexicalHits.unknown``); none
        otherwise. The evidence of ``_in_other_latin_languages`` and ``written_in``."""
        codes = other_latin_languages(text, lang)
        if not codes:
            return []
        own = self.lexical.search(text, lang)
        if not own.unknown or 2 * own.unknown < own.words:
            return []
        readings = [(code, self.lexical.search(text, code)) for code in codes]
        return [(code, lexical) for code, lexical in readings if lexical.unknown < own.unknown]

    def written_in(self, text: str, lang: str) -> str | None:
        """The language ``text`` is written in where the bot can tell it differs from the UI language
        ``lang``, by the search's own evidence (no word list of its own): a script ``lang`` does not use
        (``other_script_languages``: "ar", "fa", "ru", "uk"), or, in ``lang``'s own script, letters only
        its neighbour uses ("پ" in an Arabic UI is Persian, "і" in a Russian one Ukrainian:
        ``_OWN_LETTERS``); a Latin-script message whose words the UI language mostly does not know and
        Turkish or Polish knows more of (``other_latin_languages``, ``LexicalHits.unknown``, as
        ``_in_other_latin_languages`` reads it). Where the letters do not tell Arabic from Persian or
        Russian from Ukrainian, the script (``ARABIC``, ``CYRILLIC``): a guess would tell a partner the
        wrong language. None where it is ``lang``'s or cannot be told (German or English on a Turkish
        phone: both are read in every UI language). Its start only (``WRITTEN_IN_CHARS``): a long letter
        costs no more."""
        text = text[:WRITTEN_IN_CHARS]
        if lang not in LANGUAGES:
            return None
        others = other_script_languages(text, lang)
        if len(others) == 1:
            return others[0]
        if others:
            return language(others[0]).script
        if (sibling := _told_by_letters(text, lang)) is not None:
            return sibling
        readings = self._latin_readings(text, lang)
        if not readings:
            return None
        fewest = min(lexical.unknown for _code, lexical in readings)
        told = [code for code, lexical in readings if lexical.unknown == fewest]
        return told[0] if len(told) == 1 else None

    def _alarming(self, found: SearchResult, text: str, lang: str, district: str | None, limit: int) -> bool:
        """Whether ``found``, the ranking of the message read in ``lang``, is closer to an emergency
        situation than to any entry (bot/search/situations.py), also without the danger words the
        detector set aside because they say no danger ("droht mir mit Kündigung", "my mom will kill me"):
        then the meaning of the rest of the message is asked ("… und hat mich gewürgt")."""
        if not found.alarming:
            return False
        said = self.emergency.without_set_aside(text)
        if said is None:
            return True
        return bool(said.strip()) and self.search(said, lang, district, limit).alarming

    def _rank(
        self,
        query: str,
        lang: str,
        district: str | None,
        limit: int,
        known: frozenset[str],
        vector: np.ndarray | None,
        lexical: LexicalHits | None = None,
    ) -> SearchResult:
        """The ranking of ``query`` read in ``lang`` (its words, and its ``vector`` if there is one)."""
        if lexical is None:
            lexical = self.lexical.search(query, lang, known)
        denies = _denies_one_thing(query, lang, lexical)
        if vector is not None:
            dense = self.semantic.scores(vector, scope(lang), lexical.scores)
            calibration = self.semantic.calibrations.get(lang)
            return self._hybrid(lexical, dense, district, limit, calibration, denies)
        return self._lexical(lexical, district, limit, denies)

    def _serves(self, index: int, district: str | None) -> bool:
        return self.entries[index].serves(district)

    def _hit(self, index: int, score: float) -> Hit:
        entry = self.entries[index]
        return Hit(entry.id, entry.kind, score)

    def _hybrid(
        self,
        lexical: LexicalHits,
        dense: dict[int, float],
        district: str | None,
        limit: int,
        calibration: Calibration | None,
        denies: bool = False,
    ) -> SearchResult:
        floor = calibration.floor if calibration is not None else FLOOR
        answer = calibration.answer if calibration is not None else ANSWER

        def meaning(index: int, cosine: float) -> float:
            if calibration is not None:
                cosine -= calibration.background[index]  # a hub close to everything counts for less
            return cosine

        def fuse(index: int, cosine: float, things: bool = False) -> float:
            cosine = meaning(index, cosine)
            scores, matched = (
                (lexical.things, lexical.things_matched) if things else (lexical.scores, lexical.matched)
            )
            score = scores.get(index, 0.0)
            if not score:
                return cosine
            share = matched[index] / lexical.words
            return cosine + LEX_WEIGHT * score / (score + LEX_HALF) * share

        situation = dense.pop(self.semantic.emergency, 0.0)
        # The situations' everyday counterparts (a sick child, a hospital stay, a cancelled appointment):
        # one closer than every situation says no emergency (it needs no margin over them, as an entry).
        everyday = dense.pop(self.semantic.everyday, 0.0) - SITUATION_MARGIN
        closest = max(everyday, max(dense.values(), default=0.0))
        # Closer to an emergency situation than to anything the content offers: the numbers come first.
        lead = situation - closest
        alarming = situation >= SITUATION and lead >= SITUATION_MARGIN
        fused = {i: fuse(i, s) for i, s in dense.items() if self._serves(i, district)}
        if not fused:
            return SearchResult(reason="no_match", semantic=True, alarming=alarming, situation_lead=lead)
        ranked = sorted(fused, key=lambda i: -fused[i])
        top = ranked[0]
        best = fused[top]
        confidence = _confidence(best, floor, answer)
        if best < floor:
            return SearchResult(
                reason="no_match",
                confidence=confidence,
                semantic=True,
                alarming=alarming,
                situation_lead=lead,
            )
        runner_up = fused[ranked[1]] if len(ranked) > 1 else 0.0
        lexical_best = max(lexical.scores, key=lambda i: lexical.scores[i], default=None)
        confident = best >= answer and best - runner_up >= MARGIN and lexical_best == top
        if confident and meaning(top, dense[top]) < answer and _one_word_of_something_else(lexical, top):
            # "Wo melde ich meinen Hund an?" (no dog here): the sign-up FAQ shares one word with it, a verb
            # that says how, not what ("anmelden", "записаться", "register"). That word is also what makes
            # the model find it close: the FAQ's questions are short and general ("Wo melde ich mich an?"),
            # so their meaning is little more than the verb. The answer must be close by meaning alone.
            confident = False
        if confident and denies and meaning(top, dense[top]) < answer:
            # "це не відповідь", "das ist keine Antwort", "to nie jest kurs": a denial and one word, the title
            # word of an entry. It may say the last answer was not what she wanted, not ask for that entry;
            # only the meaning, not the one shared word, can make it the answer ("Nobody has answered.").
            confident = False
        # An offer for one group only is no confident answer unless the message is clearly for that group
        # (``_for_whom_unclear``); it stays among the choices, first where it was.
        if confident and self.entries[top].only_for is not None:
            meant = {i: meaning(i, dense[i]) for i in fused}
            confident = not self._for_whom_unclear(lexical, top, meant)
        if confident and lexical.genders:
            # Words naming a person ("маме", "школьник", "Mutter") say whom a message is about, and an
            # entry's keywords name its audience with the same words (bot/search/persons.py): the answer
            # must be as clear without them.
            plain = {i: fuse(i, dense[i], things=True) for i in fused}
            others = max((v for i, v in plain.items() if i != top), default=0.0)
            confident = plain[top] >= answer and plain[top] - others >= MARGIN
        # A confident answer keeps the entries almost as close (ask --json shows them); a choice is always
        # between the best two or three ("is it one of these?" with one entry is no choice).
        near = [i for i in ranked[1:limit] if not confident or fused[i] >= best - CHOICE_GAP]
        hits = [self._hit(i, fused[i]) for i in near]
        if confident:
            return SearchResult(
                answer=self._hit(top, best),
                alternatives=hits,
                understood=True,
                confidence=confidence,
                semantic=True,
                alarming=alarming,
                situation_lead=lead,
            )
        return SearchResult(
            alternatives=[self._hit(top, best), *hits],
            understood=True,
            confidence=confidence,
            semantic=True,
            alarming=alarming,
            situation_lead=lead,
        )

    def _for_whom_unclear(
        self, lexical: LexicalHits, index: int, meant: dict[int, float] | None = None
    ) -> bool:
        """Whether entry ``index``, open to one group only (``only_for``), may not be for whom the message
        asks. Only for women: clear when the message names a woman or a girl ("Ich bin Mutter und will
        wieder arbeiten"; a woman may also name her husband: "mein Mann arbeitet, ich suche einen
        Deutschkurs"), unclear when it asks for a man or a boy alone ("mein sohn findet keine ausbildung",
        "Deutschkurs für meinen Mann", also German in a Turkish chat: bot/search/persons.py). A message
        that names neither ("Deutschkurs", "where can I learn German", "iş bulmak için yardım") is
        unclear with the model: half of those who write it are men, and being *about* the thing asked is
        not being *for* whom asks. Closeness by meaning cannot tell that: the women's German course is the
        entry closest to "Deutschkurs" because it is a German course, not because a woman asked (the
        exploratory test of 7 December 2026: five languages got it as the one answer, not the language
        café open to all; bench/eval/explore-dev-whom.jsonl). It stays first among the choices, beside
        what is open to all. For a group other than women (none in the content yet) the entry must be
        closer by meaning (``meant``: the cosine less the entry's background) than every entry open to
        all. Without the model (``meant`` None) only the words can tell, and a lead by them is kept: the
        German course stays the answer to "almanca kursu var mı" until the vectors are there (a stricter
        rule cost more right answers than wrong ones on the dev sets, BENCHMARKS.md)."""
        if self.entries[index].only_for == "women" and lexical.genders & {"m", "f"}:
            return "f" not in lexical.genders
        if meant is None:
            return False
        if self.entries[index].only_for == "women":
            return True
        open_to_all = (v for i, v in meant.items() if self.entries[i].only_for is None)
        return meant[index] <= max(open_to_all, default=float("-inf"))  # none open to all: it is clear

    def _lexical(
        self, lexical: LexicalHits, district: str | None, limit: int, denies: bool = False
    ) -> SearchResult:
        # As in the fusion, a match of few of the question's words counts for less.
        scores = {
            i: s * lexical.matched[i] / lexical.words
            for i, s in lexical.scores.items()
            if self._serves(i, district)
        }
        ranked = sorted(scores, key=lambda i: -scores[i])
        if not ranked or scores[ranked[0]] < LEX_FLOOR:
            return SearchResult(reason="no_match")
        top = ranked[0]
        best = scores[top]
        runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
        confident = best >= LEX_ANSWER and best >= LEX_RATIO * runner_up
        confident = confident and not self._for_whom_unclear(lexical, top)
        # Without the model nothing can vouch for an entry that shares one word with a message about
        # something else (``_one_word_of_something_else``).
        confident = confident and not _one_word_of_something_else(lexical, top)
        confident = confident and not denies  # nor a denial of the one word it names (``_denies_one_thing``)
        confidence = round(0.5 + 0.25 * min(2.0, (best - LEX_FLOOR) / (LEX_ANSWER - LEX_FLOOR)), 3)
        near = [i for i in ranked[1:limit] if scores[i] >= max(LEX_FLOOR, best / LEX_RATIO)]
        hits = [self._hit(i, scores[i]) for i in near]
        if confident:
            return SearchResult(
                answer=self._hit(top, best), alternatives=hits, understood=True, confidence=confidence
            )
        return SearchResult(
            alternatives=[self._hit(top, best), *hits], understood=True, confidence=confidence
        )


def other_script_languages(query: str, lang: str) -> tuple[str, ...]:
    """The languages (bot/languages.py) written in the script of ``query`` where ``lang`` is not: "ar" and
    "fa" for a message in Arabic letters in a German or Turkish UI, "ru" and "uk" for one in Cyrillic;
    none where ``lang`` uses the script or the message is in Latin letters (or mixed: its script is the
    one of more than half of its words). Only one of them where the message has letters only that one uses
    (``_OWN_LETTERS``: "ы" is Russian, "پ" Persian): read in its neighbour, "устала от работы" alarmed as
    Ukrainian, "بطارية هاتفي فارغة" as Persian (review rv20; explore-dev-xalarm false alarms 21 → 19 of 48,
    emergencies 31/34 and explore-dev-xscript unchanged)."""
    if lang not in LANGUAGES:
        return ()
    scripts = [script_of(word) for word in raw_tokens(query)]
    scripts = [script for script in scripts if script not in (DIGIT, OTHER)]
    written = max(set(scripts), key=scripts.count, default=LATIN)
    if written == LATIN or written == language(lang).script or 2 * scripts.count(written) <= len(scripts):
        return ()
    codes = tuple(
        entry.code for entry in REGISTRY if entry.script == written and entry.counts_as == entry.code
    )
    # Letters only one language of the script uses say which one it is (Persian پ چ ژ گ ی ک, Arabic ة ى ي
    # ك; Russian ы э ъ ё, Ukrainian і ї є ґ); without them, or with both kinds, either may be meant.
    told = [code for code in codes if _OWN_LETTERS.get(code, frozenset()) & set(query)]
    return tuple(told) if len(told) == 1 else codes


def small_talk_language(query: str, lang: str) -> str | None:
    """The language a greeting, "how are you" or thank-you is in where the UI language ``lang`` is another
    ("Merhaba", "مرحبا", "Привет" on a German phone), as the search would read it in (``read_in``): one of the
    languages of its script (``other_script_languages``) or of the Latin-script ones ``lang`` does not read
    (``other_latin_languages``), whose list of such words has it (``small_talk_languages``); in Arabic or
    Cyrillic letters that none has, the script's language if only one may be meant. None if none or
    several ("hi" is German and English)."""
    scripts = other_script_languages(query, lang)
    others = scripts or other_latin_languages(query, lang)
    said = [code for code in others if code in small_talk_languages(query)]
    if not said and len(scripts) == 1:
        said = list(scripts)  # "спасибки": no word of the lists, Russian by its letters
    return said[0] if len(said) == 1 else None


def other_latin_languages(query: str, lang: str) -> tuple[str, ...]:
    """The Latin-script languages a message in Latin letters (more than half of its words) may be written
    in that its Latin-script UI language ``lang`` does not read (bot/search/normalize.py ``scope``: the
    own language, German, English): Turkish and Polish in a German or English UI, Polish in a Turkish
    one. None for a UI language in another script (its Latin-typed messages have their own reading)."""
    if lang not in LANGUAGES or language(lang).script != LATIN:
        return ()
    scripts = [script_of(word) for word in raw_tokens(query)]
    scripts = [script for script in scripts if script not in (DIGIT, OTHER)]
    if not scripts or 2 * scripts.count(LATIN) <= len(scripts):
        return ()
    read = {counts_as(code) for code in scope(lang)}
    return tuple(
        entry.code
        for entry in REGISTRY
        if entry.script == LATIN and entry.counts_as == entry.code and entry.code not in read
    )


def _told_by_letters(query: str, lang: str) -> str | None:
    """The neighbour of ``lang`` in its own non-Latin script (Persian beside Arabic, Ukrainian beside
    Russian) whose own letters (``_OWN_LETTERS``) a message mostly in that script has, where it has none
    of ``lang``'s own: a Ukrainian resident's Russian, an Afghan resident's Dari on an Arabic phone."""
    if lang not in LANGUAGES or language(lang).script == LATIN:
        return None
    ui = counts_as(lang)
    script = language(lang).script
    scripts = [s for s in (script_of(word) for word in raw_tokens(query)) if s not in (DIGIT, OTHER)]
    if not scripts or 2 * scripts.count(script) <= len(scripts):
        return None
    letters = set(query)
    told = [
        entry.code
        for entry in REGISTRY
        if entry.script == script
        and entry.counts_as == entry.code
        and _OWN_LETTERS.get(entry.code, frozenset()) & letters
    ]
    return told[0] if len(told) == 1 and told[0] != ui else None


_OWN_LETTERS = {
    "fa": frozenset("پچژگیک"),
    "ar": frozenset("ةىيك"),
    "ru": frozenset("ыэъёЫЭЪЁ"),
    "uk": frozenset("іїєґІЇЄҐ"),
}


def _best(result: SearchResult, others: list[tuple[str, SearchResult]]) -> SearchResult:
    """The best (``_better``) of ``result`` and the rankings in ``others`` (language and ranking); on a
    tie ``result``. One of ``others`` that wins says its language (``read_in``): the resident may be
    offered to go on in it."""
    for other, found in others:
        if _better(found, result):
            result = replace(found, read_in=other)
    return result


def _better(found: SearchResult, than: SearchResult) -> bool:
    """Whether ``found`` is a better outcome than ``than`` by the engine's own rules: a confident answer
    over choices over "I don't know", and within one outcome the higher confidence (the fused score spread
    over the language's own floor and answer threshold, ``_confidence``: comparable across languages)."""

    def rank(result: SearchResult) -> tuple[int, float]:
        return (2 if result.answer else 1 if result.alternatives else 0), result.confidence

    return rank(found) > rank(than)


def _trigger_words(query: str, match: EmergencyMatch | None) -> frozenset[str]:
    """The words of ``query`` (folded) that the emergency trigger ``match`` matched: known to the bot,
    though no entry has them ("Ich bin ganz verzweifelt mit der Steuererklärung": not a message about
    something the content lacks, ``_one_word_of_something_else``)."""
    if match is None:
        return frozenset()
    return frozenset(tokenize(query)) - frozenset(tokenize(match.rest))


def _one_word_of_something_else(lexical: LexicalHits, index: int) -> bool:
    """Whether entry ``index`` shares at most one content word with a message that also names something no
    entry has (``LexicalHits.unknown``: a flat, a dog, a car): one shared word ("anmelden", "register",
    "ثبت") is a word the message and the entry have in common, not evidence that the entry is what it asks
    about. With two shared words ("Deutschkurs" and "Kinderbetreuung") it is; a word that names a person or
    a stop word kept as a keyword ("wo") does not count (measured on the dev sets: BENCHMARKS.md)."""
    return lexical.unknown > 0 and lexical.content_matched.get(index, 0) <= 1


def _denies_one_thing(query: str, lang: str, lexical: LexicalHits) -> bool:
    """Whether ``query`` denies what one thing is: a word that denies what something is (a demonstrative or
    copula beside it, bot/search/negation.py) and at most one other word that can carry an answer ("das ist
    keine Antwort", "это не курс", "not an answer"). Such a message may be about the bot's last answer
    ("that's not the answer"), not a question about the thing it names; "Ich spreche kein Deutsch" names
    two. A denial that it exists or came ("noch keine Antwort", "ещё нет ответа", "no reply", review rv16)
    is the need itself and keeps its answer."""
    denied = set(negations(query))
    if not denied or not denies_what_it_is(query):
        return False
    counted = {w.surface for w in query_words(query, lang) if w.surface in denied and not w.stop}
    return lexical.words - len(counted) <= 1


def _a_thing_to_do(answer: Hit | None) -> bool:
    """Whether an entry (a confident answer) is something to do, not an organisation or a place
    (``ORGANISATIONS``)."""
    return answer is not None and answer.kind not in ORGANISATIONS


def _names_a_thing_to_do(result: SearchResult) -> bool:
    """Whether a message clearly names a thing to do that the content has: its best entry is one
    (``_a_thing_to_do``) and as close as a confident answer needs (``STRONG``), even if another entry is
    too close behind for one answer (the FAQ and the offer about letters from offices)."""
    best = result.answer or (result.alternatives[0] if result.alternatives else None)
    return _a_thing_to_do(best) and (result.answer is not None or result.confidence >= STRONG)


def _below_the_numbers(result: SearchResult) -> list[Hit]:
    """The entries a soft emergency screen lists below the numbers: what the search found (what it would
    show without the alarm), and when the message's meaning is closer to an emergency than to any entry,
    only if it also clearly names one (``_names_a_thing_to_do``: "мой ребёнок пропал" → childcare).
    Never entries below the floor of "I don't know", nor weak ones under an emergency by
    meaning: under the numbers they read as the bot's answer to someone reporting violence or wanting to
    die ("a neighbourhood run", "how can I volunteer?"), and a resident who meant something else gains
    little from them; she has *Ask a person* and the menu, as after "I don't know"."""
    hits = ([result.answer] if result.answer else []) + result.alternatives
    if result.situation_lead is not None and result.situation_lead >= 0:
        if not _names_a_thing_to_do(result):
            return []
        # What the message clearly names: the best entry and those as close to it as a confident
        # answer's neighbours ("طفلي مفقود": childcare, not the privacy FAQ behind it).
        return [hit for hit in hits if hit.score >= hits[0].score - CHOICE_GAP]
    return hits


def _confidence(fused: float, floor: float, answer: float) -> float:
    """The fused score spread over 0–1: 0.5 at the floor of "I don't know", 0.75 at a confident answer."""
    return round(min(1.0, max(0.0, 0.5 + (fused - floor) / max(answer - floor, 0.01) * 0.25)), 3)


def events_topic(catalogue: Any) -> str | None:
    """The topic the events belong to: the one most events name first (None without events)."""
    counts: dict[str, int] = {}
    for event in (getattr(catalogue, "events", None) or {}).values():
        topics = list(getattr(event, "topics", None) or ())
        if topics:
            counts[topics[0]] = counts.get(topics[0], 0) + 1
    return max(counts, key=lambda topic: counts[topic]) if counts else None
