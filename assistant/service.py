"""The one object the edges (CLI, web app) talk to: load the index once, answer questions."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, InvalidQuestionError
from assistant.generate import make_chat_model
from assistant.ingest.timing import DocumentYears
from assistant.knowledge import DocumentKnowledge, Knowledge, Project
from assistant.places import short_name
from assistant.query import followup, grounded, verify
from assistant.query.answer import Composer
from assistant.query.cite import citations
from assistant.query.draft import Computation, Draft, Evidence, merge, templates
from assistant.query.grounded import FinalEvent, StreamEvent, final_answer
from assistant.query.match import Rarities, Rarity
from assistant.query.normalise import Question, normalise
from assistant.query.retrieve import HybridRetriever, HybridSearch
from assistant.query.scope import Scope, select, speaks_for
from assistant.records import Answer
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
CLOSEST_PASSAGES = 3
COVERAGE_NAMED = 3  # a refusal names this many indexed documents, then 「等N份文件」
PLACES_NAMED = 5  # an unknown place is answered with this many places that can be chosen
MAX_DOCUMENTS = 3  # a question that names no place is answered from the best few documents
RANKED_HITS = 40  # passages searched to rank the documents for such a question


class AssistantService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.knowledge = Knowledge(settings)
        self.search = HybridSearch(self.knowledge)
        self.rarities = Rarities(self.search)
        self.composer = Composer(self.search, self.rarities)
        self.live_chunk_ids = frozenset(c.chunk_id for c in self.knowledge.chunks)
        self._text = "\n".join(c.quote for c in self.knowledge.chunks)
        # None on the default extractive path; a model's weights load on its first answer.
        self.chat_model = make_chat_model(settings)

    @property
    def documents(self) -> tuple[DocumentKnowledge, ...]:
        return self.knowledge.documents

    def warm_up(self) -> None:
        """Load the embedding model and the tokenizer before the first question arrives."""
        self.search.search("地区生产总值", limit=1)

    def ask(self, question: str, previous: str | None = None, place: str = "") -> Answer:
        """Answer a question; ``previous`` is the conversation's last resolved question, and
        ``place`` a place to answer about when the question names none."""
        return final_answer(self.ask_stream(question, previous, place))

    @cached_property
    def places(self) -> tuple[str, ...]:
        """The places the indexed documents are about, for a filter beside the chat box."""
        return tuple(sorted({d.meta.place for d in self.documents if d.meta.place}))

    def ask_stream(
        self, question: str, previous: str | None = None, place: str = ""
    ) -> Iterator[StreamEvent]:
        """``ask`` as events, ending with a ``FinalEvent`` that carries the verified answer.

        With a generator configured: a 「核对中…」 ``StatusEvent``, the model's draft as
        ``TokenEvent``s (unverified: the final answer replaces them; a ``StatusEvent`` with
        ``clear=True`` drops a failed try), then the final event. The extractive default yields
        only the final event. A bad question raises on the first ``next()``.
        """
        started = time.perf_counter()
        self.search.begin_question()
        checked = check_question(question)
        previous = check_previous(previous)
        place = self._check_place(place)
        checked = followup.resolve(checked, previous, self._subject_of, self._group_of)
        scope = select(checked, self.documents, self._mentioned, place, self._mentioned_in)
        draft, resolved = self._answer(scope, checked)
        asked_years = {str(year) for year in scope.missing_years}
        # A number the user typed is no evidence: 「今年GDP目标是6%吗」 must not get 「是6%」.
        echoed = self.known_numbers | asked_years | set(draft.restated)
        problems = verify.problems(draft, self.live_chunk_ids, echoed)
        if problems:
            draft = _unverified(draft)
        if self.search.degraded:
            draft.lines.append(templates()["degraded"])
        answer = Answer(
            question=printable(question),
            answer=draft.text,
            refused=draft.refused,
            citations=citations(draft.evidence, self.document_years),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            resolved_question=resolved,
        )
        if self.chat_model is not None and grounded.worth_rewriting(draft):
            name = self.settings.generator
            for item in grounded.stream(
                self.chat_model, name, resolved, draft, self.live_chunk_ids, echoed
            ):
                if isinstance(item, grounded.Grounded):
                    answer = replace(
                        answer,
                        answer=item.text,
                        generator=item.generator,
                        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
                    )
                else:
                    yield item
        yield FinalEvent(answer)

    def _check_place(self, place: object) -> str:
        """A place to answer about must be one the documents are about."""
        if place in (None, ""):
            return ""
        if not isinstance(place, str) or place not in self.places:
            shown = "、".join(self.places[:PLACES_NAMED]) + (
                "等" if len(self.places) > PLACES_NAMED else ""
            )
            raise InvalidQuestionError(
                f"没有关于「{str(place)[:20]}」的文件；可选的地区：{shown}。"
            )
        return place

    def retriever(self, k: int = 6) -> HybridRetriever:
        return HybridRetriever(search=self.search, k=k)

    def as_runnable(self) -> Runnable:
        """The whole pipeline as a LangChain runnable: question in, ``Answer`` out."""
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(self.ask, name="plan-assistant")

    # --- internals --------------------------------------------------------------------------

    def _answer(self, scope: Scope, question: str) -> tuple[Draft, str]:
        if scope.targets:
            resolved = scope.targets[0][1].text
        else:
            resolved = normalise(question, self.documents[0].meta.plan_year).text
        if scope.foreign_places:
            places = "、".join(scope.foreign_places)
            return self._refusal("refuse_district", districts=places), resolved
        if scope.days:
            days = "、".join(scope.days)
            return self._refusal("refuse_days", scope.considered, days=days), resolved
        if scope.personal:
            words = "、".join(scope.personal)
            return self._refusal("refuse_personal", scope.considered, words=words), resolved
        if scope.missing_years:
            years = "、".join(str(y) for y in scope.missing_years)
            return self._refusal("refuse_year", scope.considered, years=years), resolved
        if scope.across:
            side_by_side = self.composer.across.answer(scope.targets)
            if side_by_side:
                return side_by_side, resolved
        targets, elsewhere = self._best_documents(scope.targets)
        drafts = []
        for document, normalised in targets:
            draft = self.composer.compose(normalised, document)
            if draft:
                drafts.append((document, draft))
        if not drafts:
            return self._not_found(targets, question), resolved
        # A city inside the place is answered only by evidence that names it, in lines that name
        # it too: 「武汉在副省级城市中增速靠前，襄阳、宜昌经济总量突破6000亿元」 quoted for 襄阳's
        # figure is no answer on 武汉.
        quoted = "".join(item.quote for _, draft in drafts for item in draft.evidence)
        shown = "".join(line for _, draft in drafts for line in draft.lines)
        unanswered = [p for p in scope.other_places if not speaks_for(question, p, quoted, shown)]
        if unanswered:
            searched = [d for d, _ in targets]
            refusal = self._refusal("refuse_district", searched, districts="、".join(unanswered))
            return refusal, resolved
        if not scope.ambiguous:
            return drafts[0][1], resolved
        labels = [document.label for document, _ in drafts]
        merged = merge([draft for _, draft in drafts], labels)
        compared = self.composer.places_compared(targets[0][1], drafts)
        if compared:
            merged.lines.extend(compared.lines)
            merged.computations.extend(compared.computations)
        elif len(targets) == 2 and targets[0][1].asks("compare"):
            # 「江西和北京去年失业率谁更低」 where one report gives no 2024 figure, or says nothing
            # of it: what each says is shown, and the comparison asked is refused
            answered = [document for document, _ in drafts]
            for document, _ in targets:
                if document not in answered:
                    merged.lines.append(
                        templates()["compare_unanswered"].format(label=document.label)
                    )
            merged.refused = len(drafts) < 2 or any(draft.refused for _, draft in drafts)
        if elsewhere:
            example = short_name(drafts[0][0].meta.place or "") or drafts[0][0].label
            note = templates()["also_elsewhere"].format(count=elsewhere, example=example)
            merged.lines.append(note)
            merged.computations.append(Computation(str(elsewhere), ()))
        return merged, resolved

    def _best_documents(
        self, targets: tuple[tuple[DocumentKnowledge, Question], ...]
    ) -> tuple[tuple[tuple[DocumentKnowledge, Question], ...], int]:
        """At most ``MAX_DOCUMENTS``, found by one search over all of them, best first; and how
        many other documents that search also found (a question that names no place)."""
        if len(targets) <= MAX_DOCUMENTS:
            return targets, 0
        allowed = {d.meta.doc_id for d, _ in targets}
        hits = self.search.search(targets[0][1].search_text, doc_ids=allowed, limit=RANKED_HITS)
        weight: dict[str, float] = {}
        for hit in hits:
            weight[hit.chunk.doc_id] = weight.get(hit.chunk.doc_id, 0.0) + hit.score
        ranked = sorted(weight, key=weight.__getitem__, reverse=True)
        chosen = [
            t for doc_id in ranked[:MAX_DOCUMENTS] for t in targets if t[0].meta.doc_id == doc_id
        ]
        return tuple(chosen), max(0, len(ranked) - MAX_DOCUMENTS)

    def _main_entity(self, question: str):
        document = self.documents[0]
        normalised = normalise(question, document.meta.plan_year)
        ranked = self.composer.tables.entities(normalised, document)
        return ranked[0][1] if ranked else None

    def _subject_of(self, question: str) -> str:
        entity = self._main_entity(question)
        if entity is None:
            return ""
        return entity.row.name if isinstance(entity, Project) else entity.name

    def _group_of(self, question: str) -> str:
        entity = self._main_entity(question)
        if isinstance(entity, Project) and entity.row.group:
            return re.sub(r"（\d+项）$", "", entity.row.group)
        return ""

    def _mentioned(self, phrase: str) -> bool:
        return phrase in self._text

    def _mentioned_in(self, document: DocumentKnowledge, phrase: str) -> bool:
        return self.composer.rarities.of(document).mentions(phrase)

    @cached_property
    def rarity(self) -> Rarity:
        """Word weights over the whole index (briefings, follow-ups)."""
        return self.rarities.whole

    @cached_property
    def document_years(self) -> dict[str, DocumentYears]:
        return {d.meta.doc_id: d.years for d in self.documents}

    @cached_property
    def known_numbers(self) -> frozenset[str]:
        """Numbers the documents' metadata states (years, 文号, dates) and how many there are."""
        found: set[str] = {str(len(self.documents))}
        for document in self.documents:
            meta = document.meta
            described = " ".join((meta.title, meta.number, *meta.dates))
            found.update(verify.numbers(described))
            found.update(str(y) for y in (meta.results_year, meta.plan_year) if y)
        return frozenset(found)

    def coverage_text(self, first: Sequence[DocumentKnowledge] = ()) -> str:
        """「本助手收录的文件为《…》（文号，含…年执行情况与…年计划）。」, naming a few at most:
        ``first`` (the documents the question was looked up in), then the others."""
        ordered = [*first, *(d for d in self.documents if d not in first)]
        described = "、".join(_coverage_of(d.meta) for d in ordered[:COVERAGE_NAMED])
        if len(self.documents) > COVERAGE_NAMED:
            described = templates()["coverage_more"].format(
                named=described, count=len(self.documents)
            )
        return templates()["coverage"].format(documents=described)

    def _refusal(
        self, template: str, first: Sequence[DocumentKnowledge] = (), **values: object
    ) -> Draft:
        draft = Draft(refused=True)
        coverage = self.coverage_text(first)
        draft.lines.append(templates()[template].format(coverage=coverage, **values))
        return draft

    def _not_found(
        self, targets: Sequence[tuple[DocumentKnowledge, Question]], question: str
    ) -> Draft:
        searched = [d for d, _ in targets]
        draft = self._refusal("refuse_not_found", searched, question=question.strip("？?。 "))
        draft.restated.extend(verify.numbers(question))  # the question, quoted as it was typed
        doc_ids = {d.meta.doc_id for d in searched} or None
        search_text = targets[0][1].search_text if targets else question
        hits = self.search.search(search_text, doc_ids=doc_ids, limit=CLOSEST_PASSAGES)
        if hits:
            draft.lines.append(templates()["refuse_closest"])
            for quote, chunk in {h.chunk.quote: h.chunk for h in hits}.items():
                draft.lines.append(f"- {draft.cite(Evidence(chunk, quote))}")
        return draft


