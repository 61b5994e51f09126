"""Answers without a language model: from typed table records and the best evidence sentences.

Every path builds a ``Draft``: answer lines with citation markers, the evidence they cite (verbatim
slices of indexed chunks) and any arithmetic done, so that ``verify`` can check each number.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from assistant.knowledge import DocumentKnowledge, Indicator, Project
from assistant.query.match import Rarity, coverage, key_terms
from assistant.query.normalise import Question
from assistant.query.retrieve import Hit, HybridSearch
from assistant.records import Chunk, ChunkKind
from assistant.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "prompts" / "answers.toml"

TARGET_CUES = ("目标", "计划", "预计", "力争", "争取", "打算", "预期", "要达到", "将", "准备")
RESULT_CUES = ("完成", "实际", "实现了", "达到了", "做到了", "取得", "已经", "了多少", "成效")
COMPARE = re.compile(
    r"比.{0,12}(多|少|高|低|大|小)|相比|对比|差多少|差距|相差|哪个.{0,4}(多|大|高)"
)
COUNT = re.compile(r"几个|多少个|几项|多少项|数量|个数")
SUM = re.compile(r"一共|总共|合计|总投资|加起来|总额|共计|累计投资|投资总额")
LISTING = re.compile(
    r"哪些|有什么|有啥|什么(措施|举措|工作|目标|任务|安排|重点|计划)|怎么(做|办|推进|发展)|如何|"
    r"举措|措施|重点工作|主要任务|安排"
)
QUANTITY = re.compile(r"多少|几|多大|多高|多长|比例|比重|数量|规模|增速|增长率|多快")
PROJECT_CUES = ("投资", "项目", "工程", "开工", "竣工", "完工", "建设", "进度", "目标")
AMOUNT = re.compile(
    r"(\d+(?:\.\d+)?)(亿美元|亿元|万元|万平方米|平方米|万人|万户|亿|万|元|个|家|张|台|人|所|条|座|项|公顷|公里|%)"
)
SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
CLAUSE = re.compile(r"[^，。；]+")
LIST_ITEMS = 6
NAME_COVERAGE = 0.5
FACT_COVERAGE = 0.6
LIST_COVERAGE = 0.5


@cache
def templates() -> dict[str, str]:
    with TEMPLATES.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Evidence:
    chunk: Chunk
    quote: str  # a verbatim slice of chunk.quote


@dataclass(frozen=True)
class Computation:
    result: str
    operands: tuple[str, ...]


@dataclass
class Draft:
    lines: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    computations: list[Computation] = field(default_factory=list)
    refused: bool = False

    def cite(self, *items: Evidence) -> str:
        markers = []
        for item in items:
            if item not in self.evidence:
                self.evidence.append(item)
            markers.append(f"[{self.evidence.index(item) + 1}]")
        return "".join(markers)

    def say(self, template: str, *evidence: Evidence, **values: object) -> None:
        self.lines.append(templates()[template].format(cite=self.cite(*evidence), **values))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Intent:
    compare: bool
    count: bool
    sum: bool
    listing: bool
    quantity: bool
    wants_target: bool
    wants_result: bool


def read_intent(question: Question, document: DocumentKnowledge) -> Intent:
    text = question.text
    years = set(question.years)
    plan, results = document.meta.plan_year, document.meta.results_year
    target = plan in years or any(cue in text for cue in TARGET_CUES)
    result = results in years or any(cue in text for cue in RESULT_CUES)
    if plan in years and results not in years:
        result = False
    if results in years and plan not in years:
        target = False
    return Intent(
        compare=bool(COMPARE.search(text)),
        count=bool(COUNT.search(text)),
        sum=bool(SUM.search(text)),
        listing=bool(LISTING.search(text)) and not COUNT.search(text),
        quantity=bool(QUANTITY.search(text)),
        wants_target=target,
        wants_result=result,
    )


class Composer:
    """Chooses how to answer (table row, arithmetic, fact, list) and writes the draft."""

    def __init__(self, search: HybridSearch, rarity: Rarity) -> None:
        self.search = search
        self.rarity = rarity
        # Indicator and project rows are answered from their typed records, never as prose.
        self._structured = frozenset(
            row.raw
            for document in search.knowledge.documents
            for row in (*(i.row for i in document.indicators), *(p.row for p in document.projects))
        )

    def compose(self, question: Question, document: DocumentKnowledge) -> Draft | None:
        intent = read_intent(question, document)
        for attempt in (self._aggregate, self._comparison, self._lookup, self._listing):
            draft = attempt(question, document, intent)
            if draft:
                return draft
        return self._fact(question, document, intent)

    # --- entities from the tables -----------------------------------------------------------

    def _ranked_entities(
        self, question: Question, document: DocumentKnowledge
    ) -> list[tuple[float, Indicator | Project]]:
        wants_project = any(cue in question.text for cue in PROJECT_CUES[:6])
        ranked = []
        for entity in (*document.indicators, *document.projects):
            name = entity.name if isinstance(entity, Indicator) else entity.row.name
            match = self.rarity.match_name(name, question)
            if match.coverage < NAME_COVERAGE and match.score < 12:
                continue
            bonus = 1.1 if isinstance(entity, Project) == wants_project else 1.0
            ranked.append((match.score * (0.5 + match.coverage) * bonus, entity))
        return sorted(ranked, key=lambda pair: -pair[0])

    def _lookup(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        ranked = self._ranked_entities(question, document)
        if not ranked:
            return None
        best = ranked[0][1]
        draft = Draft()
        if isinstance(best, Project):
            self._say_project(draft, best, document)
        else:
            self._say_indicator(draft, best, intent)
            self._supplement(draft, best, question, document, intent)
        return draft

    def _say_project(self, draft: Draft, project: Project, document: DocumentKnowledge) -> None:
        draft.say(
            "project",
            self._row_evidence(project.row.raw),
            name=project.row.name,
            investment=project.row.investment,
            unit=project.unit,
            plan_year=document.meta.plan_year or "",
            goal=project.row.goal,
        )

    def _say_indicator(self, draft: Draft, indicator: Indicator, intent: Intent) -> None:
        part = indicator.part
        result = _joined(part.result_value, part.result_growth)
        target = _joined(part.target_value, part.target_growth)
        evidence = self._row_evidence(indicator.row.raw)
        values = {
            "name": indicator.name,
            "result": result or "文件未列出",
            "target": target or "文件未列出",
            "results_year": indicator.results_year or "",
            "plan_year": indicator.plan_year or "",
        }
        if intent.wants_target and not intent.wants_result and target:
            draft.say("indicator_target", evidence, **values)
        elif intent.wants_result and not intent.wants_target and result:
            draft.say("indicator_result", evidence, **values)
        else:
            draft.say("indicator_both", evidence, **values)

    def _supplement(
        self,
        draft: Draft,
        indicator: Indicator,
        question: Question,
        document: DocumentKnowledge,
        intent: Intent,
    ) -> None:
        """When the table gives no figure, the report often does (「失业人数12007人」)."""
        part = indicator.part
        shown = (
            part.target_value + part.target_growth
            if intent.wants_target and not intent.wants_result
            else part.result_value + part.result_growth
        )
        if re.search(r"\d", shown):
            return
        year = indicator.plan_year if intent.wants_target else indicator.results_year
        for hit in self.search.search(indicator.name, doc_ids={document.meta.doc_id}, limit=5):
            if hit.chunk.kind is ChunkKind.TABLE_ROW or (year and year not in hit.chunk.years):
                continue
            for sentence in _sentences(hit.chunk.quote):
                if indicator.name in sentence and re.search(r"\d", sentence):
                    clause = _best_clause(sentence, indicator.name)
                    draft.say(
                        "indicator_supplement", Evidence(hit.chunk, sentence), sentence=clause
                    )
                    return

    def _row_evidence(self, raw: str) -> Evidence:
        chunk = next(c for c in self.search.chunks if c.quote == raw)
        return Evidence(chunk, raw)

    # --- arithmetic -------------------------------------------------------------------------

    def _comparison(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.compare:
            return None
        ranked = self._ranked_entities(question, document)
        if not ranked:
            return None
        projects = [e for _, e in ranked if isinstance(e, Project)][:2]
        if len(projects) == 2 and ranked[1][1] in projects:
            return self._compare_projects(projects[0], projects[1])
        best = ranked[0][1]
        if isinstance(best, Indicator):
            return self._compare_years(best)
        return None

    def _compare_years(self, indicator: Indicator) -> Draft | None:
        part = indicator.part
        target = _amount(part.target_value or part.target_growth)
        result = _amount(part.result_value or part.result_growth)
        if not target or not result or target[1] != result[1]:
            return None
        draft = Draft()
        evidence = self._row_evidence(indicator.row.raw)
        labels = (f"{indicator.plan_year}年目标", f"{indicator.results_year}年实际完成")
        _say_difference(draft, evidence, labels, target, result)
        return draft

    def _compare_projects(self, first: Project, second: Project) -> Draft | None:
        a, b = first.row.investment_value, second.row.investment_value
        if a is None or b is None:
            return None
        draft = Draft()
        evidence = (self._row_evidence(first.row.raw), self._row_evidence(second.row.raw))
        labels = (f"{first.row.name}投资", f"{second.row.name}投资")
        operands = ((first.row.investment, first.unit), (second.row.investment, second.unit))
        _say_difference(draft, evidence, labels, *operands)
        return draft

    def _aggregate(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not (intent.count or intent.sum) or not document.projects:
            return None
        selected, scope = self._project_selection(question, document)
        if selected is None:
            return None
        draft = Draft()
        rows = [self._row_evidence(p.row.raw) for p in selected]
        unit = selected[0].unit if selected else ""
        draft.computations.append(Computation(str(len(selected)), ()))
        draft.say("count", *rows, scope=scope, count=len(selected))
        draft.lines[-1] += "、".join(p.row.name for p in selected) + "。"
        if intent.sum and selected:
            values = [p.row.investment for p in selected]
            total = _plain(sum((Decimal(v) for v in values), Decimal(0)))
            draft.computations.append(Computation(total, tuple(values)))
            draft.say("sum", total=total, unit=unit, formula="+".join(values))
            self._listed_total(draft, document, selected)
        return draft

    def _project_selection(
        self, question: Question, document: DocumentKnowledge
    ) -> tuple[list[Project] | None, str]:
        projects = list(document.projects)
        goals = sorted({p.row.goal for p in projects}, key=len, reverse=True)
        goal = next((g for g in goals if g and g in question.text), "")
        groups = {p.row.group for p in projects if p.row.group}
        group_scores = [(self.rarity.match_name(g, question), g) for g in groups]
        matched = [
            g for m, g in sorted(group_scores, key=lambda x: -x[0].score) if m.coverage >= 0.45
        ]
        if matched:
            projects = [p for p in projects if p.row.group == matched[0]]
        if goal:
            projects = [p for p in projects if p.row.goal == goal]
        if not (matched or goal or "项目" in question.text):
            return None, ""
        scope = re.sub(r"（\d+项）$", "", matched[0]) if matched else ""
        scope = scope or (projects[0].table_title if projects else "")
        scope += f"中目标为「{goal}」的项目" if goal else ""
        return projects, scope

    def _listed_total(
        self, draft: Draft, document: DocumentKnowledge, selected: Sequence[Project]
    ) -> None:
        """The whole table's sum is checked against the document's own 合计 row."""
        for table in document.tables.projects:
            if table.total and len(selected) == len(table.rows):
                draft.say(
                    "listed_total",
                    self._row_evidence(table.total.raw),
                    label=table.total.label,
                    total=table.total.investment,
                    unit=table.unit,
                )

    # --- narrative --------------------------------------------------------------------------

    def _hits(self, question: Question, document: DocumentKnowledge, limit: int = 8) -> list[Hit]:
        hits = self.search.search(
            question.search_text,
            doc_ids={document.meta.doc_id},
            years=question.years,
            limit=limit + 4,
        )
        return [h for h in hits if h.chunk.quote not in self._structured][:limit]

    def _fact(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        terms = key_terms(question, self.rarity)
        if not terms:
            return None
        year = _preferred_year(intent, document)
        best: tuple[float, Chunk, str] | None = None
        for hit in self._hits(question, document):
            for sentence in _sentences(hit.chunk.quote):
                context = " ".join(hit.chunk.section) + sentence
                score = coverage(terms, context, question)
                if intent.quantity and re.search(r"\d", sentence):
                    score += 0.15
                if year and year in hit.chunk.years:
                    score += 0.1
                if best is None or score > best[0]:
                    best = (score, hit.chunk, sentence)
        if best is None or best[0] < FACT_COVERAGE:
            return None
        _, chunk, sentence = best
        shown = _best_clause(sentence, " ".join(terms)) if intent.quantity else sentence
        draft = Draft()
        template = self._fact_template(chunk, document)
        draft.say(
            template,
            Evidence(chunk, sentence),
            sentence=_readable(shown).rstrip("。；"),
            **_years(document),
        )
        return draft

    def _fact_template(self, chunk: Chunk, document: DocumentKnowledge) -> str:
        if chunk.years == (document.meta.results_year,):
            return "fact_results"
        if chunk.years == (document.meta.plan_year,):
            return "fact_plan"
        return "fact"

    def _listing(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.listing:
            return None
        terms = key_terms(question, self.rarity, ignore=("措施", "举措", "目标", "任务", "工作"))
        if not terms:
            return None
        year = _preferred_year(intent, document)
        chosen: list[tuple[Chunk, str]] = []
        for hit in self._hits(question, document, limit=10):
            if year and hit.chunk.years and year not in hit.chunk.years:
                continue
            for sentence in _sentences(hit.chunk.quote):
                context = " ".join(hit.chunk.section[-1:]) + sentence
                if coverage(terms, context, question) >= LIST_COVERAGE and len(sentence) > 8:
                    chosen.append((hit.chunk, sentence))
        chosen = list(dict.fromkeys(chosen))[:LIST_ITEMS]
        if not chosen:
            return None
        draft = Draft()
        year_label = f"{year}年" if year else ""
        topic = "、".join(terms)
        draft.say("list_intro", year_label=year_label, topic=topic)
        for chunk, sentence in chosen:
            shown = _readable(sentence).rstrip("。；")
            draft.say("list_item", Evidence(chunk, sentence), sentence=shown)
        return draft


def _preferred_year(intent: Intent, document: DocumentKnowledge) -> int | None:
    if intent.wants_target and not intent.wants_result:
        return document.meta.plan_year
    if intent.wants_result and not intent.wants_target:
        return document.meta.results_year
    return None


def _years(document: DocumentKnowledge) -> dict[str, object]:
    return {
        "results_year": document.meta.results_year or "",
        "plan_year": document.meta.plan_year or "",
    }


def _joined(*values: str) -> str:
    return "，".join(v for v in values if v)


def _sentences(text: str) -> list[str]:
    """Verbatim sentences (a table row's cells stay tab-separated, as in the document)."""
    return [s for s in SENTENCE.findall(text) if s.strip()]


def _readable(text: str) -> str:
    """Display form of a quoted row: 「新材料产业：宝山新材料…」."""
    return "：".join(cell for cell in text.split("\t") if cell.strip())


def _best_clause(sentence: str, terms: str) -> str:
    """The clause (between commas) that carries a number and most of the question's words."""
    clauses = CLAUSE.findall(sentence)

    def score(clause: str) -> tuple[int, int]:
        shared = sum(1 for ch in set(terms) if ch in clause and not ch.isspace())
        return (1 if re.search(r"\d", clause) else 0, shared)

    return max(clauses, key=score) if clauses else sentence


def _amount(text: str) -> tuple[str, str] | None:
    match = AMOUNT.search(text)
    return (match.group(1), match.group(2)) if match else None


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _say_difference(
    draft: Draft,
    evidence: Evidence | Iterable[Evidence],
    labels: tuple[str, str],
    first: tuple[str, str],
    second: tuple[str, str],
) -> None:
    cited = (evidence,) if isinstance(evidence, Evidence) else tuple(evidence)
    a, b = Decimal(first[0]), Decimal(second[0])
    unit = first[1]
    values = {
        "first_label": labels[0],
        "second_label": labels[1],
        "first": first[0] + unit,
        "second": second[0] + unit,
    }
    if a == b:
        draft.say("compare_same", *cited, **values)
        return
    difference = _plain(abs(a - b))
    draft.computations.append(Computation(difference, (first[0], second[0])))
    formula = f"{first[0]} − {second[0]} = {_plain(a - b)}"
    draft.computations.append(Computation(_plain(a - b).lstrip("-"), (first[0], second[0])))
    draft.say(
        "compare",
        *cited,
        **values,
        direction="多" if a > b else "少",
        difference=difference,
        unit=unit,
        formula=formula,
    )
