"""One indicator across every indexed document, as spreadsheet rows: 「各省今年GDP目标」.

Rows come from the typed records only (indicator tables and figures stated in prose), each with
the document, its place, the year, whether it is a target or a result, the value as written and
the text it was read from, so a staff member can paste the comparison into a 材料.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from assistant.query.normalise import lexicon
from assistant.records import IndicatorPart, ParsedDocument

HEADER = ("文件", "地点", "层级", "年份", "类型", "指标", "数值（原文）", "原文")


def wordings(name: str) -> tuple[str, ...]:
    """The name as asked and the document wordings the lexicon ties it to (GDP → 地区生产总值)."""
    return (name, *lexicon().get(name.lower(), ()))


def indicator_rows(documents: Sequence[ParsedDocument], name: str) -> list[tuple[str, ...]]:
    forms = wordings(name)
    return [row for document in documents for row in _document_rows(document, forms)]


def _document_rows(document: ParsedDocument, forms: Sequence[str]) -> Iterator[tuple[str, ...]]:
    meta = document.meta
    where = (meta.title or meta.source, meta.place, meta.place_level)
    for table in document.tables.indicators:
        for row in table.rows:
            for part in row.parts or (row,):
                if indicator_matches(part.name, forms):
                    yield from _table_rows(
                        where, table.results_year, table.plan_year, part, row.raw
                    )
    if document.tables.indicators:
        return  # the table states it; its prose figures are not answered either
    for figure in document.tables.figures:
        if indicator_matches(figure.name, forms):
            year = str(figure.time.year or "")
            yield (*where, year, figure.kind, figure.name, figure.value, figure.clause)


def _table_rows(
    where: tuple[str, ...],
    results_year: int | None,
    plan_year: int | None,
    part: IndicatorPart,
    raw: str,
) -> Iterator[tuple[str, ...]]:
    quote = raw.replace("\t", " | ")
    result, target = part.result, part.target
    if result:
        yield (*where, str(results_year or ""), "完成", part.name, result, quote)
    if target:
        yield (*where, str(plan_year or ""), "目标", part.name, target, quote)


SCOPE_CHARS = 2  # 「全省」「全市」 before a name still name the same indicator


def indicator_matches(name: str, forms: Sequence[str]) -> bool:
    """The same indicator, not one that merely mentions it (单位地区生产总值能耗 is not GDP)."""
    return any(
        form and name.endswith(form) and len(name) - len(form) <= SCOPE_CHARS for form in forms
    )


def as_csv(rows: Sequence[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()
