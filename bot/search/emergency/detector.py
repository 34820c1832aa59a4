"""The emergency detector (bot/search/emergency/__init__.py says what counts as an emergency and why):
``EmergencyDetector`` finds the triggers of a message and decides which one fires, ``EmergencyMatch`` is
what it found. The built-in triggers are compiled once per process (``_builtin_triggers``), and so is
each content phrase (``_content_trigger``) and the general word lists (``_common_latin``): a content load
(``EmergencyDetector.with_builtin``) compiles only what its content changed.

Over 400 lines on purpose: ``detect`` and the checks it runs in order (an offer named, a station,
air, a name, a set-aside rule) decide together whether the numbers are shown; kept in one class, the
reader sees which check wins. The word lists are in words.py, the matching of one word in matching.py,
what a found trigger means beside the other words in rules.py.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from bot.languages import counts_as
from bot.search.emergency.matching import (
    KNOWN_STEM,
    MATCH,
    MISS,
    OTHER,
    Message,
    Trigger,
    Word,
    compile_trigger,
    content_words,
    contiguous,
    near_misses,
    typo_kind,
)
from bot.search.emergency.rules import (
    a_complaint,
    a_relative,
    aimed_at_her,
    an_idiom,
    asks_for_help_with,
    compound,
    done_to_her,
    not_hitting,
    separable,
    verb_after,
)
from bot.search.emergency.words import (
    AIR_THINGS,
    AIR_WORDS,
    BUILTIN_HARD,
    BUILTIN_KILL,
    BUILTIN_SOFT,
    CONSEQUENCES,
    CONTEXT_WORDS,
    DIE_FOR_YOU,
    DONE_TO_HER,
    FONDLY_AFTER,
    FONDLY_BEFORE,
    MEDIA_WORDS,
    OBJECT_PRONOUNS,
    READ_ALSO,
    READ_AS_STARTS,
    REQUEST_WORDS,
    SERVICE_CALLS,
    STATION_WORDS,
    SUBJECT_PRONOUNS,
    URGENT_WORDS,
    WISH_TO_DIE,
)
from bot.search.normalize import SCRIPT_OF_LANG, fold, raw_tokens, script_of, stem, stop_words
from bot.search.translit import LatinReader, common_words

MAX_GAP = 3
WORD_MEMO = 8192  # message words whose candidate triggers a detector keeps (``_by_folded``)
#: The Latin-script languages a resident of a language with its own script writes too: their words are
#: never read back into her script (``LatinReader``).
LATIN_WRITTEN = ("de", "en")


@dataclass(frozen=True, slots=True)
class EmergencyMatch:
    """Which trigger fired; ``emergency_id`` is the content entry it came from (None = built-in list)."""

    trigger: str
    lang: str
    emergency_id: str | None
    hard: bool = True
    rest: str = ""  # the message without the words that matched the trigger
    call: bool = False  # the trigger is a call for help ("допоможіть!"): asking for help *with* something
    phrase: bool = False  # the trigger has more than one word ("schlägt mich", "beats me", "in danger")
    guess: bool = False  # a word matched only as a ``GUESS`` (one wrong letter in a short word)
    other_word: bool = False  # ...and that letter is no neighbouring key of the right one (``OTHER``)
    service: bool = False  # the trigger is one word naming an emergency service ("Polizei", "полиция")
    threat: bool = False  # the trigger tells a threat and no killing ("bedroht", "tehdit", "угрожает")
    aimed: bool = False  # ...aimed at her, her children or "us" (``AIMED_WORDS``: "bedroht mich")
    kill: bool = False  # the trigger tells a threat to kill (``BUILTIN_KILL``); ``aimed`` as for a threat


# The built-in lists compiled once per process, not at every content load (a reload, each `ask`): they do
# not depend on the content, and their triggers are frozen. A tenth of a second per engine.
@functools.cache
def _builtin_triggers() -> tuple[Trigger, ...]:
    """The built-in triggers: hard and soft phrases, threats to kill, calls of an emergency service."""
    triggers: list[Trigger] = []
    for table, hard in ((BUILTIN_HARD, True), (BUILTIN_SOFT, False)):
        for lang, phrases in table.items():
            triggers.extend(t for p in phrases if (t := compile_trigger(p, lang, hard, None)))
    for lang, phrases in BUILTIN_KILL.items():
        triggers.extend(
            t for p in phrases if (t := compile_trigger(p, lang, True, None, stems=False, kill=True))
        )
    for lang, (services, verbs) in SERVICE_CALLS.items():
        # the verb first where it is a whole word: prefix triggers are tried on every message
        calls = [
            f"{verb} {service}" if not verb.endswith("*") else f"{service} {verb}"
            for service in services
            for verb in verbs
        ]
        triggers.extend(t for p in calls if (t := compile_trigger(p, lang, False, None, stems=False)))
    return tuple(triggers)


@functools.cache
def _builtin_words() -> tuple[tuple[Trigger, ...], ...]:
    """The context words, things in the air, station words and consequences, compiled."""
    return tuple(
        tuple(t for p in words if (t := compile_trigger(p, "de", False, None)))
        for words in (CONTEXT_WORDS, AIR_THINGS, STATION_WORDS, CONSEQUENCES)
    )


def _may_start(folded: str, prefix: str) -> bool:
    """Whether the message word ``folded`` may be read as the prefix word ``prefix`` (``Message.matches``:
    it starts with it, or its start is it with one typo), a known word aside."""
    return folded.startswith(prefix) or (
        len(prefix) >= 6 and typo_kind(folded[: len(prefix)], prefix) != MISS
    )


def _known_of(words: Iterable[str], patterns: Iterable[Word], lang: str) -> frozenset[str]:
    """The ``words`` of ``lang`` that one typo would turn into one of ``patterns``, and the stems of all
    ``words`` (``KNOWN_STEM``): what ``EmergencyDetector`` never reads as a typo."""
    words = set(words)
    return near_misses({fold(w) for w in words}, patterns) | {
        KNOWN_STEM + stem(w, lang) for w in words if len(w) >= 4
    }


@functools.cache
def _common_latin() -> frozenset[str]:
    """The general word lists of ``LATIN_WRITTEN`` (``common_words``), the same for every content."""
    return frozenset().union(*(common_words(lang) for lang in LATIN_WRITTEN))


@functools.cache
def _builtin_hard() -> Mapping[tuple[str, tuple[str, ...]], tuple[Word, ...]]:
    """The built-in hard triggers' words, by language and words as folded (``_content_trigger``)."""
    return {(t.lang, tuple(w.word for w in t.words)): t.words for t in _builtin_triggers() if t.hard}


