"""Scoring the gold set: accuracy, refusals, verbatim quotes, numbers with support."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from assistant.ingest.timing import duration_end
from assistant.records import Answer

TABLE_CATEGORIES = ("indicator_result", "indicator_target", "project")
MARKER = re.compile(r"\[\d+\]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SUM_FORMULA = re.compile(r"([\d.]+)[^（\d]{0,6}（([\d.]+(?:\+[\d.]+)+)）")
OPERAND = r"([\d.]+|\([\d.+]+\))"
DIFFERENCE = re.compile(rf"[（；]{OPERAND} − {OPERAND} = -?([\d.]+)）")
# 「6.36万亿元=63600亿元」: a figure said in another magnitude of its unit.
POWERS = {"万亿": 12, "亿": 8, "万": 4, "千": 3, "": 0}
CONVERSION = re.compile(r"([\d.]+)(万亿|亿|万|千)([^\d=；（）]{1,3})=([\d.]+)(万亿|亿|万|千|)\3")


@dataclass(frozen=True)
class Gold:
    id: str
    category: str
    question: str
    expect: tuple[str, ...]
    quote: str
    refuse: bool
    year: int | None = None  # the year whose figure is asked (real-report sets)
    place: str = ""  # the place the question names (real-report sets)
    trap: bool = False  # a figure of another year for the same indicator is in the text


def load_gold(path: Path) -> list[Gold]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            items.append(
                Gold(
                    data["id"],
                    data["category"],
                    data["question"],
                    tuple(data.get("expect", ())),
                    data.get("quote", ""),
                    bool(data.get("refuse")),
                    data.get("year"),
                    data.get("place", ""),
                    bool(data.get("trap")),
                )
            )
    return items


def normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class Outcome:
    gold: Gold
    answer: Answer
    correct: bool
    unverbatim: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    wrong_time: list[str] = field(default_factory=list)


# Comparisons that name two times (「今年目标比去年实际」) may cite either year; a comparison of
# one year (「今年预期目标里A和B哪个高」) may not.
BOTH_YEARS = ("comparison",)
TIME_WORDS = re.compile(r"今年|去年|明年|上年|前年|(?:19|20)\d{2}年|实际|完成")
YEAR_IN_LABEL = re.compile(r"(?:19|20)\d{2}")
OTHER_YEAR_NOTICE = "未给出"  # prompts/answers.toml other_time: 「文件给出了…，未给出…」


def judge(gold: Gold, answer: Answer, documents: Sequence[str]) -> Outcome:
    if gold.refuse:
        correct = answer.refused
    else:
        shown = normalised(answer.answer)
        correct = not answer.refused and all(normalised(e) in shown for e in gold.expect)
    unverbatim = [c.quote for c in answer.citations if not any(c.quote in d for d in documents)]
    unsupported = unsupported_numbers(answer, documents)
    return Outcome(gold, answer, correct, unverbatim, unsupported, cited_other_years(gold, answer))


def cited_other_years(gold: Gold, answer: Answer) -> list[str]:
    """Quotes of another year cited for a question about one year (an answer, not a refusal)."""
    if gold.year is None or answer.refused:
        return []
    if gold.category in BOTH_YEARS and len(set(TIME_WORDS.findall(gold.question))) >= 2:
        return []
    # 「今年计划用3年时间…」 asks the horizon counted from the year asked (2025 → 2027)
    asked = {str(gold.year), str(duration_end(gold.question, gold.year))}
    return [
        f"{c.time}：{c.quote[:30]}"
        for number, c in enumerate(answer.citations, 1)
        if YEAR_IN_LABEL.findall(c.time)
        and not asked & set(YEAR_IN_LABEL.findall(c.time))
        and not _says_the_year_is_missing(answer.answer, number)
    ]


def _says_the_year_is_missing(text: str, number: int) -> bool:
    """Cited only in lines that say the year asked is not given (「文件给出了2025年目标…，未给出
    2024年完成值」): the other year is named as such, not passed off as the year asked."""
    lines = [line for line in text.splitlines() if f"[{number}]" in line]
    return bool(lines) and all(OTHER_YEAR_NOTICE in line for line in lines)


def unsupported_numbers(answer: Answer, documents: Sequence[str]) -> list[str]:
    """Numbers in the answer found in no quote, no metadata line and no shown arithmetic."""
    text = MARKER.sub("", answer.answer)
    supported = {n for c in answer.citations for n in NUMBER.findall(c.quote)}
    supported |= set(NUMBER.findall(answer.question + answer.resolved_question))
    for document in documents:  # title, 文号, dates: the cover page
        supported |= set(NUMBER.findall(document[:2000]))
    supported |= _checked_arithmetic(text, supported)
    supported.add(str(len(answer.citations)))
    return [n for n in NUMBER.findall(text) if not any(_same(n, s) for s in supported)]


def _checked_arithmetic(text: str, supported: set[str]) -> set[str]:
    """Results of sums and differences the answer shows, when they are right."""
    results = set()
    for number, magnitude, _, converted, into in CONVERSION.findall(text):
        shift = Decimal(10) ** (POWERS[magnitude] - POWERS[into])
        if number in supported and _dec(number) * shift == _dec(converted):
            results.add(converted)
    supported = supported | results
    for total, terms in SUM_FORMULA.findall(text):
        operands = terms.split("+")
        if all(o in supported for o in operands) and _dec(total) == sum(map(_dec, operands)):
            results.add(total)
    for first, second, difference in DIFFERENCE.findall(text):
        values = [_operand(first, supported), _operand(second, supported)]
        if None not in values and abs(values[0] - values[1]) == _dec(difference):
            results.add(difference)
    return results


def _operand(text: str, supported: set[str]) -> Decimal | None:
    """A number shown in a formula, or a sum of shown numbers: 「(80+105)」."""
    terms = text.strip("()").split("+")
    if not all(term in supported for term in terms):
        return None
    return sum((_dec(term) for term in terms), Decimal(0))


def _dec(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")


def _same(a: str, b: str) -> bool:
    return _dec(a) == _dec(b)


@dataclass
class Report:
    name: str
    outcomes: list[Outcome]
    baseline: Report | None = None  # the default path on the same questions, beside a generator
    first_run: str = ""  # the set's first-run figures, written down once, shown beside today's

    def accuracy(self, categories: Iterable[str] | None = None) -> float:
        chosen = [
            o for o in self._answerable() if categories is None or o.gold.category in categories
        ]
        return sum(o.correct for o in chosen) / len(chosen) if chosen else 1.0

    def _answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.gold.refuse]

    def refusal_precision(self) -> float:
        refused = [o for o in self.outcomes if o.answer.refused]
        return sum(o.gold.refuse for o in refused) / len(refused) if refused else 1.0

    def refusal_recall(self) -> float:
        wanted = [o for o in self.outcomes if o.gold.refuse]
        return sum(o.answer.refused for o in wanted) / len(wanted) if wanted else 1.0

    def unverbatim(self) -> list[tuple[str, str]]:
        return [(o.gold.id, q) for o in self.outcomes for q in o.unverbatim]

    def unsupported(self) -> list[tuple[str, str]]:
        return [(o.gold.id, n) for o in self.outcomes for n in o.unsupported]

    def wrong_time(self) -> list[tuple[str, str]]:
        return [(o.gold.id, q) for o in self.outcomes for q in o.wrong_time]

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]

    def generators(self) -> Counter[str]:
        """Who wrote each answer: the model, the extractive fallback, or nobody tried."""
        return Counter(o.answer.generator for o in self.outcomes)

    def table(self) -> str:
        by_category: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            by_category[outcome.gold.category].append(outcome)
        lines = [f"{'category':<18}{'n':>5}{'correct':>9}{'accuracy':>10}"]
        for category in sorted(by_category):
            items = by_category[category]
            right = sum(o.correct for o in items)
            lines.append(f"{category:<18}{len(items):>5}{right:>9}{right / len(items):>10.1%}")
        elapsed = sorted(o.answer.elapsed_ms for o in self.outcomes)
        lines += [
            f"table questions accuracy: {self.accuracy(TABLE_CATEGORIES):.1%}",
            f"overall answer accuracy: {self.accuracy():.1%}",
            f"refusal precision: {self.refusal_precision():.1%}",
            f"refusal recall: {self.refusal_recall():.1%}",
            f"quotes not verbatim: {len(self.unverbatim())}",
            f"numbers without support: {len(self.unsupported())}",
            f"passages of another year cited: {len(self.wrong_time())}",
            f"latency p50: {_percentile(elapsed, 50):.0f} ms",
            f"latency p95: {_percentile(elapsed, 95):.0f} ms",
        ]
        if self.baseline is not None:
            written = ", ".join(f"{name} {n}" for name, n in sorted(self.generators().items()))
            lines += [
                f"answers by: {written}",
                f"default path on the same questions: {self.baseline.accuracy():.1%}",
            ]
        if self.first_run:
            lines.append(f"first run (before any change for this set): {self.first_run}")
        lines += [f"  WRONG YEAR {gold_id} {quote}" for gold_id, quote in self.wrong_time()]
        lines += [
            f"  FAIL {o.gold.id} {o.gold.question} → {_short(o.answer)}" for o in self.failures()
        ]
        return "\n".join(lines)


def _short(answer: Answer) -> str:
    text = answer.answer.replace("\n", " ")
    return ("[拒答] " if answer.refused else "") + (text[:90] + "…" if len(text) > 90 else text)


def _percentile(values: Sequence[float], q: int) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, round(q / 100 * (len(values) - 1)))
    return values[index]
