"""One indicator across documents: 「各省今年GDP目标」 as a list, and
「哪些省份今年GDP增长目标是5%左右」 as the documents whose stated figure matches.

Read from the typed records only (indicator table rows, figures stated in prose), each cited
verbatim, so a comparison of thirty reports costs one pass over their records and no search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assistant.indicators import indicator_matches
from assistant.ingest.figures import JOINED
from assistant.knowledge import DocumentKnowledge, Figure, Indicator
from assistant.query.draft import Computation, Draft, Evidence
from assistant.query.intent import read_intent
from assistant.query.match import misses_a_named_indicator
from assistant.query.normalise import Question, lexicon
from assistant.query.tabular import TableAnswers
from assistant.query.when import asked_years, fits

# A figure the question types as a filter: 「5%左右」, 「6%以上」, 「1万亿元」.
TYPED_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|万亿元|亿元|万人|万)(左右|以上|以内|以下)?")
NAMED_FORM_CHARS = 4  # a record name typed in full (「城镇新增就业」) names the indicator too


@dataclass(frozen=True)
class Reading:
    """What one document states for the indicator in the year asked."""

    document: DocumentKnowledge
    evidence: Evidence
    value: str  # as written: 「增长5%左右」
    year: int | None
    kind: str  # 目标, 完成, 预计


class AcrossDocuments:
    def __init__(self, tables: TableAnswers) -> None:
        self.tables = tables

    def answer(self, targets: Sequence[tuple[DocumentKnowledge, Question]]) -> Draft | None:
        if len(targets) < 2:
            return None
        question = targets[0][1]
        forms = _forms(question, [d for d, _ in targets])
        if not forms:
            return None
        readings = [r for d, q in targets if (r := self._reading(d, q, forms))]
        if not readings:
            return None
        name = _as_typed(forms[0], question.text)
        typed = TYPED_FIGURE.search(question.text)
        if typed:
            return _filtered(readings, typed, name, len(targets))
        return _listed(readings, name, len(targets))

    def _reading(
        self, document: DocumentKnowledge, question: Question, forms: Sequence[str]
    ) -> Reading | None:
        wanted = asked_years(question, document, read_intent(question, document))
        for indicator in document.indicators:
            if indicator_matches(indicator.name, forms):
                reading = self._table_reading(document, indicator, wanted)
                if reading:
                    return reading
        for figure in document.figures:
            if not indicator_matches(figure.name, forms):
                continue
            if not fits(figure.stated.time, wanted, question):
                continue
            if misses_a_named_indicator(question, figure.name + figure.stated.clause):
                continue
            return self._figure_reading(document, figure)
        return None

    def _table_reading(
        self, document: DocumentKnowledge, indicator: Indicator, wanted: set[int]
    ) -> Reading | None:
        part = indicator.part
        evidence = self.tables.row_evidence(indicator)
        target, result = part.target, part.result
        if target and (not wanted or indicator.plan_year in wanted):
            return Reading(document, evidence, target, indicator.plan_year, "目标")
        if result and (not wanted or indicator.results_year in wanted):
            return Reading(document, evidence, result, indicator.results_year, "完成")
        return None

    def _figure_reading(self, document: DocumentKnowledge, figure: Figure) -> Reading:
        stated = figure.stated
        evidence = self.tables.figure_evidence(figure)
        return Reading(document, evidence, stated.clause, stated.time.year, stated.kind)


def _forms(question: Question, documents: Sequence[DocumentKnowledge]) -> list[str]:
    """The indicator's wordings: the lexicon's for a colloquial name (GDP → 地区生产总值), or a
    record's own name typed in full."""
    lowered = question.text.lower()
    forms: list[str] = []
    for alias, canonical in lexicon().items():
        if alias in lowered:
            forms.extend((alias, *canonical))
    for document in documents:
        for record in (*document.indicators, *document.figures):
            if len(record.name) >= NAMED_FORM_CHARS and record.name in question.text:
                forms.append(record.name)
    return list(dict.fromkeys(forms))


def _as_typed(form: str, text: str) -> str:
    """「GDP」 as the user wrote it, not the lexicon's lower-case key."""
    at = text.lower().find(form.lower())
    return text[at : at + len(form)] if at >= 0 else form


def _listed(readings: Sequence[Reading], name: str, asked: int) -> Draft:
    draft = Draft()
    draft.say("across_intro", name=name, found=len(readings), asked=asked)
    draft.computations.append(Computation(str(len(readings)), ()))
    draft.computations.append(Computation(str(asked), ()))
    for reading in readings:
        _say_reading(draft, reading)
    return draft


def _filtered(readings: Sequence[Reading], typed: re.Match[str], name: str, asked: int) -> Draft:
    number, unit, qualifier = Decimal(typed.group(1)), typed.group(2), typed.group(3) or ""
    matching = [r for r in readings if _states(r.value, number, unit, qualifier)]
    draft = Draft()
    draft.restated.append(typed.group(1))
    filter_text = typed.group(0)
    draft.say(
        "across_filter",
        name=name,
        figure=filter_text,
        count=len(matching),
        found=len(readings),
    )
    draft.computations.append(Computation(str(len(matching)), ()))
    draft.computations.append(Computation(str(len(readings)), ()))
    for reading in matching:
        _say_reading(draft, reading)
    return draft


def _states(value: str, number: Decimal, unit: str, qualifier: str) -> bool:
    """「增长5%左右」 states 5%左右; 「增长5.5%左右」 and 「5%—5.5%」 do not."""
    for found in TYPED_FIGURE.finditer(value):
        if Decimal(found.group(1)) != number or found.group(2) != unit:
            continue
        # The same qualifier, and not the first end of a range (「5%—5.5%」).
        if (found.group(3) or "") == qualifier and not JOINED.match(value, found.end()):
            return True
    return False


def _say_reading(draft: Draft, reading: Reading) -> None:
    draft.say(
        "across_item",
        reading.evidence,
        label=reading.document.label,
        year=reading.year or "",
        kind=reading.kind,
        value=reading.value,
    )
