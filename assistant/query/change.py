"""A value the text says was changed from one figure to another: 「护理补贴标准从每人每月270元
提高到280元」 answers 「比原来多几块钱」 with the difference, its arithmetic shown.

The wording of a change (从…提高到…, 由…调整为…) is data: ``[intent] from_to`` in analysis.toml.
"""

from __future__ import annotations

from assistant.knowledge import DocumentKnowledge
from assistant.query.cues import cue
from assistant.query.draft import Draft, Evidence, templates
from assistant.query.intent import Intent
from assistant.query.match import Rarities, Rarity, coverage, key_terms
from assistant.query.normalise import Question
from assistant.query.retrieve import HybridSearch
from assistant.query.sentences import sentences
from assistant.query.tabular import AMOUNT, ROWS_COMPARED, say_difference
from assistant.query.when import asked_years, sentence_fits

CHANGE_HITS = 8
CHANGE_COVERAGE = 0.6  # of the question's words, in the words naming what was changed


class Changes:
    def __init__(self, search: HybridSearch, rarities: Rarities) -> None:
        self.search = search
        self.rarities = rarities

    def difference(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        """「今年重度残疾人护理补贴提到多少，比原来多几块钱」 → 280元 − 270元."""
        if not intent.compare:
            return None
        rarity: Rarity = self.rarities.of(document)
        terms = key_terms(question, rarity, ignore=document.own_names)
        if not terms:
            return None
        wanted = asked_years(question, document, intent)
        hits = self.search.search(
            question.search_text, doc_ids={document.meta.doc_id}, limit=CHANGE_HITS
        )
        for hit in hits:
            for sentence in sentences(hit.chunk.quote):
                change = _change_asked(sentence, terms, question)
                if change and sentence_fits(hit.chunk, sentence, document, wanted, question):
                    return _said(Evidence(hit.chunk, sentence), *change)
        return None


def _change_asked(
    sentence: str, terms: dict[str, float], question: Question
) -> tuple[str, tuple[str, str], tuple[str, str]] | None:
    """(what changed, its new value, its old value) for the item the question names."""
    found = cue("from_to").search(sentence)
    if found is None:
        return None
    before = AMOUNT.findall(found.group("before"))
    after = AMOUNT.findall(found.group("after"))
    if not before or len(before) != len(after):
        return None
    subject = sentence[: found.start()].rsplit("，", 1)[-1].removesuffix("分别").removesuffix("均")
    names = subject.split("、") if len(before) > 1 else [subject]
    if len(names) != len(before):
        return None
    index = max(range(len(names)), key=lambda i: coverage(terms, names[i], question))
    if coverage(terms, subject + found.group(), question) < CHANGE_COVERAGE:
        return None
    return names[index], after[index], before[index]


def _said(evidence: Evidence, name: str, new: tuple[str, str], old: tuple[str, str]) -> Draft:
    draft = Draft()
    labels = (templates()["changed_after"].format(name=name), templates()["changed_before"])
    cells = ("".join(new), "".join(old))
    say_difference(draft, [evidence], labels, cells, new, old, wording=ROWS_COMPARED)
    return draft
