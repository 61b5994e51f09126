"""A passage's sentences, and the short lead sentence that says what the ones after it are about."""

from __future__ import annotations

import re

from assistant.ingest.chunks import is_lead
from assistant.records import Chunk, ChunkKind

__all__ = ["is_lead", "sentences", "topic_of"]

SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


def sentences(text: str) -> list[str]:
    """Verbatim sentences (a table row's cells stay tab-separated, as in the document)."""
    return [s for s in SENTENCE.findall(text) if s.strip()]


def topic_of(chunk: Chunk, sentence: str) -> str:
    """The lead sentence a paragraph's sentence falls under.

    「深化川渝相互赋能、一体发展。实施320个年度共建项目…」: the figure's sentence does not repeat
    its topic. Items after a colon, up to the full stop, also fall under what precedes the colon
    (「城乡生活污水治理3个“三年行动”：第1个…；第2个…」).
    """
    if chunk.kind is not ChunkKind.PARAGRAPH:
        return ""
    topic = heading = ""
    for each in sentences(chunk.quote):
        if sentence in each:
            return "" if each == topic else topic + heading
        if is_lead(each):
            topic, heading = each, ""
        if "：" in each and each.endswith("；"):
            heading = each[: each.index("：") + 1]  # 「…3个“三年行动”：第1个…；第2个…；」
        elif each.endswith("。"):
            heading = ""
    return ""
