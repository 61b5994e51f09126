"""A briefing draft on one topic: results, targets, projects and measures, every sentence cited.

Built from the same pieces as chat answers: typed table rows, verbatim sentences, rarity-weighted
coverage of the topic's words, and the same verifier (``verify.problems``) run on every sentence and
on every section, so a briefing never shows a number a chat answer could not show.

Relevance is decided by the topic's own words: the words (weighted by rarity in the index), the
lexicon's wording for them, a few generic related words (``prompts/brief.toml``), found in a
sentence or in the headings above it. Table rows are also taken when a relevant passage states
their figure or names them. Facts are claimed once: table rows first, then sentences best first;
a figure already shown is trimmed from a later sentence, and no quote is cited by two sections.
"""

from __future__ import annotations

import math
import re
import time
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from assistant.errors import InvalidQuestionError
from assistant.knowledge import DocumentKnowledge, Indicator, Project
from assistant.prompts import load_prompts
from assistant.query import verify
from assistant.query.cite import citations
from assistant.query.draft import MARKER, Computation, Draft, Evidence
from assistant.query.match import QUESTION_WORDS, Rarity, bigrams, key_terms
from assistant.query.normalise import lexicon, normalise
from assistant.query.prose import readable, sentences
from assistant.query.scope import select
from assistant.records import Chunk, ChunkKind, Citation

if TYPE_CHECKING:
    from assistant.service import AssistantService

MAX_TOPIC_CHARS = 100
ORDER = ("results", "targets", "projects", "measures")

RELEVANT = 0.6  # share of the topic's weight a passage (with its headings) must cover
RELATED_CREDIT = 0.8  # a related word in a heading or a row's name: most of the word it stands for
RELATED_IN_BODY = 0.5  # …in the body of a sentence it alone does not make the sentence relevant
PASSING_CREDIT = (
    0.5  # the topic as one short item of a list (「商业、交通等」) is a passing mention
)
PARTIAL_CREDIT = 0.5  # part of a long word: 「科技成果转化」 against 「成果转化」
UNKNOWN_WEIGHT = 0.6
PHRASE_SHARE = 0.8  # words covering less of the topic than this: match the topic as one phrase
BROAD_HEADING = 0.2  # a heading above more than this share of the chunks tells no topic apart
LIST_ITEM_EXTRA = 6
LONG_SENTENCE = 80  # longer sentences relevant by their own words are cut to the relevant clauses
DISTINCT_NAME = 4  # shortest part of a row's name that, found in a relevant passage, names the row
DISTINCT_CHUNKS = 3  # …when no more chunks than this contain it
RARE_BIGRAM = 3.0  # rarity weight of a bigram that says what a figure is about
NEAR_DUPLICATE = 0.6  # bigram Jaccard above which two quotes say the same
CONTAINED = 0.8
SEARCH_HITS = 20
SEARCH_BONUS = 0.15
HEAD_BONUS = 0.25
OWN_BONUS = 0.25
LEAD_BONUS = 0.15  # the paragraph's own heading names the topic, not only its chapter
FOOTNOTE_PENALTY = 0.2
SUMMARY_CLAUSE = 60
SUMMARY_SENTENCES = 3
SENTENCE_LIMITS = {"results": 6, "targets": 6, "projects": 0, "measures": 6}
ROW_LIMITS = {"results": 4, "targets": 6, "projects": 12, "measures": 0}
MARKER_RUN = 3  # this many consecutive markers or more are shown as a range: [8]–[12]

CLAUSE = re.compile(r"[^，。；]+[，。；]?")
AMOUNT = re.compile(
    r"(\d+(?:\.\d+)?)(个百分点|万平方米|平方米|万人次|万人|万户|万吨|万方|万套|亿美元|亿元|万元|"
    r"公顷|公里|人次|亿|万|元|个|家|张|台|人|所|条|座|项|亩|套|幢|户|场|次|件|片|辆|吨|倍|岁|%)"
)
YEARS = re.compile(r"(?:19|20)\d{2}年?")
LIST_SEPARATORS = "、，,。；：:\t"
MARKERS = re.compile(r"(?:\[\d+\])+")
RANGES = re.compile(r"\[\d+\](?:–\[\d+\])?")
CITED_END = re.compile(r"\[\d+\][。：]?$")
NOT_WORDS = re.compile(r"[^\u4e00-\u9fff0-9a-zA-Z]+")
FIELD_SEPARATORS = re.compile(r"以及|[和与及、，,/；;]")
GROUP_COUNT = re.compile(r"（\d+项）$")
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")


def templates() -> dict:
    return load_prompts("brief")


# --- what a briefing is ------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefSection:
    key: str  # results | targets | projects | measures
    heading: str  # 「2023年进展」: years from the document's metadata
    lines: tuple[str, ...]  # sentences, each ending with its citation markers [n]