def _coverage_of(meta) -> str:
    """One document as a refusal names it; years left out when they could not be read."""
    known = meta.results_year and meta.plan_year
    years = templates()["coverage_years"].format(
        results_year=meta.results_year, plan_year=meta.plan_year
    )
    return templates()["coverage_document"].format(
        title=meta.title or meta.source,
        reference=meta.number or meta.date or meta.source,
        years=years if known else "",
    )


# CSI (「ESC [ 2 J」) and OSC (「ESC ] 0 ; title BEL」) sequences, as a terminal would act on them.
TERMINAL_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def check_question(question: object) -> str:
    """Reject what cannot be a question, with a message a resident understands."""
    if question is not None and not isinstance(question, str):
        raise InvalidQuestionError("问题应为文字，例如：今年GDP目标是多少？")
    text = printable(question or "").strip()
    if not text:
        raise InvalidQuestionError("请输入问题，例如：今年GDP目标是多少？")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(
            f"问题太长（{len(text)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内，一次问一件事。"
        )
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise InvalidQuestionError("没有看到文字内容，请用文字描述您的问题。")
    return text


def check_previous(previous: object) -> str | None:
    """The conversation's last question, as the web page or an API client sends it back: only
    a string of question size is read (anything else starts the conversation afresh)."""
    if not isinstance(previous, str) or len(previous) > MAX_QUESTION_CHARS:
        return None
    return printable(previous).strip() or None


