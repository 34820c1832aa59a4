"""Emergency detection: runs before anything else on every message.

A trigger is a word or a phrase. It matches the message's words (folded, so diacritics and case do not
matter) when every trigger word is found close together (in any order: word order is free in most of our
languages). A trigger word matches a
message word when they are equal, have the same stem in the trigger's language, differ by one typo (both at
least six letters long), or — for trigger words written with a trailing ``*`` — the message word starts
with it (also with one typo in the prefix). Latin-typed Arabic, Persian, Russian and Ukrainian ("zawji
yadribuni") is read back into these words by bot/search/translit.py (``latin_reading``).

A typo is a word that does not exist: a message word that is itself a *known word* of the trigger's
language (a stop word, or a word of the content's texts in that language) is never read as a typo of a
trigger word, and neither is another form of one (its stem is a known word's: "الانتظار", the waiting,
beside the content's "انتظار", is no "الانتحار", suicide). One letter turns many everyday words into a
trigger ("yapıyor", is doing, into "yanıyor", is burning; "schläft" into "schlägt"); a misspelt trigger
("bewustlos", "dövüyo") is no word at all. The verb of a suicide phrase said of herself ("bringe mich um":
a verb, "me", ``FIRST_PERSON_OBJECTS``) does not inflect: "Kopfschmerzen bringen mich um" has another
subject. A trigger inside a name the content uses ("SOS-Mütterzentrum": a partner's, an offer's, an
event's or a place's name) is no trigger (``EmergencyDetector._in_a_name``).
The known words are few, so one more rule: a *wrong* letter in a trigger word under eight letters
("kalıyor" for "kanıyor", "trennt" for "brennt") is only a guess. A finger slips to a neighbouring key
("kaniyir" for "kanıyor": i beside o; "blutrt": r beside e), so a wrong letter that is no neighbour of the
right one on the script's keyboards ("yasiyor", lives, for "yanıyor": s is far from n; "kalıyor",
"trennt") makes another word, not a typo: the engine drops such a match (``EmergencyMatch.other_word``),
with or without the model, and only the meaning can then raise the alarm. The engine keeps a match that
needed a neighbouring-key guess when the message's meaning is closer to an emergency situation than to
anything in the content, or when there is no model to ask; a missing, doubled or swapped letter
("dövüyo", "brennnt") is a typo.

False positives we chose to avoid
---------------------------------
Matching is on whole words, never substrings: "Feuerwehrfest" does not contain the word "Feuer",
"Gewaltprävention" is not "Gewalt". On top of that, triggers are *hard* or *soft*:

- hard (suicide, wanting to die, rape, heart attack, unconscious, not breathing, heavy bleeding, being
  strangled: told as done or tried, "hat mich gewürgt", not "the tie chokes me") always trigger; missing
  one is far worse than showing the emergency numbers once too often.
- soft (violence, being beaten, threatened, fire, danger) are ignored when the message also names a course,
  workshop, talk, festival or prevention ("Kurs gegen Gewalt", "Brandschutz-Workshop", "fire safety class"),
  because then the resident is asking about an offer, not reporting an emergency.

Triggers from the content's ``emergency`` entries are hard when they are phrases and soft when they are
single words (staff list single words like "Gewalt" or "Hilfe!" that also occur in ordinary questions).
Soft single words from the content match whole words only (and one typo), not other forms of the word:
"pomocy" (help!) fires, "pomoc w napisaniu CV" (help writing a CV) does not. Finally, the SearchEngine
drops a *soft* match of a single word when the message clearly names a thing to do, as a call for help
needs below ("Haben Sie Feuer?", "I got a letter from the police" → the letter help); hard matches and
soft phrases ("schlägt mich", "beats me", "in danger": what happens to a person, which no everyday
question says; "call the police", ``SERVICE_CALLS``) are never dropped, whatever else the message asks
("My husband beats me, where can I get counselling?"). A trigger that repeats one word ("hilfe hilfe") is
a repeated cry: its words must follow each other ("Hilfe! Hilfe!"), not stand anywhere in the window
("Danke für Ihre Hilfe. Mein Sohn braucht auch Hilfe …").

The words of a phrase stand in one clause ("ev sahibi tehdit ediyor, kocam işsiz", the landlord threatens,
my husband is out of work, is no "kocam tehdit ediyor"). Threats: a threat to kill her, her children or
"us" is hard (``BUILTIN_KILL``: "er droht mich umzubringen", "beni öldürecek", "he threatened to kill
me"), unless a thing or "this" says it ("das bringt mich um", "to mnie zabije": ``IDIOM_SUBJECTS``); a
threat word is no danger word when its clause names an everyday consequence (``CONSEQUENCES``: "Das
Jobcenter droht mir mit Sanktionen", "Арендодатель угрожает выселением"). German "schlägt … vor"
(proposes) is no "schlägt" (``SEPARABLE_PARTICLES``).

Calls for help
--------------
"допоможіть", "pomocy", "yardım edin" are what a resident in danger writes, but just as often the polite
start of an ordinary request ("допоможіть з листом від відомства", "yardım edin, Jobcenter'dan mektup
geldi"). Content triggers ending in ``!`` are *calls for help*: soft even when they are phrases, and the
SearchEngine drops them whenever the rest of the message clearly names something to do that the bot knows
(a strong best hit, even if two entries about letters compete for first place; not a partner or a place
matched by its name, as "help me now" matches the partner NOW). A call for help alone ("pomocy!!"),
or with words the bot does not know, still shows the emergency numbers; violence or danger words in the
same message ("yardım edin! kocam beni dövüyor") fire their own, hard, triggers. Words that only say it
is urgent ("Hilfe, bitte schnell!") are no rest: that is a call alone; so is a rest that only says that
help is asked for (request words and pronouns: "Ich brauche dringend Hilfe", "help me please"). A one-word
call that is part of a request does not count: right after a request word (Polish "potrzebuję pomocy", I
need help; "ich brauche Hilfe", "erste Hilfe") or right before what the help is for ("Hilfe beim Umzug",
"помогите с письмом", "help me with the form", also with "please" in between: "помогите пожалуйста с
письмом"). An urgency word in between keeps it a call ("ich brauche dringend Hilfe", "I need urgent
help"): with nothing else said that is a cry, and help asked urgently *with* something still names it
after the call or in the rest. German "Hilfe!" and English "help!" are
such calls too, and so is "SOS". A message that is only a thank-you ("Thanks a lot for the help, God bless
you", bot/search/smalltalk.py) has no call in it: the help is what is thanked for (SearchEngine.answer);
danger words in it still fire.

Where it is
-----------
- ``words.py``: the data, every word list the rules read, per language (the built-in triggers
  ``BUILTIN_HARD``, ``BUILTIN_SOFT``, ``BUILTIN_KILL``, ``SERVICE_CALLS``; the words that make a trigger
  say no danger or aim a threat at her; the keyboards' rows). Change a list there, never a rule.
- ``matching.py``: how a trigger is compiled (``compile_trigger``) and how one of its words matches a
  message word (``Message.matches``: equal, the same stem, one typo, a prefix).
- ``rules.py``: what a found trigger means beside the other words of the message: an idiom, an everyday
  consequence, a separable verb, a threat aimed at her, a call for help that is part of a request.
- ``detector.py``: ``EmergencyDetector``, which finds the triggers in a message and decides, in the order
  of ``detect``, which rule wins; ``EmergencyMatch``, what it found.
"""

from bot.search.emergency.detector import EmergencyDetector, EmergencyMatch
from bot.search.emergency.words import BUILTIN_SOFT

__all__ = ["BUILTIN_SOFT", "EmergencyDetector", "EmergencyMatch"]