@dataclass(frozen=True)
class Briefing:
    topic: str
    title: str
    basis: str  # the document the briefing is drawn from: 「依据：《…》（文号）」
    summary: tuple[str, ...]
    sections: tuple[BriefSection, ...]
    sources: tuple[Citation, ...]  # per marker [n]: the section path and the verbatim quote
    covered: bool = True  # False: the document does not cover the topic (「文件中未涉及」)
    notes: tuple[str, ...] = ()
    document: str = ""  # doc_id of the briefed document
    elapsed_ms: float = 0.0
    computations: tuple[Computation, ...] = ()  # sums and counts, for re-checking the numbers

    @property
    def text(self) -> str:
        """Summary and section lines as plain text (no headings, no sources)."""
        return "\n".join((*self.summary, *(line for s in self.sections for line in s.lines)))

    def section(self, key: str) -> BriefSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict:
        return asdict(self)


def build_briefing(
    service: AssistantService, topic: str, *, document: DocumentKnowledge | None = None
) -> Briefing:
    """Draft a briefing on ``topic`` (「养老服务」, 「交通」, any free text) from the index.

    The document is the one the topic names by its district (「江北区教育」); otherwise
    ``document`` if given, else the first indexed document, and the briefing notes the others.
    """
    started = time.perf_counter()
    topic = _checked(topic)
    library = _library(service)
    scope = select(topic, service.documents, library.mentioned)
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
    drafter = _Drafter(service, library, chosen, topic)
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


# --- what a briefing reads from the loaded index, once per service ------------------------------


@dataclass(frozen=True)
class _Passage:
    chunk: Chunk
    sentence: str  # verbatim
    heading: str  # the headings above it that tell topics apart (and a table row's first cell)
    lead: str  # the nearest of them: the paragraph's own heading, or the row's first cell
    part: str  # results | plan
    order: tuple[int, int]


class _Library:
    def __init__(self, service: AssistantService) -> None:
        chunks = service.knowledge.chunks
        self._texts = tuple(c.text.lower() for c in chunks)
        self._quotes = "\n".join(c.quote for c in chunks)
        self._counts: dict[str, int] = {}
        counts = Counter(h for c in chunks for h in set(c.section))
        broad = {h for h, n in counts.items() if n > BROAD_HEADING * len(chunks)}
        rows = set(service.composer.prose.structured)
        rows.update(t.total.raw for d in service.documents for t in d.tables.projects if t.total)
        metas = {d.meta.doc_id: d.meta for d in service.documents}
        self.passages: dict[str, list[_Passage]] = {doc_id: [] for doc_id in metas}
        for position, chunk in enumerate(chunks):
            meta = metas.get(chunk.doc_id)
            part = _part(chunk, meta.results_year, meta.plan_year) if meta else None
            if part is None or chunk.quote in rows:
                continue
            headings = [h for h in chunk.section if h not in broad]
            if chunk.kind == ChunkKind.TABLE_ROW and "\t" in chunk.quote:
                headings.append(chunk.quote.split("\t", 1)[0])
            lead = chunk.section[-1] if chunk.section else ""
            nearest = headings[-1] if headings else ""
            for index, sentence in enumerate(sentences(chunk.quote)):
                if sentence.strip().rstrip("。；") == lead:
                    continue  # the paragraph's own heading, repeated as its first sentence
                passage = _Passage(
                    chunk, sentence, " ".join(headings), nearest, part, (position, index)
                )
                self.passages[chunk.doc_id].append(passage)

    def mentioned(self, phrase: str) -> bool:
        return phrase in self._quotes

    def chunk_count(self, text: str) -> int:
        """How many chunks contain ``text``."""
        text = text.lower()
        if text not in self._counts:
            self._counts[text] = sum(1 for chunk in self._texts if text in chunk)
        return self._counts[text]


_LIBRARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _library(service: AssistantService) -> _Library:
    library = _LIBRARIES.get(service)
    if library is None:
        library = _LIBRARIES[service] = _Library(service)
    return library


def _part(chunk: Chunk, results_year: int | None, plan_year: int | None) -> str | None:
    if results_year and chunk.years == (results_year,):
        return "results"
    if plan_year and chunk.years == (plan_year,):
        return "plan"
    return None


# --- the topic's words ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    text: str
    weight: float
    related: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()  # related words that are the topic's other words


