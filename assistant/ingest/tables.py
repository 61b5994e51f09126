"""Tables of a plan document: the 主要指标 table, the 重大项目 table, and any other table.

Columns are found from the header text, never from positions or line numbers, so the same kind
of table from another district or year parses the same way. Cell strings are kept as written.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from assistant.ingest.blocks import Block, BlockKind
from assistant.records import (
    GenericRow,
    GenericTable,
    IndicatorPart,
    IndicatorRow,
    IndicatorTable,
    ProjectGroup,
    ProjectRow,
    ProjectTable,
    ProjectTotal,
    Span,
    TableSet,
)

TABLE_FORMATS = ("md", "csv", "json")

TITLE = re.compile(r"^(?:续)?表\s*(\d+)(?!\d)")
MAX_TITLE_CHARS = 80
TITLE_LOOKBACK = 3  # a title sits right above its table; only this many TEXT blocks are searched
PAGE_FURNITURE_CHARS = 30  # short TEXT between two parts of a table: page numbers, running heads
MAX_FURNITURE_BLOCKS = 2
NOTE = re.compile(r"^(?:备注|注)\s*(?:[：:]|\d)")
NOTE_PREFIX = re.compile(r"^(?:备注|注)\s*[：:]?\s*")
ENUMERATION = re.compile(r"^(?:\d+[.．、]|[（(]\d+[）)])\s*")
DEFINED_TERM = re.compile(r"^([^：:，。]{1,20})[：:]")

SEQ = re.compile(r"^\d+$")
GROUP = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")
DECLARED_COUNT = re.compile(r"[（(]\s*(\d+)\s*个?项\s*[）)]")
TOTAL = re.compile(r"^(?:合计|总计)")
UNIT_IN_HEADER = re.compile(r"[（(]\s*([^（()）]+?)\s*[）)]")

RESULTS_HEADER = re.compile(r"完成|执行|实际")
TARGET_HEADER = re.compile(r"目标|计划")
GROWTH_HEADER = re.compile(r"增长|增速|增幅|同比")
YEAR = re.compile(r"(\d{4})\s*年?")

GROWTH_WORD = (
    r"(?:力争|确保|争取)?(?:可比|同比|环比|年均)?"
    r"(?:增长|增加|下降|降低|提高|提升|上升|减少|回落|回升)"
)
GROWTH = re.compile(f"^{GROWTH_WORD}")
SIGNED_PERCENT = re.compile(r"^[+\-−±]\s*\d+(?:\.\d+)?\s*%$")
AMOUNT_THEN_GROWTH = re.compile(
    r"^(?:完成|达到|实现|约)?(?P<amount>\d[^，,；;]*)[，,；;]\s*(?P<growth>" + GROWTH_WORD + ".*)$"
)

# --- finding tables -------------------------------------------------------------------------


@dataclass
class _Line:
    """One table row (possibly several ROW blocks merged when a cell wrapped)."""

    cells: list[str]
    raw: str
    span: Span

    @classmethod
    def of(cls, block: Block) -> _Line:
        return cls([cell.strip() for cell in block.cells], block.text, block.span)

    def cell(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    def absorb(self, other: _Line) -> None:
        """A wrapped cell continues on the next line: join column by column."""
        width = max(len(self.cells), len(other.cells))
        mine = self.cells + [""] * (width - len(self.cells))
        theirs = other.cells + [""] * (width - len(other.cells))
        self.cells = [a + b for a, b in zip(mine, theirs, strict=True)]
        self.raw = f"{self.raw}\n{other.raw}"
        self.span = Span(self.span.start, other.span.end)


@dataclass
class _RawTable:
    table_id: str
    title: str
    rows: list[Block]
    last: int  # index of the last row block, where a note may follow
    notes: list[str] = field(default_factory=list)


def parse_tables(blocks: Sequence[Block]) -> TableSet:
    """Every table in the blocks, typed by what its header says it is."""
    indicators, projects, others = [], [], []
    for raw in _raw_tables(blocks):
        kind = _table_kind(raw.rows[0])
        if kind == "indicator":
            indicators.append(_parse_indicator_table(raw))
        elif kind == "project":
            projects.append(_parse_project_table(raw))
        else:
            others.append(_parse_generic_table(raw))
    return TableSet(tuple(indicators), tuple(projects), tuple(others))


def _table_kind(header: Block) -> str:
    text = header.text
    if "指标" in text and (RESULTS_HEADER.search(text) or TARGET_HEADER.search(text)):
        return "indicator"
    if "项目" in text and "投资" in text:
        return "project"
    return "generic"


def _row_runs(blocks: Sequence[Block]) -> Iterator[tuple[int, int]]:
    """(first, last) block index of each run of ROW blocks; footnotes do not break a run."""
    first = last = None
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.ROW:
            first = index if first is None else first
            last = index
        elif block.kind is BlockKind.TEXT and first is not None:
            yield first, last
            first = last = None
    if first is not None:
        yield first, last


def _raw_tables(blocks: Sequence[Block]) -> list[_RawTable]:
    tables: list[_RawTable] = []
    for first, last in _row_runs(blocks):
        rows = [b for b in blocks[first : last + 1] if b.kind is BlockKind.ROW]
        if tables and _continues(tables[-1], rows[0], blocks[tables[-1].last + 1 : first]):
            tables[-1].rows.extend(rows)
            tables[-1].last = last
            continue
        floor = tables[-1].last + 1 if tables else 0
        table_id, title = _title_before(blocks, first, floor)
        tables.append(_RawTable(table_id, title, rows, last))
    for table in tables:
        table.notes = _notes_after(blocks, table.last)
    return tables


def _continues(table: _RawTable, first_row: Block, between: Sequence[Block]) -> bool:
    """After a page break a table goes on under a repeat of its header (and maybe 续表N)."""
    if _squashed(first_row) != _squashed(table.rows[0]):
        return False
    texts = [b.text for b in between if b.kind is BlockKind.TEXT]
    for text in texts:
        if NOTE.match(text):  # a note closes its table
            return False
        title = TITLE.match(text)
        if title and f"表{title.group(1)}" != table.table_id:
            return False
        if not title and len(text) > PAGE_FURNITURE_CHARS:
            return False
    return len(texts) <= MAX_FURNITURE_BLOCKS


def _title_before(blocks: Sequence[Block], first: int, floor: int) -> tuple[str, str]:
    """The nearest 「表N…」 line above the table, not reaching back into the previous table."""
    seen = 0
    for index in range(first - 1, floor - 1, -1):
        block = blocks[index]
        if block.kind is not BlockKind.TEXT:
            continue
        match = TITLE.match(block.text)
        if match and len(block.text) <= MAX_TITLE_CHARS:
            return f"表{match.group(1)}", block.text
        seen += 1
        if seen >= TITLE_LOOKBACK:
            break
    return "", ""


def _notes_after(blocks: Sequence[Block], last: int) -> list[str]:
    notes = []
    for block in blocks[last + 1 :]:
        if block.kind is BlockKind.FOOTNOTE:
            continue
        if block.kind is not BlockKind.TEXT or not NOTE.match(block.text):
            break
        notes.append(block.text)
    return notes


def _squashed(block: Block) -> tuple[str, ...]:
    """A row's cells without spacing or trailing empties, to recognise repeated headers."""
    cells = [re.sub(r"\s+", "", cell) for cell in block.cells]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _split_header(
    rows: Sequence[Block], starts_data: Callable[[_Line], bool]
) -> tuple[list[Block], list[_Line]]:
    """Leading rows up to the first data row are the header; repeats of them are dropped."""
    lines = [_Line.of(block) for block in rows]
    count = next((i for i, line in enumerate(lines) if starts_data(line)), len(lines))
    count = max(count, 1)
    header_keys = {_squashed(block) for block in rows[:count]}
    repeats = {i for i, block in enumerate(rows) if _squashed(block) in header_keys}
    return list(rows[:count]), [line for i, line in enumerate(lines) if i not in repeats]