# A content phrase is compiled once per process (a bounded cache): a reload with the same triggers, as most
# are, compiles none again. Each depends only on its phrase, language and entry, and is frozen.
@functools.lru_cache(maxsize=4096)
def _content_trigger(phrase: str, lang: str, emergency_id: str) -> Trigger | None:
    """The content's trigger ``phrase`` of ``lang`` (the analyser's language) for entry ``emergency_id``.

    A soft content phrase that repeats a built-in hard one is read as the built-in one, with its words as
    compiled there: "bringe mich um" and "mich töten" are soft here (the stop words leave one content
    word), and as soft phrases their verb would inflect ("Kopfschmerzen bringen mich um" would fire).
    Whether a verb with "me" inflects cannot be told from the phrase alone: a soft phrase of the same shape
    must inflect ("verfolgt mich" fires on "ein Mann verfolgte mich")."""
    # "yardım edin!": a call for help is soft even as a phrase (the package's docstring)
    call = phrase.rstrip().endswith("!")
    phrase = phrase.rstrip().rstrip("!").rstrip()
    hard = content_words(phrase, lang) > 1 and not call
    compiled = compile_trigger(phrase, lang, hard, emergency_id, call)
    if compiled:
        same = _builtin_hard().get((lang, tuple(w.word for w in compiled.words)))
        if same is not None and not hard:
            compiled = replace(compiled, words=same)
    return compiled


