"""Answers without a language model: choose between table rows, arithmetic, facts and lists.

Each way of answering yields a ``Draft`` (lines with citation markers, the verbatim evidence they
cite, any arithmetic done) so that ``verify`` can check every number before anything is shown.
"""

from __future__ import annotations

import re

from assistant.knowledge import DocumentKnowledge
from assistant.query.draft import Candidate, Draft
from assistant.query.intent import Intent, read_intent
from assistant.query.match import Rarity
from assistant.query.normalise import Question
from assistant.query.prose import ProseAnswers
from assistant.query.retrieve import HybridSearch
from assistant.query.tabular import TableAnswers

TABLE_COVERAGE = 0.5
FACT_COVERAGE = 0.6
TABLE_PREFERENCE = 0.1  # a typed row wins a near tie against a sentence


class Composer:
    def __init__(self, search: HybridSearch, rarity: Rarity) -> None:
        structured = frozenset(
            row.raw
            for document in search.knowledge.documents
            for row in (*(i.row for i in document.indicators), *(p.row for p in document.projects))
        )
        self.tables = TableAnswers(search, rarity)
        self.prose = ProseAnswers(search, rarity, structured)

    def compose(self, question: Question, document: DocumentKnowledge) -> Draft | None:
        intent = read_intent(question, document)
        attempts = [self.tables.aggregate, self.tables.comparison, self.prose.listing]
        if self.tables.strong_match(question, document):
            attempts.remove(self.prose.listing)  # 「18号线今年什么目标」 names its row
        for attempt in attempts:
            draft = attempt(question, document, intent)
            if draft:
                return draft
        return self._best_single(question, document, intent)

    def _best_single(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        row = _acceptable(self.tables.lookup(question, document, intent), TABLE_COVERAGE, intent)
        fact = _acceptable(self.prose.fact(question, document, intent), FACT_COVERAGE, intent)
        if row and (not fact or row.coverage + TABLE_PREFERENCE >= fact.coverage):
            return row.draft
        return fact.draft if fact else None


def _acceptable(candidate: Candidate | None, threshold: float, intent: Intent) -> Candidate | None:
    if candidate is None or candidate.coverage < threshold:
        return None
    if intent.measure and not re.search(intent.measure, candidate.shown):
        return None
    return candidate
