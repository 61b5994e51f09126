"""The unit the cleaner hands to structure and table parsing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.records import Span


class BlockKind(StrEnum):
    TEXT = "text"  # a paragraph, heading or title, already joined across page breaks
    ROW = "row"  # one table line; cells separated by "\t" (empty cells kept)
    FOOTNOTE = "footnote"  # a footnote body, marker removed, joined across pages


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    # Offset in the original text of every character of ``text`` (same length as ``text``),
    # so any slice of cleaned text maps back to where it came from.
    origin: tuple[int, ...]
    marker: str = ""  # FOOTNOTE only: the marker digit, e.g. "4" for ⁴

    def __post_init__(self) -> None:
        if len(self.origin) != len(self.text):
            raise ValueError("origin must give one offset per character")

    @property
    def span(self) -> Span:
        if not self.origin:
            return Span(0, 0)
        return Span(self.origin[0], self.origin[-1] + 1)

    @property
    def cells(self) -> list[str]:
        return self.text.split("\t")

    def slice_span(self, start: int, end: int) -> Span:
        """The original span of ``text[start:end]``."""
        return Span(self.origin[start], self.origin[end - 1] + 1)
