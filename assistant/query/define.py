"""What a name means: the document's own footnote or table note for it.

Plans explain their coinages in notes: 「“四百”大走访³」 with 「³ 即进百家门、访百家情…」 at the
foot of the page, or 「备注：产业类投资额：工业用地投资和研发类用地投资的总和。」 under a table. The
cleaned text keeps each footnote in the section of the passage that referred to it, so the note
for a name is the footnote of the section where the name is used.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.knowledge import DocumentKnowledge
from assistant.query.analysis import vocabulary
from assistant.query.draft import Draft, Evidence
from assistant.query.intent import Intent
from assistant.query.normalise import Question
from assistant.records import Chunk, ChunkKind

MIN_NAME_CHARS = 2


class Definitions:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._paragraphs: dict[str, list[Chunk]] = {}
        self._notes: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            if chunk.kind is ChunkKind.FOOTNOTE:
                self._notes.setdefault(chunk.doc_hash, []).append(chunk)
            elif chunk.kind is ChunkKind.PARAGRAPH:
                self._paragraphs.setdefault(chunk.doc_hash, []).append(chunk)

    def define(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.definition:
            return None
        notes = self._notes.get(document.meta.content_hash, [])
        for name in quoted_names(question.original):
            note = self._note_for(name, notes, document)
            if note is not None:
                draft = Draft()
                draft.say("definition", Evidence(note, note.quote), name=name, note=note.quote)
                return draft
        return None

    def _note_for(
        self, name: str, notes: Sequence[Chunk], document: DocumentKnowledge
    ) -> Chunk | None:
        """A note that names it (「产业类投资额：…」), or the one note of the section using it."""
        named = [note for note in notes if f"{name}：" in note.quote or f"{name}:" in note.quote]
        if named:
            return named[0]
        for paragraph in self._paragraphs.get(document.meta.content_hash, []):
            if name not in paragraph.quote:
                continue
            here = [note for note in notes if note.section == paragraph.section]
            if len(here) == 1:
                return here[0]
        return None


def quoted_names(text: str) -> list[str]:
    """The names a question puts in quotes: 「“四百”大走访」 → 四百."""
    found: list[str] = []
    for pair in vocabulary()["quotes"]:
        opening, closing = pair[0], pair[-1]
        start = text.find(opening)
        while start >= 0:
            end = text.find(closing, start + 1)
            if end < 0:
                break
            name = text[start + 1 : end].strip()
            if len(name) >= MIN_NAME_CHARS:
                found.append(name)
            start = text.find(opening, end + 1)
    return found
