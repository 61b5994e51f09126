"""Two names joined by 和 that share one question: 「去年改造了多少公里燃气管网和供热管网」.

The whole question is answered first. When its evidence says nothing of one of the names, that
name is asked on its own, with the rest of the question unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.query.analysis import vocabulary
from assistant.query.retrieve import Tokenizer


@dataclass(frozen=True)
class JoinedNames:
    first: str
    second: str
    question_about_first: str
    question_about_second: str


def joined_names(question: str, tokenizer: Tokenizer) -> JoinedNames | None:
    """The two names around the first joining word, each with the question asked of it alone."""
    words = vocabulary()
    tokens = tokenizer.segment(question)
    joins = [i for i, t in enumerate(tokens) if t in words["joining_words"]]
    if not joins:
        return None
    at = joins[0]
    stops = set(words["joined_name_stops"])
    start = at
    while start > 0 and tokens[start - 1] not in stops:
        start -= 1
    end = at + 1
    while end < len(tokens) and tokens[end] not in stops:
        end += 1
    first, second = "".join(tokens[start:at]), "".join(tokens[at + 1 : end])
    if len(first) < 2 or len(second) < 2 or _only_an_action(first):
        return None
    before, after = "".join(tokens[:start]), "".join(tokens[end:])
    return JoinedNames(first, second, before + first + after, before + second + after)


def _only_an_action(words: str) -> bool:
    """「新建和改造提升高标准农田」: a verb before 和 shares the object after it, naming nothing."""
    import jieba.posseg

    from assistant.ingest.figures import vocabulary as figure_vocabulary

    known = figure_vocabulary()
    if words in (*known["verbs"], *known["increment_openers"], *known["action_endings"]):
        return True  # 「新建」, which the segmenter may tag as a place
    pieces = jieba.posseg.lcut(words, HMM=False)
    return bool(pieces) and all(piece.flag.startswith("v") for piece in pieces)
