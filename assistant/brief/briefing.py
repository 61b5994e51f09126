"""What a briefing is: its records, its wording (``prompts/brief.toml``), and the check a
finished briefing must pass before it is shown (``problems``)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from assistant.knowledge import DocumentKnowledge
from assistant.prompts import load_prompts
from assistant.query import verify
from assistant.query.draft import Computation, Draft, Evidence
from assistant.records import Citation

if TYPE_CHECKING:
    from assistant.service import AssistantService


RANGES = re.compile(r"\[\d+\](?:–\[\d+\])?")
CITED_END = re.compile(r"\[\d+\][。：]?$")


def templates() -> dict:
    return load_prompts("brief")


@dataclass(frozen=True)
class BriefSection:
    key: str  # results | targets | projects | measures
    heading: str  # 「2023年进展」: years from the document's metadata
    lines: tuple[str, ...]  # sentences, each ending with its citation markers [n]


@dataclass(frozen=True)
class Briefing:
    topic: str
    title: str
    basis: str  # the document the briefing is drawn from: 「依据：《…》（文号）」
    summary: tuple[str, ...]
    sections: tuple[BriefSection, ...]
    sources: tuple[Citation, ...]  # per marker [n]: the section path and the verbatim quote
    covered: bool = True  # False: the document does not cover the topic (「文件中未涉及」)
    notes: tuple[str, ...] = ()
    document: str = ""  # doc_id of the briefed document
    elapsed_ms: float = 0.0
    computations: tuple[Computation, ...] = ()  # sums and counts, for re-checking the numbers

    @property
    def text(self) -> str:
        """Summary and section lines as plain text (no headings, no sources)."""
        return "\n".join((*self.summary, *(line for s in self.sections for line in s.lines)))

    def section(self, key: str) -> BriefSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict:
        return asdict(self)


def problems(service: AssistantService, briefing: Briefing) -> list[str]:
    """Why a finished briefing must not be shown; empty when every line checks out.

    Every line of the summary and the sections must end with its markers, and pass the chat
    answers' verifier (``verify.problems``) against exactly the quotes it cites: every number in
    a quote it cites (or computed from them, or the documents' own years and 文号), every quote a
    verbatim slice of a live chunk.
    """
    if not briefing.covered:
        return []
    chunks = {c.chunk_id: c for c in service.knowledge.chunks}
    known = set(service.known_numbers) | set(verify.numbers(briefing.topic))
    found: list[str] = []
    lines = (*briefing.summary, *(line for s in briefing.sections for line in s.lines))
    for line in lines:
        cited = markers(line)
        if not cited or not CITED_END.search(line):
            found.append(f"句末没有引用标记：{line[:30]}")
            continue
        draft = Draft(computations=list(briefing.computations))
        for n in cited:
            source = briefing.sources[n - 1] if 1 <= n <= len(briefing.sources) else None
            chunk = chunks.get(source.chunk_id) if source else None
            if source is None or chunk is None:
                found.append(f"引用标记没有对应的出处：[{n}]")
                break
            draft.evidence.append(Evidence(chunk, source.quote))
        else:
            local = "".join(f"[{i}]" for i in range(1, len(cited) + 1))
            draft.lines.append(RANGES.sub("", line) + local)
            found.extend(verify.problems(draft, service.live_chunk_ids, known))
    return found


def markers(line: str) -> list[int]:
    """The source numbers a line cites, ranges included: 「…[2][5]–[7]。」 → [2, 5, 6, 7]."""
    found: list[int] = []
    for match in re.finditer(r"\[(\d+)\](?:–\[(\d+)\])?", line):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        found.extend(range(first, last + 1))
    return found


def basis(document: DocumentKnowledge) -> str:
    meta = document.meta
    return templates()["basis"].format(
        title=meta.title or meta.source, number=meta.number or meta.source
    )
