"""A sentence that announces a counted list, and the items that follow it.

「突出抓好三个方面。一是坚持稳中求进…。二是坚持就业优先…。三是…」: a question asking which
(「哪三个方面」) is answered by the items, not by the sentence that counts them. A long paragraph is
cut into several chunks, so the items are read on across the chunks that continue it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import cache

from assistant.query.cues import cue
from assistant.query.sentences import sentences
from assistant.records import Chunk, ChunkKind

ORDINALS = "一二三四五六七八九十"
MAX_ITEMS = len(ORDINALS)
MIN_ITEMS = 2  # one item found is no list read right
CONTINUED_CHUNKS = 4  # how far a paragraph cut into chunks is read on


@cache
def _item_opener() -> re.Pattern[str]:
    """「一是」「二要」「第三，」「（四）」: the ordinal that opens an item."""
    return re.compile(rf"^(?:第)?[（(]?([{ORDINALS}])(?:是|要|[）)]|[，、])")


class AnnouncedItems:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        paragraphs = sorted(
            (c for c in chunks if c.kind is ChunkKind.PARAGRAPH),
            key=lambda c: (c.doc_hash, c.span.start),
        )
        self._next = {
            this.chunk_id: after
            for this, after in itertools.pairwise(paragraphs)
            if this.doc_hash == after.doc_hash and this.section == after.section
        }

    def items(self, chunk: Chunk, sentence: str) -> list[tuple[Chunk, str]]:
        """The items ``sentence`` announces, each by its first sentence, in order; none when it
        announces no list or fewer than two items follow."""
        announced = cue("announces_items").search(sentence)
        if announced is None or sentence not in chunk.quote:
            return []
        count = ORDINALS.find(announced.group("count")) + 1  # 0: 「几个方面」 says no number
        found: list[tuple[Chunk, str]] = []
        current: Chunk | None = chunk
        text = chunk.quote[chunk.quote.index(sentence) + len(sentence) :]
        for _ in range(CONTINUED_CHUNKS + 1):
            if current is None:
                break
            for each in sentences(text):
                opener = _item_opener().match(each)
                if opener and ORDINALS.index(opener.group(1)) == len(found):
                    found.append((current, each))
                    if len(found) in (count, MAX_ITEMS):
                        return found
            current = self._next.get(current.chunk_id)
            text = current.quote if current else ""
        return found if len(found) >= MIN_ITEMS and not count else []