def _merge_wrapped(lines: Sequence[_Line], starts_row: Callable[[_Line], bool]) -> list[_Line]:
    """A line that does not start a row carries the wrapped end of the row above."""
    merged: list[_Line] = []
    for line in lines:
        if merged and not starts_row(line):
            merged[-1].absorb(line)
        else:
            merged.append(line)
    return merged


def _column_labels(header_rows: Sequence[Block]) -> list[str]:
    """One label per column; an empty cell above a filled one belongs to a merged cell."""
    grid = [[re.sub(r"\s+", "", cell) for cell in row.cells] for row in header_rows]
    width = max(len(cells) for cells in grid)
    grid = [cells + [""] * (width - len(cells)) for cells in grid]
    labels = []
    for column in range(width):
        parts = []
        for depth, cells in enumerate(grid):
            cell = cells[column]
            if not cell and any(lower[column] for lower in grid[depth + 1 :]):
                cell = next((c for c in reversed(cells[:column]) if c), "")
            parts.append(cell)
        labels.append("".join(parts))
    return labels


def _first_column(labels: Sequence[str], pattern: str, among: Sequence[int]) -> int | None:
    return next((j for j in among if re.search(pattern, labels[j])), None)


# --- indicator tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class _IndicatorColumns:
    seq: int | None
    category: int | None
    name: int | None
    unit: int | None
    note: int | None
    result_value: int | None
    result_growth: int | None
    target_value: int | None
    target_growth: int | None
    results_year: int | None
    plan_year: int | None


