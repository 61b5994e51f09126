"""The topic's words: their rarity weights, the documents' wording for them, and how much of
them a heading or a sentence covers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.brief.briefing import templates
from assistant.brief.library import Library
from assistant.knowledge import DocumentKnowledge
from assistant.query.match import QUESTION_WORDS, Rarity, bigrams, key_terms
from assistant.query.normalise import lexicon, normalise

RELATED_CREDIT = 0.8  # a related word in a heading or a row's name: most of the word it stands for
RELATED_IN_BODY = 0.5  # …in the body of a sentence it alone does not make the sentence relevant
PASSING_CREDIT = (
    0.5  # the topic as one short item of a list (「商业、交通等」) is a passing mention
)
PARTIAL_CREDIT = 0.5  # part of a long word: 「科技成果转化」 against 「成果转化」
UNKNOWN_WEIGHT = 0.6
PHRASE_SHARE = 0.8  # words covering less of the topic than this: match the topic as one phrase
LIST_ITEM_EXTRA = 6

YEARS = re.compile(r"(?:19|20)\d{2}年?")
LIST_SEPARATORS = "、，,。；：:\t"
NOT_WORDS = re.compile(r"[^\u4e00-\u9fff0-9a-zA-Z]+")
FIELD_SEPARATORS = re.compile(r"以及|[和与及、，,/；;]")


@dataclass(frozen=True)
class _Term:
    text: str
    weight: float
    related: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()  # related words that are the topic's other words


class Topic:
    """What a topic covers; 「教育和医疗」 covers either field."""

    def __init__(
        self, topic: str, document: DocumentKnowledge, rarity: Rarity, library: Library
    ) -> None:
        plan_year = document.meta.plan_year
        text = normalise(topic, plan_year).text
        parts = [p for p in FIELD_SEPARATORS.split(text) if NOT_WORDS.sub("", p)]
        if len(parts) < 2 or any(len(NOT_WORDS.sub("", p)) < 2 for p in parts):
            parts = [text]
        self.fields = tuple(_Field(p, document, rarity, library) for p in parts)
        self.fields = tuple(f for f in self.fields if f.terms) or self.fields[:1]
        self.question = normalise(topic, plan_year)

    @property
    def search_text(self) -> str:
        return " ".join(f.search_text for f in self.fields)

    @property
    def terms(self) -> tuple[_Term, ...]:
        return tuple(t for f in self.fields for t in f.terms)

    def score(self, heading: str, body: str = "") -> float:
        return max(f.score(heading, body) for f in self.fields)

    def touches(self, text: str) -> bool:
        return self.score("", text) > 0


class _Field:
    """One field's words with their rarity weights, and how much of them a text covers."""

    def __init__(
        self, topic: str, document: DocumentKnowledge, rarity: Rarity, library: Library
    ) -> None:
        question = normalise(topic, document.meta.plan_year)
        ignore = (*templates()["ignore"]["words"], *document.own_names)
        self.question = question
        self.phrase = _phrase(question.text, ignore)
        words = key_terms(question, rarity, ignore=ignore)
        if self.phrase and sum(len(w) for w in words) < PHRASE_SHARE * len(self.phrase):
            # 「南大智慧城」: jieba keeps only 「智慧」, which would match 「智慧养老院」.
            found = library.chunk_count(self.phrase)
            weight = math.log((rarity.total + 1) / (found + 1)) + 1
            words = {self.phrase: weight if found else weight * UNKNOWN_WEIGHT}
        related = templates()["related"]
        self.phrase_related = tuple(
            r.lower()
            for key, values in related.items()
            if key in self.phrase and not any(key in w for w in words)
            for r in values
        )
        terms = []
        for word, weight in words.items():
            found = _related_words(word, question.expansions, related)
            others = [o for o in words if o != word]
            siblings = tuple(f for f in found if any(o in f or f in o for o in others))
            own = tuple(f for f in found if f not in siblings)
            terms.append(_Term(word, weight, own, siblings))
        self.terms = tuple(terms)
        self.total = sum(t.weight for t in self.terms)

    @property
    def search_text(self) -> str:
        extra = [r for t in self.terms for r in t.related[:4]]
        return " ".join((self.question.search_text, *extra, *self.phrase_related[:4]))

    def score(self, heading: str, body: str = "") -> float:
        """Share of the topic's weight that a heading (or a row's name) and a sentence cover.

        A related word (「道路」 for 交通) says what a heading or a name is about; in the body of a
        sentence about something else it is no more than a passing mention.
        """
        if not self.terms:
            return 0.0
        texts = [
            (t.lower(), c) for t, c in ((heading, RELATED_CREDIT), (body, RELATED_IN_BODY)) if t
        ]
        found = 0.0
        for term in self.terms:
            credit = max((self._credit(term, text, related) for text, related in texts), default=0)
            found += term.weight * credit
        return found / self.total

    def _credit(self, term: _Term, text: str, related: float) -> float:
        """How well ``text`` mentions the term: itself, or a related word.

        In a heading, 「卫生」 stands for 「医疗卫生」 as a whole; in the body of a sentence, the
        topic's other word is not counted twice (「数字医疗研究所」 is not about 卫生).
        """
        credit = _mention(term.text, text, 1.0)
        if credit < 1.0:
            words = (*term.related, *self.phrase_related)
            if related == RELATED_CREDIT:
                words += term.siblings
            credit = max([credit, *(_mention(r, text, related) for r in words)])
        if credit == 0.0 and len(term.text) >= 3:
            pieces = bigrams(term.text)
            credit = PARTIAL_CREDIT * sum(p in text for p in pieces) / len(pieces)
        return credit


