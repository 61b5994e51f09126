"""Questions about the document itself: when and where it was delivered, and by whom.

A work report opens with a line such as 「2025年1月14日在…人民代表大会第三次会议上…作政府工作
报告」, before its first heading; the document facts read its date from there. The answer is that
line, quoted, never a sentence of the body that happens to mention a meeting.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.knowledge import DocumentKnowledge
from assistant.query.draft import Draft, Evidence
from assistant.query.intent import Intent
from assistant.query.normalise import Question
from assistant.query.sentences import sentences
from assistant.records import Chunk, ChunkKind


class Masthead:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        # The passages before the first heading, in document order.
        self._opening: dict[str, list[Chunk]] = {}
        for chunk in sorted(chunks, key=lambda c: c.span.start):
            if chunk.kind is ChunkKind.PARAGRAPH and not chunk.section:
                self._opening.setdefault(chunk.doc_hash, []).append(chunk)

    def delivered(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.delivered or not document.meta.dates:
            return None
        for chunk in self._opening.get(document.meta.content_hash, []):
            for sentence in sentences(chunk.quote):
                if any(date in sentence for date in document.meta.dates):
                    draft = Draft()
                    draft.say("masthead", Evidence(chunk, sentence), sentence=sentence.rstrip("。"))
                    return draft
        missing = Draft(refused=True)  # the body's 「向大会报告工作」 says neither when nor where
        missing.say("masthead_missing")
        return missing
