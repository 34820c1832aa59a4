"""What a trigger found in a message means beside the message's other words (bot/search/emergency/
__init__.py): the words that make it say no danger (``an_idiom``: "das bringt mich um"; ``separable``:
"schlägt … vor"; ``compound``: Persian "صدا میزنه"; ``verb_after``: Arabic "ابني ضرب"), whom a threat is
aimed at (``aimed_at_her``, ``done_to_her``, ``a_relative``) and a call for help that is part of a
request (``asks_for_help_with``). Each takes the positions of the trigger's words and the message; the
detector (detector.py) decides when each is asked. The word lists they read are in words.py.
"""

from __future__ import annotations

from bot.search.emergency.matching import MISS, Message, Trigger
from bot.search.emergency.words import (
    ABOUT_WORDS,
    AIM_AFTER,
    AIMED_LATER,
    AIMED_WORDS,
    COMPOUND_VERB_NOUNS,
    DONE_TO_HER,
    EVERYDAY_KILLERS,
    FAMILY_STARTS,
    FAMILY_WHOLE,
    HARM_STARTS,
    HELP_STARTS,
    HIT_OBJECTS,
    IDIOM_SUBJECTS,
    LOCATIVE_ENDINGS,
    MEDIA_WORDS,
    NOT_HITTING,
    OBJECT_PRONOUNS,
    PERSON_SUBJECTS,
    PLACE_AFTER,
    PLEASE_WORDS,
    POINTING_BEFORE,
    REFLEXIVE,
    REQUEST_WORDS,
    SAID_WORDS,
    SEPARABLE_PARTICLES,
    SKIN_BEFORE,
    STILL_LIFE_STARTS,
    SUBJECT_PRONOUNS,
    THREAT_FOLDED,
    WISH_FILLERS,
    WISH_WORDS,
    WOULD_BE_DEAD,
)


def done_to_her(message: Message, besides: set[int]) -> bool:
    """Whether a word of ``message`` not in ``besides`` says something is done to her (``DONE_TO_HER``)."""
    words = message.folded
    for j, word in enumerate(words):
        done = word in DONE_TO_HER or (len(word) > 3 and word.endswith("ني"))
        helped = any(words[k].startswith(HELP_STARTS) for k in (j - 1, j + 1) if 0 <= k < len(words))
        if j not in besides and done and not helped:
            return True
    return False


def a_relative(word: str) -> bool:
    """Whether the folded ``word`` names her husband, ex or a relative (``FAMILY_WORDS``: a word of more
    than two letters as a start too)."""
    return word in FAMILY_WHOLE or word.startswith(FAMILY_STARTS)


def an_idiom(used: set[int], message: Message, lang: str) -> set[int]:
    """The words to set aside when the kill trigger at ``used`` is said of her everyday, or an empty set: a
    thing, "this", a parent, a teacher or a boss says it (``IDIOM_SUBJECTS``, ``EVERYDAY_KILLERS``: "das
    bringt mich um", "эта жара меня убьёт", "my mom will kill me"; one of the four words before it in its
    clause, with no person, threat or "said" between: "Mein Vater hat gesagt, er bringt mich um"), or a
    film, a game or the news tells it (``MEDIA_WORDS``)."""
    if any(word in MEDIA_WORDS for word in message.folded):
        return used
    first = min(used)
    for i in range(first - 1, max(-1, first - 5), -1):
        word = message.folded[i]
        if message.clause[i] != message.clause[first] or word in PERSON_SUBJECTS or word in SAID_WORDS:
            return set()
        if word.startswith(THREAT_FOLDED):
            return set()
        if word in IDIOM_SUBJECTS.get(lang, frozenset()) or word.startswith(EVERYDAY_KILLERS):
            return used | set(range(i, first))
    return set()


def aimed_at_her(used: set[int], message: Message) -> bool:
    """Whether the threat at ``used`` is aimed at her, her children or "us" (``AIMED_WORDS``): one of its
    words or one within two words of it, in its clause; or a person (``AIMED_LATER``) up to ``AIM_AFTER``
    words after it, where the verb the threat names comes first, when that verb names harm
    (``HARM_STARTS``: "threatened to stab my son", "he threatened to kill my mom"; not "threatened to
    report my son to the school"). German "mir" too when a relative is named in the clause ("Mein Mann droht
    mir mit Kündigung der Wohnung")."""
    n = len(message.folded)
    near = {j for i in used for j in range(i - 2, i + 3) if 0 <= j < n}
    later = set(range(max(used) + 1, min(n, max(used) + 1 + AIM_AFTER)))
    clauses = {message.clause[i] for i in used}
    family = any(a_relative(w) for i, w in enumerate(message.folded) if message.clause[i] in clauses)
    aimed = AIMED_WORDS | ({"mir"} if family else set())
    if any(message.folded[j] in aimed and message.clause[j] in clauses for j in near):
        return True
    # A person named later, where the threat names the harm it threatens, before the person or after (the
    # verb ends a German, Turkish or Persian clause): not an administrative threat ("threatened to report
    # my son to the school")
    harm = any(
        message.folded[j].startswith(HARM_STARTS) and message.clause[j] in clauses
        for j in range(min(used), min(n, max(used) + 3 + AIM_AFTER))
    )
    return harm and any(message.folded[j] in AIMED_LATER and message.clause[j] in clauses for j in later)


