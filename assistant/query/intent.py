"""What kind of answer a question wants: a target or a result, a comparison, a count, a list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from assistant.ingest.figures import alternation
from assistant.ingest.figures import vocabulary as figure_vocabulary
from assistant.knowledge import DocumentKnowledge
from assistant.query.analysis import vocabulary as analysis_vocabulary
from assistant.query.normalise import Question, chinese_number
from assistant.script import to_simplified


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    cues = analysis_vocabulary()["intent"]
    names = (
        "target",
        "result",
        "compare",
        "count",
        "sum",
        "superlative",
        "listing",
        "quantity",
        "plans_asked",
        "items_asked",
        "asked_from_to",
    )
    return {name: re.compile(cues[name]) for name in names}


@cache
def measures() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(what the question says, what a stated figure must match), from the analysis data."""
    cues = analysis_vocabulary()["intent"]
    parts = cues["measure_parts"]
    found = []
    for measure in cues["measures"]:
        asked = measure["asked"].replace("{strong_units}", parts["strong_units"])
        stated = measure["stated"].replace("{figure}", parts["figure"])
        found.append((re.compile(asked), stated.replace("{date}", parts["date"])))
    return tuple(found)


@dataclass(frozen=True)
class AmountLimit:
    """「投资超过5亿元」「10亿以上」: a limit on amounts in 亿元, as the question wrote it."""

    amount: str
    above: bool
    inclusive: bool
    written: str

    def admits(self, value: Decimal) -> bool:
        limit = Decimal(self.amount)
        if value == limit:
            return self.inclusive
        return value > limit if self.above else value < limit


@dataclass(frozen=True)
class Intent:
    compare: bool
    count: bool
    sum: bool
    superlative: str  # "max", "min" or ""
    listing: bool
    quantity: bool
    plans: bool  # 「怎么…」「有什么举措」: what will be done
    wants_target: bool
    wants_result: bool
    measure: str  # regex a stated figure must match, "" when any figure will do
    both_ends: bool = False  # 「投资最多和最少的项目」
    top: int = 0  # 「投资最少的3个项目」: how many of a ranking
    amount_range: tuple[str, str] | None = None  # 「5亿到10亿元之间」, as written
    amount_limit: AmountLimit | None = None  # 「超过5亿元」「10亿以上」
    definition: bool = False  # 「“四百”是指什么」
    which: bool = False  # 「哪几个指标」: the rows holding a value
    delivered: bool = False  # 「报告是哪天、在哪次会议上作的」: the document's own opening line
    amount: bool = False  # 「多少万亿元」「多大规模」: an amount, which no growth rate answers

    @property
    def preferred_year_kind(self) -> str:
        if self.wants_target and not self.wants_result:
            return "plan"
        if self.wants_result and not self.wants_target:
            return "results"
        return ""


def read_intent(question: Question, document: DocumentKnowledge) -> Intent:
    text = question.text
    cue = _patterns()
    years = set(question.years)
    plan, results = document.meta.plan_year, document.meta.results_year
    target = plan in years or bool(cue["target"].search(text))
    result = results in years or bool(cue["result"].search(text))
    if plan in years and results not in years:
        result = False
    if results in years and plan not in years:
        target = False
    from_to = bool(cue["asked_from_to"].search(text)) and len(years) != 1
    if from_to:  # 「从多少提高到多少」: last year's value and this year's
        target = result = True
    superlative = cue["superlative"].search(text)
    cues_text = analysis_vocabulary()["intent"]
    items = bool(cue["items_asked"].search(text))  # 「几个…分别是什么」 lists them
    count = bool(cue["count"].search(text)) and not items
    compare = bool(cue["compare"].search(text)) or from_to
    return Intent(
        compare=compare,
        count=count,
        sum=bool(cue["sum"].search(text)),
        superlative=_direction(superlative, bool(re.search(cues_text["from_the_top"], text))),
        listing=(items or bool(cue["listing"].search(text))) and not count,
        quantity=bool(cue["quantity"].search(text)) and not items,
        plans=bool(cue["plans_asked"].search(text)),
        wants_target=target,
        wants_result=result,
        measure=asked_measure(text, compared=compare),
        both_ends=bool(re.search(cues_text["both_ends"], text)),
        top=_count(top.group(1)) if (top := re.search(cues_text["top_n"], text)) else 0,
        amount_range=ranged.groups()
        if (ranged := re.search(cues_text["amount_range"], text))
        else None,
        amount_limit=_amount_limit(text),
        definition=bool(
            re.search(cues_text["definition"], text)
            or re.search(cues_text["definition_of_quoted"], to_simplified(question.original))
        ),
        which=bool(re.search(cues_text["which"], text)),
        delivered=bool(re.search(cues_text["delivered"], text)),
        amount=bool(re.search(cues_text["amount_asked"], text) or _amount_unit().search(text)),
    )


