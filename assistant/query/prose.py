"""Answers from the report's prose: the best evidence sentence, or a list of measures."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache

from assistant.ingest.figures import alternation
from assistant.ingest.figures import vocabulary as figure_vocabulary
from assistant.knowledge import DocumentKnowledge
from assistant.places import PlaceReader, by_code
from assistant.query.analysis import vocabulary as analysis_vocabulary
from assistant.query.announced import AnnouncedItems
from assistant.query.cues import cue
from assistant.query.draft import Candidate, Computation, Draft, Evidence
from assistant.query.intent import Intent, preferred_year
from assistant.query.match import (
    NAME_CARRIED,
    Rarities,
    contradicts,
    counted_change,
    counts_another_thing,
    coverage,
    key_terms,
    misnumbered_in,
    misses_a_named_indicator,
    narrows_an_asked_indicator,
    states_another_indicator,
    thing_named,
)
from assistant.query.normalise import Question
from assistant.query.retrieve import Hit, HybridSearch, with_leading
from assistant.query.sentences import is_lead, sentences, topic_of
from assistant.query.tabular import (
    AMOUNT,
    FOLLOWING_OPENERS,
    FOLLOWING_VERDICT,
    plain,
    says_what_it_is_for,
)
from assistant.query.when import asked_years, passage_time, sentence_fits
from assistant.records import Chunk, ChunkKind, TimeKind

CLAUSE = re.compile(r"[^，。；]+[，。；]?")
# Years as a text writes them: 「到 2025 年」, 「（2022-2025）」.
YEAR_WRITTEN = re.compile(
    r"(?:19|20)\d{2}\s*(?:年|(?=[-—–~至]\s*(?:19|20)\d{2}))"
    r"|(?<=[-—–~至])\s*(?:19|20)\d{2}(?=\s*[年）)])"
)
ENUMERATION = re.compile(
    r"^(一是|二是|三是|四是|五是|六是|首先|其次|再次|最后|第[一二三四五六七八九十]+[，、])"
)
LIST_ITEMS = 8
LIST_COVERAGE = 0.5
CORE_SHARE = 0.8  # a topic's core words weigh this share of its heaviest one or more
CLAUSE_WINDOW = 100
FACT_HITS = 12
MEASURED_CLAUSE_COVERAGE = 0.5
# Words that open a clause with its verb, longest first (「同比增长」 before 「增长」).
CLAUSE_OPENERS = tuple(
    sorted({*FOLLOWING_OPENERS, *figure_vocabulary()["verbs"]}, key=len, reverse=True)
)
GENERIC_NAMES = tuple(figure_vocabulary()["generic_names"])
GENERIC_FOLLOWERS = tuple(figure_vocabulary()["generic_followers"])
OWN_SUBJECT_CHARS = 6  # 「规模以上工业企业利润」 names a subject; 「(完成)年度投资」 does not
UNMEASURED_COVERAGE = 0.8  # a sentence without the figure asked must be this much on topic
RESTATED = 0.5  # a lead sharing this much of its weight with the question adds nothing to a list
# A figure, or a Chinese numeral before a counter (data: ``[intent] stated_quantity``).
STATED_QUANTITY = cue("stated_quantity")


@cache
def _people_after_a_magnitude() -> str:
    """The measure's pattern of figures counting people by a noun (「17万应届大学生」)."""
    return analysis_vocabulary()["intent"]["measure_parts"]["unstated_unit"]


STATED_RELATION = cue("stated_relation")


def _apart(clauses: list[str], index: int, figure_at: int) -> bool:
    """A clause with a figure is read without the clause before when it names a subject of its
    own and the clause before states a figure or a relation of its own (「工业投资占固定资产投资
    比重40.7%，规模以上工业企业利润增长45.7%」, 「…收入增速高于全国平均水平，城镇调查失业率
    5.5%左右」). A clause before without either is the subject of what follows (「启动实施乡村
    振兴补短板工程，实施项目2113个」)."""
    before = clauses[index - 1] if index else ""
    stated = STATED_QUANTITY.search(before) or STATED_RELATION.search(before)
    return _names_its_own(clauses[index][:figure_at]) and bool(stated)