class _Topic:
    """What a topic covers; 「教育和医疗」 covers either field."""

    def __init__(
        self, topic: str, document: DocumentKnowledge, rarity: Rarity, library: _Library
    ) -> None:
        plan_year = document.meta.plan_year
        text = normalise(topic, plan_year).text
        parts = [p for p in FIELD_SEPARATORS.split(text) if NOT_WORDS.sub("", p)]
        if len(parts) < 2 or any(len(NOT_WORDS.sub("", p)) < 2 for p in parts):
            parts = [text]
        self.fields = tuple(_Field(p, document, rarity, library) for p in parts)
        self.fields = tuple(f for f in self.fields if f.terms) or self.fields[:1]
        self.question = normalise(topic, plan_year)

    @property
    def search_text(self) -> str:
        return " ".join(f.search_text for f in self.fields)

    @property
    def terms(self) -> tuple[_Term, ...]:
        return tuple(t for f in self.fields for t in f.terms)

    def score(self, heading: str, body: str = "") -> float:
        return max(f.score(heading, body) for f in self.fields)

    def touches(self, text: str) -> bool:
        return self.score("", text) > 0


class _Field:
    """One field's words with their rarity weights, and how much of them a text covers."""

    def __init__(
        self, topic: str, document: DocumentKnowledge, rarity: Rarity, library: _Library
    ) -> None:
        question = normalise(topic, document.meta.plan_year)
        ignore = (*templates()["ignore"]["words"], *document.own_names)
        self.question = question
        self.phrase = _phrase(question.text, ignore)
        words = key_terms(question, rarity, ignore=ignore)
        if self.phrase and sum(len(w) for w in words) < PHRASE_SHARE * len(self.phrase):
            # 「南大智慧城」: jieba keeps only 「智慧」, which would match 「智慧养老院」.
            found = library.chunk_count(self.phrase)
            weight = math.log((rarity.total + 1) / (found + 1)) + 1
            words = {self.phrase: weight if found else weight * UNKNOWN_WEIGHT}
        related = templates()["related"]
        self.phrase_related = tuple(
            r.lower()
            for key, values in related.items()
            if key in self.phrase and not any(key in w for w in words)
            for r in values
        )
        terms = []
        for word, weight in words.items():
            found = _related_words(word, question.expansions, related)
            others = [o for o in words if o != word]
            siblings = tuple(f for f in found if any(o in f or f in o for o in others))
            own = tuple(f for f in found if f not in siblings)
            terms.append(_Term(word, weight, own, siblings))
        self.terms = tuple(terms)
        self.total = sum(t.weight for t in self.terms)

    @property
    def search_text(self) -> str:
        extra = [r for t in self.terms for r in t.related[:4]]
        return " ".join((self.question.search_text, *extra, *self.phrase_related[:4]))

    def score(self, heading: str, body: str = "") -> float:
        """Share of the topic's weight that a heading (or a row's name) and a sentence cover.

        A related word (「道路」 for 交通) says what a heading or a name is about; in the body of a
        sentence about something else it is no more than a passing mention.
        """
        if not self.terms:
            return 0.0
        texts = [
            (t.lower(), c) for t, c in ((heading, RELATED_CREDIT), (body, RELATED_IN_BODY)) if t
        ]
        found = 0.0
        for term in self.terms:
            credit = max((self._credit(term, text, related) for text, related in texts), default=0)
            found += term.weight * credit
        return found / self.total

    def _credit(self, term: _Term, text: str, related: float) -> float:
        """How well ``text`` mentions the term: itself, or a related word.

        In a heading, 「卫生」 stands for 「医疗卫生」 as a whole; in the body of a sentence, the
        topic's other word is not counted twice (「数字医疗研究所」 is not about 卫生).
        """
        credit = _mention(term.text, text, 1.0)
        if credit < 1.0:
            words = (*term.related, *self.phrase_related)
            if related == RELATED_CREDIT:
                words += term.siblings
            credit = max([credit, *(_mention(r, text, related) for r in words)])
        if credit == 0.0 and len(term.text) >= 3:
            pieces = bigrams(term.text)
            credit = PARTIAL_CREDIT * sum(p in text for p in pieces) / len(pieces)
        return credit


def _display_topic(typed: str, topic: _Topic) -> str:
    text = topic.question.text.lower()
    found = sorted(
        (text.find(t.text), t.text) for t in topic.terms if t.text and text.find(t.text) >= 0
    )
    if not found:
        return typed.strip(" ？?。！!，,")
    shown, end = "", -1
    for start, word in found:
        if start < end:
            continue
        shown += ("" if not shown or start == end else "、") + topic.question.text[start:][
            : len(word)
        ]
        end = start + len(word)
    return shown


def _phrase(text: str, ignore: Iterable[str]) -> str:
    text = YEARS.sub(" ", QUESTION_WORDS.sub(" ", text))
    for word in sorted(ignore, key=len, reverse=True):
        text = text.replace(word, " ")
    return NOT_WORDS.sub("", text).lower()


