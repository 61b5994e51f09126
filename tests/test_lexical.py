"""The sparse BM25 scores exactly like the reference rank_bm25, and filters by document."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.query.lexical import LexicalIndex


def _corpus(seed: int) -> list[list[str]]:
    words = [f"w{i}" for i in range(40)]
    generator = random.Random(seed)
    return [[generator.choice(words) for _ in range(generator.randint(1, 30))] for _ in range(120)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scores_match_rank_bm25(seed):
    from rank_bm25 import BM25Okapi

    corpus = _corpus(seed)
    reference = BM25Okapi(corpus)
    ours = LexicalIndex(corpus)
    for query in (["w1"], ["w2", "w3", "w2"], ["w39", "nothing"], ["nothing"]):
        assert np.allclose(ours.scores(query), reference.get_scores(query))


def test_top_keeps_to_the_allowed_chunks_best_first():
    corpus = [["a", "b"], ["a", "x", "y"], ["b", "c"], ["a", "a"], ["d"], ["e"], ["f"]]
    index = LexicalIndex(corpus)
    allowed = np.array([False, True, True, True, False, True, True])
    assert index.top(["a"], allowed, limit=10) == [3, 1]  # 0 has 「a」 too, but is not allowed
    assert index.top(["a"], None, limit=1) == [3]
    assert index.top(["zzz"], None, limit=5) == []


def test_an_empty_index_scores_nothing():
    index = LexicalIndex([])
    assert index.top(["a"], None, limit=3) == []


def test_the_first_of_either_ranking_is_always_read():
    from assistant.query.retrieve import Hit, with_leading
    from assistant.records import Chunk, ChunkKind, Span

    def hit(n: int, lexical: int | None, dense: int | None) -> Hit:
        chunk = Chunk(f"c{n}", "d", "h", ChunkKind.PARAGRAPH, str(n), str(n), (), Span(0, 1))
        return Hit(chunk, 1.0 / (n + 1), lexical, dense)

    # Fused order: two passages found by both rankings, then one first by keywords only (a rare
    # name), then one found by neither near the top.
    hits = [hit(0, 3, 4), hit(1, 5, 2), hit(2, 0, None), hit(3, 9, 12)]
    assert [h.chunk.chunk_id for h in with_leading(hits, 2)] == ["c0", "c1", "c2"]
