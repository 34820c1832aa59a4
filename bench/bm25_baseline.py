"""Plain BM25 for comparison: whitespace tokens, lower case, nothing else.

No stemming, no diacritic folding, no typo tolerance, no field weights beyond repeating nothing, no
compound splitting; every text of every language of a document goes into one bag of words. It ranks the
same SearchDocuments as bot.search so the benchmark compares matching, not content.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bot.search.index import Hit, SearchDocument


class BM25Baseline:
    def __init__(self, docs: Sequence[SearchDocument], k1: float = 1.2, b: float = 0.75) -> None:
        self.docs = list(docs)
        self.k1, self.b = k1, b
        self.tfs = [
            Counter(self.tokens(" ".join(t for texts in d.texts().values() for t, _ in texts))) for d in docs
        ]
        self.lengths = [sum(tf.values()) for tf in self.tfs]
        self.avg = sum(self.lengths) / len(self.lengths) if self.lengths else 1.0
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, tf in enumerate(self.tfs):
            for t in tf:
                self.postings.setdefault(t, []).append(i)

    @staticmethod
    def tokens(text: str) -> list[str]:
        return text.lower().split()

    def search(self, query: str, lang: str = "", district: str | None = None, limit: int = 3) -> list[Hit]:
        scores: dict[int, float] = {}
        for t in set(self.tokens(query)):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                doc = self.docs[i]
                if district and doc.district_ids is not None and district not in doc.district_ids:
                    continue
                f = self.tfs[i][t]
                norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
                scores[i] = scores.get(i, 0.0) + idf * f * (self.k1 + 1) / (f + norm)
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Hit(self.docs[i].id, self.docs[i].kind, round(s, 4)) for i, s in best]