def _related_words(
    word: str, expansions: Sequence[str], related: dict[str, list[str]]
) -> tuple[str, ...]:
    """The documents' wording for a word (the lexicon both ways) and its generic sub-fields."""
    found: list[str] = [e for e in expansions if word in e or e in word]
    for alias, canonical in lexicon().items():
        if alias in word:
            found.extend(canonical)  # 「老年人」 → 养老, 为老, 老年
        elif any(len(c) >= 2 and c in word for c in canonical):
            found.extend((alias, *canonical))  # 「教育」 ← 学校
    for key, values in related.items():
        if key in word:
            found.extend(values)
    return tuple(dict.fromkeys(f.lower() for f in found if f != word and len(f) >= 2))


def _mention(word: str, text: str, credit: float) -> float:
    """``credit`` when ``word`` is in ``text``; less when it is only one short item of a list."""
    start = text.find(word)
    if start < 0:
        return 0.0
    while start >= 0:
        if not _list_item(text, start, start + len(word)):
            return credit
        start = text.find(word, start + 1)
    return credit * PASSING_CREDIT


def _list_item(text: str, start: int, end: int) -> bool:
    """「城市安全、智慧环保、交通运行智慧监管等」: the word is one short item of a list of areas."""
    left = max(text.rfind(p, 0, start) for p in LIST_SEPARATORS)
    rights = [i for i in (text.find(p, end) for p in (*LIST_SEPARATORS, "等")) if i >= 0]
    right = min(rights) if rights else len(text)
    listed = (left >= 0 and text[left] == "、") or (right < len(text) and text[right] in "、等")
    item = text[left + 1 : right]
    return listed and len(item) <= end - start + LIST_ITEM_EXTRA and not re.search(r"\d", item)


# --- figures ------------------------------------------------------------------------------------


def amounts(text: str) -> list[tuple[str, str]]:
    """The figures a text states as (number, unit): 「新增停车泊位1000个」 → [("1000", "个")].

    Figures inside quotation marks are names (「“科创30条”」), not amounts.
    """
    text = QUOTED.sub("", text)
    return [(_number(m.group(1)), m.group(2)) for m in AMOUNT.finditer(text)]


def _number(text: str) -> str:
    value = Decimal(text)
    return str(value.to_integral()) if value == value.to_integral() else text.rstrip("0")


def _strong(number: str) -> bool:
    """A figure specific enough to identify a fact on its own: 2734, 86.8, 1850 (not 6, 100)."""
    return "." in number or len(number.strip("0")) >= 3


class _Claims:
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
        if _strong(figure[1]):
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


# --- drafting ---------------------------------------------------------------------------------


@dataclass
class _Item:
    key: str  # the section
    rank: float
    order: tuple[int, int]  # where it stands in the document (rows before the narrative)
    passage: _Passage | None = None
    indicators: tuple[Indicator, ...] = ()
    project: Project | None = None
    draft: Draft = field(default_factory=Draft)  # one line with local markers, once accepted
    quote: str = ""  # the part of the sentence shown