def _indicator_columns(labels: Sequence[str]) -> _IndicatorColumns:
    results = [j for j, label in enumerate(labels) if RESULTS_HEADER.search(label)]
    targets = [j for j, label in enumerate(labels) if TARGET_HEADER.search(label)]
    plain = [j for j in range(len(labels)) if j not in results and j not in targets]
    seq = _first_column(labels, "序号", plain)
    name = _first_column(labels, r"指标(?!值)|名称|内容", plain)
    return _IndicatorColumns(
        seq=0 if seq is None else seq,
        category=_first_column(labels, "类别|分类|领域", plain),
        name=2 if name is None else name,
        unit=_first_column(labels, "单位", plain),
        note=_first_column(labels, "备注|说明", plain),
        result_value=_value_column(labels, results),
        result_growth=_first_column(labels, GROWTH_HEADER.pattern, results),
        target_value=_value_column(labels, targets),
        target_growth=_first_column(labels, GROWTH_HEADER.pattern, targets),
        results_year=_year(labels, results),
        plan_year=_year(labels, targets),
    )


def _value_column(labels: Sequence[str], side: Sequence[int]) -> int | None:
    return next((j for j in side if not GROWTH_HEADER.search(labels[j])), None)


def _year(labels: Sequence[str], side: Sequence[int]) -> int | None:
    found = (YEAR.search(labels[j]) for j in side)
    return next((int(m.group(1)) for m in found if m), None)


def _parse_indicator_table(raw: _RawTable) -> IndicatorTable:
    header, body = _split_header(
        raw.rows, lambda line: bool(SEQ.match(line.cell(0))) or _is_category_line(line)
    )
    columns = _indicator_columns(_column_labels(header))

    def starts_row(line: _Line) -> bool:
        return bool(SEQ.match(line.cell(columns.seq))) or _is_category_line(line)

    rows, category = [], ""
    for line in _merge_wrapped(body, starts_row):
        if _is_category_line(line):
            category = line.cells[0]
        elif SEQ.match(line.cell(columns.seq)):
            category = line.cell(columns.category) or category
            rows.append(_indicator_row(raw.table_id, line, columns, category))
    definitions = [d for note in raw.notes for d in _definitions(note)]
    rows = [_with_definitions(row, definitions) for row in rows]
    return IndicatorTable(
        raw.table_id,
        raw.title,
        columns.results_year,
        columns.plan_year,
        tuple(rows),
        tuple(raw.notes),
    )


def _is_category_line(line: _Line) -> bool:
    """A row with only its first cell filled names the category of the rows below."""
    filled = [cell for cell in line.cells if cell]
    return len(filled) == 1 and bool(line.cells[0]) and not SEQ.match(line.cells[0])


def _indicator_row(
    table_id: str, line: _Line, columns: _IndicatorColumns, category: str
) -> IndicatorRow:
    values = _unshift_target(
        line.cell(columns.result_value),
        line.cell(columns.result_growth),
        line.cell(columns.target_value),
        line.cell(columns.target_growth),
    )
    name, unit = line.cell(columns.name), line.cell(columns.unit)
    parts = _compound_parts(name, unit, values)
    # A compound row keeps its cells as written; its parts hold the split values.
    fields = values if parts else (*_value_and_growth(*values[:2]), *_value_and_growth(*values[2:]))
    return IndicatorRow(
        table=table_id,
        seq=int(line.cell(columns.seq)),
        category=category,
        name=name,
        unit=unit,
        result_value=fields[0],
        result_growth=fields[1],
        target_value=fields[2],
        target_growth=fields[3],
        raw=line.raw,
        span=line.span,
        note=line.cell(columns.note),
        parts=parts,
    )