def printable(text: str) -> str:
    """Text without terminal escape sequences, control characters or lone surrogates: they
    would be echoed into answers, logs and terminals, and a surrogate cannot even be sent back
    as JSON. Line breaks and tabs become spaces."""
    text = TERMINAL_ESCAPE.sub("", text)
    return "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def _unverified(draft: Draft) -> Draft:
    """Show the evidence, not the unverifiable answer."""
    shown = Draft(refused=True)
    shown.lines.append(templates()["refuse_unverified"])
    for item in draft.evidence:
        shown.lines.append(f"- {shown.cite(item)}")
    return shown


class LiveService:
    """The service of the index as it is now: a finished ``index`` run (a new manifest) is
    picked up by the next question once the build is over, without restarting the app.
    Questions in flight finish on the service they started with; an index that cannot be
    loaded leaves the old one in use."""

    def __init__(self, service: AssistantService) -> None:
        self._service = service
        self._lock = threading.Lock()
        self._seen = self._stamp()

    def current(self) -> AssistantService:
        from assistant.indexer import build_running

        stamp = self._stamp()
        if stamp == self._seen:
            return self._service
        if build_running(self._service.settings.index_dir):
            # A build rewrites the manifest after each document: the index it leaves is loaded
            # once, when it is done, not once per document.
            return self._service
        with self._lock:
            if stamp != self._seen:
                try:
                    self._service = AssistantService(self._service.settings)
                    log.info("索引已更新，已重新载入（%d 份文件）", len(self._service.documents))
                except AssistantError:
                    log.exception("索引已更新，但无法载入；继续使用原索引")
                self._seen = stamp
        return self._service

    def _stamp(self) -> int:
        from assistant.indexer import manifest_path

        try:
            return manifest_path(self._service.settings).stat().st_mtime_ns
        except OSError:
            return 0
