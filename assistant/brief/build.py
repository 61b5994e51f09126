"""``build_briefing``: the topic checked, the document it is drawn from (or why none), then
the draft, or the 「文件中未涉及」 refusal when nothing in the document is about it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.brief.briefing import Briefing, basis, templates
from assistant.brief.drafting import Drafter
from assistant.brief.library import library
from assistant.brief.topic import NOT_WORDS
from assistant.errors import InvalidQuestionError
from assistant.knowledge import DocumentKnowledge
from assistant.query.scope import select

if TYPE_CHECKING:
    from assistant.service import AssistantService


MAX_TOPIC_CHARS = 100


def build_briefing(
    service: AssistantService, topic: str, *, document: DocumentKnowledge | None = None
) -> Briefing:
    """Draft a briefing on ``topic`` (「养老服务」, 「交通」, any free text) from the index.

    The document is the one the topic names by its district (「江北区教育」); otherwise
    ``document`` if given, else the first indexed document, and the briefing notes the others.
    """
    started = time.perf_counter()
    topic = _checked(topic)
    loaded = library(service)
    scope = select(topic, service.documents, loaded.mentioned)
    first = service.documents[0]
    if scope.foreign_places:
        places = "、".join(scope.foreign_places)
        refusal = _refusal(service, "not_covered_district", districts=places)
        return _not_covered(topic, refusal, first, started)
    if not scope.targets:
        years = "、".join(str(y) for y in scope.missing_years)
        refusal = _refusal(service, "not_covered_year", years=years)
        return _not_covered(topic, refusal, first, started)
    candidates = [d for d, _ in scope.targets]
    chosen = document if document in candidates else candidates[0]
    notes = _other_documents(chosen, candidates)
    drafter = Drafter(service, loaded, chosen, topic)
    briefing = drafter.briefing(started, notes)
    if briefing is None:
        refusal = _refusal(service, "not_covered", topic=drafter.display_topic)
        return _not_covered(topic, refusal, chosen, started)
    return briefing


def _checked(topic: str) -> str:
    text = " ".join((topic or "").split())
    if not NOT_WORDS.sub("", text):
        raise InvalidQuestionError(templates()["errors"]["empty"])
    if len(text) > MAX_TOPIC_CHARS:
        message = templates()["errors"]["too_long"]
        raise InvalidQuestionError(message.format(length=len(text), limit=MAX_TOPIC_CHARS))
    return text


def _refusal(service: AssistantService, template: str, **values: object) -> str:
    coverage = service.coverage_text()
    return templates()[template].format(coverage=coverage, **values)


def _not_covered(topic: str, refusal: str, document: DocumentKnowledge, started: float) -> Briefing:
    meta = document.meta
    title = templates()["not_covered_title"].format(topic=topic.strip(" ？?。！!，,"))
    return Briefing(
        topic=topic,
        title=title,
        basis=basis(document),
        summary=(refusal,),
        sections=(),
        sources=(),
        covered=False,
        document=meta.doc_id,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _other_documents(
    chosen: DocumentKnowledge, candidates: Sequence[DocumentKnowledge]
) -> tuple[str, ...]:
    others = [d.label for d in candidates if d is not chosen]
    if not others:
        return ()
    return (templates()["other_documents"].format(label=chosen.label, others="、".join(others)),)