def _unshift_target(
    result_value: str, result_growth: str, target_value: str, target_growth: str
) -> tuple[str, str, str, str]:
    """Undo a target that extraction pushed one column left.

    Every indicator has a target, so a row whose two filled value cells both sit on the
    results side (target side empty) lost an empty cell: the second one is the target.
    """
    if result_value and result_growth and not target_value and not target_growth:
        return result_value, "", result_growth, ""
    return result_value, result_growth, target_value, target_growth


def is_growth_expression(text: str) -> bool:
    """「可比增长5%左右」「下降3%」「+1.2%」: a change, not a level."""
    return bool(GROWTH.match(text) or SIGNED_PERCENT.match(text))


def _value_and_growth(value: str, growth: str) -> tuple[str, str]:
    """A change written in the value column belongs to the growth field."""
    if growth or not value:
        return value, growth
    if is_growth_expression(value):
        return "", value
    both = AMOUNT_THEN_GROWTH.match(value)
    if both:
        return both.group("amount").strip(), both.group("growth").strip()
    return value, growth


def split_slashes(text: str) -> list[str]:
    """「a/b」 → [a, b]; no split inside brackets, empty pieces (「a/ /b」) dropped."""
    pieces, current, depth = [], [], 0
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if char == "/" and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


def _compound_parts(
    name: str, unit: str, values: tuple[str, str, str, str]
) -> tuple[IndicatorPart, ...]:
    """「A/B」 rows split when every filled cell splits into as many pieces; else stay whole."""
    names = split_slashes(name)
    count = len(names)
    if count < 2:
        return ()
    units = _part_units(unit, count)
    pieces = [split_slashes(value) if value else [""] * count for value in values]
    if units is None or any(len(piece) != count for piece in pieces):
        return ()
    parts = []
    for i, part_name in enumerate(names):
        result = _value_and_growth(pieces[0][i], pieces[1][i])
        target = _value_and_growth(pieces[2][i], pieces[3][i])
        parts.append(IndicatorPart(part_name, units[i], *result, *target))
    return tuple(parts)


def _part_units(unit: str, count: int) -> list[str] | None:
    """One unit per part; a single unit (or 「/」, none) is shared by all parts."""
    if unit.strip() == "/" or "/" not in unit:
        return [unit.strip()] * count
    units = split_slashes(unit)
    return units if len(units) == count else None


def _definitions(note: str) -> list[tuple[str, str]]:
    """「备注：产业类投资额：…。」 → [(产业类投资额, 产业类投资额：…。)]."""
    body = NOTE_PREFIX.sub("", note, count=1)
    found = []
    for segment in re.split(r"(?<=[。；;])", body):
        segment = ENUMERATION.sub("", segment.strip())
        term = DEFINED_TERM.match(segment)
        if term:
            found.append((term.group(1).strip(), segment))
    return found


def _with_definitions(row: IndicatorRow, definitions: Sequence[tuple[str, str]]) -> IndicatorRow:
    """Attach each defined term's note to the row and the part whose name contains it."""
    if not definitions:
        return row
    parts = tuple(
        replace(part, note=_joined(part.note, _matching(part.name, definitions)))
        for part in row.parts
    )
    return replace(row, note=_joined(row.note, _matching(row.name, definitions)), parts=parts)


def _matching(name: str, definitions: Sequence[tuple[str, str]]) -> list[str]:
    return [text for term, text in definitions if term in name]


def _joined(existing: str, extra: Sequence[str]) -> str:
    return " ".join(text for text in (existing, *extra) if text)


# --- project tables -------------------------------------------------------------------------


