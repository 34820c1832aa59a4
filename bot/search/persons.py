"""Words that name a person (mother, son, pupil, pensioner, woman): *who* a message or an entry is about.

In an entry's keywords such a word names whom the offer is for or who takes part ("mütter" for the German
course with childcare, "школьник, пенсионер, помощник" for becoming a helper in a tandem); in a message it
names whom the resident asks about ("моей маме 80 лет нужен помошник школьник": her mother needs a pupil's
help). The same word can thus stand for two different sides: the mother *is* the audience of the course,
the pupil is who *helps* in the tandem that the mother *orders*. A match on such words says that a
message and an entry speak of the same people, not that they are about the same thing, so the engine
does not let them make a confident answer (``SearchEngine._hybrid``): it ranks with them, but a confident
answer needs the entry's lead in the words about what is wanted.

The gender a person word carries (``"m"``/``"f"``) is read against an offer that is only for women
(`only_for: women` in the content): "mein sohn findet keine ausbildung", "Deutschkurs für meinen Mann"
ask for a man or a boy. Age groups are not read (a daughter may be 8 or 40).

The lists are the closed class of kin, gender, age and role nouns in each resident language, as a
dictionary has them (base forms; the stemmer finds the inflected ones, possessive forms that stemmers miss
are listed: Turkish "oğlum", Persian "پسرم", Arabic "ابني"; so are the Russian, Ukrainian and Polish
genitive plurals the stemmers miss, the case of "for women", "для жінок", "dla matek": the whole case was
added when "Курс німецької для жінок" was no longer read as naming women, not that one word).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from bot.search.normalize import LATIN, Word, analyser_lang, content_words, script_of

Gender = Literal["m", "f", "n"]

_WORDS: dict[str, dict[Gender, str]] = {
    "de": {
        "m": "mann männer ehemann sohn söhne vater papa opa großvater bruder junge jungen jungs onkel neffe "
        "enkel herr",
        "f": "frau frauen ehefrau tochter töchter mutter mütter mama oma großmutter schwester schwestern "
        "mädchen tante nichte enkelin schülerin schülerinnen rentnerin seniorin helferin nachbarin",
        "n": "kind kinder baby babys eltern jugendliche jugendlicher teenager schüler senioren senior "
        "rentner ältere älteren helfer nachbar nachbarn leute menschen person personen",
    },
    "en": {
        "m": "man men husband son sons father dad daddy grandfather grandpa brother boy boys uncle "
        "nephew grandson",
        "f": "woman women wife daughter daughters mother mum mom mummy mama grandmother grandma granny "
        "sister girl girls aunt niece granddaughter",
        "n": "child children kid kids baby babies parent parents teenager teenagers teen teens youth "
        "pupil pupils student students pensioner pensioners retiree retirees senior seniors elderly "
        "helper helpers neighbour neighbours neighbor neighbors people person",
    },
    "tr": {
        "m": "koca kocam kocası oğul oğlum oğlu oğlan baba babam babası dede dedem erkek erkekler "
        "ağabey abi abim amca amcam dayı dayım",
        "f": "kadın kadınlar karım karısı kız kızım kızı anne annem annesi anneanne babaanne nine "
        "abla ablam teyze teyzem hala halam",
        "n": "eş eşim çocuk çocuğum çocuklar çocuklarım bebek bebeğim ebeveyn veli genç gençler "
        "öğrenci öğrenciler emekli yaşlı yaşlılar torun kardeş kardeşim komşu komşum komşular insanlar",
    },
    "ar": {
        "m": "زوج زوجي ابن ابني أب أبي ابوي والد والدي جد جدي أخ أخي ولد ولدي رجل رجال",
        "f": "زوجة زوجتي بنت بنتي ابنة ابنتي أم أمي امي والدة والدتي جدة جدتي أخت أختي امرأة نساء سيدة سيدات",
        "n": "طفل طفلي أطفال أطفالي اولاد أولادي رضيع والدين أهل شاب شباب طالب طلاب تلميذ تلاميذ "
        "متقاعد متقاعدين مسن مسنين جار جاري جيران ناس",
    },
    "ru": {
        "m": "муж сын сыну сына отец папа дед дедушка брат мальчик мужчина мужчины дядя внук сыновей отцов",
        "f": "жена дочь дочка дочери мать мама маме бабушка сестра девочка девушка женщина женщины "
        "тётя внучка школьница пенсионерка помощница соседка девушек матерей сестёр сестер бабушек",
        "n": "ребёнок ребенок дети детей малыш родители подросток подростки молодёжь школьник "
        "школьники студент студенты пенсионер пенсионеры пожилой пожилые помощник помощники "
        "волонтёр сосед соседи люди",
    },
    "uk": {
        "m": "чоловік син сину батько тато дід дідусь брат хлопець хлопчик дядько онук хлопців",
        "f": "дружина донька дочка мати мама мамі бабуся бабця сестра дівчина дівчинка жінка жінки "
        "тітка онука пенсіонерка помічниця сусідка жінок дівчат матерів сестер доньок дочок",
        "n": "дитина діти дітей малюк батьки підліток підлітки молодь школяр школярі учень учні "
        "студент пенсіонер пенсіонери літні помічник помічники волонтер сусід сусіди люди",
    },
    "pl": {
        "m": "mąż męża syn syna ojciec tata dziadek brat chłopiec chłopak mężczyzna mężczyźni wujek wnuk "
        "ojców chłopców",
        "f": "żona córka matka mama babcia siostra dziewczyna dziewczynka kobieta kobiety ciocia "
        "wnuczka emerytka sąsiadka matek córek",
        "n": "dziecko dzieci niemowlę rodzice nastolatek nastolatki młodzież uczeń uczniowie student "
        "studenci emeryt emeryci senior seniorzy starsi pomocnik pomocnika wolontariusz sąsiad "
        "sąsiedzi ludzie",
    },
    "fa": {
        "m": "شوهر شوهرم پسر پسرم پدر پدرم بابا بابام پدربزرگ پدربزرگم برادر برادرم مرد مردان عمو دایی",
        "f": "زن زنم زنان خانم دختر دخترم مادر مادرم مامان مامانم مادربزرگ مادربزرگم خواهر خواهرم خاله عمه",
        "n": "همسر همسرم بچه بچه‌ام بچه‌ها کودک کودکان نوزاد والدین نوجوان جوان جوانان دانش‌آموز "
        "دانشجو بازنشسته سالمند سالمندان نوه همسایه همسایه‌ها مردم",
    },
}


@lru_cache(maxsize=16)
def _lexicon(lang: str) -> tuple[dict[str, Gender], dict[str, Gender]]:
    """(surface → gender, stem term → gender) of one analyser language. A word written in two lists
    (rare) keeps the first: male, then female, then either. A stem that words of two lists share says
    no gender ("n"): German "Helferin" and "Helfer" are both "helf", and so is the verb "helfen" ("wer
    kann mir helfen?" names no woman); the words themselves keep theirs (``surfaces``)."""
    surfaces: dict[str, Gender] = {}
    stems: dict[str, Gender] = {}
    prefix = f"{lang}:"
    for gender, text in _WORDS.get(lang, {}).items():
        for word in content_words(text, lang):
            surfaces.setdefault(word.surface, gender)
            for term in word.terms:
                if term.startswith(prefix):
                    stems[term] = gender if stems.get(term, gender) == gender else "n"
    return surfaces, stems


def person(word: Word, lang: str) -> Gender | None:
    """The gender of ``word`` if it names a person in the resident's language ``lang`` (``"n"``: either),
    else None. The resident's own language is read, stems too: German "man" (one) is no English man. Stop
    words count too: the German list has "Mann". In another language's chat a German or English word for
    a man or a woman, as written (no stem) and four letters or more, counts as well: residents type the
    neighbourhood's German and English into their own chats ("Deutschkurs für Männer" in a Turkish or
    Polish one, the search reads them in those languages too: ``normalize.scope``), and whom a
    women-only offer may be for must not depend on the chat's language
    (``SearchEngine._for_whom_unclear``). Shorter words are left to the chat's own language: Turkish
    "son" (last) is no English son. German chats do not read English: German "man" (one)."""
    if word.number:
        return None
    code = analyser_lang(lang)
    surfaces, stems = _lexicon(code)
    if word.surface in surfaces:
        return surfaces[word.surface]
    prefix = f"{code}:"
    for term in word.terms:
        if term.startswith(prefix) and term in stems:
            return stems[term]
    if code != "de" and len(word.surface) >= 4:
        for other in ("de", "en"):
            if other != code and (gender := _lexicon(other)[0].get(word.surface)) in ("m", "f"):
                return gender
    return None


# The first parts of German compounds that say whom a thing is for, as typed (lower case): plural or
# linking forms that clearly mean people ("Frauencafé", "Mütterzentrum", "Männerchor", "Herrenfriseur"),
# with the spellings without umlauts ("Muetter-", and "Manner-", "Madchen-", "Sohne-" where that reads
# no other way). Not the singular "Mutter-", "Mann-", "Tochter-", "Vater-": they begin words that name no
# person ("Muttersprache", "Mannschaft", "Tochterfirma", "Vaterland"), and "Mütter-"/"Väter-"/"Töchter-"
# typed without umlauts are those words. Folded (``fold``), "Mütter" is "Mutter": the word as typed is read.
_WOMEN_HEADS = "frauen damen mädchen maedchen madchen mütter muetter töchter toechter"
_MEN_HEADS = "männer maenner manner herren väter vaeter söhne soehne sohne"
_GERMAN_HEADS: tuple[tuple[str, Gender], ...] = tuple(
    sorted(
        [(head, "f") for head in _WOMEN_HEADS.split()] + [(head, "m") for head in _MEN_HEADS.split()],
        key=lambda head: -len(head[0]),
    )
)


def named_in_compound(typed: str, lang: str) -> Gender | None:
    """The gender of a German compound (also typed in another language's chat) whose first part names
    women or men: "Frauencafé", "Damenfriseur", "Mütterzentrum", "Männerchor" say whom they are for, as
    "café for women" does in two words. ``typed`` is the word as typed, lower case (``raw_tokens``): the
    umlaut tells "Mütterzentrum" from "Muttersprache" (``_GERMAN_HEADS``). Unlike ``person`` such a word
    is no person word: it names the thing too (the women's café), so it says whom a message is for
    without being left out of what it asks for (``LexicalHits.genders``). The rest must be four letters
    or more ("Frauke" is no woman)."""
    if analyser_lang(lang) != "de" and script_of(typed) != LATIN:
        return None
    for head, gender in _GERMAN_HEADS:
        if typed.startswith(head) and len(typed) - len(head) >= 4:
            return gender
    return None
