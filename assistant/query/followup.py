"""Follow-up questions in a conversation: 「那去年呢？」「它投资多少？」「还有别的项目吗？」.

A follow-up is rewritten into a standalone question from the previous (already resolved) one, and
that rewritten question is what gets answered and shown to the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.query.cues import vocabulary
from assistant.query.normalise import normalise_text

_PATTERNS = vocabulary()["followup"]
TIME = _PATTERNS["time"]
TIME_ONLY = re.compile(_PATTERNS["time_only"].replace("{time}", TIME))
PRONOUN = re.compile(_PATTERNS["pronoun"])
MORE = re.compile(_PATTERNS["more"])
ELLIPTIC = re.compile(_PATTERNS["elliptic"])
YEAR_IN_QUESTION = re.compile(TIME)

# Given the previous question, the name of what it was about (a table row), or "".
SubjectOf = Callable[[str], str]
# Given the previous question, the group of the project it was about, or "".
GroupOf = Callable[[str], str]


def resolve(question: str, previous: str | None, subject_of: SubjectOf, group_of: GroupOf) -> str:
    """The standalone question to answer; the question itself when it is not a follow-up."""
    text = question.strip()
    if not previous:
        return text
    compact = normalise_text(text)
    time_only = TIME_ONLY.match(compact)
    if time_only:
        return _with_time(previous, time_only.group(1))
    pronoun = PRONOUN.match(compact)
    if pronoun:
        subject = subject_of(previous) or _topic(previous)
        return subject + compact[pronoun.end() :] if subject else text
    more = MORE.match(compact)
    if more:
        group = group_of(previous)
        if group:
            return f"{group}有几个项目"
        return f"{_topic(previous)}还有哪些措施"
    elliptic = ELLIPTIC.match(compact)
    if elliptic:
        return _replace_topic(previous, elliptic.group(1), subject_of)
    return text


def _with_time(previous: str, time: str) -> str:
    """「今年GDP目标是多少」 + 「去年」 → 「去年GDP是多少」 (a result, not a target)."""
    if time in ("目标", "计划"):
        return YEAR_IN_QUESTION.sub("", previous, count=1) + "（目标）"
    base = YEAR_IN_QUESTION.sub("", previous, count=1)
    if time in ("去年", "上年", "前年", "完成情况"):
        base = base.replace("目标", "").replace("计划", "")
    if time == "完成情况":
        return base + "（完成情况）"
    return time + base


def _topic(previous: str) -> str:
    topic = re.sub(rf"{TIME}|是多少|多少|有哪些|哪些|是什么|什么|目标|[?？。!！]", "", previous)
    return topic.strip("的在了吗呢 ")


def _replace_topic(previous: str, new_topic: str, subject_of: SubjectOf) -> str:
    """「18号线投资多少」 + 「那宝钱公路呢」 → 「宝钱公路投资多少」."""
    old = subject_of(previous)
    if old and old in previous:
        return previous.replace(old, new_topic, 1)
    time = YEAR_IN_QUESTION.search(previous)
    rest = re.sub(rf"^.*?(?={_asked(previous)})", "", previous) if _asked(previous) else ""
    return (time.group() if time else "") + new_topic + rest


def _asked(previous: str) -> str:
    match = re.search(r"(投资|目标|是多少|多少|完成|有哪些|怎么样)", previous)
    return match.group(1) if match else ""