class _Drafter:
    def __init__(
        self,
        service: AssistantService,
        library: _Library,
        document: DocumentKnowledge,
        topic: str,
    ) -> None:
        self.service = service
        self.library = library
        self.document = document
        self.meta = document.meta
        self.topic_text = topic
        self.topic = _Topic(topic, document, service.rarity, library)
        self.tables = service.composer.tables
        self.claims = _Claims(service.rarity)
        self.known = set(service.known_numbers) | set(verify.numbers(topic))
        self.live = service.live_chunk_ids
        self.kept: dict[str, list[_Item]] = {key: [] for key in ORDER}
        self.computed: list[Computation] = []  # the summary's

    # -- the whole briefing --

    def briefing(self, started: float, notes: tuple[str, ...]) -> Briefing | None:
        passages = self._relevant_passages()
        relevant = [p.sentence for p, _ in passages]
        candidates: dict[str, list[_Item]] = {key: [] for key in ORDER}
        for item in (*self._indicators(relevant), *self._projects(relevant)):
            candidates[item.key].append(item)
        for passage, rank in passages:
            figures = bool(amounts(passage.sentence))
            if passage.part == "results" and not figures:
                continue  # 进展 are results with figures
            key = "measures" if not figures else passage.part.replace("plan", "targets")
            candidates[key].append(_Item(key, rank, passage.order, passage=passage))
        for rows in (True, False):  # table rows claim their figures first
            for key in ORDER:
                self._choose(key, [i for i in candidates[key] if (i.passage is None) == rows], rows)
        sections: list[tuple[str, Draft]] = []
        for key in ORDER:
            draft = self._section(key)
            if draft is not None:
                sections.append((key, draft))
        if not sections:
            return None
        evidence: list[Evidence] = []
        built = tuple(
            BriefSection(key, self._heading(key), tuple(_globalised(draft, evidence)))
            for key, draft in sections
        )
        summary = tuple(self._summary(evidence))
        computed = [c for _, draft in sections for c in draft.computations]
        return Briefing(
            topic=self.topic_text,
            title=self._title(),
            basis=_basis(self.document),
            summary=summary,
            sections=built,
            sources=citations(evidence),
            notes=notes,
            document=self.meta.doc_id,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            computations=tuple(dict.fromkeys((*computed, *self.computed))),
        )

    @property
    def display_topic(self) -> str:
        """The topic as the title shows it: its own words, in order (「今年宝山养老服务咋样」 →
        「养老服务」), adjacent words joined, others separated by 「、」."""
        return _display_topic(self.topic_text, self.topic)

    def _title(self) -> str:
        return templates()["title"].format(
            district=self.meta.district,
            topic=self.display_topic,
            results_year=self.meta.results_year or "",
            plan_year=self.meta.plan_year or "",
        )

    def _heading(self, key: str) -> str:
        return templates()["headings"][key].format(
            results_year=self.meta.results_year or "", plan_year=self.meta.plan_year or ""
        )

    # -- which passages are about the topic --

    def _relevant_passages(self) -> list[tuple[_Passage, float]]:
        hits = self.service.search.search(
            self.topic.search_text, doc_ids={self.meta.doc_id}, limit=SEARCH_HITS
        )
        bonus = {h.chunk.chunk_id: SEARCH_BONUS * (1 - i / SEARCH_HITS) for i, h in enumerate(hits)}
        found = []
        for passage in self.library.passages[self.meta.doc_id]:
            both = self.topic.score(passage.heading, passage.sentence)
            if both < RELEVANT:
                continue
            head = self.topic.score(passage.heading) >= RELEVANT
            lead = self.topic.score(passage.lead) >= RELEVANT
            own = self.topic.score("", passage.sentence) >= RELEVANT
            rank = both + HEAD_BONUS * head + LEAD_BONUS * lead + OWN_BONUS * own
            if passage.chunk.kind == ChunkKind.FOOTNOTE:
                rank -= FOOTNOTE_PENALTY
            found.append((passage, rank + bonus.get(passage.chunk.chunk_id, 0.0)))
        return found

    # -- table rows --

    def _indicators(self, relevant: list[str]) -> list[_Item]:
        """Rows of the indicator table named by the topic or stated by a relevant passage."""
        rows: dict[str, list[tuple[float, Indicator]]] = {}
        for indicator in self.document.indicators:
            score = self.topic.score(indicator.name, indicator.row.category)
            if score >= RELEVANT or self._states_figure(indicator, relevant):
                rows.setdefault(indicator.row.raw, []).append((score, indicator))
        items = []
        for position, parts in enumerate(rows.values()):
            named = max(score for score, _ in parts) >= RELEVANT
            has_target = any(i.part.target_value or i.part.target_growth for _, i in parts)
            rank = RELEVANT + (1 if named else 0)
            key = "targets" if has_target else "results"
            indicators = tuple(i for _, i in parts)
            items.append(_Item(key, rank, (-1, position), indicators=indicators))
        return items

    def _states_figure(self, indicator: Indicator, relevant: list[str]) -> bool:
        """A relevant passage states the row's figure: 「高企总数达1850家」 is row 8's 1850家."""
        part = indicator.part
        figures = set(amounts(" ".join((part.result_value, part.result_growth))))
        figures |= set(amounts(" ".join((part.target_value, part.target_growth))))
        if not figures:
            return False
        name = set(bigrams(indicator.name))
        for sentence in relevant:
            shared = figures & set(amounts(sentence))
            if len(shared) >= 2 or any(_strong(n) for n, _ in shared):
                return True
            rare = [
                b
                for b in name & set(bigrams(sentence))
                if self.service.rarity.bigram_weight(b) >= RARE_BIGRAM
            ]
            # 「城市污水治理率达98%」 states row 18's 98%; 「打造1家…」 ties no row to a topic.
            if shared and len(rare) >= 2 and any(len(n.split(".")[0]) >= 2 for n, _ in shared):
                return True
        return False

    def _projects(self, relevant: list[str]) -> list[_Item]:
        """Rows of the projects table named by the topic or by a relevant passage."""
        joined = "\n".join(relevant)
        items = []
        for position, project in enumerate(self.document.projects):
            group = GROUP_COUNT.sub("", project.row.group)
            score = self.topic.score(project.row.name, group)
            if score < RELEVANT and not self._named_in(project.row.name, joined):
                continue
            rank = RELEVANT + (1 if score >= RELEVANT else 0)
            items.append(_Item("projects", rank, (-1, position), project=project))
        return items

    def _named_in(self, name: str, text: str) -> bool:
        """A relevant passage names the row by a distinctive part of its name (「宝钱公路」)."""
        plain = YEARS.sub(" ", AMOUNT.sub(" ", name))
        for segment in NOT_WORDS.split(plain):
            # A name's distinctive part leads it: 「宝钱公路…」, not 「…二期工程…」.
            for size in range(len(segment), DISTINCT_NAME - 1, -1):
                piece = segment[:size]
                if piece in text and self.library.chunk_count(piece) <= DISTINCT_CHUNKS:
                    return True
        return False

    # -- choosing, best first, facts once --

    def _choose(self, key: str, items: list[_Item], rows: bool) -> None:
        limit = (ROW_LIMITS if rows else SENTENCE_LIMITS)[key]
        taken = 0
        for item in sorted(items, key=lambda i: (-i.rank, i.order)):
            if taken >= limit:
                break
            accepted = self._accept_sentence(item) if item.passage else self._accept_row(item)
            if accepted:
                self.kept[key].append(item)
                taken += 1

    def _accept_row(self, item: _Item) -> bool:
        draft = Draft()
        if item.project is not None:
            project = item.project
            evidence = self.tables.evidence(project.row.raw)
            draft.lines.append(
                _line(
                    "project",
                    cite=draft.cite(evidence),
                    name=project.row.name,
                    investment=project.row.investment,
                    unit=project.unit,
                    plan_year=self.meta.plan_year or "",
                    goal=project.row.goal,
                )
            )
            shown = {"targets": project.row.name}
        else:
            evidence = self.tables.evidence(item.indicators[0].row.raw)
            parts = [self._indicator_part(i) for i in item.indicators]
            joiner = templates()["lines"]["indicator_parts"]
            draft.lines.append(
                _line("indicator", parts=joiner.join(parts), cite=draft.cite(evidence))
            )
            shown = {
                "results": " ".join(
                    f"{i.name} {i.part.result_value} {i.part.result_growth}"
                    for i in item.indicators
                ),
                "targets": " ".join(
                    f"{i.name} {i.part.target_value} {i.part.target_growth}"
                    for i in item.indicators
                ),
            }
        if self.claims.repeats(evidence) or verify.problems(draft, self.live, self.known):
            return False
        self.claims.add(evidence, shown)
        item.draft = draft
        return True

    def _indicator_part(self, indicator: Indicator) -> str:
        part = indicator.part
        result = _joined(part.result_value, part.result_growth)
        target = _joined(part.target_value, part.target_growth)
        template = "indicator_both" if result and target else "indicator_target"
        if not target:
            template = "indicator_result"
        return _line(
            template,
            name=indicator.name,
            result=result,
            target=target,
            results_year=indicator.results_year or self.meta.results_year or "",
            plan_year=indicator.plan_year or self.meta.plan_year or "",
        )

    def _accept_sentence(self, item: _Item) -> bool:
        passage = item.passage
        assert passage is not None
        part = _fact_part(item.key)
        found = self._shown_part(passage, part, figures=item.key != "measures")
        if found is None:
            return False
        quote, shown = found
        evidence = Evidence(passage.chunk, quote)
        if self.claims.repeats(evidence):
            return False
        draft = Draft()
        draft.lines.append(_line("sentence", sentence=shown, cite=draft.cite(evidence)))
        if verify.problems(draft, self.live, self.known):
            return False  # never shown: a sentence whose numbers do not check out
        self.claims.add(evidence, {part: shown})
        item.draft, item.quote = draft, shown
        return True

    def _shown_part(self, passage: _Passage, part: str, *, figures: bool) -> tuple[str, str] | None:
        """What to quote (a verbatim slice) and what to show of a sentence.

        The quote runs from the first relevant clause not already shown to the last; the line
        shown also leaves out clauses in between whose figures are already shown elsewhere.
        """
        clauses = CLAUSE.findall(passage.sentence.strip())
        long = len(passage.sentence) > LONG_SENTENCE
        if long and self.topic.score(passage.heading) < RELEVANT:
            touched = [i for i, clause in enumerate(clauses) if self.topic.touches(clause)]
            if touched:
                clauses = clauses[touched[0] : touched[-1] + 1]
        while clauses and self.claims.stated(clauses[-1], part):
            clauses.pop()
        while clauses and self.claims.stated(clauses[0], part):
            clauses.pop(0)
        quote = "".join(clauses).strip().rstrip("，、")
        kept = [c for c in clauses if not self.claims.stated(c, part)]
        shown = readable("".join(kept)).strip().rstrip("。；，、")
        if len(NOT_WORDS.sub("", shown)) < 6 or (figures and not amounts(shown)):
            return None
        return quote, shown

    # -- sections --

    def _section(self, key: str) -> Draft | None:
        kept = sorted(self.kept[key], key=lambda i: i.order)
        if not kept:
            return None
        section = Draft()
        for item in kept:
            _merge(section, item.draft)
        projects = [i.project for i in kept if i.project is not None]
        if len(projects) >= 2:
            _project_total(section, projects, self.tables, "project_total")
        if verify.problems(section, self.live, self.known):
            return None
        return section

    # -- summary: the sections' lead facts, citing the sections' own quotes --

    def _summary(self, evidence: list[Evidence]) -> list[str]:
        lines: list[str] = []
        results = _best(self.kept["results"], narrative=True)
        if results is not None:
            lines += self._summary_clause("summary_results", results, evidence)
        target = _best(self.kept["targets"], narrative=True)
        if target is not None:
            lines += self._summary_clause("summary_targets", target, evidence)
        elif self.kept["targets"]:
            lines += self._summary_indicator(_best(self.kept["targets"]), evidence)
        ordered = sorted(self.kept["projects"], key=lambda i: i.order)
        projects = [i.project for i in ordered if i.project is not None]
        if len(projects) == 1:
            project = projects[0]
            draft = Draft()
            draft.lines.append(
                _line(
                    "summary_project",
                    cite=draft.cite(self.tables.evidence(project.row.raw)),
                    name=project.row.name,
                    investment=project.row.investment,
                    unit=project.unit,
                    plan_year=self.meta.plan_year or "",
                    goal=project.row.goal,
                )
            )
            lines += self._checked_summary(draft, evidence)
        elif projects:
            draft = Draft()
            _project_total(draft, projects, self.tables, "summary_projects")
            lines += self._checked_summary(draft, evidence)
        if len(lines) < SUMMARY_SENTENCES and self.kept["measures"]:
            best = _best(self.kept["measures"])
            lines += self._summary_clause("summary_measures", best, evidence)
        return lines[:SUMMARY_SENTENCES]

    def _summary_clause(
        self, template: str, item: _Item | None, evidence: list[Evidence]
    ) -> list[str]:
        if item is None:
            return []
        text = item.quote
        if item.passage and "\t" in item.passage.sentence:  # a table row: 「南大智慧城：…」
            cell = item.passage.sentence.split("\t", 1)[0].strip()
            text = text.removeprefix(f"{cell}：")
        clause = _lead_clauses(text)
        if template != "summary_measures" and clause != text.rstrip("。；，、"):
            clause += templates()["lines"]["more"]
        draft = Draft()
        draft.lines.append(
            _line(
                template,
                clause=clause,
                cite=draft.cite(*item.draft.evidence),
                results_year=self.meta.results_year or "",
                plan_year=self.meta.plan_year or "",
            )
        )
        return self._checked_summary(draft, evidence)

    def _summary_indicator(self, item: _Item | None, evidence: list[Evidence]) -> list[str]:
        if item is None or not item.indicators:
            return []
        indicator = item.indicators[0]
        draft = Draft()
        draft.lines.append(
            _line(
                "summary_indicator",
                cite=draft.cite(*item.draft.evidence),
                name=indicator.name,
                target=_joined(indicator.part.target_value, indicator.part.target_growth),
                plan_year=self.meta.plan_year or "",
            )
        )
        return self._checked_summary(draft, evidence)

    def _checked_summary(self, draft: Draft, evidence: list[Evidence]) -> list[str]:
        if not draft.lines or verify.problems(draft, self.live, self.known):
            return []
        if any(item not in evidence for item in draft.evidence):
            return []  # the summary restates the sections: it brings no quote of its own
        self.computed.extend(draft.computations)
        return _globalised(draft, evidence)


