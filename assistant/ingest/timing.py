"""What time each passage speaks of: its chapter heading, the document's order, then cue words.

Plans and work reports review last year, then set this year's targets, and often look further
ahead (到2030年, 「十五五」). A figure answers a question only for the year it speaks of, so every
paragraph carries the time of its chapter, and every sentence can refine it by its own words.
The cue words are data (``resources/time.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.records import PassageTime, TimeKind

TIME_VOCABULARY = Path(__file__).resolve().parent.parent / "resources" / "time.toml"
WRITTEN_YEAR = r"(?:19|20)\d{2}年"  # 「2024年」, as a text and a normalised question write it
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")
YEAR_RANGE = re.compile(r"((?:19|20)\d{2})年?\s*[—–\-~～至到]\s*((?:19|20)\d{2})年")
LEADING_YEAR = re.compile(r"^(?:[一二三四五六七八九十]+、)?((?:19|20)\d{2})年")


@dataclass(frozen=True)
class DocumentYears:
    results: int | None
    plan: int | None


@cache
def vocabulary() -> dict:
    with TIME_VOCABULARY.open("rb") as handle:
        return tomllib.load(handle)


def _cues(group: str, kind: str, years: DocumentYears | None = None) -> list[str]:
    words = vocabulary()[group][kind]
    if years is None or years.plan is None:
        return [w for w in words if "{" not in w]
    return [w.format(plan_year=years.plan) for w in words]


def is_unnumbered_chapter(text: str) -> bool:
    """「2024年工作回顾」「2025年工作安排建议」: a chapter heading without 一、 in front."""
    if len(text) > vocabulary()["headings"]["max_unnumbered_chars"] or not LEADING_YEAR.match(text):
        return False
    return any(cue in text for kind in ("result", "plan") for cue in _cues("headings", kind))


def heading_time(heading: str, years: DocumentYears, *, chapter: bool = True) -> PassageTime | None:
    """「一、2024年工作回顾」 → the 2024 results; 「二、2025年工作安排」 → the 2025 plan.

    Cue words count in chapter headings only: a task heading inside the plan may well say
    「取得新成效」 without being a review.
    """
    named = {int(y) for y in YEAR.findall(heading)}
    if not chapter:
        return _named_year(named, years)
    if any(cue in heading for cue in _cues("headings", "result", years)):
        year = years.results if not named or years.results in named else max(named)
        return PassageTime(TimeKind.RESULT, year)
    planning = any(cue in heading for cue in _cues("headings", "plan", years))
    if (planning and not named) or years.plan in named:
        return PassageTime(TimeKind.PLAN, years.plan)
    return _named_year(named, years)


def _named_year(named: set[int], years: DocumentYears) -> PassageTime | None:
    if years.results in named and years.plan not in named:
        return PassageTime(TimeKind.RESULT, years.results)
    if years.plan in named and years.results not in named:
        return PassageTime(TimeKind.PLAN, years.plan)
    return None


class ChapterClock:
    """The time of each section, walking the headings in reading order.

    A chapter that does not say its time follows the document's order: the review comes first,
    and once the plan has begun every later chapter (政府自身建设, 民生实事) belongs to it.
    """

    def __init__(self, years: DocumentYears, reviews_first: bool) -> None:
        self.years = years
        self.reviews_first = reviews_first
        self.by_level: dict[int, PassageTime] = {}
        self.chapters = 0
        self.plan_begun = False

    def enter(self, level: int, heading: str) -> None:
        self.by_level = {k: v for k, v in self.by_level.items() if k < level}
        own = heading_time(heading, self.years, chapter=level <= 1)
        if level == 0:  # 附件N: a new part starts its own order
            self.chapters, self.plan_begun = 0, False
        elif level == 1:
            self.chapters += 1
            own = own or self._by_order()
            self.plan_begun = self.plan_begun or (own is not None and own.kind is TimeKind.PLAN)
        if own is not None:
            self.by_level[level] = own

    def _by_order(self) -> PassageTime | None:
        if self.plan_begun:
            return PassageTime(TimeKind.PLAN, self.years.plan)
        if self.reviews_first and self.chapters == 1 and self.years.results:
            return PassageTime(TimeKind.RESULT, self.years.results)
        if self.reviews_first and self.chapters > 1 and self.years.plan:
            return PassageTime(TimeKind.PLAN, self.years.plan)
        return None

    @property
    def now(self) -> PassageTime:
        """The time of the innermost heading that has one."""
        for level in sorted(self.by_level, reverse=True):
            return self.by_level[level]
        return PassageTime()


def sentence_time(sentence: str, inherited: PassageTime, years: DocumentYears) -> PassageTime:
    """A sentence's own words override its section: 「预计」「到2030年」「十四五期间」「今年」."""
    words = vocabulary()["sentences"]
    horizon = _horizon(sentence, years, words)
    if horizon is not None:
        return horizon
    span = _span(sentence, years, words)
    if span is not None:
        return span
    named = {int(y) for y in YEAR.findall(sentence)} & {years.results, years.plan}
    plan_cue = any(cue in sentence for cue in words["plan"]) or named == {years.plan}
    result_cue = bool(re.search("|".join(words["result"]), sentence)) or named == {years.results}
    estimate = any(cue in sentence for cue in words["estimate"])
    earlier = earlier_year(sentence, years)
    if earlier and not (named or plan_cue or result_cue):
        return PassageTime(TimeKind.RESULT, earlier, estimate=estimate)
    if (result_cue or estimate) and not plan_cue and years.results:
        return PassageTime(TimeKind.RESULT, years.results, estimate=estimate)
    if plan_cue and not result_cue and years.plan:
        return PassageTime(TimeKind.PLAN, years.plan)
    return inherited


