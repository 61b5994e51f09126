"""Drafting a briefing from one document: the relevant passages and table rows, chosen best
first with each fact claimed once, each line verified, then the sections and the summary."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from assistant.brief.briefing import Briefing, BriefSection, basis, templates
from assistant.brief.claims import AMOUNT, RARE_BIGRAM, Claims, amounts, strong
from assistant.brief.library import Library, Passage
from assistant.brief.topic import NOT_WORDS, YEARS, Topic, display_topic
from assistant.knowledge import DocumentKnowledge, Indicator, Project
from assistant.query import verify
from assistant.query.cite import citations
from assistant.query.draft import MARKER, Computation, Draft, Evidence
from assistant.query.match import bigrams
from assistant.query.prose import readable
from assistant.records import ChunkKind

if TYPE_CHECKING:
    from assistant.service import AssistantService


ORDER = ("results", "targets", "projects", "measures")

RELEVANT = 0.6  # share of the topic's weight a passage (with its headings) must cover
LONG_SENTENCE = 80  # longer sentences relevant by their own words are cut to the relevant clauses
DISTINCT_NAME = 4  # shortest part of a row's name that, found in a relevant passage, names the row
DISTINCT_CHUNKS = 3  # …when no more chunks than this contain it
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
MARKERS = re.compile(r"(?:\[\d+\])+")
GROUP_COUNT = re.compile(r"（\d+项）$")


@dataclass
class _Item:
    key: str  # the section
    rank: float
    order: tuple[int, int]  # where it stands in the document (rows before the narrative)
    passage: Passage | None = None
    indicators: tuple[Indicator, ...] = ()
    project: Project | None = None
    draft: Draft = field(default_factory=Draft)  # one line with local markers, once accepted
    quote: str = ""  # the part of the sentence shown


class Drafter:
    def __init__(
        self,
        service: AssistantService,
        library: Library,
        document: DocumentKnowledge,
        topic: str,
    ) -> None:
        self.service = service
        self.library = library
        self.document = document
        self.meta = document.meta
        self.topic_text = topic
        self.topic = Topic(topic, document, service.rarity, library)
        self.tables = service.composer.tables
        self.claims = Claims(service.rarity)
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
            basis=basis(self.document),
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
        return display_topic(self.topic_text, self.topic)

    def _title(self) -> str:
        return templates()["title"].format(
            district=self.meta.place,
            topic=self.display_topic,
            results_year=self.meta.results_year or "",
            plan_year=self.meta.plan_year or "",
        )

    def _heading(self, key: str) -> str:
        return templates()["headings"][key].format(
            results_year=self.meta.results_year or "", plan_year=self.meta.plan_year or ""
        )

    # -- which passages are about the topic --

    def _relevant_passages(self) -> list[tuple[Passage, float]]:
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
            if len(shared) >= 2 or any(strong(n) for n, _ in shared):
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
            evidence = self.tables.row_evidence(project)
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
            evidence = self.tables.row_evidence(item.indicators[0])
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
        result, target = part.result, part.target
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

    def _shown_part(self, passage: Passage, part: str, *, figures: bool) -> tuple[str, str] | None:
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
                    cite=draft.cite(self.tables.row_evidence(project)),
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
                target=indicator.part.target,
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
            cite=section.cite(*(tables.row_evidence(p) for p in valued)),
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