# --- helpers ------------------------------------------------------------------------------------


def _lead_clauses(text: str) -> str:
    """A sentence shortened for the summary: its opening clause and its first two figures."""
    clauses = [c for c in CLAUSE.findall(text) if c.strip("，。；")]
    figured = [c for c in clauses if amounts(c)][:2]
    if not figured:
        shown = []
        for clause in clauses:
            if shown and len("".join((*shown, clause))) > SUMMARY_CLAUSE:
                break
            shown.append(clause)
    else:
        lead = clauses[0]
        shown = figured
        if lead not in figured and len("".join((lead, *figured))) <= SUMMARY_CLAUSE:
            shown = [lead, *figured]
    kept = [c for c in clauses if c in shown]  # in the sentence's own order
    return "".join(kept).strip().rstrip("。；，、")


def _fact_part(key: str) -> str:
    """Results are one kind of fact; targets, projects and measures are all the plan's."""
    return "results" if key == "results" else "targets"


def _line(template: str, **values: object) -> str:
    return templates()["lines"][template].format(**values)


def _joined(*values: str) -> str:
    return "，".join(v for v in values if v)


def _best(items: list[_Item], *, narrative: bool = False) -> _Item | None:
    pool = [i for i in items if i.passage is not None] if narrative else items
    return min(pool, key=lambda i: (-i.rank, i.order)) if pool else None