def _an_action(clause: str) -> bool:
    """The clause opens with what is done (「建立…」「高效推进…」), not with what it is about."""
    import jieba.posseg

    opening = jieba.posseg.lcut(clause, HMM=False)[:2]
    return any(piece.flag in ("v", "vn") for piece in opening)


@cache
def _unit_term() -> re.Pattern[str]:
    """A question word that is only a unit, with or without a magnitude (「万吨」, 「个」)."""
    words = figure_vocabulary()
    magnitudes, units = alternation(words["magnitudes"]), alternation(words["units"])
    return re.compile(rf"(?:{magnitudes})?(?:{units})")


def _without_units(terms: dict[str, float]) -> dict[str, float]:
    return {t: w for t, w in terms.items() if not _unit_term().fullmatch(t)}


def _remarked_on(clauses: list[str], index: int) -> int:
    """1 when the clause after a figure remarks on it, or says what it is for, and states no
    figure of its own (「达到1.35亿千瓦，超过火电装机」「筹措资金835亿元以上，实施十大为民办实事
    工程」): a question may name the figure by that remark."""
    after = clauses[index + 1] if index + 1 < len(clauses) else ""
    remarks = after.startswith(tuple(analysis_vocabulary()["remark_openers"]))
    return int((remarks and not re.search(r"\d", after)) or says_what_it_is_for(after))


def _narrowed(question: Question, clause: str) -> bool:
    """The clause's figure is of a part of the indicator asked (「跨境电商进出口增长13.6%」 for
    外贸进出口): the words before its figure narrow the indicator's wording."""
    return narrows_an_asked_indicator(question, re.split(r"\d", clause, maxsplit=1)[0])


def _owned_by_another(clause: str, figure: re.Match[str], named: str) -> bool:
    """The figure belongs to the thing after it (「总投资711亿元的古雷炼化一体化工程二期项目」),
    which is not the thing the question names (漳汕高铁). Things listed before it and closed by
    等 (「滨江大桥、…等总投资80亿元的重大项目」) share it: the caller says so."""
    owner = re.match(r"[^，；。\d]{0,4}的([^，；。]+)", clause[figure.end() :])
    before = clause[: figure.start()]
    if not (named and owner) or (named in before and cue("shared_total").search(before)):
        return False
    return bool(cue("thing_kinds").search(owner.group(1))) and named not in owner.group(1)


def _figures_name_their_own(shown: str) -> bool:
    """Every figure shown has a subject of its own before it (「蔬菜产量稳定在200万吨左右」):
    none is a measure of a subject named elsewhere in the sentence."""
    found = [(c, m.start()) for c in CLAUSE.findall(shown) if (m := STATED_QUANTITY.search(c))]
    return bool(found) and all(_names_its_own(clause[:at]) for clause, at in found)


def _names_its_own(head: str) -> bool:
    """The words before a clause's figure name a subject of their own (「规模以上工业企业利润
    增长45.7%」): the clause before it (「工业投资占固定资产投资比重40.7%」) is not its subject.
    「，同比增长5%」 has none and belongs to the clause before."""
    head = head.removeprefix("，")
    generic = next((g for g in GENERIC_NAMES if head.startswith(g)), "")
    following = head[len(generic) :]
    if generic and (not following or following.startswith(GENERIC_FOLLOWERS)):
        return False  # 「总量在全国排名…」: a measure of the subject before it (not 「规模以上…」)
    # 「完成投资1.5万亿元」「同比增长5%」: a verb and its object name no subject of their own.
    for opener in CLAUSE_OPENERS:
        head = head.removeprefix(opener)
    return len(re.findall(r"[\u4e00-\u9fff]", head)) >= OWN_SUBJECT_CHARS


def readable(text: str) -> str:
    """Display form of a quoted row: 「新材料产业：宝山新材料…」."""
    return "：".join(cell for cell in text.split("\t") if cell.strip())


