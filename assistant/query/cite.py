"""Citations as users see them: the section path and the verbatim quote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.ingest.timing import DocumentYears, sentence_time
from assistant.query.draft import Evidence
from assistant.records import Citation, PassageTime

SEPARATOR = " › "
LONG_HEADING = 14


def citations(
    evidence: Sequence[Evidence], years: Mapping[str, DocumentYears] | None = None
) -> tuple[Citation, ...]:
    """``years``: each document's results and plan years, to tell the time of every quote."""
    return tuple(
        Citation(
            n=number,
            doc=item.chunk.doc_id,
            section=SEPARATOR.join(item.chunk.section),
            quote=item.quote,
            time=quote_time(item, (years or {}).get(item.chunk.doc_id)).label,
            chunk_id=item.chunk.chunk_id,
            start=item.chunk.span.start,
            end=item.chunk.span.end,
        )
        for number, item in enumerate(evidence, start=1)
    )


def quote_time(item: Evidence, years: DocumentYears | None) -> PassageTime:
    """What a quote speaks of: its own record's time, else its chunk's refined by its words."""
    if item.time is not None:
        return item.time
    if years is None:
        return item.chunk.time
    return sentence_time(item.quote, item.chunk.time, years)


def short_section(section: str) -> str:
    """Long headings shortened for display: 「一、2023年…总体情况」「（五）聚焦以人为本…」."""
    return SEPARATOR.join(_shorten(part) for part in section.split(SEPARATOR) if part)


def _shorten(heading: str) -> str:
    if len(heading) <= LONG_HEADING:
        return heading
    if "，" in heading[:LONG_HEADING]:
        return heading[: heading.index("，")] + "…"
    return heading[:7] + "…" + heading[-4:]
