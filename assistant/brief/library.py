"""What a briefing reads from the loaded index, once per service."""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.query.sentences import sentences
from assistant.records import Chunk, ChunkKind

if TYPE_CHECKING:
    from assistant.service import AssistantService


BROAD_HEADING = 0.2  # a heading above more than this share of the chunks tells no topic apart


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    sentence: str  # verbatim
    heading: str  # the headings above it that tell topics apart (and a table row's first cell)
    lead: str  # the nearest of them: the paragraph's own heading, or the row's first cell
    part: str  # results | plan
    order: tuple[int, int]


class Library:
    def __init__(self, service: AssistantService) -> None:
        chunks = service.knowledge.chunks
        self._texts = tuple(c.text.lower() for c in chunks)
        self._quotes = "\n".join(c.quote for c in chunks)
        self._counts: dict[str, int] = {}
        counts = Counter(h for c in chunks for h in set(c.section))
        broad = {h for h, n in counts.items() if n > BROAD_HEADING * len(chunks)}
        rows = set(service.composer.prose.structured)
        rows.update(t.total.raw for d in service.documents for t in d.tables.projects if t.total)
        metas = {d.meta.doc_id: d.meta for d in service.documents}
        self.passages: dict[str, list[Passage]] = {doc_id: [] for doc_id in metas}
        for position, chunk in enumerate(chunks):
            meta = metas.get(chunk.doc_id)
            part = _part(chunk, meta.results_year, meta.plan_year) if meta else None
            if part is None or chunk.quote in rows:
                continue
            headings = [h for h in chunk.section if h not in broad]
            if chunk.kind == ChunkKind.TABLE_ROW and "\t" in chunk.quote:
                headings.append(chunk.quote.split("\t", 1)[0])
            lead = chunk.section[-1] if chunk.section else ""
            nearest = headings[-1] if headings else ""
            for index, sentence in enumerate(sentences(chunk.quote)):
                if sentence.strip().rstrip("。；") == lead:
                    continue  # the paragraph's own heading, repeated as its first sentence
                passage = Passage(
                    chunk, sentence, " ".join(headings), nearest, part, (position, index)
                )
                self.passages[chunk.doc_id].append(passage)

    def mentioned(self, phrase: str) -> bool:
        return phrase in self._quotes

    def chunk_count(self, text: str) -> int:
        """How many chunks contain ``text``."""
        text = text.lower()
        if text not in self._counts:
            self._counts[text] = sum(1 for chunk in self._texts if text in chunk)
        return self._counts[text]


_LIBRARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def library(service: AssistantService) -> Library:
    library = _LIBRARIES.get(service)
    if library is None:
        library = _LIBRARIES[service] = Library(service)
    return library


def _part(chunk: Chunk, results_year: int | None, plan_year: int | None) -> str | None:
    if results_year and chunk.years == (results_year,):
        return "results"
    if plan_year and chunk.years == (plan_year,):
        return "plan"
    return None
