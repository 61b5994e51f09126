"""Answers from the typed tables: an indicator or project row, a comparison, a count or a sum."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from functools import cache

from assistant.ingest.figures import alternation, figure_pattern, without_measure
from assistant.ingest.figures import vocabulary as figure_vocabulary
from assistant.knowledge import DocumentKnowledge, Figure, Indicator, Project
from assistant.query.analysis import vocabulary as analysis_vocabulary
from assistant.query.cues import cue
from assistant.query.draft import Candidate, Computation, Draft, Evidence
from assistant.query.intent import Intent
from assistant.query.match import (
    Rarities,
    Rarity,
    bigrams,
    compared_scopes,
    contradicts,
    counted_change,
    counts_another_thing,
    coverage,
    is_an_asked_indicator,
    is_soft,
    key_terms,
    misses_a_named_indicator,
    narrows_an_asked_indicator,
    thing_named,
)
from assistant.query.normalise import Question, lexicon, normalise
from assistant.query.retrieve import HybridSearch
from assistant.query.sentences import sentences, topic_of
from assistant.query.when import asked_years, fits, sentence_fits
from assistant.records import Chunk, ChunkKind, DocumentMeta, Span, StatedFigure, TimeKind

NAME_COVERAGE = 0.3
# Share of a table row's name a prose figure's name must carry to be its text value.
NAME_LIKENESS = 0.6
MIN_PROSE_NAME = 4  # 「宝钱公路」: the shortest start of a row's name worth looking for in the text
QUESTION_SHARE = 0.7  # a long name mentioned by its distinctive part (「上钢一厂控污调蓄池」)
STRONG_NAME = 0.7
MIN_LIKENESS_CHARS = 3  # a figure named by more characters than this may match by likeness
SIBLING_NAME_CHARS = 4  # 「外送电量」: shorter names asked whole count where a sibling is said
SIBLING_ENDING_CHARS = 2  # 电量 of 外送电量 and 发电量
WHOLE_NAME_CHARS = 5  # a name this long asked whole must be stated by the passage that answers
STRONG_SHARE = 0.7
NAME_JOINERS = cue("name_joiners")
GROUP_COVERAGE = 0.45
TITLE_COVERAGE = 0.7  # a text table named by most of its title
PROJECT_HITS = 8  # passages searched for what the text says of a project
PROJECT_LIKENESS = 0.45  # share of a project name's weighted bigrams a sentence must carry
INDICATOR_LIKENESS = 0.9  # an indicator's name is generic: the sentence must carry all of it
# A figure in a cell or a clause, with the units the prose-figure vocabulary knows.
AMOUNT_UNITS = (*figure_vocabulary()["units"], "万平方米", "平方米", "台")
MAGNITUDES = tuple(figure_vocabulary()["magnitudes"])
MAGNITUDE_POWERS = sorted(  # longest word first: 万亿 before 万
    figure_vocabulary()["magnitudes"].items(), key=lambda item: -len(item[0])
)
# A number, then a unit with its magnitude (「1.6万P」「650亿元」) or a bare magnitude (「3万」).
AMOUNT = re.compile(
    r"(\d+(?:\.\d+)?)((?:"
    + "|".join(MAGNITUDES)
    + ")?(?:"
    + "|".join(re.escape(u) for u in sorted(set(AMOUNT_UNITS), key=len, reverse=True))
    + ")|"
    + "|".join(MAGNITUDES)
    + ")"
)


Entity = Indicator | Project | Figure


PURPOSE_OPENERS = tuple(analysis_vocabulary()["purpose_openers"])
GENERIC_SUBJECT_CHARS = 80  # at most this much of its sentence is quoted with such a measure
CLAUSES_BACK_TO_A_THING = 2  # how far before a figure's clause the thing it measures may be named
MIN_THING_NAME = 4  # 「花湖机场」: a shorter run (「机场」) names a kind, not a thing
MONEY = re.compile(rf"\d[\d.]*(?:{alternation(MAGNITUDES)})?(?:元|美元)")  # money as written
NEXT_CLAUSE = re.compile(r"[，、,]([^，、,。；;]+)")  # the clause right after a figure's
# 「非常规天然气产量超过165亿立方米，增长12.7%」: an amount's change, said right after it.
CHANGE_AFTER = re.compile(
    rf"^(?:{alternation(figure_vocabulary()['compared_with_before'])})?"
    rf"(?:{alternation(figure_vocabulary()['change_verbs'])})[^，；。\d]{{0,4}}\d"
)
PARENTHETICAL = re.compile(r"[（(][^）)]*[）)]")


class TableAnswers:
    def __init__(self, search: HybridSearch, rarities: Rarities) -> None:
        self.search = search
        self.rarities = rarities
        # By document and quote: two years of one plan may share a row word for word.
        self._chunk_by_quote = {(c.doc_hash, c.quote): c for c in search.chunks}
        # Rows by table and number; two tables of a document may share a number (附件1's 表1 and
        # 附件2's), and a long row of a text table is cut into pieces.
        self._row_chunks: dict[tuple[str, str, str], list[Chunk]] = {}
        for chunk in search.chunks:
            if chunk.row:
                self._row_chunks.setdefault((chunk.doc_hash, chunk.table, chunk.row), []).append(
                    chunk
                )
        self._figure_chunks = _figure_chunks(search)

    def evidence(self, document: DocumentMeta, raw: str) -> Evidence:
        return Evidence(self._chunk_by_quote[(document.content_hash, raw)], raw)

    def row_evidence(self, entity: Indicator | Project) -> Evidence:
        return self.evidence(entity.doc, entity.row.raw)

    def entity_chunk(self, entity: Entity) -> Chunk | None:
        if isinstance(entity, Figure):
            return self._figure_chunks.get(entity.stated)
        return self.row_evidence(entity).chunk

    # --- which rows the question names -----------------------------------------------------

    def entities(
        self,
        question: Question,
        document: DocumentKnowledge,
        figures: Sequence[Figure] | None = None,
    ) -> list[tuple[float, Entity]]:
        """The rows and prose figures the question names, best first. ``figures``: only these."""
        if figures is None:
            candidates: Sequence[Entity] = (
                *document.indicators,
                *document.projects,
                *document.figures,
            )
        else:
            candidates = figures
        ranked = []
        rarity = self.rarities.of(document)
        named = rarity.attested_name(question)
        for entity in candidates:
            if isinstance(entity, Figure) and entity.stated not in self._figure_chunks:
                continue
            # 「国阅绿地」 is named by the row that lists it: 「城市公园（逸仙公园、国阅绿地…）」.
            item = _listed_item(named, entity) if isinstance(entity, Project) else ""
            match = rarity.match_name(item or _entity_name(entity), question)
            if match.coverage >= NAME_COVERAGE or match.question_share >= QUESTION_SHARE:
                weight = 0.5 + max(match.coverage, match.question_share)
                ranked.append((match.score * weight, entity))
        return sorted(ranked, key=lambda pair: -pair[0])

    def lookup(
        self,
        question: Question,
        document: DocumentKnowledge,
        intent: Intent,
        said: frozenset[str] = frozenset(),
    ) -> Candidate | None:
        """The named row that best covers the question's words, as an answer candidate.

        ``said``: quotes an earlier part of the question was answered with; a prose figure
        among them is not the answer to this part (「…多少个项目，计划投资多少」).
        """
        ignored = (*document.own_names, *document.own_whole)  # 「全省GDP总量」: the row's
        terms = key_terms(question, self.rarities.of(document), ignore=ignored)
        wanted = asked_years(question, document, intent)
        best: tuple[tuple[float, float, float], Entity] | None = None
        seen: list[tuple[tuple[float, float], Entity]] = []
        asks_growth = bool(intent.measure) or question.asks("growth")
        ranked = self.entities(question, document)
        for score, entity in ranked[:8]:
            if isinstance(entity, Figure) and not fits(entity.stated.time, wanted, question):
                continue  # last year's result is not this year's target
            if isinstance(entity, Figure) and entity.stated.clause in said:
                continue
            if isinstance(entity, Figure) and question.asks("which_counted"):
                continue  # 「获批的2所高校是哪两所」: a figure says how many, not which
            if isinstance(entity, Figure) and misses_a_named_indicator(
                question, entity.name + entity.stated.clause
            ):
                continue  # 「研发投入强度」 is not answered by 「投入567亿元」
            if isinstance(entity, Figure) and narrows_an_asked_indicator(question, entity.name):
                continue  # 「外贸出口」 is not answered by 「跨境电商出口规模」
            if isinstance(entity, Figure) and self.rarities.of(document).names_a_sibling_indicator(
                question, entity.name
            ):
                continue  # 「海洋生产总值」 is not answered by 地区生产总值
            if isinstance(entity, Figure) and counts_another_thing(
                question, entity.name + entity.stated.clause
            ):
                continue  # 「新增了多少学位」 is not answered by 「幼儿园8427所」
            if isinstance(entity, Figure) and asks_growth and _a_counts_change(entity, question):
                continue  # 「外贸进出口增长多少」 is not 「外贸主体达到2100家、增长7.2%」
            if isinstance(entity, Figure) and _increment_for_stock(question, entity):
                continue  # 「现在一共有多少个」 is not answered by 「新增…4个」
            if isinstance(entity, Figure) and self._of_another_thing(question, document, entity):
                continue  # 「广州新机场总投资」 is not 产业转移项目's 「总投资约3000亿元」
            if isinstance(entity, Project) and self.rarities.of(document).names_another(
                question, entity.row.name
            ):
                continue  # 「美兰湖中央公园」 is not 南大中央公园, however alike
            text = self._entity_text(entity, question)
            worded = coverage(terms, text, question) if terms else 1.0
            covered = worded
            if isinstance(entity, Figure) and len(entity.name) > MIN_LIKENESS_CHARS:
                # 「新增城镇就业」 asked as 「城镇新增就业」; a bare 「收入」 is too short to tell
                covered = max(
                    covered, self.rarities.of(document).asked_coverage(entity.name, question)
                )
            # Likeness of the name and the question's own words both count: 「城镇新增就业连续4年
            # 超过90万人」 answers 「连续几年超过90万人」 better than the bare 「城镇新增就业」.
            seen.append(((covered + worded, covered), entity))
            if best is None or (covered + worded, covered, score) > best[0]:
                best = ((covered + worded, covered, score), entity)
        if best is None:
            return None
        (likeness, covered, _), entity = best
        sibling = _sibling_named_whole(entity, ranked, question)
        if sibling is not None and all(sibling is not other for _, other in seen):
            return None  # 「外送电量」 stated for another year only is not 「发电量」 of this one
        entity = sibling or entity
        if not asks_growth:
            entity = _amount_of_the_same(entity, (likeness, covered), seen)
        else:
            entity = _change_of_the_same(entity, (likeness, covered), seen)
        if intent.amount and _states_a_change(entity):
            return None  # 「经济总量多大规模」 is not answered by 「增长5.8%」
        if contradicts(question, self._entity_text(entity, question), document.own_whole):
            return None
        draft = Draft()
        if isinstance(entity, Figure):
            shown = self._say_figures(draft, entity, document, wanted, question)
        elif isinstance(entity, Project):
            item = _listed_item(self.rarities.of(document).attested_name(question), entity)
            whole = _entity_name(entity) in question.text  # 「美兰西湖公园那个城市公园项目」
            if item and intent.quantity and not whole:  # 「逸仙公园投资多少」: three parks' sum
                shown = f"{entity.row.investment}{entity.unit}"
                return Candidate(self._project_item(item, entity, document), covered, shown)
            shown = self._say_project(draft, entity, document)
            # The text names a project as the question does (「宝钱公路」), not by its full row
            # name (「宝钱公路道路新建工程」).
            # A fragment the question shares with the row (「路新建工程」) may be no name the text
            # uses: then the row's own name is tried.
            named = self.rarities.of(document).attested_name(question)
            spoken = [named] if named and named in entity.row.name else []
            prose = self._prose_form(entity.row.name, document)
            for name in dict.fromkeys([*spoken, entity.row.name, *prose]):
                if self._say_text_of(draft, name, document, question, wanted):
                    break
            if entity.row.group and question.asks("group_asked"):
                draft.say(
                    "project_group", name=entity.row.name, group=_group_label(entity.row.group)
                )
        else:
            siblings = self._named_parts(question, document, entity)
            shown = " ".join(self._say_indicator(draft, part, intent) for part in siblings)
            if len(siblings) == 1:
                self._say_text_of(draft, entity.name, document, question, wanted, figured=True)
        return Candidate(draft, covered, shown)

    def _say_text_of(
        self,
        draft: Draft,
        name: str,
        document: DocumentKnowledge,
        question: Question,
        wanted: set[int],
        figured: bool = False,
    ) -> bool:
        """What the report's text says of a row in the year asked, beside the row itself:
        「南大中央公园完成地下空间结构」 for a project; for an indicator (``figured``), a sentence
        with a figure of its own (表1 gives the growth, 附件2 the amount)."""
        rarity = self.rarities.of(document)
        likeness_needed = INDICATOR_LIKENESS if figured else PROJECT_LIKENESS
        quoted = {item.quote for item in draft.evidence}
        years = wanted or {document.meta.plan_year} - {None}
        best: tuple[float, Chunk, str] | None = None
        for hit in self.search.search(name, doc_ids={document.meta.doc_id}, limit=PROJECT_HITS):
            if hit.chunk.kind is not ChunkKind.PARAGRAPH:
                continue
            for sentence in sentences(hit.chunk.quote):
                if sentence in quoted or (figured and not re.search(r"\d", sentence)):
                    continue
                if not sentence_fits(hit.chunk, sentence, document, years, question):
                    continue
                likeness = rarity.name_likeness(name, sentence)
                if likeness >= likeness_needed and (best is None or likeness > best[0]):
                    best = (likeness, hit.chunk, sentence)
        if best is None:
            return False
        _, chunk, sentence = best
        shown = _clauses_about(sentence, name, rarity) if figured else sentence
        draft.say("project_text", Evidence(chunk, sentence), sentence=shown.rstrip("。；，"))
        return True

    def _prose_form(self, name: str, document: DocumentKnowledge) -> list[str]:
        """The longest start of a row's name (4 characters or more) that the report's prose
        uses: 「宝钱公路」 of 宝钱公路道路新建工程 (「…宝钱公路等在建项目施工」)."""
        search = self.search
        prose = [
            search.chunks[i].quote
            for i in search.rows_of(document.meta.doc_id)
            if search.chunks[i].kind is ChunkKind.PARAGRAPH
        ]
        for size in range(len(name) - 1, MIN_PROSE_NAME - 1, -1):
            if any(name[:size] in text for text in prose):
                return [name[:size]]
        return []

    def _entity_text(self, entity: Entity, question: Question | None = None) -> str:
        """What a row's words are checked against: its chunk, or a figure's name and clause
        (with the comparison the question asks, when the text makes it right after)."""
        if isinstance(entity, Figure):
            chunk = self._figure_chunks[entity.stated]
            clause = entity.stated.clause
            if question is not None:
                clause = self._with_clause_after(self.figure_evidence(entity), question)
            # 「持续打好“三北”工程攻坚战。…完成治沙2000万亩以上」: the lead names the topic.
            lead = topic_of(chunk, entity.stated.clause)
            if _generic_name(entity.name):
                # 「着眼基础设施提档升级，加快…3100个重大项目建设，年度投资5400亿元以上」: a
                # generic measure is of what its sentence is about
                lead += _sentence_before(chunk.quote, entity.stated.clause)
            return lead + entity.name + clause
        return self.row_evidence(entity).chunk.text

    def _say_figures(
        self,
        draft: Draft,
        figure: Figure,
        document: DocumentKnowledge,
        wanted: set[int],
        question: Question,
    ) -> str:
        """The figure; when no year was asked, the same indicator's other years too."""
        same = [figure]
        if not wanted:
            same += [
                f
                for f in document.figures
                if f.name == figure.name and f.stated.time != figure.stated.time
            ][:2]
        shown = []
        for item in same:
            self._say_figure(draft, item, question)
            shown.append(item.stated.value)
        return " ".join(shown)

    def _say_figure(self, draft: Draft, figure: Figure, question: Question) -> None:
        stated = figure.stated
        evidence = self.figure_evidence(figure)
        said = self._with_clause_after(evidence, question)
        text = evidence.chunk.quote
        before = _sentence_before(text, evidence.quote)
        if _generic_name(figure.name) and len(before) <= GENERIC_SUBJECT_CHARS:
            clause = before + said  # what a generic measure (「年度投资」) is of
        else:
            clause = _with_thing_named_before(text, evidence.quote, said, question)
        evidence = Evidence(evidence.chunk, clause, stated.time)
        template = FIGURE_TEMPLATES[(stated.time.kind, stated.time.estimate)]
        draft.say(template, evidence, year=stated.time.year or "", clause=clause)

    @staticmethod
    def _with_clause_after(evidence: Evidence, question: Question) -> str:
        """The clause right after the figure, said with it when it compares the figure with what
        the question names (「规模工业增加值增长7.3%、高于全国1.5个百分点」 for 「比全国高多少」),
        says what an amount is for (「筹措资金835亿元以上，实施十大为民办实事工程」) or gives the
        amount's change (「…超过165亿立方米，增长12.7%」)."""
        at = evidence.chunk.quote.find(evidence.quote)
        after = evidence.chunk.quote[at + len(evidence.quote) :] if at >= 0 else ""
        following = NEXT_CLAUSE.match(after)
        if following is None:
            return evidence.quote
        clause = following.group(1)
        compared = any(scope in clause for scope in compared_scopes(question.text))
        said_with = _its_change(evidence.quote, clause) or _its_rate(evidence.quote, clause)
        if compared or says_what_it_is_for(clause) or said_with:
            return evidence.quote + after[: following.end()]
        return evidence.quote

    def other_time(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        """「文件给出了2024年…，未给出2025年目标」: the indicator is there, the year is not; or
        the year is there with another measure (「增长3.1%」 where 「多少亿元」 was asked)."""
        wanted = asked_years(question, document, intent)
        if not wanted:
            return None
        named = [
            entity
            for _, entity in self.entities(question, document)[:3]
            if isinstance(entity, Figure) and self._names(question, document, entity)
        ]
        # The year asked in another measure says more than the measure asked in another year:
        # 「今年GDP目标多少亿元」 has a 2025 growth target, not only last year's result.
        for entity in named:
            stated = entity.stated
            measured = not intent.measure or re.search(intent.measure, stated.value)
            if fits(stated.time, wanted, question) and not measured:
                return self._refused_with(entity, "other_measure")
        for entity in named:
            if not fits(entity.stated.time, wanted, question):
                missing = "、".join(
                    f"{year}年{'目标' if year == document.meta.plan_year else '完成值'}"
                    for year in sorted(wanted)
                )
                draft = self._refused_with(entity, "other_time", missing=missing)
                draft.restated.extend(map(str, wanted))  # 「未给出2023年完成值」 echoes the ask
                return draft
        return None

    def named_in_another_year(
        self, question: Question, document: DocumentKnowledge, intent: Intent, evidence: str = ""
    ) -> Figure | None:
        """A figure whose whole name the question carries (「数字经济规模」), of a year the
        question does not ask: a passage that does not state that name is no answer for the
        year asked, however near its topic. A shorter name counts where ``evidence`` states a
        sibling of it instead (「外送电量」 asked, 「发电量超3000亿度」 said)."""
        wanted = asked_years(question, document, intent)
        if not wanted:
            return None
        for _, entity in self.entities(question, document)[:3]:
            if not isinstance(entity, Figure) or entity.name not in question.text:
                continue
            long_enough = len(entity.name) >= WHOLE_NAME_CHARS or (
                len(entity.name) >= SIBLING_NAME_CHARS and _sibling_stated(entity.name, evidence)
            )
            if long_enough and not fits(entity.stated.time, wanted, question):
                return entity
        return None

    def _of_another_thing(
        self, question: Question, document: DocumentKnowledge, figure: Figure
    ) -> bool:
        """The question names a thing of a known kind the document has (广州新机场), and the
        figure's words do not carry it. 「海南自贸港」 is the document's own place."""
        rarity = self.rarities.of(document)
        if not thing_named(rarity.attested_name(question), document):
            return False
        return rarity.names_another(question, figure.name + figure.stated.clause)

    def _names(self, question: Question, document: DocumentKnowledge, figure: Figure) -> bool:
        """The question's own words name the figure: 「研发投入强度」 is not 地区生产总值, however
        much their wordings share (…相当于地区生产总值的比例)."""
        named = self.rarities.of(document).asked_coverage(figure.name, question) >= STRONG_NAME
        if not (named or is_an_asked_indicator(question, figure.name)):
            return False
        return not misses_a_named_indicator(question, figure.name + figure.stated.clause)

    def _refused_with(self, figure: Figure, template: str, **values: str) -> Draft:
        draft = Draft(refused=True)
        stated = figure.stated
        draft.say(
            template,
            self.figure_evidence(figure),
            have=stated.time.label or "其他年份",
            name=stated.name,
            value=stated.value,
            **values,
        )
        return draft

    def strong_match(self, question: Question, document: DocumentKnowledge) -> bool:
        """The question plainly names one table row (「轨交18号线二期今年什么目标」).

        A prose figure does not count: 「怎么保粮食安全」 asks for measures even where the text
        states a 粮食产量 target.
        """
        for _, entity in self.entities(question, document)[:3]:
            if isinstance(entity, Figure):
                continue
            match = self.rarities.of(document).match_name(_entity_name(entity), question)
            if match.coverage >= STRONG_NAME or match.question_share >= STRONG_SHARE:
                return True
        return False

    def _named_parts(
        self, question: Question, document: DocumentKnowledge, chosen: Indicator
    ) -> list[Indicator]:
        """「税收收入和非税收入分别多少」 names two parts of one compound row: answer both."""
        if not chosen.row.parts:
            return [chosen]
        named = [
            e
            for _, e in self.entities(question, document)
            if isinstance(e, Indicator) and e.row is chosen.row
        ]
        return named if len(named) > 1 and question.asks("several") else [chosen]

    def _say_project(self, draft: Draft, project: Project, document: DocumentKnowledge) -> str:
        draft.say(
            "project",
            self.row_evidence(project),
            name=project.row.name,
            investment=project.row.investment,
            unit=project.unit,
            plan_year=document.meta.plan_year or "",
            goal=project.row.goal,
        )
        return f"{project.row.investment}{project.unit} {project.row.goal}"

    def _project_item(self, item: str, project: Project, document: DocumentKnowledge) -> Draft:
        """The row gives one amount for several things: none of them has a figure of its own."""
        draft = Draft(refused=True)
        draft.say(
            "project_item",
            self.row_evidence(project),
            item=item,
            name=project.row.name,
            investment=project.row.investment,
            unit=project.unit,
            plan_year=document.meta.plan_year or "",
            goal=project.row.goal,
        )
        return draft

    def _say_indicator(self, draft: Draft, indicator: Indicator, intent: Intent) -> str:
        part = indicator.part
        result, target = part.result, part.target
        values = {
            "name": indicator.name,
            "result": result or "文件未列出",
            "target": target or "文件未列出",
            "results_year": indicator.results_year or "",
            "plan_year": indicator.plan_year or "",
        }
        evidence = self.row_evidence(indicator)
        kind = intent.preferred_year_kind
        if kind == "plan" and target:
            draft.say("indicator_target", evidence, **values)
            return target
        if kind == "results" and result:
            draft.say("indicator_result", evidence, **values)
            return result
        draft.say("indicator_both", evidence, **values)
        return f"{result} {target}"

    # --- comparisons ------------------------------------------------------------------------

    def indicator_rows(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        """Rows of the indicator table picked by a value they state (「目标是“完成市下达指标”的是
        哪几个指标」), or counted (「表1重点指标总共有多少项」, within a category too)."""
        words = analysis_vocabulary()["indicator_words"]
        if not document.indicators or not any(word in question.text for word in words):
            return None
        if intent.which:
            return self._rows_by_value(question, document, intent)
        if intent.count:
            return self._rows_counted(question, document)
        return None

    def _rows_by_value(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        results = intent.wants_result and not intent.wants_target
        found: list[tuple[Indicator, str]] = []
        for indicator in document.indicators:
            part = indicator.part
            values = (
                (part.result_value, part.result_growth)
                if results
                else (
                    part.target_value,
                    part.target_growth,
                )
            )
            for value in values:
                if _states_typed_value(value, question.text):
                    found.append((indicator, value))
                    break
        if not found:
            return None
        first = found[0][0]
        year = first.results_year if results else first.plan_year
        typed = next(p for p in _value_pieces(found[0][1]) if p in question.text)
        draft = Draft()
        draft.computations.append(Computation(str(len(found)), ()))
        which = f"{year or ''}年{'完成' if results else '目标'}为「{typed}」"
        draft.say("indicator_rows", table=first.table_title, which=which, count=len(found))
        for indicator, value in found:
            draft.say(
                "indicator_row",
                self.row_evidence(indicator),
                name=indicator.name,
                value=f"：{value}",
            )
        return draft

    def _rows_counted(self, question: Question, document: DocumentKnowledge) -> Draft | None:
        rows = list({i.row.seq: i for i in document.indicators}.values())
        categories = [c for c in dict.fromkeys(i.row.category for i in rows) if c]
        category = next((c for c in categories if c in question.text), "")
        if category:
            rows = [i for i in rows if i.row.category == category]
        draft = Draft()
        draft.computations.append(Computation(str(len(rows)), ()))
        scope = rows[0].table_title + (f"中「{category}」" if category else "")
        draft.say("indicator_count", scope=scope, count=len(rows))
        for indicator in rows:
            draft.say(
                "indicator_row", self.row_evidence(indicator), name=indicator.row.name, value=""
            )
        return draft

    def table_rows(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        """A text table named by its title, counted or listed (「主导产业进展情况那张表列了几个
        产业」「…表列了哪几个产业」): one line per row, by its first cell."""
        if not (intent.count or intent.which) or not document.tables.others:
            return None
        rarity = self.rarities.of(document)
        scored = [
            (rarity.match_name(_untitled(t.title), question).coverage, t)
            for t in document.tables.others
            if t.rows
        ]
        coverage, table = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        if table is None or coverage < TITLE_COVERAGE:
            return None
        draft = Draft()
        draft.computations.append(Computation(str(len(table.rows)), ()))
        draft.say("table_row_count", table=table.title, count=len(table.rows))
        for row in table.rows:
            key = row.cells[0] if row.cells else row.raw
            pieces = self._row_chunks.get((document.meta.content_hash, table.table, str(row.seq)))
            chunk = next((c for c in pieces or () if c.quote.startswith(key)), None)
            if chunk is None:
                return None
            draft.say("indicator_row", Evidence(chunk, chunk.quote), name=key, value="")
        return draft

    def comparison(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.compare:
            return None
        ranked = [e for _, e in self.entities(question, document)]
        projects = [e for e in ranked[:3] if isinstance(e, Project)]
        if len(projects) >= 2:
            return self._compare_projects(question, projects[0], projects[1])
        if not (intent.wants_target and intent.wants_result):
            # 「比上年提高多少」 asks for the report's own figure, not target − result; two things
            # of one year (「A产值增速比B高多少」) are compared.
            return self._compare_subjects(
                question, document, asked_years(question, document, intent)
            )
        indicators = [e for e in ranked if isinstance(e, Indicator)]
        compared = None
        if indicators:
            compared = self._compare_years(question, indicators[0])
            compared = compared or self._compare_with_text(question, document, indicators[0])
        if compared is None and not document.figures:
            # The tables leave it out: the text's own target and result (「不低于99%」, 99.3%)
            ranked = [e for _, e in self.entities(question, document, document.prose_figures)]
        return compared or self._compare_figures(question, document, ranked)

    def _compare_with_text(
        self, question: Question, document: DocumentKnowledge, indicator: Indicator
    ) -> Draft | None:
        """The table gives last year's amount and only a growth rate for this year, the text
        this year's amount (「全社会固定资产投资总额完成650亿元」): those two, each cited."""
        result = _amount(indicator.part.result_value, question)
        if result is None or not _as_measured(result, question):
            return None
        rarity = self.rarities.of(document)
        for figure in document.prose_figures:
            time = figure.stated.time
            if time.kind is not TimeKind.PLAN or time.year != indicator.plan_year:
                continue
            if rarity.name_likeness(indicator.part.name, figure.name) < NAME_LIKENESS:
                continue
            target = _amount(figure.stated.value, question)
            if target is None or target[1] != result[1]:
                continue
            evidence = [self.figure_evidence(figure), self.row_evidence(indicator)]
            cells = (figure.stated.value, indicator.part.result_value)
            return _years_compared(question, indicator, evidence, cells, (target, result))
        return None

    def _compare_subjects(
        self, question: Question, document: DocumentKnowledge, wanted: set[int]
    ) -> Draft | None:
        """Two prose figures of one year, one named on each side of 「比」: 「去年新一代信息技术
        产值增速比新能源汽车高多少」 → 28.2% − 26.5%. The year is the whole question's
        (「今年预期目标里，A和B比」), not each side's."""
        sides = cue("compared_sides").search(question.text)
        if sides is None:
            return None
        first_side, second_side = sides.group("first"), sides.group("second")
        first = self._side_figure(first_side, document, wanted, question, [])
        second = self._side_figure(
            second_side, document, wanted, question, [first] if first else []
        )
        second_name = second.name if second else ""
        if first is not None and _names_the_whole(second_side, document):
            second = self._whole_of(first, document, wanted, question)
            second_name = re.sub(r"[\W_]", "", second_side) + (second.name if second else "")
        # 「脱贫县农村居民收入增速，跟全省农村居民比」: one side is the other's measure for
        # another group of people or things; 「城镇居民和农村居民人均可支配收入，哪个涨得快」
        # names it on the second side only.
        if second is None and first is not None:
            second = self._borrowing_side(second_side, first, document, wanted, question)
        if first is None and second is not None:
            first = self._borrowing_side(first_side, second, document, wanted, question)
        if first is None or second is None:
            return None
        same_time = (first.stated.time.kind, first.stated.time.year) == (
            second.stated.time.kind,
            second.stated.time.year,
        )  # an estimate (「预计…增长7%左右」) beside a figure of the same year is of that year
        if first.name == second.name or not same_time:
            return None
        pair = _same_unit(first.stated.value, second.stated.value, question)
        if pair is None:
            return None
        draft = Draft()
        evidence = [self.figure_evidence(first)]
        if second.stated.clause != first.stated.clause:  # two items of one 「分别」 list
            evidence.append(self.figure_evidence(second))
        year = f"{first.stated.time.year}年" if first.stated.time.year else ""
        labels = (f"{year}{first.name}", f"{year}{second_name or second.name}")
        cells = (first.stated.value, second.stated.value)
        say_difference(draft, evidence, labels, cells, *pair)
        return draft

    def _whole_of(
        self, part: Figure, document: DocumentKnowledge, wanted: set[int], question: Question
    ) -> Figure | None:
        """「南疆比全区低多少」: the whole's figure is the part's measure without the part's
        word (「全区普及率提高至72.2%，其中南疆普及率68.4%」: 普及率 beside 南疆普及率), nearest
        first."""
        chunk = self._figure_chunks.get(part.stated)
        wholes = [
            f
            for f in document.prose_figures
            if f.name != part.name
            and len(f.name) >= 2
            and part.name.endswith(f.name)
            and fits(f.stated.time, wanted, question)
        ]
        return max(wholes, key=lambda f: self._figure_chunks.get(f.stated) == chunk, default=None)

    def _borrowing_side(
        self,
        side: str,
        other: Figure,
        document: DocumentKnowledge,
        wanted: set[int],
        question: Question,
    ) -> Figure | None:
        """The figure of a side named by its group alone, with the other side's measure."""
        completed = borrowed_measure(side, other.name)
        if not completed:
            return None
        figure = self._side_figure(completed, document, wanted, question, [other])
        if figure and self.rarities.of(document).name_likeness(completed, figure.name) < (
            NAME_LIKENESS
        ):
            return None  # 农村居民收入 is not answered by 脱贫地区人均收入
        return figure

    def _side_figure(
        self,
        side: str,
        document: DocumentKnowledge,
        wanted: set[int],
        question: Question,
        chosen: Sequence[Figure],
    ) -> Figure | None:
        asked = normalise(side, document.meta.plan_year)
        ranked = [e for _, e in self.entities(asked, document, document.prose_figures)]
        figures = [
            e
            for e in ranked
            if isinstance(e, Figure) and e not in chosen and fits(e.stated.time, wanted, question)
        ]
        rarity = self.rarities.of(document)
        best = _best_item_of_each_clause(figures, rarity, asked)
        growth = question.asks("growth")

        def preference(figure: Figure) -> tuple[bool, bool]:
            """A name the side says in full (「农村居民收入增速」 is 农村居民收入's, not
            全体居民人均可支配收入's), then a change where one is asked (「哪个增长更快」: 增长4.8%,
            not 749万吨); among equals, the one retrieval ranks first."""
            in_full = rarity.asked_coverage(figure.name, asked) >= STRONG_NAME
            return in_full, growth and _states_a_change(figure)

        return max(best, key=preference, default=None)

    def _compare_figures(
        self, question: Question, document: DocumentKnowledge, ranked: list[Entity]
    ) -> Draft | None:
        """This year's target against last year's result, both stated in prose, each naming
        what the question asks (「研发投入强度」 is not 地区生产总值, whatever wordings share)."""
        figures = [
            e
            for e in ranked
            if isinstance(e, Figure)
            and not misses_a_named_indicator(question, self._entity_text(e))
        ]
        rarity = self.rarities.of(document)
        targets, results = (
            _best_item_of_each_clause(
                [f for f in figures if f.stated.time.kind is kind][:3], rarity, question
            )
            for kind in (TimeKind.PLAN, TimeKind.RESULT)
        )
        found = next(
            (
                (target, result, pair)
                for target in targets
                for result in results
                if (pair := _one_unit(target.stated.value, result.stated.value, question))
            ),
            None,
        )
        if found is None:
            return None
        target, result, ((first, second), _, converted) = found
        draft = Draft(computations=list(converted))
        evidence = [self.figure_evidence(target), self.figure_evidence(result)]
        labels = (
            f"{target.stated.time.year}年{target.name}目标",
            f"{result.stated.time.year}年{result.name}",
        )
        cells = (target.stated.value, result.stated.value)
        meta = document.meta
        labels, cells, values = _as_asked(
            question, meta.results_year, meta.plan_year, labels, cells, (first, second)
        )
        say_difference(draft, evidence, labels, cells, *values, note=_conversion_note(converted))
        return draft

    def figure_evidence(self, figure: Figure) -> Evidence:
        stated = figure.stated
        return Evidence(self._figure_chunks[stated], stated.clause, stated.time)

    def _compare_years(self, question: Question, indicator: Indicator) -> Draft | None:
        part = indicator.part
        growth_first = question.asks("growth")
        target_cells = _ordered(part.target_value, part.target_growth, growth_first)
        result_cells = _ordered(part.result_value, part.result_growth, growth_first)
        for target_cell in target_cells:
            for result_cell in result_cells:
                target = _amount(target_cell, question)
                result = _amount(result_cell, question)
                if target and result and target[1] == result[1] and _as_measured(target, question):
                    evidence = [self.row_evidence(indicator)]
                    cells = (target_cell, result_cell)
                    sums = _sums(target_cell, result_cell, question)
                    return _years_compared(
                        question, indicator, evidence, cells, (target, result), sums
                    )
        return None

    def _compare_projects(
        self, question: Question, first: Project, second: Project
    ) -> Draft | None:
        if first.row.investment_value is None or second.row.investment_value is None:
            return None
        pair = sorted((first, second), key=lambda p: p.row.investment_value, reverse=True)
        if question.asks("lower_of_two"):
            pair.reverse()
        elif not question.asks("which_of_two"):
            pair.sort(key=lambda p: _position(question.text, p.row.name))
        a, b = pair
        draft = Draft()
        evidence = [self.row_evidence(a), self.row_evidence(b)]
        labels = (f"{a.row.name}投资", f"{b.row.name}投资")
        cells = (a.row.investment + a.unit, b.row.investment + b.unit)
        say_difference(
            draft, evidence, labels, cells, (a.row.investment, a.unit), (b.row.investment, b.unit)
        )
        return draft

    # --- counts and sums over the projects table ------------------------------------------------

    def aggregate(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        # 「投资超过3亿元的项目及金额」 lists by its filter without a word for "which".
        filtered = intent.amount_limit or intent.amount_range
        listing_projects = (intent.listing or intent.which or filtered) and question.asks(
            "projects"
        )
        wanted = intent.count or intent.sum or intent.superlative or listing_projects
        if not wanted or not document.projects:
            return None
        if question.asks("adding") and not intent.compare:
            named = self._named_projects(question, document)
            if len(named) >= 2:
                return self._sum_named(named, document)
        selection = self._selection(question, document, intent)
        if selection is None:
            return None
        projects, scope = selection
        ranks_groups = question.asks("group_ranked")
        if intent.superlative and ranks_groups and any(p.row.group for p in projects):
            return self._extreme_groups(projects, intent)
        if intent.superlative and projects:
            return self._extreme(projects, intent)
        draft = self._count_and_sum(document, projects, scope, intent)
        if intent.amount_limit:  # the filter the user gave, said back: 「投资超过5亿元的项目」
            draft.restated.append(intent.amount_limit.amount)
        draft.restated.extend(intent.amount_range or ())
        return draft

    def _selection(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> tuple[list[Project], str] | None:
        """The projects a question is about; None when it is not about the projects table."""
        text = question.text
        projects = list(document.projects)
        group = self._group(question, document)
        goals = sorted({p.row.goal for p in projects if p.row.goal}, key=len, reverse=True)
        # 「写“竣工”或“建设完成”的」: every goal named, none inside a longer one named (基本竣工)
        named_goals = [g for g in goals if g in text]
        chosen_goals = [g for g in named_goals if not any(g in o and g != o for o in named_goals)]
        goal = "」或「".join(chosen_goals)
        cues = analysis_vocabulary()["intent"]
        threshold = intent.amount_limit
        named = cue("name_filter").search(text)
        ranged = intent.amount_range
        filtered = group or goal or threshold or named or ranged
        if not filtered and self.strong_match(question, document):
            return None  # 「南大中央公园这个重大项目投资多少」 is about one row
        # 「投资不到2亿元的项目」: an amount filter is about the projects table.
        # 「名字里有“道路”的项目」 picks rows by their names: that is about the table too. An
        # amount limit is, when it is on projects (「产值十亿元以上的企业」 is not).
        on_projects = question.asks("project_words")
        indicators = question.asks("indicator_words")
        if indicators and not on_projects:
            return None  # 「指标表里“主要经济指标”这一类有几项」 is about the indicator table
        anchored = group or (threshold and on_projects) or ranged or named
        anchored = anchored or question.asks("project_table")
        ranked = ("project_superlative", "group_ranked")
        anchored = anchored or any(map(question.asks, ranked))
        if not anchored and goal:
            # 「要基本竣工的项目有几个」 is about the table; 「多少个教育项目要开工」 is not.
            others = key_terms(
                question,
                self.rarities.of(document),
                ignore=(*document.own_names, *cues["project_words"]),
            )
            anchored = not [w for w in others if w not in goal and not is_soft(w)]
        if not anchored:
            return None
        scope = re.sub(r"（\d+项）$", "", group) if group else projects[0].table_title
        if group:
            projects = [p for p in projects if p.row.group == group]
        if goal:
            projects = [p for p in projects if p.row.goal in chosen_goals]
            scope += f"中目标为「{goal}」的项目"
        if threshold:
            projects = [
                p
                for p in projects
                if p.row.investment_value is not None and threshold.admits(p.row.investment_value)
            ]
            scope += f"中投资{threshold.written}的项目"
        if ranged:
            low, high = sorted((Decimal(ranged[0]), Decimal(ranged[1])))
            projects = [
                p
                for p in projects
                if p.row.investment_value is not None and low <= p.row.investment_value <= high
            ]
            scope += f"中投资在{ranged[0]}亿元到{ranged[1]}亿元之间的项目"
        if named:
            projects = [p for p in projects if named.group(1) in p.row.name]
            scope += f"中名称含「{named.group(1)}」的项目"
        return projects, scope

    def _named_projects(self, question: Question, document: DocumentKnowledge) -> list[Project]:
        """「18号线宝山段和宝钱公路一共投资多少」: the row each side of 和/与/、 names."""
        named: list[Project] = []
        for piece in NAME_JOINERS.split(question.text):
            ranked = self.entities(normalise(piece, document.meta.plan_year), document)
            best = next((e for _, e in ranked if isinstance(e, Project)), None)
            if best is not None and best not in named:
                named.append(best)
        return named

    def _sum_named(self, projects: list[Project], document: DocumentKnowledge) -> Draft:
        draft = Draft()
        for project in projects:
            self._say_project(draft, project, document)
        _say_sum(draft, projects)
        return draft

    def _group(self, question: Question, document: DocumentKnowledge) -> str:
        groups = {p.row.group for p in document.projects if p.row.group}
        scored = [
            (self.rarities.of(document).match_name(re.sub(r"（\d+项）", "", g), question), g)
            for g in groups
        ]
        scored = [(m, g) for m, g in scored if m.coverage >= GROUP_COVERAGE]
        return max(scored, key=lambda pair: pair[0].score)[1] if scored else ""

    def _count_and_sum(
        self, document: DocumentKnowledge, projects: list[Project], scope: str, intent: Intent
    ) -> Draft:
        draft = Draft()
        rows = [self.row_evidence(p) for p in projects]
        draft.computations.append(Computation(str(len(projects)), ()))
        draft.say("count", scope=scope, count=len(projects))
        # Listed by their amount (「投资不到2亿元的」) or asked for it: each with its amount.
        amounts = intent.quantity or intent.sum or "投资" in scope
        named = (
            p.row.name + (f"（{p.row.investment}{p.unit}）" if amounts else "") + draft.cite(row)
            for p, row in zip(projects, rows, strict=True)
        )
        draft.lines[-1] += "、".join(named) + "。"
        if projects and (intent.sum or intent.count):
            _say_sum(draft, projects)
            self._listed_total(draft, document, projects)
        return draft

    def _extreme(self, projects: Sequence[Project], intent: Intent) -> Draft:
        """The project with the most (or least) investment; both ends, or the first N, when
        asked (「最多和最少的」「投资最少的3个」)."""
        valued = [p for p in projects if p.row.investment_value is not None]
        draft = Draft()
        draft.computations.append(Computation(str(len(valued)), ()))
        ends = ("max", "min") if intent.both_ends else (intent.superlative,)
        for end in ends:
            ranked = sorted(valued, key=lambda p: p.row.investment_value, reverse=end == "max")
            label = "最多" if end == "max" else "最少"
            if intent.top > 1:
                self._say_ranked(draft, ranked[: intent.top], label, len(valued))
                continue
            chosen = ranked[0]
            draft.say(
                "extreme",
                self.row_evidence(chosen),
                label=label,
                count=len(valued),
                name=chosen.row.name,
                investment=chosen.row.investment,
                unit=chosen.unit,
                goal=chosen.row.goal,
            )
        return draft

    def _extreme_groups(self, projects: Sequence[Project], intent: Intent) -> Draft:
        """The group with the most (or least) investment in all, its sum shown; both ends when
        asked (「哪一类投资合计最多，哪一类最少」)."""
        groups: dict[str, list[Project]] = {}
        for project in projects:
            if project.row.group and project.row.investment_value is not None:
                groups.setdefault(project.row.group, []).append(project)
        totals = {g: sum(p.row.investment_value for p in members) for g, members in groups.items()}
        draft = Draft()
        draft.computations.append(Computation(str(len(groups)), ()))
        ends = ("max", "min") if intent.both_ends else (intent.superlative,)
        for end in ends:
            chosen = (max if end == "max" else min)(totals, key=totals.__getitem__)
            members = groups[chosen]
            operands = tuple(p.row.investment for p in members)
            total = plain(totals[chosen])
            draft.computations.append(Computation(total, operands))
            draft.say(
                "group_extreme",
                *(self.row_evidence(p) for p in members),
                count=len(groups),
                label="最多" if end == "max" else "最少",
                group=_group_label(chosen),
                total=total,
                unit=members[0].unit,
                formula="+".join(operands),
            )
        return draft

    def _say_ranked(self, draft: Draft, ranked: Sequence[Project], label: str, count: int) -> None:
        draft.computations.append(Computation(str(len(ranked)), ()))
        draft.say("ranked", label=label, count=count, top=len(ranked))
        for project in ranked:
            draft.say(
                "ranked_item",
                self.row_evidence(project),
                name=project.row.name,
                investment=project.row.investment,
                unit=project.unit,
            )

    def _listed_total(
        self, draft: Draft, document: DocumentKnowledge, selected: Sequence[Project]
    ) -> None:
        """When the whole table is summed, the document's own 合计 row is shown beside it."""
        for table in document.tables.projects:
            if table.total and len(selected) == len(table.rows):
                draft.say(
                    "listed_total",
                    self.evidence(document.meta, table.total.raw),
                    label=table.total.label,
                    total=table.total.investment,
                    unit=table.unit,
                )


def _say_sum(draft: Draft, projects: Sequence[Project]) -> None:
    """「投资总额合计22.30亿元（15.65+6.65）」, the total kept as a checked computation."""
    values = tuple(p.row.investment for p in projects)
    total = plain(sum((Decimal(v) for v in values), Decimal(0)))
    draft.computations.append(Computation(total, values))
    draft.say("sum", total=total, unit=projects[0].unit, formula="+".join(values))


CLAUSE = re.compile(r"[^，；。]+[，；。]?")
# A clause that goes on with the figures of the clause before it: 「，同比增长5%」「，其中…」.
# 「…12007人，控制在市下达指标内」: a clause saying how a figure stands against its target.
FOLLOWING_VERDICT = tuple(figure_vocabulary()["following_verdict"])
FOLLOWING_OPENERS = tuple(figure_vocabulary()["following_figure"])
FOLLOWING_FIGURE = re.compile(
    rf"^(?:{'|'.join(map(re.escape, figure_vocabulary()['following_figure']))})?[^，；。]{{0,6}}\d"
)


def _clauses_about(sentence: str, name: str, rarity: Rarity) -> str:
    """The clause of a long sentence that names the indicator, and the figures right after it:
    「全社会固定资产投资总额完成650亿元，同比增长5%」."""
    clauses = CLAUSE.findall(sentence)
    if len(clauses) <= 1:
        return sentence
    best = max(range(len(clauses)), key=lambda i: rarity.name_likeness(name, clauses[i]))
    last = best
    while last + 1 < len(clauses) and (
        FOLLOWING_FIGURE.match(clauses[last + 1]) or clauses[last + 1].startswith(FOLLOWING_VERDICT)
    ):
        last += 1
    return "".join(clauses[best : last + 1])


VALUE_PIECES = re.compile(r"[，,；;/]")
MIN_TYPED_VALUE = 3  # 「增长15%」「在全市保持较好水平」; not a bare 「5%」


def _value_pieces(value: str) -> list[str]:
    return [p for p in (piece.replace(" ", "") for piece in VALUE_PIECES.split(value)) if p]


def compare_between(question: Question, labelled: Sequence[tuple[str, Draft]]) -> Draft | None:
    """Two places' answers to one question set side by side (「四川和广西今年GDP增长目标谁定得
    高」): the first figure each cites, in one unit, and the difference from the first's side."""
    (first_label, first_draft), (second_label, second_draft) = labelled
    if first_draft.refused or second_draft.refused:
        return None
    if not first_draft.evidence or not second_draft.evidence:
        return None
    quotes = (first_draft.evidence[0].quote, second_draft.evidence[0].quote)
    found = _one_unit(*quotes, question)
    if found is None:
        return None
    (first, second), written, converted = found
    draft = Draft(computations=list(converted))
    cells = (_as_written(quotes[0], *written[0]), _as_written(quotes[1], *written[1]))
    labels = (first_label, second_label)
    note = _conversion_note(converted)
    say_difference(draft, [], labels, cells, first, second, wording=PLACES_COMPARED, note=note)
    return draft


def _one_unit(
    first: str, second: str, question: Question
) -> tuple[Figures, Figures, list[Conversion]] | None:
    """A figure of each text in one unit, the larger magnitude said in the smaller one's when
    they differ (「1万公里」 against 「10714公里」 is 10000公里). Returns the figures compared, the
    figures as written, and the conversions made; None if no pair."""
    pair = _same_unit(first, second, question)
    if pair is not None:
        return pair, pair, []
    found = _in_one_magnitude(first, second)
    if found is None or not _as_measured(found[0][0], question):
        return None
    return found


def _conversion_note(converted: Sequence[Computation]) -> str:
    return "".join(f"{c.operands[0]}{c.unit_from}={c.result}{c.unit_to}；" for c in converted)


@dataclass(frozen=True)
class Conversion(Computation):
    """「6.36万亿元」 said in 亿元 as 63600: a figure moved to another magnitude of its unit."""

    unit_from: str = ""
    unit_to: str = ""


Figures = tuple[tuple[str, str], tuple[str, str]]  # (number, unit) of each side


def _magnitude(unit: str) -> tuple[Decimal, str]:
    """「万亿元」 → (10^12, 元): the multiplier of a unit's magnitude word, and its base."""
    for word, power in MAGNITUDE_POWERS:
        if unit.startswith(word) and len(unit) > len(word):
            return Decimal(10) ** power, unit[len(word) :]
    return Decimal(1), unit


def _in_one_magnitude(first: str, second: str) -> tuple[Figures, Figures, list[Conversion]] | None:
    """「6.36万亿元」 and 「64697亿元」: the first two figures of one base unit in different
    magnitudes, the larger magnitude's said in the smaller one's (63600亿元). Returns the
    figures compared, the figures as written, and the conversion."""
    for a in AMOUNT.finditer(first):
        for b in AMOUNT.finditer(second):
            (a_factor, a_base), (b_factor, b_base) = _magnitude(a[2]), _magnitude(b[2])
            if a_base != b_base or a_factor == b_factor:
                continue
            small, unit = min((a_factor, a[2]), (b_factor, b[2]))
            compared, converted = [], []
            for number, own_unit, factor in ((a[1], a[2], a_factor), (b[1], b[2], b_factor)):
                value = _trimmed(Decimal(number) * factor / small)
                if factor != small:
                    converted.append(Conversion(value, (number,), own_unit, unit))
                compared.append((value, unit))
            return (compared[0], compared[1]), ((a[1], a[2]), (b[1], b[2])), converted
    return None


def _as_written(quote: str, number: str, unit: str) -> str:
    """「5.5%以上」 for 5.5 and %: the figure with its qualifiers, as the quote writes it."""
    for figure in figure_pattern().finditer(quote):
        if figure.group("number") == number and figure.group("unit").endswith(unit):
            return figure.group()
    return number + unit


def _group_label(group: str) -> str:
    """「（二）城市功能引领类项目（8项）」 → 「城市功能引领类项目」."""
    return re.sub(r"^（[一二三四五六七八九十]+）|（\d+项）$", "", group)


def _listed_item(named: str, project: Project) -> str:
    """The one thing of a row's bracketed list the question names: 「逸仙公园」 in
    「城市公园（逸仙公园、国阅绿地、美兰西湖公园）」."""
    for listed in PARENTHETICAL.findall(project.row.name):
        items = re.split(r"[、，,]", listed[1:-1])
        if len(items) >= 2 and named in items:
            return named
    return ""


def _untitled(title: str) -> str:
    """「表1：2023年部分主导产业进展情况」 → 「部分主导产业进展情况」: a question's years are not
    part of its words either."""
    return re.sub(r"^表\s*\d+\s*[：:]?\s*|(?:19|20)\d{2}\s*年?", "", title)


def _states_typed_value(value: str, text: str) -> bool:
    """The question types one of the cell's statements: 「完成市下达指标」, 「增长15%」."""
    return any(len(p) >= MIN_TYPED_VALUE and p in text for p in _value_pieces(value))


def _entity_name(entity: Entity) -> str:
    """The name a question uses: 「城市公园（逸仙公园、国阅绿地、美兰西湖公园）」 is 城市公园; its
    members are not each the whole row."""
    if isinstance(entity, Project):
        head = PARENTHETICAL.sub("", entity.row.name).strip()
        return head if len(head) >= 2 else entity.row.name
    return entity.name


FIGURE_TEMPLATES = {
    (TimeKind.PLAN, False): "figure_target",
    (TimeKind.RESULT, False): "figure_result",
    (TimeKind.RESULT, True): "figure_estimate",
    (TimeKind.HORIZON, False): "figure_horizon",
}


def _figure_chunks(search: HybridSearch) -> dict[StatedFigure, Chunk]:
    """The paragraph chunk each prose figure is quoted from (its clause, verbatim)."""
    by_document: dict[str, list[Chunk]] = {}
    for chunk in search.chunks:
        if chunk.kind is ChunkKind.PARAGRAPH:
            by_document.setdefault(chunk.doc_hash, []).append(chunk)
    found: dict[StatedFigure, Chunk] = {}
    for document in search.knowledge.documents:
        chunks = by_document.get(document.meta.content_hash, [])
        for stated in document.tables.figures:
            home = next(
                (
                    c
                    for c in chunks
                    if c.span.start <= stated.span.start < c.span.end and stated.clause in c.quote
                ),
                None,
            )
            if home is not None:
                found[stated] = home
    return found


def _ordered(value: str, growth: str, growth_first: bool) -> list[str]:
    cells = [growth, value] if growth_first else [value, growth]
    return [cell for cell in cells if cell]


def _position(text: str, name: str) -> int:
    for size in (4, 3, 2):
        for start in range(len(name) - size + 1):
            found = text.find(name[start : start + size])
            if found >= 0:
                return found
    return len(text)


def _amount(text: str, question: Question) -> tuple[str, str] | None:
    """The figure in a cell the question is about: 「新增国家30家、市级100家」 + 市级 → 100家."""
    matches = list(AMOUNT.finditer(text))
    if not matches:
        return None

    def relevance(match: re.Match[str]) -> float:
        """How much of the figure's own label (「市级」 in 「市级100家」) the question uses."""
        label = re.split(r"[、，,；/（(]", text[: match.start()])[-1]
        shared = _longest_shared(label, question.text)
        return shared / len(label) if shared >= 2 else 0.0

    best = max(matches, key=relevance)
    same_unit = [m for m in matches if m.group(2) == best.group(2)]
    adding = question.asks("sum")
    if (relevance(best) == 0 or adding) and len(same_unit) > 1:
        # 「市级80个、区级105个」 against 「160个」, or 「市级区级加起来」: the question means them
        # together.
        return plain(sum(Decimal(m.group(1)) for m in same_unit)), best.group(2)
    return best.group(1), best.group(2)


def _as_asked(
    question: Question, results_year: int | None, plan_year: int | None, *pairs: tuple
) -> tuple[tuple, ...]:
    """Each (target side, result side) pair, swapped when the question names the results year
    first: 「去年…比今年的底线高多少」 is said in the order asked. 「从2023年到2024年提高了多少」
    asks what the later value adds: the target side stays first."""
    if question.asks("asked_from_to"):
        return pairs
    at = [question.text.find(f"{year}年") if year else -1 for year in (results_year, plan_year)]
    return tuple(pair[::-1] for pair in pairs) if 0 <= at[0] < at[1] else pairs


def _generic_name(name: str) -> bool:
    """「年度投资」「总投资」: a generic measure, at most after a word that names no subject
    either, that names no subject of its own (「整车产量」 does)."""
    return name in _generic_names()


@cache
def _generic_names() -> frozenset[str]:
    words = figure_vocabulary()
    generic = words["generic_names"]
    return frozenset(
        (*generic, *(prefix + ending for prefix in words["generic_prefixes"] for ending in generic))
    )


def _sentence_before(text: str, clause: str) -> str:
    """The words of the clause's sentence before it."""
    at = text.find(clause)
    if at < 0:
        return ""
    return text[max(text.rfind(stop, 0, at) for stop in "。；;！？\n") + 1 : at]


def _names_the_whole(side: str, document: DocumentKnowledge) -> bool:
    """「全区」「新疆」: a side of a comparison that is the document's whole place."""
    return re.sub(r"[\W_]", "", side) in (*document.own_whole, *document.own_names)


def _sibling_stated(name: str, text: str) -> bool:
    """``text`` has the ending of ``name`` (电量 of 外送电量) after other words (发电量), and not
    the name itself; a name the lexicon knows (经济增长 for GDP) has wordings of its own."""
    if name in text or _a_lexicon_word(name):
        return False
    ending, own = name[-SIBLING_ENDING_CHARS:], name[:-SIBLING_ENDING_CHARS]
    return any(text[max(0, at - len(own)) : at] != own for at in _positions(text, ending) if at > 0)


def _positions(text: str, part: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(part), text)]


def _a_lexicon_word(name: str) -> bool:
    words = lexicon()
    return name in words or any(name in wordings for wordings in words.values())


def _sibling_named_whole(
    entity: Entity, ranked: Sequence[tuple[float, Entity]], question: Question
) -> Figure | None:
    """「应届高校毕业生区外就业率」 is 区外就业率, which the question writes whole, not the
    应届高校毕业生就业率 that covers more of its words: a figure whose name the question has, a
    word of its own before the ending both names share, is the one asked, when the other's name
    lacks that word. None when there is no such sibling."""
    if not isinstance(entity, Figure) or entity.name in question.text:
        return None
    for _, rival in ranked:
        if not isinstance(rival, Figure) or rival.name not in question.text:
            continue
        ending = _common_ending(rival.name, entity.name)
        own_word = rival.name[: len(rival.name) - len(ending)]
        if len(ending) >= 2 and own_word and not set(own_word) & set(entity.name):
            return rival  # (「新增城镇就业」 is 城镇新增就业 in another order)
    return None


def _common_ending(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[-1 - size] == b[-1 - size]:
        size += 1
    return a[len(a) - size :]


def _a_counts_change(figure: Figure, question: Question) -> bool:
    clause = figure.stated.clause
    return any(counted_change(clause[: d.start()], question) for d in re.finditer(r"\d", clause))


def _increment_for_stock(question: Question, figure: Figure) -> bool:
    return (
        question.asks("stock")
        and not question.asks("increment")
        and cue("increment").match(figure.name) is not None
    )


def _years_compared(
    question: Question,
    indicator: Indicator,
    evidence: list[Evidence],
    cells: tuple[str, str],
    amounts: tuple[tuple[str, str], tuple[str, str]],
    sums: Sequence[Computation] = (),
) -> Draft:
    """This year's target against last year's result, said in the order asked."""
    draft = Draft()
    draft.computations.extend(sums)
    labels = (f"{indicator.plan_year}年目标", f"{indicator.results_year}年完成")
    labels, cells, values = _as_asked(
        question, indicator.results_year, indicator.plan_year, labels, cells, amounts
    )
    added = {total.result: total.operands for total in sums}
    say_difference(draft, evidence, labels, cells, *values, added=added)
    return draft


def _amount_of_the_same(
    chosen: Entity, likeness: tuple[float, float], seen: list[tuple[tuple[float, float], Entity]]
) -> Entity:
    """「货邮吞吐量是多少」: of one indicator's two figures as alike, the amount (「突破100万吨」),
    not its growth (「增长33%」). Only the same name: another indicator is never swapped in."""
    return _other_measure(
        chosen, likeness, seen, change=False, same=lambda entity: entity.name == chosen.name
    )


def _change_of_the_same(
    chosen: Entity, likeness: tuple[float, float], seen: list[tuple[tuple[float, float], Entity]]
) -> Entity:
    """「GDP增长多少」: of two figures as alike, the change (「地区生产总值增长5.8%」), not the
    amount (「总量达到60013亿元」), when both are of one subject: read from one clause (「全年增长
    4.8%、总量达5.3万亿元」) or named alike but for the measure (地区生产总值, 地区生产总值总量)."""

    def same_subject(entity: Figure) -> bool:
        inside = entity.stated.clause in chosen.stated.clause
        return inside or without_measure(entity.name) == without_measure(chosen.name)

    return _other_measure(chosen, likeness, seen, change=True, same=same_subject)


def _other_measure(
    chosen: Entity,
    likeness: tuple[float, float],
    seen: list[tuple[tuple[float, float], Entity]],
    change: bool,
    same: Callable[[Figure], bool],
) -> Entity:
    """A prose figure as alike as ``chosen`` that states a change (or an amount, ``change``
    False) where ``chosen`` does not, and is the ``same`` figure's; else ``chosen``."""
    if not isinstance(chosen, Figure) or _states_a_change(chosen) is change:
        return chosen
    return next(
        (
            entity
            for alike, entity in seen
            if alike == likeness
            and isinstance(entity, Figure)
            and _states_a_change(entity) is change
            and same(entity)
        ),
        chosen,
    )


def says_what_it_is_for(clause: str) -> bool:
    """「实施十大为民办实事工程」 after 「筹措资金835亿元以上」: the purpose of the figure before,
    with no figure of its own, or only a count of the things it is for (「安排资金148亿元，实施民生
    实事28项」), not an amount of its own."""
    return clause.startswith(PURPOSE_OPENERS) and not MONEY.search(clause)


def _its_change(amount: str, clause: str) -> bool:
    """A clause of a change and nothing else (「增长12.7%」) after a figure not itself a change."""
    changed = any(verb in amount for verb in figure_vocabulary()["change_verbs"])
    return not changed and CHANGE_AFTER.match(clause) is not None


def _its_rate(amount: str, clause: str) -> bool:
    """A rate of the amount's own measure right after it (「…累计完成投资2393.1亿元，年度计划投资
    完成率114.2%」): the clause names a rate and shares a word with the amount's name."""
    named = re.sub(r"[\d.]+", "", amount)
    head = re.split(r"\d", clause, maxsplit=1)[0]
    rate = any(word in head for word in figure_vocabulary()["rate_names"])
    return rate and head != clause and bool(set(bigrams(named)) & set(bigrams(head)))


def _states_a_change(entity: Entity) -> bool:
    """A prose figure stated as a change (「增长33%」「下降5%」), not as an amount."""
    return isinstance(entity, Figure) and entity.stated.value.startswith(
        tuple(figure_vocabulary()["change_verbs"])
    )


def _as_measured(amount: tuple[str, str], question: Question) -> bool:
    """「多多少亿」 asks an amount: a growth rate (%) does not answer it."""
    return not (amount[1] in ("%", "％") and question.asks("amount_asked"))


def _same_unit(
    first: str, second: str, question: Question
) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """One figure from each text in the same unit; a growth rate when the question asks one."""
    growth_first = question.asks("growth")
    matched = [
        (a, b)
        for a in AMOUNT.finditer(first)
        for b in AMOUNT.finditer(second)
        if unicodedata.normalize("NFKC", a.group(2)) == unicodedata.normalize("NFKC", b.group(2))
    ]  # 「7％左右」 and 「5.5%以上」: one unit, written full-width in one report
    # 「粮食增产42.2亿斤，总产466亿斤」 for 「粮食总产量」: the figure named as the question
    # names it, the first one when names say no more.
    matched.sort(
        key=lambda ab: -(_named_as_asked(ab[0], question) + _named_as_asked(ab[1], question))
    )
    pairs = [((a.group(1), a.group(2)), (b.group(1), b.group(2))) for a, b in matched]
    pairs = [pair for pair in pairs if _as_measured(pair[0], question)]  # 「总量谁大」
    if not pairs:
        return None
    percent = [p for p in pairs if p[0][1] in ("%", "％")]
    return (percent or pairs)[0] if growth_first else pairs[0]


FIGURE_NAME_START = re.compile(r"[，,；;。、：:（(]")
CLAUSE_START = re.compile(r"[，,；;。：:（(]")


def _named_as_asked(figure: re.Match[str], question: Question) -> float:
    """How much of the words right before a figure (back to the last separator) the question
    says too, itself or in its lexicon wordings, as the share of their character pairs it has:
    「总产」 1.0, 「粮食增产」 1/3."""
    text = figure.string[: figure.start()]
    head = FIGURE_NAME_START.split(text)[-1]
    if len(head) < 2:  # 「新能源汽车产量增长94.5%、达168.4万辆」: the name is before the 、
        head = CLAUSE_START.split(text)[-1]
    pairs = [head[i : i + 2] for i in range(len(head) - 1)]
    if not pairs:
        return 0.0
    asked = question.text + " " + " ".join(question.expansions)  # 「粮食产量」 is written 总产
    return sum(pair in asked for pair in pairs) / len(pairs)


def _longest_shared(a: str, b: str) -> int:
    return len(_longest_common(a, b))


def _longest_common(a: str, b: str) -> str:
    best = ""
    for start in range(len(a)):
        for end in range(start + len(best) + 1, len(a) + 1):
            if a[start:end] not in b:
                break
            best = a[start:end]
    return best


def _with_thing_named_before(text: str, figure_clause: str, said: str, question: Question) -> str:
    """``said`` (the figure's clause, and any clause said with it) from the clause just before it
    that names the thing the question names, when the figure's own clause says only a measure of
    it: 「鄂州花湖机场开通国际国内货线91条，货邮吞吐量达到128万吨」 for 「鄂州花湖机场货邮吞吐量」,
    so that the answer quotes the airport (and the city) it speaks for."""
    clauses = re.findall(r"[^，、,]+[，、,]?", _sentence_before(text, figure_clause))
    kinds = cue("thing_kinds")
    for count in range(1, min(CLAUSES_BACK_TO_A_THING, len(clauses)) + 1):
        named = _longest_common(clauses[-count], question.text)
        if len(named) >= MIN_THING_NAME and kinds.search(named) and named not in said:
            return "".join(clauses[-count:]) + said
    return said


def _sums(*cells_and_question: object) -> list[Computation]:
    """The additions ``_amount`` made, so the verifier can check them."""
    *cells, question = cells_and_question
    found = []
    for cell in cells:
        matches = list(AMOUNT.finditer(str(cell)))
        amount = _amount(str(cell), question)  # type: ignore[arg-type]
        if amount and len(matches) > 1 and all(amount[0] != m.group(1) for m in matches):
            operands = tuple(m.group(1) for m in matches if m.group(2) == amount[1])
            found.append(Computation(amount[0], operands))
    return found


def _trimmed(value: Decimal) -> str:
    """A difference as people write it: 15.65 − 6.65 = 9, not 9.00."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain(value: Decimal) -> str:
    """Decimal arithmetic keeps the inputs' precision: 12.5 + 8.30 + 2.2 = 23.00."""
    return format(value, "f")


@dataclass(frozen=True)
class Wording:
    """How a difference is said: the templates for two values and for equal ones, and the
    words for the first being larger or smaller."""

    differs: str
    same: str
    larger: str
    smaller: str


ROWS_COMPARED = Wording("compare", "compare_same", "多", "少")
PLACES_COMPARED = Wording("compare_places", "compare_places_same", "高", "低")


def say_difference(
    draft: Draft,
    evidence: list[Evidence],
    labels: tuple[str, str],
    cells: tuple[str, str],
    first: tuple[str, str],
    second: tuple[str, str],
    added: dict[str, tuple[str, ...]] | None = None,
    wording: Wording = ROWS_COMPARED,
    note: str = "",
) -> None:
    """``added``: a value that is a sum of the cell's figures, by its operands; the addition
    is said first: 「2023年完成合计185个（80+105）」."""
    a, b = Decimal(first[0]), Decimal(second[0])
    unit = "个百分点" if first[1] in ("%", "％") else first[1]
    for label, (total, unit_of) in zip(labels, (first, second), strict=True):
        if total in (added or {}):  # 「2023年完成合计185个（80+105）」
            formula = "+".join((added or {})[total])
            draft.say("added_up", label=label, total=total, unit=unit_of, formula=formula)
    difference = _trimmed(abs(a - b))
    draft.computations.append(Computation(difference, (first[0], second[0])))
    values = {
        "first_label": labels[0],
        "second_label": labels[1],
        "first": cells[0],
        "second": cells[1],
        "unit": unit,
        "formula": f"{note}{first[0]} − {second[0]} = {_trimmed(a - b)}",
    }
    if a == b:
        draft.say(wording.same, *evidence, **values)
        return
    direction = wording.larger if a > b else wording.smaller
    bound = _bound(cells, first_is_larger=a > b)
    draft.say(
        wording.differs,
        *evidence,
        **values,
        direction=direction,
        difference=difference,
        bound=bound,
    )


def _bound(cells: tuple[str, str], *, first_is_larger: bool) -> str:
    """「至少」 when the larger value is a floor (「60平方米以上」) or the smaller a ceiling,
    「至多」 the other way round, 「约」 for 「左右」; nothing when the bounds disagree."""
    bounds = analysis_vocabulary()["intent"]["bounds"]
    larger, smaller = cells if first_is_larger else cells[::-1]

    def kind(cell: str) -> str:
        return next((k for k in ("at_least", "at_most", "about") if _says(cell, bounds[k])), "")

    if "about" in (kind(larger), kind(smaller)):
        return bounds["said"]["about"]
    flipped = {"at_least": "at_most", "at_most": "at_least", "": ""}
    chosen = {kind(larger), flipped[kind(smaller)]} - {""}
    return bounds["said"][chosen.pop()] if len(chosen) == 1 else ""


def _says(cell: str, words: Sequence[str]) -> bool:
    return any(word in cell for word in words)


def _best_item_of_each_clause(
    figures: list[Figure], rarity: Rarity, question: Question
) -> list[Figure]:
    """One figure per clause: of 「城镇、农村居民人均可支配收入分别增长5%、6.5%左右」 and its
    items, the name the question covers most (「农村居民收入」 → the 农村 item)."""
    best: dict[Span, Figure] = {}
    for figure in figures:
        span = figure.stated.span
        if span not in best or rarity.asked_coverage(figure.name, question) > rarity.asked_coverage(
            best[span].name, question
        ):
            best[span] = figure
    return list(best.values())


def borrowed_measure(side: str, name: str) -> str | None:
    """「全省农村居民比起来是」 beside 脱贫县农村居民人均可支配收入 → 全省农村居民人均可支配收入:
    the side up to the longest stretch it shares with the name (two characters at least), then
    the rest of the name."""
    shared = SequenceMatcher(None, side, name, autojunk=False).find_longest_match()
    side_end, name_end = shared.a + shared.size, shared.b + shared.size
    if shared.size < 2 or name_end >= len(name):
        return None
    return side[:side_end] + name[name_end:]