def _parse_project_table(raw: _RawTable) -> ProjectTable:
    header, body = _split_header(raw.rows, _starts_project_line)
    labels = _column_labels(header)
    every = range(len(labels))
    seq_col = _column_or(labels, "序号", every, 0)
    name_col = _column_or(labels, "名称", every, 1)
    investment_col = _column_or(labels, "投资", every, 2)
    goal_col = _column_or(labels, "目标|进度|内容|备注", every, 3)
    groups, rows, total, group = [], [], None, ""
    for line in _merge_wrapped(body, _starts_project_line):
        first = next((cell for cell in line.cells if cell), "")
        if TOTAL.match(first):
            amount = line.cell(investment_col) or _first_number(line.cells)
            total = ProjectTotal(first, amount, line.raw, line.span)
        elif GROUP.match(first):
            count = DECLARED_COUNT.search(first)
            groups.append(ProjectGroup(first, int(count.group(1)) if count else None, line.raw))
            group = first
        elif SEQ.match(line.cell(seq_col)):
            rows.append(
                ProjectRow(
                    table=raw.table_id,
                    seq=int(line.cell(seq_col)),
                    group=group,
                    name=line.cell(name_col),
                    investment=line.cell(investment_col),
                    goal=line.cell(goal_col),
                    raw=line.raw,
                    span=line.span,
                )
            )
    unit = UNIT_IN_HEADER.search(labels[investment_col]) if investment_col < len(labels) else None
    return ProjectTable(
        raw.table_id,
        raw.title,
        unit.group(1) if unit else "",
        tuple(groups),
        tuple(rows),
        total,
    )


def _starts_project_line(line: _Line) -> bool:
    first = next((cell for cell in line.cells if cell), "")
    return bool(SEQ.match(first) or GROUP.match(first) or TOTAL.match(first))


def _column_or(labels: Sequence[str], pattern: str, among: Sequence[int], default: int) -> int:
    found = _first_column(labels, pattern, among)
    return default if found is None else found


def _first_number(cells: Sequence[str]) -> str:
    return next((cell for cell in cells if re.fullmatch(r"\d+(?:\.\d+)?", cell)), "")


def project_sum_problems(table: ProjectTable) -> list[str]:
    """What does not add up: group counts vs. their 「（N项）」, project sum vs. 合计."""
    return [*_numbering_problems(table), *_group_problems(table), *_sum_problems(table)]


def _numbering_problems(table: ProjectTable) -> list[str]:
    seqs = [row.seq for row in table.rows]
    if seqs != list(range(1, len(seqs) + 1)):
        return [f"{table.table}：项目序号为 {seqs}，应为 1–{len(seqs)}"]
    return []


def _group_problems(table: ProjectTable) -> list[str]:
    problems = []
    for group in table.groups:
        listed = sum(1 for row in table.rows if row.group == group.label)
        if group.declared_count is not None and listed != group.declared_count:
            problems.append(
                f"{table.table}「{group.label}」标明 {group.declared_count} 项，"
                f"实际列出 {listed} 项"
            )
    return problems


def _sum_problems(table: ProjectTable) -> list[str]:
    problems = [
        f"{table.table} 第{row.seq}项「{row.name}」：投资额「{row.investment}」不是数字"
        for row in table.rows
        if row.investment_value is None
    ]
    total = table.total
    if total is None or total.investment_value is None:
        return problems
    found = sum((row.investment_value or Decimal(0) for row in table.rows), Decimal(0))
    if found != total.investment_value:
        problems.append(
            f"{table.table}：各项目投资相加为 {found}{table.unit}，"
            f"但{total.label}为 {total.investment}{table.unit}"
        )
    return problems


# --- other tables ---------------------------------------------------------------------------


def _parse_generic_table(raw: _RawTable) -> GenericTable:
    header, body = _split_header(raw.rows, lambda line: True)
    rows = tuple(
        GenericRow(raw.table_id, seq, tuple(line.cells), line.raw, line.span)
        for seq, line in enumerate(body, start=1)
    )
    headers = tuple(cell.strip() for cell in header[0].cells)
    return GenericTable(raw.table_id, raw.title, headers, rows)


# --- exports --------------------------------------------------------------------------------


def render_tables(tablesets: Sequence[tuple[str, TableSet]], fmt: str) -> str:
    """The tables of each labelled document as Markdown, CSV or JSON, for pasting elsewhere."""
    if fmt == "md":
        return _render_markdown(tablesets)
    if fmt == "csv":
        return _render_csv(tablesets)
    if fmt == "json":
        data = [{"document": label, "tables": tables.to_dict()} for label, tables in tablesets]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown table format {fmt!r}; expected one of {', '.join(TABLE_FORMATS)}")


def _indicator_header(table: IndicatorTable) -> list[str]:
    results = f"{table.results_year or ''}年完成"
    plan = f"{table.plan_year or ''}年目标"
    return [
        "序号",
        "类别",
        "指标",
        "计量单位",
        f"{results}指标值",
        f"{results}比上年增长",
        f"{plan}指标值",
        f"{plan}比上年增长",
        "备注",
    ]


