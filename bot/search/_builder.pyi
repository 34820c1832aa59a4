# Type stub of the compiled build loops (bot/search/_builder.c); see SearchIndex._build_compiled.
from typing_extensions import Buffer

def add_scaled(tf: dict[str, float], counts: dict[str, int], weight: float, /) -> None: ...
def merge_max(merged: dict[str, float], tf: dict[str, float], /) -> None: ...

class Postings:
    n_postings: int
    def add(
        self, doc: int, merged: dict[str, float], term_ids: dict[str, int], terms: list[str], /
    ) -> None: ...
    def finish(
        self, norms: Buffer, k1: float, champions: int, /
    ) -> tuple[bytearray, bytearray, bytearray]: ...
