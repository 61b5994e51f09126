"""The question-analysis vocabulary (``resources/analysis.toml``), loaded once.

Its ``[intent]`` entries are named cues, each a regular expression over the normalised question:
「一共」 asks for a sum, 「哪个…少」 for the lower of two. Answerers ask ``question.asks(name)``
instead of matching the question's text themselves.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

ANALYSIS_VOCABULARY = Path(__file__).resolve().parent.parent / "resources" / "analysis.toml"


@cache
def vocabulary() -> dict:
    with ANALYSIS_VOCABULARY.open("rb") as handle:
        return tomllib.load(handle)


@cache
def cue(name: str) -> re.Pattern[str]:
    """A named cue of ``[intent]`` (or a top-level word list); a list of words becomes their
    alternation."""
    table = vocabulary()
    entry = table["intent"][name] if name in table["intent"] else table[name]
    if isinstance(entry, list):
        entry = "|".join(re.escape(word) for word in sorted(entry, key=len, reverse=True))
    return re.compile(entry)
