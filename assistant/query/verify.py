"""The last gate before an answer is shown: every number and every quote must check out."""

from __future__ import annotations

import re
from collections.abc import Collection

from assistant.query.draft import MARKER, Draft

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    return NUMBER.findall(MARKER.sub("", text))


def _same(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def problems(draft: Draft, live_chunk_ids: Collection[str], known: Collection[str]) -> list[str]:
    """Why the draft must not be shown; empty when every check passes.

    ``known`` are numbers from the documents' own metadata (years, 文号, dates), which answers
    may name without a quote.
    """
    found: list[str] = []
    for item in draft.evidence:
        if item.chunk.chunk_id not in live_chunk_ids:
            found.append(f"引用的片段不在索引中：{item.chunk.chunk_id}")
        if not item.quote or item.quote not in item.chunk.quote:
            found.append(f"引文与原文不一致：{item.quote[:30]}")
    for marker in MARKER.findall(draft.text):
        if not 1 <= int(marker) <= len(draft.evidence):
            found.append(f"引用标记没有对应的出处：[{marker}]")
    supported = {n for item in draft.evidence for n in numbers(item.quote)}
    for computation in draft.computations:
        if all(any(_same(o, s) for s in supported) for o in computation.operands):
            supported.add(computation.result)
            supported.update(computation.operands)
    supported.update(known)
    # The year a passage's own words give it (「（2027—2028年）」 → 到2028年), named in the label
    # of a clause quoted from that passage.
    supported.update(
        str(item.time.year)
        for item in draft.evidence
        if item.time and item.time.year and str(item.time.year) in item.chunk.quote
    )
    for number in numbers(draft.text):
        if not any(_same(number, s) for s in supported):
            found.append(f"数字没有出处：{number}")
    return found