def asked_unit(text: str) -> str:
    """The unit an amount is asked in, with its magnitude: 「亿吨」 of 「多少亿吨」; else ""."""
    found = _amount_unit().search(text)
    return found.group("unit") if found else ""


@cache
def _amount_unit() -> re.Pattern[str]:
    """「多少万辆」「几万吨」: how many tens of thousands of a unit that is no rate (figures.toml).
    Without a magnitude, 「几个点」「第几届」「哪几家」「管几天」 ask a rate, a rank or items."""
    words = figure_vocabulary()
    units = [u for u in words["units"] if u not in words["rates"]]
    template = analysis_vocabulary()["intent"]["amount_in_units"]
    return re.compile(
        template.format(magnitudes=alternation(words["magnitudes"]), units=alternation(units))
    )


def _amount_limit(text: str) -> AmountLimit | None:
    cues = analysis_vocabulary()["intent"]
    found = re.search(cues["amount_limit"], text)
    if not found:
        return None
    before, amount, after = found.group("before") or "", found.group("amount"), found.group("after")
    word = before or after
    words = cues["amount_limit_words"]
    return AmountLimit(
        amount=amount,
        above=word in words["above"],
        inclusive=word in words["inclusive"],
        written=f"{before}{amount}亿元{after or ''}",
    )


def _direction(superlative: re.Match[str] | None, from_the_top: bool) -> str:
    if superlative:
        word = next(group for group in superlative.groups() if group)  # 「最(少)」「排(前)」
        return "max" if word in analysis_vocabulary()["intent"]["superlative_high"] else "min"
    return "max" if from_the_top else ""


def _count(written: str) -> int:
    return int(written) if written.isdigit() else chinese_number(written)


def asked_measure(text: str, *, compared: bool = False) -> str:
    """What a figure of the answer must state. In a comparison, 「高几个百分点」 asks the
    difference of the two compared, not a change stated of either."""
    directions = tuple(analysis_vocabulary()["intent"]["compared_directions"])
    for pattern, required in measures():
        match = pattern.search(text)
        if match and compared and text[: match.start()].endswith(directions):
            continue
        if match:
            unit = match.group(1) if match.groups() and match.group(1) else ""
            return required.replace("{unit}", _unit_pattern(unit))
    return ""


def _unit_pattern(unit: str) -> str:
    """The unit asked and the ones a text may write instead: 「多少人」 by 「3600名」."""
    parts = analysis_vocabulary()["intent"]["measure_parts"]
    same = [re.escape(u) for u in parts["same_units"].get(unit, [unit])]
    if unit in parts["unstated_after_magnitude"]:
        same.append(parts["unstated_unit"])  # 「入境游客111万、」
    return "(?:" + "|".join(same) + ")"


def preferred_year(intent: Intent, document: DocumentKnowledge) -> int | None:
    kind = intent.preferred_year_kind
    if kind == "plan":
        return document.meta.plan_year
    if kind == "results":
        return document.meta.results_year
    return None
