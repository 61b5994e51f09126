"""How well a question's words are met by a name or a passage, weighted by rarity in the index.

Rare words decide: 「看守所」 says more about which project is meant than 「宝山」 or 「工程」.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.query.normalise import Question
from assistant.query.retrieve import STOPWORDS, Tokenizer
from assistant.records import Chunk

CJK_OR_ALNUM = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]")
QUESTION_WORDS = re.compile(
    r"请问|多少|是多少|有多少|什么|哪些|哪个|几个|几项|几家|怎么样|怎样|如何|是否|有没有|吗|呢|呀|吧|"
    r"一共|总共|合计|加起来|大概|具体|情况|方面|有关|关于|相关|一下|告诉我|介绍"
)


def bigrams(text: str) -> list[str]:
    chars = "".join(CJK_OR_ALNUM.findall(text.lower()))
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


@dataclass(frozen=True)
class NameMatch:
    score: float  # rarity-weighted shared bigrams
    coverage: float  # share of the name's weight the question covers


class Rarity:
    """Inverse document frequencies of bigrams and words over the index's chunks."""

    def __init__(self, chunks: Sequence[Chunk], tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.total = max(1, len(chunks))
        self._bigram_df = Counter(b for c in chunks for b in set(bigrams(c.text)))
        self._word_df = Counter(w for c in chunks for w in set(self.words(c.text)))

    def words(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.tokens(text) if len(w) > 1 or w.isdigit()]

    def bigram_weight(self, bigram: str) -> float:
        return math.log((self.total + 1) / (self._bigram_df.get(bigram, 0) + 1)) + 1

    def word_weight(self, word: str) -> float:
        return math.log((self.total + 1) / (self._word_df.get(word, 0) + 1)) + 1

    def known(self, word: str) -> bool:
        return word in self._word_df

    def match_name(self, name: str, question: Question) -> NameMatch:
        wanted = set(bigrams(_content(question.text))) | {
            b for term in question.expansions for b in bigrams(term)
        }
        own = set(bigrams(name))
        if not own:
            return NameMatch(0.0, 0.0)
        shared = own & wanted
        score = sum(self.bigram_weight(b) for b in shared)
        total = sum(self.bigram_weight(b) for b in own)
        return NameMatch(score, score / total)


def _content(text: str) -> str:
    """The question without its question words and years."""
    text = QUESTION_WORDS.sub(" ", text)
    return re.sub(r"(19|20)\d{2}年?", " ", text)


def key_terms(question: Question, rarity: Rarity, ignore: Iterable[str] = ()) -> dict[str, float]:
    """The words a passage must contain to answer the question, with their weights."""
    ignored = set(ignore)
    terms: dict[str, float] = {}
    for word in rarity.words(_content(question.text)):
        if word in STOPWORDS or word in ignored or re.fullmatch(r"\d+", word):
            continue
        terms[word] = rarity.word_weight(word)
    return terms


def coverage(terms: dict[str, float], text: str, question: Question) -> float:
    """Share of the terms' weight found in ``text``; an alias counts through its expansions."""
    if not terms:
        return 0.0
    found = 0.0
    for term, weight in terms.items():
        if term in text or any(e in text and _alias_of(term, e) for e in question.expansions):
            found += weight
    return found / sum(terms.values())


def _alias_of(term: str, expansion: str) -> bool:
    from assistant.query.normalise import lexicon

    return any(expansion in canonical for alias, canonical in lexicon().items() if term in alias)
