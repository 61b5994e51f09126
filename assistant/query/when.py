"""Whether a passage speaks of the time a question asks about.

The year asked is the one the question names (「2024年」, or 「去年」 made absolute), else the
one its words imply (「目标」 → the plan year, 「完成了多少」 → the results year). A passage of
another year never answers: last year's result is not this year's target.
"""

from __future__ import annotations

from assistant.ingest.timing import duration_end, sentence_time
from assistant.knowledge import DocumentKnowledge
from assistant.query.intent import Intent, preferred_year
from assistant.query.normalise import Question
from assistant.records import Chunk, PassageTime, TimeKind

DATED = (TimeKind.RESULT, TimeKind.PLAN)


def asked_years(question: Question, document: DocumentKnowledge, intent: Intent) -> set[int]:
    """The document's own years the question asks about; empty when it does not say."""
    named = set(question.years) & document.own_years
    if named:
        return named
    if question.asks("when"):
        return set()  # 「啥时候完成」: the date is the answer, whichever year it falls in
    year = preferred_year(intent, document)
    if year is None and intent.plans:
        year = document.meta.plan_year  # 「怎么…」「有什么举措」: measures are planned
    return {year} if year else set()


def fits(time: PassageTime, wanted: set[int], question: Question) -> bool:
    """A dated passage must be of a wanted year; a horizon or a span only when its year is named."""
    if not wanted:
        return True
    if time.kind in DATED:
        return time.year in wanted
    if time.kind is TimeKind.SPAN and time.year in wanted and question.asks("now"):
        return True  # 「现在有多少」: a total up to the results year
    overall = question.asks("overall_goal") and not question.years
    if time.kind is TimeKind.HORIZON and (question.asks("when") or overall):
        return True  # 「力争哪一年…」「…的总目标」: the goal set for its own year is the answer
    counted = {duration_end(question.text, year) for year in wanted}
    if time.kind is TimeKind.HORIZON and time.year in counted:
        return True  # 「今年计划用3年时间补齐…」 counts the passage's horizon from the year asked
    if time.kind in (TimeKind.HORIZON, TimeKind.SPAN):
        return time.year in question.years
    return True


def passage_time(chunk: Chunk, sentence: str, document: DocumentKnowledge) -> PassageTime:
    """The time of one sentence of a chunk: its chapter's, unless its own words say otherwise."""
    return sentence_time(sentence, chunk.time, document.years)


def sentence_fits(
    chunk: Chunk, sentence: str, document: DocumentKnowledge, wanted: set[int], question: Question
) -> bool:
    time = passage_time(chunk, sentence, document)
    if time.kind is TimeKind.UNKNOWN and chunk.years and wanted:
        return bool(wanted & set(chunk.years))  # a table row or an undated section: its years
    return fits(time, wanted, question)