def separable(used: set[int], message: Message) -> set[int]:
    """The words to set aside when the German trigger's "schlägt" or "haut" at ``used`` is a separable verb
    (``SEPARABLE_PARTICLES``: "schlägt … vor", proposes; "das haut mich um", amazes me), or an empty set:
    its clause ends with the particle, or the particle comes right after it and no pronoun after that
    ("schlägt vor dass wir …", without the comma residents leave out; not "schlägt um sich", "schlägt nach
    mir"). "haut" after an article or a possessive is the noun, skin ("meine Haut juckt mich",
    ``SKIN_BEFORE``)."""
    n = len(message.folded)
    for i in used:
        if message.folded[i] == "haut" and i > 0 and message.folded[i - 1] in SKIN_BEFORE:
            pointing = message.folded[i - 1] in POINTING_BEFORE
            if not (pointing and i + 1 < n and message.folded[i + 1] in HIT_OBJECTS):
                return used
        if message.folded[i].startswith(("schlagt", "schlag", "haut", "haue")):
            clause = message.clause[i]
            last = max(j for j in range(n) if message.clause[j] == clause)
            if last > i and message.folded[last] in SEPARABLE_PARTICLES:
                return used | set(range(i, last + 1))  # "schlägt mir einen Umzug vor"
            after = message.folded[i + 1] if i + 1 < n else ""
            pronoun = i + 2 < n and message.folded[i + 2] in _PRONOUNS_AFTER_PARTICLE
            if after in SEPARABLE_PARTICLES and not pronoun:
                return used | {i + 1}
    return set()


_PRONOUNS_AFTER_PARTICLE = OBJECT_PRONOUNS | AIMED_WORDS | REFLEXIVE


def verb_after(trigger: Trigger, used: set[int], message: Message) -> set[int]:
    """``used`` when the verb of the Arabic trigger at ``used`` comes after whom it names (``VERB_FIRST``:
    "ابني ضرب", my son hit), or an empty set."""
    who = next((i for i in used if message.matches(i, trigger.words[1], trigger.lang) != MISS), max(used))
    return used if any(i > who for i in used) else set()


def compound(used: set[int], message: Message) -> set[int]:
    """The words to set aside when a word of the Persian trigger at ``used`` is the verb of a compound
    (``COMPOUND_VERB_NOUNS`` right before it, in its clause: "منو صدا میزنه", calls me), or an empty set."""
    for i in used:
        if (
            i > 0
            and message.folded[i - 1] in COMPOUND_VERB_NOUNS
            and message.clause[i - 1] == message.clause[i]
        ):
            return used | {i - 1}
    return set()


def asks_for_help_with(words: list[str], at: int, lang: str) -> bool:
    """Whether the call for help at ``words[at]`` (folded) is part of a request: right after a request word
    ("potrzebuję pomocy", "ich brauche Hilfe", "wo bekomme ich Hilfe": a subject pronoun in between is
    skipped) or right before what the help is for ("Hilfe beim Umzug", "помогите с письмом", "help me
    with…": object pronouns and "please" in between are skipped)."""
    before = at - 1
    if before > 0 and words[before] in SUBJECT_PRONOUNS:
        before -= 1
    if before >= 0 and words[before] in REQUEST_WORDS.get(lang, frozenset()):
        return True
    after = at + 1
    while after < len(words) and (words[after] in OBJECT_PRONOUNS or words[after] in PLEASE_WORDS):
        after += 1
    return after < len(words) and words[after] in ABOUT_WORDS.get(lang, frozenset())


def a_complaint(trigger: Trigger, used: set[int], message: Message) -> set[int]:
    """``used`` when the wish to die at ``used`` (``WISH_TO_DIE``) is an everyday complaint, or an empty set:
    a word between its words that is no filler ("möchte meinen Opa tot melden", ``WISH_FILLERS``); a place
    right after it or, in Turkish, a locative right before it ("tired of living in a hostel", "bu evde
    yaşamaktan bıktım", ``PLACE_AFTER``), unless the place is the world, fear or pain
    (``STILL_LIFE_STARTS``); "wäre ich tot" without a wish (``WISH_WORDS``: "Ohne meine Nachbarin wäre ich
    tot"); "rather be dead than …"."""
    words = message.folded
    first, last = min(used), max(used)
    if any(j not in used and words[j] not in WISH_FILLERS for j in range(first, last + 1)):
        return used
    if trigger.text in WOULD_BE_DEAD and not any(w.startswith(WISH_WORDS) for w in words):
        return used
    if trigger.text == "rather be dead" and last + 1 < len(words) and words[last + 1] == "than":
        return used
    clause = message.clause[first]
    after = [j for j in range(last + 1, min(len(words), last + 5)) if message.clause[j] == clause]
    before = first - 1 if first > 0 and message.clause[first - 1] == clause else None
    place = bool(after) and words[after[0]] in PLACE_AFTER
    if trigger.lang == "tr" and before is not None:
        word = words[before]
        place = place or (len(word) > 3 and word.endswith(LOCATIVE_ENDINGS))
        after = [before, *after]
    if place and not any(words[j].startswith(STILL_LIFE_STARTS) for j in after):
        return used
    return set()


def not_hitting(used: set[int], message: Message) -> set[int]:
    """``used`` when the colloquial verb of hitting at ``used`` says something else (``NOT_HITTING``: "меня
    колотит от температуры", "leje mnie woda z sufitu", "haut mich übers Ohr"): one of its words in the
    clause after the verb; or an empty set."""
    words = message.folded
    for i in used:
        other = next((these for verb, these in NOT_HITTING.items() if words[i].startswith(verb)), None)
        if other is None:
            continue
        for j in range(min(used), len(words)):
            if message.clause[j] != message.clause[i] or j in used:
                continue
            if words[j] in other or any(len(w) >= 4 and words[j].startswith(w) for w in other):
                return used
    return set()
