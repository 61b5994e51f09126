"""An answer under construction: lines with citation markers, what they cite, what was computed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.prompts import load_prompts
from assistant.records import Chunk, PassageTime


def templates() -> dict[str, str]:
    return load_prompts("answers")


@dataclass(frozen=True)
class Evidence:
    chunk: Chunk
    quote: str  # a verbatim slice of chunk.quote
    time: PassageTime | None = None  # what the quote speaks of, when known better than its chunk


@dataclass(frozen=True)
class Computation:
    result: str
    operands: tuple[str, ...]


@dataclass
class Draft:
    lines: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    computations: list[Computation] = field(default_factory=list)
    refused: bool = False
    # Numbers the answer deliberately says back from the question (a filter: 「超过5亿元的」);
    # any other number must come from the evidence or from arithmetic on it.
    restated: list[str] = field(default_factory=list)

    def cite(self, *items: Evidence) -> str:
        markers = []
        for item in items:
            if item not in self.evidence:
                self.evidence.append(item)
            markers.append(f"[{self.evidence.index(item) + 1}]")
        return "".join(markers)

    def say(self, template: str, *evidence: Evidence, **values: object) -> None:
        self.lines.append(templates()[template].format(cite=self.cite(*evidence), **values))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


MARKER = re.compile(r"\[(\d+)\]")  # a citation marker: [n] cites evidence n


def merge(drafts: Sequence[Draft], labels: Sequence[str] | None = None) -> Draft:
    """Several drafts as one, with one shared citation numbering (and a label per draft)."""
    merged = Draft()
    for index, draft in enumerate(drafts):
        renumber = {str(i + 1): merged.cite(item) for i, item in enumerate(draft.evidence)}
        lines = [MARKER.sub(lambda m, r=renumber: r[m.group(1)], line) for line in draft.lines]
        if labels:
            lines[0] = templates()["per_document"].format(label=labels[index], answer=lines[0])
        # A part answered with a line already given (the same row, cited alike) says it once.
        merged.lines.extend(line for line in lines if labels or line not in merged.lines)
        merged.computations.extend(draft.computations)
        merged.restated.extend(draft.restated)
    # Refusals merged (the whole and each part 「未给出」) are still a refusal.
    merged.refused = bool(drafts) and all(draft.refused for draft in drafts)
    return merged


@dataclass(frozen=True)
class Candidate:
    """A possible answer and how much of the question its evidence covers."""

    draft: Draft
    coverage: float
    shown: str  # the figures it states, for checking the measure the question asks for
    measured: bool = True  # False: on topic, but without the figure asked for
