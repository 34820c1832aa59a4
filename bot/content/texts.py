"""Compact, read-only storage of a field's texts in every language.

A catalogue of 10,000 entries in 9 languages holds about half a million texts. As a dict of `str` per
field, the per-object overhead (a dict, one `str` object per language, a tuple per word list) costs more
memory than the letters themselves, and Cyrillic, Arabic, Turkish or Polish texts take two bytes per
character in a `str`. Here a field keeps one `bytes` object (UTF-8, languages separated by control
characters YAML cannot contain) and a shared tuple of its language codes; a text is decoded when it is
read (a microsecond or two for a screen's worth of text).

Both classes are `Mapping`s, so everything that reads `{lang: text}` keeps working; they compare equal
to dicts with the same items.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_LANG_SEP = "\x1f"  # between languages (YAML rejects C0 control characters, so no text contains it)
_ITEM_SEP = "\x1e"  # between the items of a list

_interned: dict[tuple[str, ...], tuple[str, ...]] = {}


def _intern(langs: tuple[str, ...]) -> tuple[str, ...]:
    """One shared tuple per combination of languages (there are only a few)."""
    return _interned.setdefault(langs, langs)


class _Packed(Mapping[str, Any]):
    __slots__ = ("_blob", "_langs")

    _blob: bytes
    _langs: tuple[str, ...]

    def __init__(self, langs: tuple[str, ...], blob: bytes) -> None:
        object.__setattr__(self, "_langs", _intern(langs))
        object.__setattr__(self, "_blob", blob)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by the content helper process
        return (type(self), (self._langs, self._blob))

    def _parts(self) -> list[str]:
        return self._blob.decode("utf-8").split(_LANG_SEP)

    def _decode(self, part: str) -> Any:
        raise NotImplementedError

    def __getitem__(self, lang: str) -> Any:
        try:
            index = self._langs.index(lang)
        except ValueError:
            raise KeyError(lang) from None
        return self._decode(self._parts()[index])

    def __contains__(self, lang: object) -> bool:
        return lang in self._langs

    def __iter__(self) -> Iterator[str]:
        return iter(self._langs)

    def __len__(self) -> int:
        return len(self._langs)

    def items(self) -> Any:  # one decode for all languages instead of one per language
        return list(zip(self._langs, map(self._decode, self._parts()), strict=True))

    def values(self) -> Any:
        return [self._decode(part) for part in self._parts()]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Packed) and type(other) is type(self):
            return self._langs == other._langs and self._blob == other._blob
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"


class Texts(_Packed):
    """`{lang: text}` of one field, packed."""

    __slots__ = ()

    @classmethod
    def pack(cls, texts: Mapping[str, str]) -> Mapping[str, str]:
        """The texts packed; unchanged if a text contains a separator (possible as a YAML escape)."""
        joined = _LANG_SEP.join(texts.values())
        if joined.count(_LANG_SEP) != len(texts) - 1 or _ITEM_SEP in joined:
            return texts
        return cls(tuple(texts), joined.encode("utf-8"))

    def _decode(self, part: str) -> str:
        return part


class TextLists(_Packed):
    """`{lang: (text, …)}` of one field (keywords, question variants, trigger phrases), packed."""

    __slots__ = ()

    @classmethod
    def pack(cls, lists: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
        """The lists packed; unchanged if a text contains a separator (possible as a YAML escape)."""
        if any(not items for items in lists.values()):
            return lists  # an empty list and a list of one empty text would read back the same
        joined = _LANG_SEP.join(_ITEM_SEP.join(items) for items in lists.values())
        if joined.count(_LANG_SEP) != len(lists) - 1 or joined.count(_ITEM_SEP) != sum(
            len(items) - 1 for items in lists.values()
        ):
            return lists
        return cls(tuple(lists), joined.encode("utf-8"))

    def _decode(self, part: str) -> tuple[str, ...]:
        return tuple(part.split(_ITEM_SEP))