class ProseAnswers:
    def __init__(
        self, search: HybridSearch, rarities: Rarities, structured: frozenset[str]
    ) -> None:
        self.search = search
        self.rarities = rarities
        self.structured = structured  # rows answered from typed records, never as prose
        self.announced = AnnouncedItems(search.chunks)

    def hits(self, question: Question, document: DocumentKnowledge, limit: int = 8) -> list[Hit]:
        found = self.search.search(
            question.search_text,
            doc_ids={document.meta.doc_id},
            years=question.years,
            limit=limit + 4,
        )
        return with_leading([h for h in found if h.chunk.quote not in self.structured], limit)

    def fact(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Candidate | None:
        terms = key_terms(question, self.rarities.of(document), ignore=document.own_names)
        if not terms:
            return None
        wanted = asked_years(question, document, intent)
        rarity = self.rarities.of(document)
        project = thing_named(rarity.attested_name(question), document)
        best: tuple[float, float, Chunk, str] | None = None
        # The sentence most on topic that states no figure: 「进出口总额等稳步回升」 tells a
        # question for the amount that the document does not give it.
        unmeasured: tuple[float, Chunk, str] | None = None
        for hit in self.hits(question, document, limit=FACT_HITS):
            for sentence in sentences(hit.chunk.quote):
                if not sentence_fits(hit.chunk, sentence, document, wanted, question):
                    continue
                measured = not intent.measure or re.search(intent.measure, sentence)
                if contradicts(question, sentence, document.own_whole):
                    continue
                context = "".join(hit.chunk.section[-1:]) + sentence
                lead = topic_of(hit.chunk, sentence)
                if project and rarity.name_likeness(project, lead + context) < NAME_CARRIED:
                    continue  # 「吴淞创新新城配套道路」 asked, another thing in its chapter said
                if misses_a_named_indicator(question, context):
                    continue
                if misnumbered_in(question, sentence):
                    continue  # 「…扩建工程一期建成」 for 「…扩建二期工程」
                if rarity.names_a_sibling_indicator(question, lead + context):
                    continue  # 「海洋生产总值」 asked, the 地区生产总值 said
                covered = coverage(terms, lead + context, question)
                if not measured or (
                    intent.quantity
                    and not self._measured_clause_on_topic(
                        sentence, lead, terms, question, intent, rarity.attested_name(question)
                    )
                ):
                    if unmeasured is None or covered > unmeasured[0]:
                        unmeasured = (covered, hit.chunk, sentence)
                    continue
                rank = covered + (0.15 if intent.quantity and re.search(r"\d", sentence) else 0)
                if best is None or rank > best[1]:
                    best = (covered, rank, hit.chunk, sentence)
        if best is None and unmeasured and unmeasured[0] >= UNMEASURED_COVERAGE:
            covered, chunk, sentence = unmeasured
            shown = sentence  # no figure: the caller turns it into 「未能确认所问的数值」
        elif best is None:
            return None
        else:
            covered, _, chunk, sentence = best
            shown = (
                self._clauses(sentence, terms, question, intent) if intent.quantity else sentence
            )
        named = rarity.attested_name(question)
        if best is not None and intent.quantity and _one_of_items_totalled(named, shown):
            draft = Draft(refused=True)
            stated = readable(shown).rstrip("。；，")
            draft.say("shared_total", Evidence(chunk, sentence), stated=stated, named=named)
            return Candidate(draft, covered, shown)
        context = "".join(chunk.section[-1:]) + shown
        if misses_a_named_indicator(question, context) and (
            states_another_indicator(question, shown) or _figures_name_their_own(shown)
        ):
            # 「外贸目标」 answered by the clause on 社零 of a sentence naming both; 「粮食产量」
            # by 「蔬菜产量稳定在200万吨」 of a sentence that names 粮食单产 elsewhere
            return None
        draft = Draft()
        evidence = Evidence(chunk, sentence)
        draft.say(
            _fact_template(chunk, sentence, document),
            evidence,
            sentence=readable(shown).rstrip("。；，"),
            results_year=document.meta.results_year or "",
            plan_year=document.meta.plan_year or "",
        )
        if intent.sum:
            _add_up(draft, shown)
        if intent.listing or question.asks("which_counted"):
            self._say_items(draft, self.announced.items(chunk, sentence))
        return Candidate(draft, covered, shown, measured=best is not None)

    @staticmethod
    def _say_items(draft: Draft, items: list[tuple[Chunk, str]]) -> None:
        for chunk, sentence in items:
            draft.say("list_item", Evidence(chunk, sentence), sentence=sentence.rstrip("。；"))

    @staticmethod
    def _measured_clause_on_topic(
        sentence: str,
        lead: str,
        terms: dict[str, float],
        question: Question,
        intent: Intent,
        named: str = "",
    ) -> bool:
        """「位居全市第1」 answers 「排第几」 only in a clause about what was asked, and
        「数字经济核心产业增加值超过6000亿元」 does not answer for 高技术制造业. ``lead``: what the
        sentence falls under (its paragraph's lead sentence, or the words before a colon).
        ``named``: the thing the question names as the text does; a clause naming it is the
        subject of a clause after it that says more of what was asked (「…鄂州花湖机场开通货线
        91条，货邮吞吐量…跃居全国第5」), not of one about something else (「工业投资占固定资产投资
        比重40.7%，规模以上工业企业利润增长45.7%」 for 固定资产投资)."""
        # The unit asked for (美元 in 「多少亿美元」) and the words of the measure (增长) say
        # nothing about the topic; the people a figure may count (大学生 in 「17万应届大学生」) do.
        measure_words = intent.measure.replace(_people_after_a_magnitude(), "")
        topic = {t: w for t, w in terms.items() if t not in measure_words}
        clauses = CLAUSE.findall(sentence)
        measure = intent.measure or STATED_QUANTITY
        # 「包钢集团要全力突围，…，力争营收达到1200亿元」: a first clause with no figure is the
        # subject of the sentence's figures.
        subject = clauses[0] if clauses and not re.search(r"\d", clauses[0]) else ""
        # what the window says beyond the name: 「货邮吞吐量」, not the 「外资」 of 「实际使用外资」
        beyond = {t: w for t, w in topic.items() if not (named and t in named)}

        def on_topic(start: int, end: int, at: int, figure_at: int) -> bool:
            # 「建立盐湖钾肥…生产模式，勘探新增石油地质储量3000万吨」: a clause naming a subject
            # of its own takes none from an action before it unless it says some of what was
            # asked itself. 「…工程，实施项目2113个」 has no subject of its own, and
            # 「全省经济运行稳健向好，实现地区生产总值…」 is no action but the subject's state.
            borrows = (
                start < at
                and _names_its_own(clauses[at][:figure_at])
                and _an_action(clauses[start])
            )
            if borrows and coverage(_without_units(topic), clauses[at], question) == 0:
                return False
            if _names_its_own(clauses[at][:figure_at]) and misses_a_named_indicator(
                question, clauses[at]
            ):
                # 「研发经费投入强度进一步提升，技术合同成交额5000亿元以上」; under the lead
                # 「外贸新动能加快培育」, 「…高附加值产品出口增长18.1％」 is no 外贸进出口
                return False
            window = "".join(clauses[start:end])
            if coverage(topic, lead + subject + window, question) >= MEASURED_CLAUSE_COVERAGE:
                return True
            naming = "".join(c for c in clauses[:start] if named and named in c)
            return (
                bool(naming)
                and coverage(beyond, window, question) > 0
                and (
                    coverage(topic, lead + subject + naming + window, question)
                    >= MEASURED_CLAUSE_COVERAGE
                )
            )

        return any(
            on_topic(start, end, i, found.start())
            for i, clause in enumerate(clauses)
            if (found := re.search(measure, clause))
            and not _narrowed(question, clause)
            and not _owned_by_another(clause, found, named)
            and not counted_change(clause[: found.start()], question)
            for start in [i if _apart(clauses, i, found.start()) else max(0, i - 1)]
            for end in [i + 1 + _remarked_on(clauses, i)]
        )

    def _clauses(
        self, sentence: str, terms: dict[str, float], question: Question, intent: Intent
    ) -> str:
        """The clauses that answer: from the first relevant one to the last, if short enough."""
        clauses = CLAUSE.findall(sentence)
        if len(clauses) <= 1:
            return sentence

        def relevant(clause: str) -> bool:
            if _narrowed(question, clause):
                return False
            measured = bool(re.search(intent.measure, clause)) if intent.measure else False
            figured = _has_figure(clause) and coverage(terms, clause, question) > 0
            return measured or figured

        def score(clause: str) -> tuple[bool, bool, float]:
            """A clause with the measure, then one on topic with a figure, then the most on topic
            (「力争营收达到1200亿元」, never a figure about something else). A year is not a
            figure: 「总目标为到2025年」 does not say how much."""
            measured = bool(re.search(intent.measure, clause)) if intent.measure else True
            measured = measured and not _narrowed(question, clause)
            measured = measured and not counts_another_thing(question, clause)
            covered = coverage(terms, clause, question)
            return (measured, covered > 0 and _has_figure(clause), covered)

        best = max(range(len(clauses)), key=lambda i: score(clauses[i]))
        first = last = best
        while first > 0 and relevant(clauses[first - 1]):  # the related figures just before
            if len("".join(clauses[first - 1 : last + 1])) > CLAUSE_WINDOW:
                break
            first -= 1
        while last + 1 < len(clauses) and (
            re.search(r"\d", clauses[last + 1]) or clauses[last + 1].startswith(FOLLOWING_VERDICT)
        ):  # and after
            if len("".join(clauses[first : last + 2])) > CLAUSE_WINDOW:
                break
            last += 1
        if _remarked_on(clauses, last) and len("".join(clauses[first : last + 2])) <= CLAUSE_WINDOW:
            last += 1  # 「…835亿元以上，实施十大为民办实事工程」: what it is for
        return "".join(clauses[first : last + 1])

    def listing(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not intent.listing:
            return None
        ignore = (*analysis_vocabulary()["list_ignore"], *document.own_names)
        terms = key_terms(question, self.rarities.of(document), ignore=ignore)
        if not terms:
            return None
        year = preferred_year(intent, document)
        wanted = asked_years(question, document, intent)
        hits = self.hits(question, document, limit=10)
        # A paragraph whose lead sentence is the topic (「加快实现封关运作。…」) comes first.
        hits.sort(key=lambda hit: -_lead_coverage(hit.chunk, terms, question))
        # Items that hold the topic's heaviest name first (世界级 of 「世界级产业集群」, not only
        # 加快 and 产业); when none do, the topic's words are said otherwise (「国际市场」 by
        # 「欧盟、南美」), and the items found by the other words stand.
        named = _topic_names(terms)
        items = self._list_items(hits, question, document, terms, wanted, named)
        chosen = _once_each(items, question, document, wanted)
        if not chosen and named:
            items = self._list_items(hits, question, document, terms, wanted, [])
            chosen = _once_each(items, question, document, wanted)
        if not wanted:
            chosen = _plan_first(chosen, document)
        if question.asks("which_places"):
            chosen = [item for item in chosen if _names_a_place(item[1], document)] or chosen
        if not chosen:
            return None
        draft = Draft()
        topic = "、".join(terms)
        draft.say("list_intro", year_label=f"{year}年" if year else "", topic=topic)
        for chunk, sentence in chosen[:LIST_ITEMS]:
            shown = readable(sentence).rstrip("。；")
            draft.say("list_item", Evidence(chunk, sentence), sentence=shown)
            self._say_items(draft, self.announced.items(chunk, sentence))
        return draft

    def _list_items(
        self,
        hits: list[Hit],
        question: Question,
        document: DocumentKnowledge,
        terms: dict[str, float],
        wanted: set[int],
        named: list[str],
    ) -> Iterator[tuple[Chunk, str]]:
        core = [t for t, w in terms.items() if w >= CORE_SHARE * max(terms.values())]
        branches = _branches(terms, question)
        for hit in hits:
            if not sentence_fits(hit.chunk, "", document, wanted, question):
                continue
            context = "".join(hit.chunk.section[-1:])
            # A heading that has the topic's rarest words (not only 「加快」「产业」「集群」 of
            # 「世界级产业集群」): the paragraph is about it.
            if _has_core(named, context, question) and (
                coverage(terms, context, question) >= LIST_COVERAGE
            ):
                # The paragraph is about the topic: its sentences are the measures, its lead
                # sentence (「实施医疗卫生强基工程。」, read as a heading too) the first of them
                # unless it only says the question again (「以更高质量推进港产城深度融合发展。」).
                lead = context + "。"
                rarity = self.rarities.of(document)
                for sentence in sentences(hit.chunk.quote):
                    if sentence != lead or rarity.name_likeness(lead, question.text) < RESTATED:
                        yield hit.chunk, sentence
                continue
            found = sentences(hit.chunk.quote)
            for index, sentence in enumerate(found):
                if (
                    any(
                        coverage(branch, context + sentence, question) >= LIST_COVERAGE
                        for branch in branches
                    )
                    and _has_core(named, context + sentence, question)
                    and len(sentence) > 8
                ):
                    yield hit.chunk, sentence
                    # After a paragraph's topic sentence, its sentences are the measures, up to
                    # the next topic (「精准发力扩大有效投资。扎实开展…。着眼工业…。」).
                    topic = hit.chunk.kind is ChunkKind.PARAGRAPH and (
                        not index or is_lead(sentence) or is_lead(found[index - 1])
                    )  # 「激发消费潜能。开展提振消费专项行动…。加力扩围实施…」
                    for following in found[index + 1 :]:
                        if topic and is_lead(following) and not any(c in following for c in core):
                            break  # the next topic; 「推动冰雪运动进校园。」 is still 冰雪's
                        if not topic and not ENUMERATION.match(following):
                            break
                        yield hit.chunk, following


def _one_of_items_totalled(named: str, text: str) -> bool:
    """``named`` is one item of a list closed by 等 whose figure is their total (「国能宁煤70万吨
    煤制烯烃和80万吨煤制油升级示范、中石化对位芳纶…等总投资500亿元以上的精细化工项目」)."""
    total = cue("shared_total").search(text)
    if not named or total is None:
        return False
    listed = re.split(r"[，；：]", text[: total.start()])[-1]
    items = re.split(figure_vocabulary()["item_joiners"], listed)
    return len(items) > 1 and any(named in item for item in items)


def _branches(terms: dict[str, float], question: Question) -> list[dict[str, float]]:
    """The topic, and each side of two words the question joins (「对养老金和医保有什么说法」):
    a measure of one side (「启动实施基本医疗保险省级统筹」) is an item without the other."""
    joiner = figure_vocabulary()["item_joiners"]
    branches = [terms]
    for first, second in itertools.permutations(terms, 2):
        if re.search(re.escape(first) + joiner + re.escape(second), question.text):
            branches += [
                {t: w for t, w in terms.items() if t != first},
                {t: w for t, w in terms.items() if t != second},
            ]
    return branches


def _once_each(
    items: Iterator[tuple[Chunk, str]],
    question: Question,
    document: DocumentKnowledge,
    wanted: set[int],
) -> list[tuple[Chunk, str]]:
    """One item per sentence, even when two chunks (a long row cut in pieces) both hold it."""
    first_seen: dict[str, tuple[Chunk, str]] = {}
    for chunk, sentence in items:
        if contradicts(question, sentence):  # 「15号线」 asked: no sentence on 18号线
            continue
        if sentence_fits(chunk, sentence, document, wanted, question):  # 「去年…」 inside
            first_seen.setdefault(sentence, (chunk, sentence))
    return list(first_seen.values())


def _plan_first(
    items: list[tuple[Chunk, str]], document: DocumentKnowledge
) -> list[tuple[Chunk, str]]:
    """No year asked, and the list opens with this year's measures (two or more): last year's
    results after them are another answer (「重点培育的未来产业包括哪些」 is not 「未来产业蓬勃
    发展」 of the review)."""
    plan = [item for item in items if item[0].time.year == document.meta.plan_year]
    if len(plan) < 2 or items[0] not in plan:
        return items
    return plan


def _topic_names(terms: dict[str, float]) -> list[str]:
    """The heaviest words of a topic that are not verbs: 「世界级」 of 「加快建设的世界级产业
    集群」, 「人才」 of 「怎么吸引和服务人才」 (吸引 is what is done to it)."""
    import jieba.posseg

    names = {
        term: weight
        for term, weight in terms.items()
        if any(piece.flag != "v" for piece in jieba.posseg.lcut(term, HMM=False))
    }
    heaviest = max(names.values(), default=0.0)
    return [term for term, weight in names.items() if weight >= CORE_SHARE * heaviest]


def _has_core(named: list[str], text: str, question: Question) -> bool:
    """The text has one of the topic's heaviest names, in any wording (or the topic has none)."""
    return not named or coverage(dict.fromkeys(named, 1.0), text, question) > 0


def _has_figure(clause: str) -> bool:
    """A number other than a year (「到 2025 年」)."""
    return bool(re.search(r"\d", YEAR_WRITTEN.sub("", clause)))


def _lead_coverage(chunk: Chunk, terms: dict[str, float], question: Question) -> float:
    leads = [s for s in sentences(chunk.quote) if is_lead(s)]
    return max((coverage(terms, lead, question) for lead in leads), default=0.0)


def _add_up(draft: Draft, shown: str) -> None:
    """「分别为3.1亿元、3.76亿元」 asked 「一共多少」: the total, with its sum shown."""
    amounts = [m.groups() for m in AMOUNT.finditer(shown)]
    units = {unit for _, unit in amounts}
    if len(amounts) < 2 or len(units) != 1:
        return
    values = [value for value, _ in amounts]
    total = plain(sum((Decimal(v) for v in values), Decimal(0)))
    draft.computations.append(Computation(total, tuple(values)))
    draft.say("fact_sum", total=total, unit=units.pop(), formula="+".join(values))


def _fact_template(chunk: Chunk, sentence: str, document: DocumentKnowledge) -> str:
    """Labelled by the sentence's own time: 「第2个“三年行动”（2028—2030年）」 in a chapter on
    this year is no 「2025年安排」."""
    time = passage_time(chunk, sentence, document)
    if time.kind in (TimeKind.HORIZON, TimeKind.SPAN):
        return "fact"
    # 「今年我区有17万应届大学生毕业」 in the review of last year speaks of this year.
    if time.kind is TimeKind.PLAN and time.year == document.meta.plan_year:
        return "fact_plan"
    if time.kind is TimeKind.RESULT and time.year == document.meta.results_year:
        return "fact_results"
    if time.kind is TimeKind.RESULT:
        return "fact"  # 「2023年达到13.09万亿元」, revised by a census, is no 「2024年情况」
    if chunk.years == (document.meta.results_year,):
        return "fact_results"
    if chunk.years == (document.meta.plan_year,):
        return "fact_plan"
    return "fact"


def _names_a_place(sentence: str, document: DocumentKnowledge) -> bool:
    """A place other than the document's own: 「开展舟山、淳安…一体化试点」."""
    reader = _place_reader(document.meta.place_code)
    return any(m.text not in document.own_names for m in reader.mentions(sentence))


@cache
def _place_reader(place_code: str) -> PlaceReader:
    """Reads the short names of the places inside the document's place (淳安, 龙游) too."""
    place = by_code().get(place_code)
    return PlaceReader([place] if place else [])
