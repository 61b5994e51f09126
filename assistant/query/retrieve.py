"""Hybrid retrieval: jieba-segmented BM25 fused with dense (Chroma) ranks by reciprocal rank."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.knowledge import Knowledge
from assistant.query.analysis import vocabulary
from assistant.query.lexical import LexicalIndex
from assistant.query.normalise import lexicon
from assistant.records import Chunk, ChunkKind

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 30
YEAR_BONUS = 1.15
ALWAYS_READ = 2  # the first this many of each ranking are read whatever their fused rank
RECENT_SEARCHES = 256
STOPWORDS = frozenset(vocabulary()["stopwords"])
TOKEN = re.compile(r"[\w%.]+")


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    lexical_rank: int | None
    dense_rank: int | None

    @property
    def leading(self) -> bool:
        """Among the very first of either ranking: read whatever its fused rank, since a rare
        name (「裕龙岛」) may put its one passage first by keywords and nowhere by vectors."""
        ranks = [r for r in (self.lexical_rank, self.dense_rank) if r is not None]
        return min(ranks, default=CANDIDATES) < ALWAYS_READ


def with_leading(hits: Sequence[Hit], limit: int) -> list[Hit]:
    """The first ``limit`` hits, and any leading hit after them."""
    return [*hits[:limit], *(h for h in hits[limit:] if h.leading)]


class Tokenizer:
    """jieba with the index's own names in its dictionary, so 「高新技术企业」 stays one token."""

    def __init__(self, words: Collection[str]) -> None:
        import jieba

        jieba.setLogLevel(60)
        self._jieba = jieba.Tokenizer()
        for word in words:
            if 2 <= len(word) <= 20:
                self._jieba.add_word(word, freq=20000)

    def segment(self, text: str) -> list[str]:
        """Every piece of the text in order, punctuation included: they join back into it."""
        return self._jieba.lcut(unicodedata.normalize("NFKC", text))

    def words(self, text: str) -> list[str]:
        """Precise segmentation (no overlapping sub-words), for weighing a question's terms."""
        text = unicodedata.normalize("NFKC", text).lower()
        return [w for w in self._jieba.lcut(text) if TOKEN.fullmatch(w) and w not in STOPWORDS]

    def guessed(self, word: str) -> bool:
        """jieba made the word up (its HMM joined the characters): no word of its dictionary nor
        of the index's names."""
        self._jieba.check_initialized()
        return not self._jieba.FREQ.get(word)

    def guessed_across_a_particle(self, word: str) -> list[str]:
        """The dictionary pieces of a word jieba guessed (not in its dictionary) with a particle
        among them: 「通硬化路要达到」 gives 路要, 「第一个智算中心」 个智算, each across a word's
        edge. [] for a word of the dictionary, or a guess of content characters (「新藏」)."""
        if not self.guessed(word):
            return []
        pieces = self._jieba.lcut(word, HMM=False)
        return pieces if any(piece in STOPWORDS for piece in pieces) else []

    def tokens(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        return [
            token
            for token in self._jieba.lcut_for_search(text)
            if TOKEN.fullmatch(token) and token not in STOPWORDS
        ]


class HybridSearch:
    """BM25 and dense ranks over the live chunks, fused; built once per loaded index."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.chunks = knowledge.chunks
        self.tokenizer = Tokenizer(_dictionary_words(knowledge))
        self.tokens = [self.tokenizer.tokens(c.text) for c in self.chunks]
        self._lexical = LexicalIndex([t or ["∅"] for t in self.tokens])
        self._position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self._rows_of: dict[str, list[int]] = {}
        for index, chunk in enumerate(self.chunks):
            self._rows_of.setdefault(chunk.doc_id, []).append(index)
        self._hash_of = {d.meta.doc_id: d.meta.content_hash for d in knowledge.documents}
        self._lexical_of: dict[str, LexicalIndex] = {}
        self.degraded = False  # the vector store failed during this question

    def search(
        self,
        query: str,
        *,
        doc_ids: Collection[str] | None = None,
        years: Sequence[int] = (),
        limit: int = 10,
    ) -> list[Hit]:
        scope = frozenset(doc_ids) if doc_ids is not None else None
        return with_leading(self._ranked(query, scope, tuple(years)), limit)

    @lru_cache(maxsize=RECENT_SEARCHES)  # noqa: B019 - one search object per loaded index
    def _ranked(
        self, query: str, doc_ids: frozenset[str] | None, years: tuple[int, ...]
    ) -> tuple[Hit, ...]:
        """Every candidate, best first: asked again with another ``limit`` within one question
        (facts, lists, parts), the search runs once."""
        lexical = self._lexical_ranking(query, doc_ids)
        dense = self._dense_ranking(query, doc_ids)
        fused: dict[int, float] = {}
        for ranking in (lexical, dense):
            for rank, index in enumerate(ranking):
                fused[index] = fused.get(index, 0.0) + 1.0 / (RRF_K + rank + 1)
        for index in fused:
            if years and set(years) & set(self.chunks[index].years):
                fused[index] *= YEAR_BONUS
        ordered = sorted(
            (i for i in fused if self.chunks[i].kind is not ChunkKind.MASTHEAD),
            key=fused.__getitem__,
            reverse=True,
        )
        lexical_rank = {index: rank for rank, index in enumerate(lexical)}
        dense_rank = {index: rank for rank, index in enumerate(dense)}
        return tuple(
            Hit(self.chunks[i], fused[i], lexical_rank.get(i), dense_rank.get(i)) for i in ordered
        )

    def rows_of(self, doc_id: str) -> list[int]:
        """Positions of one document's chunks in ``chunks`` (reading order)."""
        return self._rows_of.get(doc_id, [])

    def lexical_scores(self, query: str) -> list[float]:
        return self._lexical.scores(self.tokenizer.tokens(query)).tolist()

    def _allowed(self, doc_ids: Collection[str] | None) -> np.ndarray | None:
        if doc_ids is None:
            return None
        mask = np.zeros(len(self.chunks), dtype=bool)
        for doc_id in doc_ids:
            mask[self.rows_of(doc_id)] = True
        return mask

    def _lexical_ranking(self, query: str, doc_ids: frozenset[str] | None) -> list[int]:
        """BM25 over the documents asked about. One document is scored with its own term
        statistics, as if indexed alone; several share the index's."""
        tokens = self.tokenizer.tokens(query)
        if not tokens:
            return []
        if doc_ids is not None and len(doc_ids) == 1:
            (doc_id,) = doc_ids
            rows = self.rows_of(doc_id)
            return [rows[i] for i in self._own_lexical(doc_id).top(tokens, None, CANDIDATES)]
        return self._lexical.top(tokens, self._allowed(doc_ids), CANDIDATES)

    def _own_lexical(self, doc_id: str) -> LexicalIndex:
        if doc_id not in self._lexical_of:
            rows = self.rows_of(doc_id)
            self._lexical_of[doc_id] = LexicalIndex([self.tokens[i] or ["∅"] for i in rows])
        return self._lexical_of[doc_id]

    def _dense_ranking(self, query: str, doc_ids: Collection[str] | None) -> list[int]:
        asked = self._hash_of if doc_ids is None else doc_ids
        hashes = {self._hash_of[d] for d in asked if d in self._hash_of}
        vector = self._query_vector(query)
        try:
            hits = self.knowledge.store.query(vector, k=CANDIDATES, doc_hashes=hashes)
        except Exception:  # a Chroma server that went away: keywords alone still answer
            log.warning("向量检索失败，本次只用关键词检索", exc_info=True)
            self.degraded = True
            return []
        return [self._position[c.chunk_id] for c, _ in hits if c.chunk_id in self._position]

    def begin_question(self) -> None:
        """Forget a failed vector search, so that a recovered store is asked again."""
        if self.degraded:
            self._ranked.cache_clear()
            self.degraded = False

    @lru_cache(maxsize=RECENT_SEARCHES)  # noqa: B019 - one search object per loaded index
    def _query_vector(self, query: str) -> tuple[float, ...]:
        return tuple(self.knowledge.embeddings.embed_query(query))

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every token in the index: a question word outside it cannot be answered from it."""
        return frozenset(token for c in self.chunks for token in self.tokenizer.tokens(c.text))


def _dictionary_words(knowledge: Knowledge) -> set[str]:
    words: set[str] = set()
    for document in knowledge.documents:
        words.update(i.name for i in document.indicators)
        words.update(p.row.name for p in document.projects)
    for alias, canonical in lexicon().items():
        words.update(canonical)
        words.add(alias)
    return {w for word in words for w in re.split(r"[（）()、，/]", word) if w}


class HybridRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever (documents carry the chunk in metadata)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    search: Any
    k: int = 6

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(
                page_content=hit.chunk.quote,
                metadata={
                    "chunk_id": hit.chunk.chunk_id,
                    "doc_id": hit.chunk.doc_id,
                    "section": " › ".join(hit.chunk.section),
                    "kind": str(hit.chunk.kind),
                    "score": hit.score,
                },
            )
            for hit in self.search.search(query, limit=self.k)
        ]