def _indicator_lines(table: IndicatorTable) -> list[list[str]]:
    """One line per indicator, or per part of a compound indicator."""
    lines = []
    for row in table.rows:
        for item in row.parts or (row,):
            lines.append(
                [
                    str(row.seq),
                    row.category,
                    item.name,
                    item.unit,
                    item.result_value,
                    item.result_growth,
                    item.target_value,
                    item.target_growth,
                    item.note,
                ]
            )
    return lines


def _investment_header(table: ProjectTable) -> str:
    return f"投资总额（{table.unit}）" if table.unit else "投资总额"


def _project_lines_as_document(table: ProjectTable) -> list[list[str]]:
    """Group lines, project lines and the 合计 line, in the document's layout."""
    lines = []
    by_group = {group.label: group for group in table.groups}
    current = None
    for row in table.rows:
        if row.group != current and row.group in by_group:
            lines.append([row.group, "", "", ""])
        current = row.group
        lines.append([str(row.seq), row.name, row.investment, row.goal])
    if table.total:
        lines.append([table.total.label, "", table.total.investment, ""])
    return lines


FIGURES_TITLE = "文中的目标与完成值"
FIGURE_HEADER = ["指标", "年份", "类型", "数值（原文）", "原文"]


def _figure_lines(tables: TableSet) -> list[list[str]]:
    """Targets and results stated in prose, shown for documents without an indicator table."""
    if tables.indicators:
        return []
    return [[f.name, str(f.time.year or ""), f.kind, f.value, f.clause] for f in tables.figures]


def _titled(table_id: str, title: str) -> str:
    return title or table_id or "（无标题表格）"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], lines: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(map(_md_cell, header)) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(map(_md_cell, line)) + " |" for line in lines]
    return out


def _render_markdown(tablesets: Sequence[tuple[str, TableSet]]) -> str:
    out: list[str] = []
    for label, tables in tablesets:
        out += [f"## {label}", ""]
        for table in tables.indicators:
            out += [f"### {_titled(table.table, table.title)}", ""]
            out += _md_table(_indicator_header(table), _indicator_lines(table))
            out += ["", *(f"> {note}" for note in table.notes)] if table.notes else []
            out += [""]
        for table in tables.projects:
            header = ["序号", "项目名称", _investment_header(table), "目标"]
            out += [f"### {_titled(table.table, table.title)}", ""]
            out += [*_md_table(header, _project_lines_as_document(table)), ""]
        for table in tables.others:
            out += [f"### {_titled(table.table, table.title)}", ""]
            out += [*_md_table(table.headers, [row.cells for row in table.rows]), ""]
        figures = _figure_lines(tables)
        if figures:
            out += [f"### {FIGURES_TITLE}", "", *_md_table(FIGURE_HEADER, figures), ""]
    return "\n".join(out)


def _csv_sections(tablesets: Sequence[tuple[str, TableSet]]) -> Iterator[list[list[str]]]:
    """Each table as header + lines, every line led by its document and table title."""
    for label, tables in tablesets:
        for table in tables.indicators:
            lead = [label, _titled(table.table, table.title)]
            lines = [lead + line for line in _indicator_lines(table)]
            yield [["文档", "表", *_indicator_header(table)], *lines]
        for table in tables.projects:
            lead = [label, _titled(table.table, table.title)]
            header = ["文档", "表", "分组", "序号", "项目名称", _investment_header(table), "目标"]
            lines = [
                [*lead, row.group, str(row.seq), row.name, row.investment, row.goal]
                for row in table.rows
            ]
            if table.total:
                lines.append([*lead, "", "", table.total.label, table.total.investment, ""])
            yield [header, *lines]
        for table in tables.others:
            lead = [label, _titled(table.table, table.title)]
            lines = [lead + list(row.cells) for row in table.rows]
            yield [["文档", "表", *table.headers], *lines]
        figures = _figure_lines(tables)
        if figures:
            yield [["文档", "表", *FIGURE_HEADER], *([label, FIGURES_TITLE, *f] for f in figures)]


def _render_csv(tablesets: Sequence[tuple[str, TableSet]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, section in enumerate(_csv_sections(tablesets)):
        if index:
            buffer.write("\n")
        writer.writerows(section)
    return buffer.getvalue()
