# Type stub of the compiled build loops (bot/search/_builder.c); see SearchIndex._build_compiled.
from collections.abc import Mapping
from typing import overload

from typing_extensions import Buffer

class Postings:
    n_postings: int
    def add_document(
        self,
        doc: int,
        fields: dict[str, list[tuple[str | bytes, float]]],
        analysers: Mapping[str, dict[str, bytes]],
        /,
    ) -> float: ...
    def add_packed(
        self,
        doc: int,
        parts: tuple[tuple[tuple[str, ...], bytes, float], ...],
        analysers: Mapping[str, dict[str, bytes]],
        /,
    ) -> float: ...
    @overload
    def finish(
        self, norms: Buffer, k1: float, champions: int, n_terms: int, /
    ) -> tuple[bytearray, bytearray, bytearray]: ...
    @overload
    def finish(
        self, norms: Buffer, k1: float, champions: int, n_terms: int, fd: int, scores_at: int, /
    ) -> tuple[bytearray, None, None]: ...
