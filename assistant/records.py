"""Typed records for the domain: documents, paragraphs, table rows, chunks.

Numbers from the document are kept as the document's own strings (``"101.94"``), never floats,
so that what is shown is exactly what was written; ``Decimal`` views are offered for arithmetic.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import TypeVar

R = TypeVar("R")


class ChunkKind(StrEnum):
    PARAGRAPH = "paragraph"
    TABLE_ROW = "table_row"
    FOOTNOTE = "footnote"
    # A dated line of the document's own before its first heading (「2025年1月14日在…会议上」,
    # 「2024年02月29日印发」): says when, where and by whom, so it is quoted for that, not searched.
    MASTHEAD = "masthead"


@dataclass(frozen=True)
class Span:
    """Character offsets into the original (uncleaned) text of a document."""

    start: int
    end: int


class DocumentKind(StrEnum):
    """What a document is; each kind reviews a year and plans the next in its own layout."""

    PLAN = "计划执行情况与计划草案"
    WORK_REPORT = "政府工作报告"
    FIVE_YEAR = "五年规划"
    OTHER = "其他"


class TimeKind(StrEnum):
    """What time a passage speaks of."""

    RESULT = "result"  # what was done: 回顾, 过去一年 (an estimate when it says 预计)
    PLAN = "plan"  # this year's targets and tasks: 今年, 主要预期目标, 主要任务
    HORIZON = "horizon"  # a goal further out: 到2030年, 「十五五」
    SPAN = "span"  # several years: 「十四五」期间, 2020→2025
    UNKNOWN = ""


@dataclass(frozen=True)
class PassageTime:
    kind: TimeKind = TimeKind.UNKNOWN
    year: int | None = None  # the results or plan year; a horizon's or span's last year
    start: int | None = None  # a span's first year
    estimate: bool = False  # 「预计」: a result not yet final

    @property
    def label(self) -> str:
        """「2024年（预计）」「2025年目标」「到2030年」「2021—2025年」, or ""."""
        if self.kind is TimeKind.RESULT and self.year:
            return f"{self.year}年" + ("（预计）" if self.estimate else "")
        if self.kind is TimeKind.PLAN and self.year:
            return f"{self.year}年目标"
        if self.kind is TimeKind.HORIZON and self.year:
            return f"到{self.year}年"
        if self.kind is TimeKind.SPAN and self.year:
            return f"{self.start}—{self.year}年" if self.start else f"截至{self.year}年"
        return ""


@dataclass(frozen=True)
class DocumentMeta:
    doc_id: str
    source: str
    content_hash: str
    title: str = ""
    issuer: str = ""
    number: str = ""
    place: str = ""  # full name of the administrative division: 「宝山区」, 「北京市」
    place_code: str = ""  # its six-digit division code
    place_level: str = ""  # 省, 自治区, 直辖市, 市, 区, 县…
    kind: DocumentKind = DocumentKind.OTHER
    date: str = ""  # when it was issued or delivered: 「2025年1月14日」
    dates: tuple[str, ...] = ()
    results_year: int | None = None
    plan_year: int | None = None
    # Written in traditional characters: indexed and quoted folded to simplified.
    traditional: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Footnote:
    marker: str
    text: str
    span: Span
    section: tuple[str, ...] = ()
    annotates: str = ""  # the words its marker follows: 「制定“数字生活100”行动计划」


@dataclass(frozen=True)
class Paragraph:
    text: str
    section: tuple[str, ...]
    span: Span
    # Original offset of each character, so a slice of the paragraph can be cited precisely.
    origin: tuple[int, ...] = field(default=(), repr=False, compare=False)
    time: PassageTime = field(default_factory=PassageTime)  # what its chapter speaks of
    masthead: bool = False  # a dated line of the document's own, before its first heading


class StatedValues:
    """An indicator's two years as one text each: 「1806.05亿元，可比增长1.7%」."""

    result_value: str
    result_growth: str
    target_value: str
    target_growth: str

    @property
    def result(self) -> str:
        return "，".join(v for v in (self.result_value, self.result_growth) if v)

    @property
    def target(self) -> str:
        return "，".join(v for v in (self.target_value, self.target_growth) if v)


@dataclass(frozen=True)
class IndicatorPart(StatedValues):
    """One sub-indicator of a compound row (「高新技术企业数/上市企业数」), or the row itself."""

    name: str
    unit: str
    result_value: str = ""
    result_growth: str = ""
    target_value: str = ""
    target_growth: str = ""
    note: str = ""


@dataclass(frozen=True)
class IndicatorRow(StatedValues):
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
class StatedFigure:
    """A target or result written in prose: 「地区生产总值增长5%左右」 in 主要预期目标."""

    name: str  # the indicator as the text names it: 「地区生产总值」
    value: str  # the figure as written, verb and qualifier included: 「增长5%左右」
    time: PassageTime  # target (plan year), result (estimate or not), horizon
    clause: str  # the verbatim clause it was read from
    span: Span  # where the clause is in the original text
    qualifier: str = ""  # 左右, 以上, 以内, 不少于, 超…

    @property
    def kind(self) -> str:
        """「目标」, 「完成」, 「预计」 or 「远景」, as answers name it."""
        if self.time.kind is TimeKind.PLAN:
            return "目标"
        if self.time.kind is TimeKind.HORIZON:
            return "远景目标"
        return "预计" if self.time.estimate else "完成"


@dataclass(frozen=True)
class TableSet:
    indicators: tuple[IndicatorTable, ...] = ()
    projects: tuple[ProjectTable, ...] = ()
    others: tuple[GenericTable, ...] = ()
    figures: tuple[StatedFigure, ...] = ()  # targets and results stated in prose

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
    time: PassageTime = field(default_factory=PassageTime)
    annotates: str = ""  # a footnote: the words its marker follows in the running text

    @property
    def embedded(self) -> str:
        """What the dense model reads: the text with its section path.

        Tried and measured (closing notes, session 4): embedding paragraphs without their path
        (12% fewer tokens) or with only a short heading (8%) cut the cold build of the 31
        reports towards 230 s, but cost the bundled plan's gold set one or two questions.
        """
        return self.text


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def from_dict(cls: type[R], data: dict) -> R:
    """Rebuild a (nested) record from ``asdict`` output, e.g. tables read back from the index."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(
        **{name: _decode(hints[name], value) for name, value in data.items() if name in known}
    )


def _decode(annotation: object, value: object) -> object:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if value is None:
        return None
    if is_dataclass(annotation) and isinstance(annotation, type):
        return from_dict(annotation, value)  # type: ignore[arg-type]
    if origin is tuple:
        return tuple(_decode(args[0], item) for item in value)  # type: ignore[union-attr]
    if origin in (typing.Union, types.UnionType):
        return _decode(next(a for a in args if a is not type(None)), value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation(value)
    return value


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str  # the document's id
    section: str  # the full section path, " › "-joined
    quote: str  # verbatim document text (a sentence, a passage or a table row)
    time: str = ""  # what time the quote speaks of: 「2024年（预计）」「2025年目标」
    chunk_id: str = ""
    start: int = -1  # original offsets of the quote's chunk
    end: int = -1


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    elapsed_ms: float = 0.0
    resolved_question: str = ""
    generator: str = "extractive"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [
            {key: c[key] for key in ("n", "doc", "section", "quote", "time")}
            for c in data["citations"]
        ]
        return data