def _project_total(section: Draft, projects: list[Project], tables, template: str) -> None:
    """「以上N个项目投资总额合计X亿元」, computed from the cited rows."""
    valued = [p for p in projects if p.row.investment_value is not None]
    if not valued or len({p.unit for p in valued}) != 1:
        return
    values = [p.row.investment for p in valued]
    total = format(sum((Decimal(v) for v in values), Decimal(0)), "f")
    section.computations.append(Computation(total, tuple(values)))
    section.computations.append(Computation(str(len(values)), ()))
    section.lines.append(
        _line(
            template,
            cite=section.cite(*(tables.evidence(p.row.raw) for p in valued)),
            count=len(values),
            total=total,
            unit=valued[0].unit,
            formula="+".join(values),
        )
    )


def _merge(target: Draft, source: Draft) -> None:
    renumber = {str(i + 1): target.cite(item) for i, item in enumerate(source.evidence)}
    target.lines.extend(MARKER.sub(lambda m: renumber[m.group(1)], line) for line in source.lines)
    target.computations.extend(source.computations)


def _globalised(draft: Draft, evidence: list[Evidence]) -> list[str]:
    """The draft's verified lines, markers renumbered into the briefing's one source list."""
    renumber = {}
    for index, item in enumerate(draft.evidence, start=1):
        if item not in evidence:
            evidence.append(item)
        renumber[str(index)] = f"[{evidence.index(item) + 1}]"
    lines = [MARKER.sub(lambda m: renumber[m.group(1)], line) for line in draft.lines]
    return [MARKERS.sub(_marker_range, line) for line in lines]