def display_topic(typed: str, topic: Topic) -> str:
    text = topic.question.text.lower()
    found = sorted(
        (text.find(t.text), t.text) for t in topic.terms if t.text and text.find(t.text) >= 0
    )
    if not found:
        return typed.strip(" ？?。！!，,")
    shown, end = "", -1
    for start, word in found:
        if start < end:
            continue
        shown += ("" if not shown or start == end else "、") + topic.question.text[start:][
            : len(word)
        ]
        end = start + len(word)
    return shown


def _phrase(text: str, ignore: Iterable[str]) -> str:
    text = YEARS.sub(" ", QUESTION_WORDS.sub(" ", text))
    for word in sorted(ignore, key=len, reverse=True):
        text = text.replace(word, " ")
    return NOT_WORDS.sub("", text).lower()


def _related_words(
    word: str, expansions: Sequence[str], related: dict[str, list[str]]
) -> tuple[str, ...]:
    """The documents' wording for a word (the lexicon both ways) and its generic sub-fields."""
    found: list[str] = [e for e in expansions if word in e or e in word]
    for alias, canonical in lexicon().items():
        if alias in word:
            found.extend(canonical)  # 「老年人」 → 养老, 为老, 老年
        elif any(len(c) >= 2 and c in word for c in canonical):
            found.extend((alias, *canonical))  # 「教育」 ← 学校
    for key, values in related.items():
        if key in word:
            found.extend(values)
    return tuple(dict.fromkeys(f.lower() for f in found if f != word and len(f) >= 2))


def _mention(word: str, text: str, credit: float) -> float:
    """``credit`` when ``word`` is in ``text``; less when it is only one short item of a list."""
    start = text.find(word)
    if start < 0:
        return 0.0
    while start >= 0:
        if not _list_item(text, start, start + len(word)):
            return credit
        start = text.find(word, start + 1)
    return credit * PASSING_CREDIT


def _list_item(text: str, start: int, end: int) -> bool:
    """「城市安全、智慧环保、交通运行智慧监管等」: the word is one short item of a list of areas."""
    left = max(text.rfind(p, 0, start) for p in LIST_SEPARATORS)
    rights = [i for i in (text.find(p, end) for p in (*LIST_SEPARATORS, "等")) if i >= 0]
    right = min(rights) if rights else len(text)
    listed = (left >= 0 and text[left] == "、") or (right < len(text) and text[right] in "、等")
    item = text[left + 1 : right]
    return listed and len(item) <= end - start + LIST_ITEM_EXTRA and not re.search(r"\d", item)
