"""Questions about the document itself: when and where it was delivered or issued, and by whom.

A work report opens with a line such as 「2025年1月14日在…人民代表大会第三次会议上…作政府工作
报告」; a plan carries its signature date and 「…印发」 line, and its attached report a
「（…在…会议通过）」 line. The answer is such a dated line of the document's own, quoted, never a
sentence of the body that happens to mention a meeting.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.knowledge import DocumentKnowledge
from assistant.query.draft import Draft, Evidence
from assistant.query.intent import Intent
from assistant.query.match import bigrams
from assistant.query.normalise import Question
from assistant.query.sentences import sentences
from assistant.records import Chunk, ChunkKind, DocumentKind, PassageTime


class Masthead:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        # Each document's dated lines of its own, in document order, and the lines under a
        # heading that are no sentence of the body (「（2024年1月16日在…会议通过）」).
        self._lines: dict[str, list[Chunk]] = {}
        for chunk in sorted(chunks, key=lambda c: c.span.start):
            if chunk.kind is ChunkKind.MASTHEAD or (
                chunk.kind is ChunkKind.PARAGRAPH and "。" not in chunk.quote
            ):
                self._lines.setdefault(chunk.doc_hash, []).append(chunk)

    def delivered(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.delivered:
            return None
        dated = [
            Evidence(chunk, sentence, PassageTime())  # a date of the document, no period
            for chunk in self._lines.get(document.meta.content_hash, [])
            for sentence in sentences(chunk.quote)
            if any(date in sentence for date in document.meta.dates)
        ]
        if not dated:
            # The body's 「向大会报告工作」 says neither when nor where.
            missing = Draft(refused=True)
            missing.say(_missing_template(document))
            return missing
        asked = set(bigrams(question.text))
        # 「哪天印发的」 → the 「…印发」 line; 「哪次会议」 → the meeting's line; else the first.
        best = max(dated, key=lambda e: (len(asked & set(bigrams(e.quote))), -e.chunk.span.start))
        draft = Draft()
        draft.say("masthead", best, sentence=best.quote.rstrip("。"))
        return draft


def _missing_template(document: DocumentKnowledge) -> str:
    if document.meta.kind is DocumentKind.WORK_REPORT:
        return "masthead_missing"
    return "masthead_missing_document"
