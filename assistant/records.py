"""Typed records for the domain: documents, paragraphs, table rows, chunks.

Numbers from the document are kept as the document's own strings (``"101.94"``), never floats,
so that what is shown is exactly what was written; ``Decimal`` views are offered for arithmetic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class ChunkKind(StrEnum):
    PARAGRAPH = "paragraph"
    TABLE_ROW = "table_row"
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Span:
    """Character offsets into the original (uncleaned) text of a document."""

    start: int
    end: int


@dataclass(frozen=True)
class DocumentMeta:
    doc_id: str
    source: str
    content_hash: str
    title: str = ""
    issuer: str = ""
    number: str = ""
    district: str = ""
    dates: tuple[str, ...] = ()
    results_year: int | None = None
    plan_year: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> DocumentMeta:
        return cls(**{**data, "dates": tuple(data.get("dates", ()))})


@dataclass(frozen=True)
class Footnote:
    marker: str
    text: str
    span: Span


@dataclass(frozen=True)
class Paragraph:
    text: str
    section: tuple[str, ...]
    span: Span
    kind: ChunkKind = ChunkKind.PARAGRAPH


@dataclass(frozen=True)
class IndicatorPart:
    """One sub-indicator of a compound row (「高新技术企业数/上市企业数」), or the row itself."""

    name: str
    unit: str
    result_value: str = ""
    result_growth: str = ""
    target_value: str = ""
    target_growth: str = ""
    note: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    table: str
    seq: int
    category: str
    name: str
    unit: str
    result_value: str
    result_growth: str
    target_value: str
    target_growth: str
    raw: str
    span: Span
    note: str = ""
    parts: tuple[IndicatorPart, ...] = ()


@dataclass(frozen=True)
class ProjectRow:
    table: str
    seq: int
    group: str
    name: str
    investment: str
    goal: str
    raw: str
    span: Span

    @property
    def investment_value(self) -> Decimal | None:
        return to_decimal(self.investment)


@dataclass(frozen=True)
class ProjectGroup:
    label: str
    declared_count: int | None
    raw: str


@dataclass(frozen=True)
class ProjectTotal:
    label: str
    investment: str
    raw: str
    span: Span

    @property
    def investment_value(self) -> Decimal | None:
        return to_decimal(self.investment)


@dataclass(frozen=True)
class GenericRow:
    """A row of any other table, e.g. the narrative's 「重点领域 | 进展情况」."""

    table: str
    seq: int
    cells: tuple[str, ...]
    raw: str
    span: Span


@dataclass(frozen=True)
class IndicatorTable:
    table: str
    title: str
    results_year: int | None
    plan_year: int | None
    rows: tuple[IndicatorRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectTable:
    table: str
    title: str
    unit: str
    groups: tuple[ProjectGroup, ...]
    rows: tuple[ProjectRow, ...]
    total: ProjectTotal | None = None


@dataclass(frozen=True)
class GenericTable:
    table: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[GenericRow, ...]
    section: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSet:
    indicators: tuple[IndicatorTable, ...] = ()
    projects: tuple[ProjectTable, ...] = ()
    others: tuple[GenericTable, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def row_count(self) -> int:
        return (
            sum(len(t.rows) for t in self.indicators)
            + sum(len(t.rows) for t in self.projects)
            + sum(len(t.rows) for t in self.others)
        )

    @property
    def table_count(self) -> int:
        return len(self.indicators) + len(self.projects) + len(self.others)


@dataclass(frozen=True)
class ParsedDocument:
    """Everything the write path extracts from one file, before chunking."""

    meta: DocumentMeta
    text: str
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]
    tables: TableSet


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit. ``text`` is what is embedded; ``quote`` is what is cited, verbatim."""

    chunk_id: str
    doc_id: str
    doc_hash: str
    kind: ChunkKind
    text: str
    quote: str
    section: tuple[str, ...]
    span: Span
    table: str = ""
    row: str = ""
    years: tuple[int, ...] = field(default_factory=tuple)


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None
