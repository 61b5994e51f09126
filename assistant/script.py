"""Traditional → simplified characters, for questions and for documents.

Plans and reports on the mainland are written in simplified characters, and every cue word the
assistant knows is simplified. A question typed in traditional characters, or a document published
in them, is folded to simplified before it is read. OpenCC's dictionaries (the pure-Python
``opencc-python-reimplemented``) do the conversion.
"""

from __future__ import annotations

from functools import cache

# A simplified document changes in almost no character under t2s (one in the 31 reports:
# 薹 → 苔); a traditional one changes in about a third of its Chinese characters.
TRADITIONAL_SHARE = 0.05
SAMPLE_CHARS = 20_000


@cache
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """「18號線寶山段投資多少」 → 「18号线宝山段投资多少」."""
    return _converter().convert(text)


def simplified_same_length(text: str) -> str:
    """Fold to simplified keeping one character for each character, so offsets still hold.
    A phrase rule that changes the length is given up for the characters one by one."""
    folded = to_simplified(text)
    if len(folded) == len(text):
        return folded
    return "".join(_one_character(char) for char in text)


def _one_character(char: str) -> str:
    folded = to_simplified(char)
    return folded if len(folded) == 1 else char


def looks_traditional(text: str) -> bool:
    """Written in traditional characters: a good share of its Chinese characters fold."""
    sample = text[:SAMPLE_CHARS]
    chinese = [char for char in sample if "\u4e00" <= char <= "\u9fff"]
    if not chinese:
        return False
    folded = to_simplified("".join(chinese))
    changed = sum(a != b for a, b in zip(chinese, folded, strict=False))
    return changed / len(chinese) >= TRADITIONAL_SHARE