def _marker_range(match: re.Match[str]) -> str:
    """[8][9][10][11] → [8]–[11]."""
    numbers = [int(n) for n in MARKER.findall(match.group())]
    run = len(numbers) >= MARKER_RUN and numbers == list(range(numbers[0], numbers[-1] + 1))
    return f"[{numbers[0]}]–[{numbers[-1]}]" if run else match.group()


def problems(service: AssistantService, briefing: Briefing) -> list[str]:
    """Why a finished briefing must not be shown; empty when every line checks out.

    Every line of the summary and the sections must end with its markers, and pass the chat
    answers' verifier (``verify.problems``) against exactly the quotes it cites: every number in
    a quote it cites (or computed from them, or the documents' own years and 文号), every quote a
    verbatim slice of a live chunk.
    """
    if not briefing.covered:
        return []
    chunks = {c.chunk_id: c for c in service.knowledge.chunks}
    known = set(service.known_numbers) | set(verify.numbers(briefing.topic))
    found: list[str] = []
    lines = (*briefing.summary, *(line for s in briefing.sections for line in s.lines))
    for line in lines:
        cited = markers(line)
        if not cited or not CITED_END.search(line):
            found.append(f"句末没有引用标记：{line[:30]}")
            continue
        draft = Draft(computations=list(briefing.computations))
        for n in cited:
            source = briefing.sources[n - 1] if 1 <= n <= len(briefing.sources) else None
            chunk = chunks.get(source.chunk_id) if source else None
            if source is None or chunk is None:
                found.append(f"引用标记没有对应的出处：[{n}]")
                break
            draft.evidence.append(Evidence(chunk, source.quote))
        else:
            local = "".join(f"[{i}]" for i in range(1, len(cited) + 1))
            draft.lines.append(RANGES.sub("", line) + local)
            found.extend(verify.problems(draft, service.live_chunk_ids, known))
    return found


def markers(line: str) -> list[int]:
    """The source numbers a line cites, ranges included: 「…[2][5]–[7]。」 → [2, 5, 6, 7]."""
    found: list[int] = []
    for match in re.finditer(r"\[(\d+)\](?:–\[(\d+)\])?", line):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        found.extend(range(first, last + 1))
    return found


def _basis(document: DocumentKnowledge) -> str:
    meta = document.meta
    return templates()["basis"].format(
        title=meta.title or meta.source, number=meta.number or meta.source
    )


def _refusal(service: AssistantService, template: str, **values: object) -> str:
    coverage = service.coverage_text()
    return templates()[template].format(coverage=coverage, **values)


def _not_covered(topic: str, refusal: str, document: DocumentKnowledge, started: float) -> Briefing:
    meta = document.meta
    title = templates()["not_covered_title"].format(topic=topic.strip(" ？?。！!，,"))
    return Briefing(
        topic=topic,
        title=title,
        basis=_basis(document),
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
