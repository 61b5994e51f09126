"""BM25 over the index's chunks as a sparse term-by-chunk matrix.

Scores are Okapi BM25 as ``rank_bm25.BM25Okapi`` computes them (same k1, b and the same floor
for negative idf), so rankings do not change. Scoring a query reads only the postings of its
terms, and a filter to some documents is a mask: the cost of a question does not grow with the
number of chunks the way a loop over every chunk does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

K1 = 1.5
B = 0.75
EPSILON = 0.25


class LexicalIndex:
    def __init__(self, corpus: Sequence[Sequence[str]]) -> None:
        from scipy.sparse import csc_matrix

        self.size = len(corpus)
        self._vocabulary: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, tokens in enumerate(corpus):
            for term, count in Counter(tokens).items():
                rows.append(row)
                columns.append(self._vocabulary.setdefault(term, len(self._vocabulary)))
                counts.append(count)
        lengths = np.array([len(tokens) for tokens in corpus], dtype=np.float64)
        average = lengths.mean() if self.size else 1.0
        frequency = np.bincount(np.array(columns, dtype=np.int64), minlength=len(self._vocabulary))
        idf = np.log(self.size - frequency + 0.5) - np.log(frequency + 0.5)
        if idf.size:
            idf[idf < 0] = EPSILON * idf.mean()
        tf = np.array(counts, dtype=np.float64)
        length = lengths[np.array(rows, dtype=np.int64)] if rows else np.zeros(0)
        weights = (
            idf[np.array(columns, dtype=np.int64)]
            * tf
            * (K1 + 1)
            / (tf + K1 * (1 - B + B * length / average))
            if rows
            else np.zeros(0)
        )
        self._matrix = csc_matrix(
            (weights, (rows, columns)), shape=(self.size, len(self._vocabulary))
        )

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """One BM25 score per chunk (a query term counts as often as it is repeated)."""
        asked = Counter(self._vocabulary[t] for t in tokens if t in self._vocabulary)
        if not asked:
            return np.zeros(self.size)
        columns = list(asked)
        weights = np.array([asked[c] for c in columns], dtype=np.float64)
        return np.asarray(self._matrix[:, columns] @ weights).ravel()

    def top(self, tokens: Sequence[str], allowed: np.ndarray | None, limit: int) -> list[int]:
        """The best ``limit`` chunks with a positive score, among ``allowed`` (a boolean mask)."""
        scores = self.scores(tokens)
        candidates = np.flatnonzero(scores > 0)
        if allowed is not None:
            candidates = candidates[allowed[candidates]]
        if candidates.size > limit:
            best = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[best]
        # Best first; ties in reading order, as a stable sort over the chunks gives.
        order = np.lexsort((candidates, -scores[candidates]))
        return [int(i) for i in candidates[order]]
