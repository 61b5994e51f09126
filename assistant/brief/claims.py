"""Figures: the amounts a text states, and the facts a briefing has already shown."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.query.draft import Evidence
from assistant.query.match import Rarity, bigrams

RARE_BIGRAM = 3.0  # rarity weight of a bigram that says what a figure is about
NEAR_DUPLICATE = 0.6  # bigram Jaccard above which two quotes say the same
CONTAINED = 0.8

AMOUNT = re.compile(
    r"(\d+(?:\.\d+)?)(个百分点|万平方米|平方米|万人次|万人|万户|万吨|万方|万套|亿美元|亿元|万元|"
    r"公顷|公里|人次|亿|万|元|个|家|张|台|人|所|条|座|项|亩|套|幢|户|场|次|件|片|辆|吨|倍|岁|%)"
)
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")


def amounts(text: str) -> list[tuple[str, str]]:
    """The figures a text states as (number, unit): 「新增停车泊位1000个」 → [("1000", "个")].

    Figures inside quotation marks are names (「“科创30条”」), not amounts.
    """
    text = QUOTED.sub("", text)
    return [(_number(m.group(1)), m.group(2)) for m in AMOUNT.finditer(text)]


def _number(text: str) -> str:
    value = Decimal(text)
    return str(value.to_integral()) if value == value.to_integral() else text.rstrip("0")


def strong(number: str) -> bool:
    """A figure specific enough to identify a fact on its own: 2734, 86.8, 1850 (not 6, 100)."""
    return "." in number or len(number.strip("0")) >= 3


class Claims:
    """Facts already shown in the briefing, so that none is shown twice."""

    def __init__(self, rarity: Rarity) -> None:
        self.rarity = rarity
        # (part, number, unit) → what was shown with it; a 2023 result of 5条 is not the same fact
        # as a 2024 target of 5条.
        self.figures: dict[tuple[str, str, str], list[str]] = {}
        self.quotes: list[tuple[str, str, set[str]]] = []

    def add(self, evidence: Evidence, shown: dict[str, str]) -> None:
        """A cited quote, and what it shows for each part (results, targets)."""
        for part, text in shown.items():
            for number, unit in amounts(text):
                self.figures.setdefault((part, number, unit), []).append(text)
        self.quotes.append((evidence.chunk.chunk_id, evidence.quote, set(bigrams(evidence.quote))))

    def stated(self, clause: str, part: str) -> bool:
        """Every figure of the clause is already shown for the same part, about the same thing."""
        found = amounts(clause)
        return bool(found) and all(self._shown((part, *figure), clause) for figure in found)

    def _shown(self, figure: tuple[str, str, str], clause: str) -> bool:
        if strong(figure[1]):
            return figure in self.figures
        own = {b for b in bigrams(clause) if not re.search(r"\d", b)}
        return any(
            any(self.rarity.bigram_weight(b) >= RARE_BIGRAM for b in own & set(bigrams(other)))
            for other in self.figures.get(figure, ())
        )

    def repeats(self, evidence: Evidence) -> bool:
        """The quote, or one saying nearly the same, is already cited."""
        own = set(bigrams(evidence.quote))
        for chunk_id, quote, other in self.quotes:
            if chunk_id == evidence.chunk.chunk_id and quote == evidence.quote:
                return True
            shared = len(own & other)
            if (
                own
                and other
                and (shared / len(own | other) >= NEAR_DUPLICATE or shared / len(own) >= CONTAINED)
            ):
                return True
        return False