class EmergencyDetector:
    """Finds emergency triggers in a message. Build once (``with_builtin``), then call :meth:`detect`.

    Triggers are indexed by their first word (exact form, stem, one-letter deletions for typos); prefix
    triggers are few and checked directly. Only the candidate triggers of a message are then matched in
    full, so detection costs microseconds per word, not a pass over hundreds of phrases.
    """

    def __init__(
        self,
        triggers: Iterable[Trigger],
        context: Iterable[Trigger],
        air: Iterable[Trigger] = (),
        stations: Iterable[Trigger] = (),
        known: Mapping[str, Iterable[str]] | None = None,
        consequences: Iterable[Trigger] = (),
        names: Iterable[str] = (),
    ) -> None:
        # Hard triggers first, calls for help last: a call is the weakest evidence, and a danger word in the
        # same message ("yardım edin, annemin kafası kanıyor") must be the match the engine weighs, with
        # the call in its rest, not a call whose rest an entry's name answers.
        self._triggers = sorted(triggers, key=lambda t: (not t.hard, t.call, -len(t.words)))
        # Per language, the known words that one typo would turn into a trigger word: these are no typo.
        patterns: dict[str, list[Word]] = defaultdict(list)
        known_words = {lang: set(words) for lang, words in (known or {}).items()}
        for trigger in self._triggers:
            patterns[trigger.lang].extend(trigger.words)
        # ...and the stems of all known words: another form of a known word is no typo either.
        self._known = {
            lang: _known_of(words, patterns[lang], lang)
            for lang, words in known_words.items()
            if lang in patterns
        }
        # the content's names of two words or more, by word: "SOS-Mütterzentrum" (``_in_a_name``)
        self._names: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for name in {tuple(fold(w) for w in raw_tokens(name)) for name in names}:
            if len(name) > 1:
                for word in set(name):
                    self._names[word].append(name)
        self._context = list(context)
        self._air = list(air)
        self._stations = list(stations)
        self._consequences = list(consequences)
        # the services' names as single words ("polizei", "polis*", "policj*"): SERVICE_CALLS
        self._services = [
            Word(fold(name.rstrip("*")), name.endswith("*"), "")
            for services, _verbs in SERVICE_CALLS.values()
            for name in services
            if " " not in name
        ]
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._by_stem: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._prefixed: list[int] = []
        for position, trigger in enumerate(self._triggers):
            first = trigger.words[0]
            if first.prefix:
                self._prefixed.append(position)
                continue
            self._by_word[first.word].append(position)
            if len(first.word) >= 6:
                for deletion in {first.word[:i] + first.word[i + 1 :] for i in range(len(first.word))}:
                    self._by_word[deletion].append(position)
            if first.stem:
                self._by_stem[(trigger.lang, first.stem)].append(position)
        self._stem_langs = sorted({lang for lang, _ in self._by_stem})
        self._word_memo: dict[str, tuple[int, ...]] = {}  # ``_by_folded``
        # Latin-typed Arabic, Persian, Russian, Ukrainian read back into the words all these rules know
        by_lang: dict[str, list[str]] = defaultdict(list)
        starts: dict[str, list[str]] = defaultdict(list)
        for trigger in self._triggers:
            for w in trigger.words:
                (starts if w.prefix else by_lang)[trigger.lang].append(w.word)
        rules = [w for t in (*self._context, *self._stations, *self._consequences) for w in t.words]
        self._reader = LatinReader(
            by_lang,
            starts,
            [w.word for w in rules if not w.prefix] + [w for group in READ_ALSO for w in group],
            [w.word for w in rules if w.prefix] + [w for group in READ_AS_STARTS for w in group],
            # never a German or English word she wrote ("near", "war", "bei Mama"): their stop words, the
            # content's words and a general word list, and the other forms of the content's (their stems)
            {fold(w) for lang in LATIN_WRITTEN for w in known_words.get(lang, ())},
            {
                lang: {stem(w, lang) for w in known_words.get(lang, ()) if len(w) >= 4}
                for lang in LATIN_WRITTEN
            },
            [[w.word for w in t.words] for t in self._triggers if len(t.words) > 1],
            [t.words[0].word for t in self._triggers if len(t.words) == 1],
            kill=[w.word for t in self._triggers if t.kill for w in t.words],
            common=_common_latin(),
        )

    def latin_reading(self, text: str, lang: str) -> str | None:
        """``text`` as a resident of ``lang`` meant it, where she typed her script's words in Latin letters
        (bot/search/translit.py: "zawji yadribuni" → "زوجي يضربني"); None when no word was read."""
        return self._reader.read(text, lang)

    @classmethod
    def with_builtin(
        cls,
        content_triggers: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
        texts: Mapping[str, Iterable[str]] | None = None,
        names: Iterable[str] = (),
        words: Mapping[str, Iterable[str]] | None = None,
    ) -> EmergencyDetector:
        """The built-in safety list plus ``content_triggers``: emergency id → language → phrases.
        The known words, which are never read as a typo of a trigger, are each language's stop words and
        the words of ``texts`` (language → the content's texts) or ``words`` (language → their words, as
        ``raw_tokens`` splits them: ``LexicalIndex.vocabulary``); ``names``: the content's names of
        partners, offers, events and places, in which a trigger is none (``_in_a_name``)."""
        known: dict[str, set[str]] = defaultdict(set)
        for lang in SCRIPT_OF_LANG:
            known[lang].update(stop_words(lang))
        for lang, lang_texts in (texts or {}).items():
            known[counts_as(lang)].update(word for text in lang_texts for word in raw_tokens(text))
        for lang, lang_words in (words or {}).items():  # the content's words, already split (raw_tokens)
            known[counts_as(lang)].update(lang_words)
        triggers = list(_builtin_triggers())
        # (a soft content phrase that repeats a built-in hard one is read as that one: ``_content_trigger``)
        for emergency_id, by_lang in (content_triggers or {}).items():
            for lang, content_phrases in by_lang.items():
                triggers.extend(
                    compiled
                    for phrase in content_phrases
                    if (compiled := _content_trigger(phrase, counts_as(lang), emergency_id)) is not None
                )
        context, air, stations, consequences = (list(words) for words in _builtin_words())
        return cls(triggers, context, air, stations, known, consequences, names)

    def _find(self, trigger: Trigger, message: Message, guesses: bool = True) -> tuple[set[int], int] | None:
        """Positions of all trigger words within a window of ``len(words) + MAX_GAP`` message words, in
        any order ("mąż mnie bije" and "bije mnie", "atmet nicht" and "nicht atmen"), and the weakest way
        a word matched (``MATCH``, ``GUESS`` or ``OTHER``; the last two not counted when ``guesses`` is
        False); or None. A one-word call for help
        that is part of a request (``asks_for_help_with``) does not count there."""
        n = len(message.folded)
        words = trigger.words
        known = self._known.get(trigger.lang, frozenset())
        for start in range(n):
            first = message.matches(start, words[0], trigger.lang, known)
            if first == MISS or (first != MATCH and not guesses):
                continue
            if trigger.call and len(words) == 1 and asks_for_help_with(message.folded, start, trigger.lang):
                continue
            used = {start}
            weakest = first
            # The words of a phrase in one clause: "ev sahibi tehdit ediyor, kocam işsiz" (the landlord
            # threatens, my husband is out of work) is no "kocam tehdit ediyor" (my husband threatens).
            window = [
                i
                for i in range(max(0, start - len(words) - MAX_GAP), min(n, start + len(words) + MAX_GAP))
                if message.clause[i] == message.clause[start]
            ]
            if len(words) > 1 and len({w.word for w in words}) == 1:
                # A repeated cry ("Hilfe! Hilfe!"): one word said again at once, not twice in a sentence
                # ("Danke für Ihre Hilfe. Mein Sohn braucht auch Hilfe bei Bewerbungen").
                window = list(range(start + 1, min(n, start + len(words))))
            for word in words[1:]:
                found = next(
                    (
                        (i, kind)
                        for i in window
                        if i not in used
                        and (kind := message.matches(i, word, trigger.lang, known)) != MISS
                        and (kind == MATCH or guesses)
                    ),
                    None,
                )
                if found is None:
                    break
                used.add(found[0])
                weakest = max(weakest, found[1])
            else:
                return used, weakest
        return None

    def _set_aside(self, trigger: Trigger, used: set[int], message: Message) -> set[int]:
        """The words to set aside when the words of ``trigger`` at ``used`` say no danger, or an empty set:
        a kill idiom ("das bringt mich um", "my mom will kill me"), a threat with an everyday consequence
        ("droht mir mit Sanktionen"), "schlägt … vor" (proposes). Only the trigger and the words that make
        it everyday: the rest of the message is judged as any message is."""
        if trigger.kill:
            return an_idiom(used, message, trigger.lang)
        if trigger.hard and trigger.text in WISH_TO_DIE:
            return a_complaint(trigger, used, message)
        if len(used) == 1 and message.folded[min(used)] in DIE_FOR_YOU:
            i = min(used)
            before = message.folded[max(0, i - 2) : i]
            after = message.folded[i + 1 : i + 2]
            if any(w in FONDLY_BEFORE for w in before) or any(w in FONDLY_AFTER for w in after):
                return used  # "الهی بمیرم", "بمیرم برات": sympathy
            return set()
        if trigger.threat and any(word in MEDIA_WORDS for word in message.folded):
            return used  # "Im Film droht der Bösewicht …"
        if trigger.threat:
            return self._everyday_threat(used, message)
        if trigger.lang == "fa":
            return compound(used, message)
        if trigger.verb_first:
            return verb_after(trigger, used, message)
        if not_hitting(used, message):
            return used  # "меня колотит от температуры", "haut mich übers Ohr"
        return separable(used, message) if trigger.lang == "de" else set()

    def without_set_aside(self, text: str) -> str | None:
        """``text`` without the danger words that ``detect`` set aside because they say no danger
        (``_set_aside``) and what comes before them in their clause (who threatens), or None when it set
        none aside. The engine judges the meaning of this rest: the
        meaning of the whole message is close to a threat or a violence situation for them too
        ("Арендодатель угрожает выселением", "эта жара меня убьёт"), but not "… und hat mich gewürgt"."""
        message = Message(text)
        aside: set[int] = set()
        for trigger, used, _weakest in self._found(message, False):
            words = self._set_aside(trigger, used, message)
            # ...from the start of its clause: "Der Vermieter droht mir mit Kündigung | und hat mich …"
            if words:
                first = min(words)
                aside |= words | {j for j in range(first) if message.clause[j] == message.clause[first]}
        if not aside:
            return None
        return " ".join(raw for i, raw in enumerate(message.raws) if i not in aside)

    def _everyday_threat(self, threat: set[int], message: Message) -> set[int]:
        """The threat at the words ``threat`` and the everyday consequence its clause names (``CONSEQUENCES``:
        "droht mir mit Sanktionen", "угрожает выселением"), with the words between them and a pronoun
        beside them ("threatens to evict me"); an empty set when there is none, when a relative is
        named anywhere in the message (``a_relative``), or when something is done to her outside them
        (``DONE_TO_HER``)."""
        words = message.folded
        if any(a_relative(word) for word in words):
            return set()
        clauses = {message.clause[i] for i in threat}
        for found in self._consequences_in(message):
            if not any(message.clause[i] in clauses for i in found):
                continue
            both = threat | found
            span = set(range(min(both), max(both) + 1))
            for j in (min(both) - 1, max(both) + 1):  # "threatens to evict me", "beni tahliye ile tehdit"
                if 0 <= j < len(words) and words[j] in DONE_TO_HER:
                    span.add(j)
            return set() if done_to_her(message, span) else span
        return set()

    def _consequences_in(self, message: Message) -> list[set[int]]:
        """The positions of each everyday consequence ``message`` names (``CONSEQUENCES``), in the list's
        order: matched once per message, however many of its words are threats."""
        if message.consequences is None:
            message.consequences = [
                found[0]
                for consequence in self._consequences
                if (found := self._find(consequence, message, False)) is not None
            ]
        return message.consequences

    def _kills_her(self, trigger: Trigger, used: set[int], message: Message) -> bool:
        """Whether the kill trigger at ``used`` threatens her, her children, "us" or a relative: said so by
        the trigger, or for a trigger that names no one (``KILL_WITHOUT_OBJECT``) by a word beside it
        (``aimed_at_her``) or by a relative in the message ("mein Bruder droht, meine Schwester
        umzubringen")."""
        if not trigger.names_no_one:
            return True
        return aimed_at_her(used, message) or any(a_relative(word) for word in message.folded)

    def _names_a_station(self, service: set[int], message: Message) -> bool:
        """Whether the service's name at the words ``service`` names its station ("polis karakolu",
        "police station", "Polizeiwache", "مركز الشرطة"): a station word is that word or right beside it,
        in the same clause. A station further off is where she is ("Polizei! Ich bin an der Bushaltestelle
        und ein Mann verfolgt mich"), not what she asks about."""
        for station in self._stations:
            found = self._find(station, message, False)
            if found is not None and message.next_to(service, found[0]):
                return True
        return False

    def _in_a_name(self, used: set[int], message: Message) -> bool:
        """Whether the trigger words at ``used`` are part of a name the content uses ("Wann hat das
        SOS-Mütterzentrum offen?", "SOS Mütterzentrum nerede?"): they and a word beside them, in one clause,
        are words that follow each other in the name, one of those others of four letters or more. A lone
        "SOS" is still a call for help."""
        folded = message.folded
        first = min(used)
        for name in self._names.get(folded[first], ()):
            for at in (k for k, word in enumerate(name) if word == folded[first]):
                start = first - at
                # the longest run of message words around the trigger that follows the name, in one clause
                run = [
                    i
                    for i in range(max(0, start), min(len(folded), start + len(name)))
                    if folded[i] == name[i - start] and message.clause[i] == message.clause[first]
                ]
                span = set(run)
                around = contiguous(span, first)
                if used <= around and any(i not in used and len(folded[i]) >= 4 for i in around):
                    return True
        return False

    def _names_a_service(self, trigger: Trigger) -> bool:
        """Whether ``trigger`` is one word that names an emergency service ("Polizei", "полиция")."""
        if len(trigger.words) != 1:
            return False
        word = trigger.words[0].word
        return any(word.startswith(s.word) if s.prefix else word == s.word for s in self._services)

    def _by_folded(self, word: str) -> tuple[int, ...]:
        """The triggers whose first word the folded message word ``word`` may be, as written or with one
        typo, by ``word`` alone (the stems are looked up per message): the prefix triggers it starts
        with or nearly does (``Message.matches``; the others cannot match where it stands), and the
        triggers indexed under it or under it less one letter. Kept per word, at most ``WORD_MEMO``."""
        found = self._word_memo.get(word)
        if found is not None:
            return found
        near: set[int] = {
            position
            for position in self._prefixed
            if _may_start(word, self._triggers[position].words[0].word)
        }
        near.update(self._by_word.get(word, ()))
        if len(word) >= 5:
            for deletion in {word[:k] + word[k + 1 :] for k in range(len(word))}:
                near.update(self._by_word.get(deletion, ()))
        found = tuple(near)
        if len(self._word_memo) >= WORD_MEMO:
            self._word_memo.clear()
        self._word_memo[word] = found
        return found

    def _candidates(self, message: Message) -> list[int]:
        found: set[int] = set()
        for i, word in enumerate(message.folded):
            found.update(self._by_folded(word))
            if len(word) >= 4:
                script = script_of(word)
                for lang in self._stem_langs:
                    if SCRIPT_OF_LANG[lang] == script:
                        found.update(self._by_stem.get((lang, message.stem(i, lang)), ()))
        return sorted(found)

    def _found(self, message: Message, guesses: bool) -> Iterator[tuple[Trigger, set[int], int]]:
        """Each trigger ``message`` has, in the order ``detect`` weighs them (hard ones first, calls for
        help last), with the positions of its words and the weakest way one of them matched (``_find``):
        the one loop of ``detect`` and ``without_set_aside``."""
        for position in self._candidates(message):
            trigger = self._triggers[position]
            found = self._find(trigger, message, guesses)
            if found is not None:
                yield trigger, *found

    def detect(self, text: str, guesses: bool = True) -> EmergencyMatch | None:
        """The first matching trigger (hard ones first; one read through a ``GUESS`` only if no other
        trigger matches, through an ``OTHER`` only if no ``GUESS`` does, neither when ``guesses`` is
        False), or None."""
        message = Message(text)
        if not message.folded:
            return None
        in_context: bool | None = None
        fallback: EmergencyMatch | None = None
        for trigger, used, weakest in self._found(message, guesses):
            if not trigger.hard:
                if in_context is None:
                    in_context = any(self._find(c, message, False) is not None for c in self._context)
                if in_context:
                    continue
                if self._names_a_service(trigger) and self._names_a_station(used, message):
                    continue
                if any(w.word in AIR_WORDS for w in trigger.words) and any(
                    self._find(c, message, False) is not None for c in self._air
                ):
                    continue
            if self._names and self._in_a_name(used, message):
                continue
            if self._set_aside(trigger, used, message):
                continue
            left = [i for i in range(len(message.folded)) if i not in used]
            if trigger.call:  # "Hilfe, bitte schnell!" is a call with nothing else (URGENT_WORDS)
                urgent = URGENT_WORDS.get(trigger.lang, frozenset())
                left = [i for i in left if message.folded[i] not in urgent]
                # ...and so is "Ich brauche dringend Hilfe": the rest only says that help is asked for
                asking = REQUEST_WORDS.get(trigger.lang, frozenset()) | SUBJECT_PRONOUNS | OBJECT_PRONOUNS
                if all(message.folded[i] in asking for i in left):
                    left = []
            rest = " ".join(message.raws[i] for i in left)
            match = EmergencyMatch(
                trigger.text,
                trigger.lang,
                trigger.emergency_id,
                trigger.hard,
                rest,
                trigger.call,
                phrase=len(trigger.words) > 1,
                guess=weakest != MATCH,
                other_word=weakest == OTHER,
                service=self._names_a_service(trigger),
                threat=trigger.threat,
                aimed=(trigger.threat and (aimed_at_her(used, message) or done_to_her(message, used)))
                or (trigger.kill and self._kills_her(trigger, used, message)),
                kill=trigger.kill,
            )
            if weakest == MATCH:
                return match
            if fallback is None or (fallback.other_word and not match.other_word):
                fallback = match
        return fallback