def earlier_year(text: str, years: DocumentYears) -> int | None:
    """A year before the results year that opens a clause (「…全省共增加2702亿元，2023年达到
    13.09万亿元」) says when the figures after it happened; 「比2020年翻一番」 does not."""
    if years.results is None:
        return None
    found = [int(y) for y in _clause_opening_year().findall(text) if int(y) < years.results]
    return found[0] if found else None


@cache
def _clause_opening_year() -> re.Pattern[str]:
    words = vocabulary()["sentences"]
    not_after = "|".join(map(re.escape, words["earlier_year_not_followed_by"]))
    return re.compile(rf"(?:^|[，；：,;:])((?:19|20)\d{{2}})年(?!{not_after})")


def _horizon(sentence: str, years: DocumentYears, words: dict) -> PassageTime | None:
    """「到2030年」「2027年底前」, later than the plan year; or a five-year plan still to come."""
    if years.plan is None:
        return None
    before = "|".join(map(re.escape, words["horizon_before"]))
    after = "|".join(map(re.escape, words["horizon_after"]))
    pattern = rf"(?:{before})((?:19|20)\d{{2}})年|((?:19|20)\d{{2}})年(?:{after})"
    for match in re.finditer(pattern, sentence):
        year = int(match.group(1) or match.group(2))
        if year > years.plan:
            return PassageTime(TimeKind.HORIZON, year)
    for name, (first, last) in words["five_year_plans"].items():
        if name in sentence and first > years.plan and _has_figure_after(sentence, name):
            return PassageTime(TimeKind.HORIZON, last)
    for start, end in YEAR_RANGE.findall(sentence):
        if int(start) > years.plan:
            return PassageTime(TimeKind.HORIZON, int(end))  # 「第2个“三年行动”（2028—2030年）」
    end = duration_end(sentence, years.plan)
    return PassageTime(TimeKind.HORIZON, end) if end else None


def duration_end(text: str, start: int) -> int | None:
    """The last year of a duration counted from ``start``: 「用3年时间」 from 2025 ends in 2027."""
    duration = re.search(vocabulary()["sentences"]["horizon_duration"], text)
    return start + _count(duration.group(1)) - 1 if duration else None


def _count(number: str) -> int:
    """「3」「60」「三」「两」「六十」「十二」 as a number of years."""
    if number.isdigit():
        return int(number)
    number = number.replace("二", "两")
    if "十" not in number:
        return _digit(number)
    tens, _, ones = number.partition("十")
    return (_digit(tens) if tens else 1) * 10 + (_digit(ones) if ones else 0)


def _digit(character: str) -> int:
    return "一两三四五六七八九".index(character) + 1


def _span(sentence: str, years: DocumentYears, words: dict) -> PassageTime | None:
    """「十四五」期间, 「2020年以来」, 「五年来」: several years up to the results year."""
    marks = "|".join(map(re.escape, words["span"]))
    end = years.results or years.plan
    for name, (first, last) in words["five_year_plans"].items():
        if re.search(rf"{name}[”」\"]?(?:{marks})", sentence):
            return PassageTime(TimeKind.SPAN, min(last, end or last), first)
    since = re.search(r"((?:19|20)\d{2})年以来", sentence)
    if since and end and int(since.group(1)) < end:
        return PassageTime(TimeKind.SPAN, end, int(since.group(1)))
    counted = re.search(words["years_counted_back"], sentence)
    if counted and end:
        return PassageTime(TimeKind.SPAN, end, end - _count(counted.group(1)) + 1)
    return None


def _has_figure_after(sentence: str, name: str) -> bool:
    return bool(re.search(r"\d", sentence[sentence.index(name) :]))
