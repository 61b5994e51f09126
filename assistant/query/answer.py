"""Answers without a language model: choose between table rows, arithmetic, facts and lists.

Each way of answering yields a ``Draft`` (lines with citation markers, the verbatim evidence they
cite, any arithmetic done) so that ``verify`` can check every number before anything is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.ingest.timing import WRITTEN_YEAR
from assistant.knowledge import DocumentKnowledge
from assistant.places import short_name
from assistant.query.across import AcrossDocuments
from assistant.query.analysis import is_a_place, own_place_question, place_position
from assistant.query.change import Changes
from assistant.query.cues import cue, vocabulary
from assistant.query.define import Definitions
from assistant.query.draft import MARKER, Candidate, Draft, merge
from assistant.query.intent import Intent, read_intent
from assistant.query.joined import joined_names
from assistant.query.masthead import Masthead
from assistant.query.match import QUESTION_WORDS, Rarities, key_terms
from assistant.query.normalise import (
    RELATIVE,
    Question,
    as_the_text_names,
    asks_something,
    normalise,
    required_names,
)
from assistant.query.prose import STATED_QUANTITY, ProseAnswers
from assistant.query.retrieve import HybridSearch
from assistant.query.tabular import TableAnswers, compare_between
from assistant.query.verify import numbers

TABLE_COVERAGE = 0.5
FACT_COVERAGE = 0.6
TABLE_PREFERENCE = 0.1
NAME_PRESENT = 0.6  # share of a joined name's weighted bigrams its evidence must carry
# A figure that is an amount, not a rate: a number with no % or 百分点 after it.
# An amount in words is one too (「翻了七番以上」, analysis.toml).
AMOUNT_NOT_RATE = re.compile(
    rf"\d(?:[\d.]*\d)?(?![\d.]|\s*(?:%|％|个百分点|百分点))|{cue('amount_in_words').pattern}"
)
OWN_SUBJECT_WEIGHT = 4.0  # a rare word of its own: 「跨国公司地区总部又有几家」
PART_SEPARATOR = cue("part_separator")
# A year as written, or as 今年/去年… (the normaliser's own list of relative years).
TIME_WORDS = re.compile(rf"{WRITTEN_YEAR}|{RELATIVE.pattern}")
# 「整车和新能源车产量目标各是多少」: two subjects sharing one question.
EACH = cue("each_of_two")


class Composer:
    def __init__(self, search: HybridSearch, rarities: Rarities) -> None:
        structured = frozenset(
            row.raw
            for document in search.knowledge.documents
            for row in (
                *(i.row for i in document.indicators),
                *(p.row for p in document.projects),
                *(t.total for t in document.tables.projects if t.total),
            )
        )
        self.rarities = rarities
        self.tokenizer = search.tokenizer
        self.tables = TableAnswers(search, rarities)
        self.across = AcrossDocuments(self.tables)
        self.definitions = Definitions(search.chunks)
        self.masthead = Masthead(search.chunks)
        self.prose = ProseAnswers(search, rarities, structured)
        self.changes = Changes(search, rarities)

    def compose(self, question: Question, document: DocumentKnowledge) -> Draft | None:
        """The whole question; failing that, each of its parts (「多少场，多少人次参与」)."""
        question = self._own_place_part(question, document)
        whole = self._compose_one(question, document)
        if whole is None or whole.refused:
            whole = self._without_scene(question, document) or whole
        parts = question_parts(question.original)
        if len(parts) < 2:
            return self._completed(whole, question, document)
        plan_year = document.meta.plan_year
        # A part without its own subject (「去年怎样」) is about the first part's, not its year:
        # 「宝钱公路今年的目标是什么，去年怎样」 asks 宝钱公路 in two years.
        context = TIME_WORDS.sub("", QUESTION_WORDS.sub("", parts[0]))
        # 「A和B…分别是多少」 is cut into one question per name: each has its subject.
        each = bool(EACH.match(question.original.rstrip("？?。")))
        drafts = [whole] if whole else []
        for index, part in enumerate(parts):
            alone = normalise(part, plan_year)
            terms = self._terms(alone, document)
            if not asks_something(part) or _only_asks_for_the_text(part, alone, terms):
                # 「古雷炼化一体化工程二期，总投资是多少？去年开工了吗」: its subject only;
                # 「…要多长时间？宁夏报告里怎么说的」: only asks for the document's words
                continue
            which_only = _says_only_which(part)
            own = (each and not which_only) or _own_subject(terms) or _names_an_indicator(alone)
            if index and not own:  # 「一共投资多少」 is about the first part's subject
                part = (_without_kinds(context) if which_only else context) + part
            if index and not normalise(part, plan_year).years:
                part = _years_written(question) + part  # 「…？工业投资呢」
            # what a refused part cites (「文件给出了2025年目标…」) is still there to answer
            quoted = frozenset(e.quote for d in drafts if not d.refused for e in d.evidence)
            asked = normalise(part, plan_year)
            found = self._completed(self._compose_one(asked, document, quoted), asked, document)
            said = {line for d in drafts for line in d.lines}
            if found and not set(found.lines) <= said and not _said_already(found, drafts):
                drafts.append(found)
        answered = [d for d in drafts if not d.refused]
        if answered and len(answered) < len(drafts):
            drafts = answered  # 「未给出2025年目标」 for the whole, yet its parts are there
        drafts = [d for d in drafts if not _restates(d, drafts)]
        return merge(drafts) if drafts else None

    def _without_scene(self, question: Question, document: DocumentKnowledge) -> Draft | None:
        """「听说盐湖锂产业发展很快，去年碳酸锂产量是多少」: the pieces that set the scene and
        ask nothing are left out, when what is left asks for a figure of its own subject. A
        scene piece that names the document's subject stays (「家里老人腿脚不方便，听说今年要做
        适老化改造，一共打算改多少户」 keeps 适老化改造); 「我在北京租房想提取公积金，要准备哪些
        材料」 asks no figure."""
        plan_year = document.meta.plan_year
        pieces = [p for p in PART_SEPARATOR.split(question.original) if len(p) >= 2]
        asking = [p for p in pieces if asks_something(p)]
        if not asking or len(asking) == len(pieces):
            return None
        on_topic = [
            p
            for p in pieces
            if asks_something(p) or self._has_own_subject(normalise(p, plan_year), document)
        ]
        for kept in (on_topic, asking):
            if len(kept) == len(pieces):
                continue
            asked = normalise("，".join(kept), plan_year)
            if question.years and not asked.years:  # 「截至2024年底，…是多少」: its year stays
                asked = normalise(_years_written(question) + "，".join(kept), plan_year)
            indicator = _names_an_indicator(asked)  # 「固投」
            if not any(map(asked.asks, ("quantity", "stated_aim", "yes_no"))) or not (
                indicator or self._has_own_subject(asked, document)
            ):
                continue
            found = self._compose_one(asked, document)
            if found and not found.refused:
                return found
        return None

    def places_compared(
        self, question: Question, answered: Sequence[tuple[DocumentKnowledge, Draft]]
    ) -> Draft | None:
        """「四川和广西今年GDP增长目标谁高」: two places' answers, compared in the order asked."""
        if len(answered) != 2 or not question.asks("compare"):
            return None
        ordered = sorted(answered, key=lambda pair: place_position(question.original, pair[0]))
        labelled = [(short_name(d.meta.place or "") or d.label, draft) for d, draft in ordered]
        return compare_between(question, labelled)

    def _own_place_part(self, question: Question, document: DocumentKnowledge) -> Question:
        """「江苏和内蒙古去年粮食产量各是多少」 asked of 江苏's report is 「江苏去年粮食产量…」."""
        own = own_place_question(question.original, document)
        return normalise(own, document.meta.plan_year) if own else question

    def _completed(
        self, whole: Draft | None, question: Question, document: DocumentKnowledge
    ) -> Draft | None:
        """「燃气管网和供热管网改造了多少公里」 answered for one name only: the other is asked on
        its own, and its answer is added only if its evidence names it."""
        joined = joined_names(question.original, self.tokenizer)
        if whole is None or whole.refused or joined is None:
            return whole
        if is_a_place(joined.first) or is_a_place(joined.second):
            return whole  # 「江苏和广东…」: each place's document answers for its own place
        if _sides_of_one_name(joined.first, joined.second):
            return whole  # 「城镇和农村居民人均可支配收入」: two sides of one name, asked together
        rarity = self.rarities.of(document)
        drafts = [whole]
        for name, asked in (
            (joined.first, joined.question_about_first),
            (joined.second, joined.question_about_second),
        ):
            name = as_the_text_names(name)
            if rarity.name_likeness(name, _quoted(whole)) >= NAME_PRESENT:
                continue
            said = frozenset(e.quote for d in drafts for e in d.evidence)
            alone = normalise(asked, document.meta.plan_year)
            found = self._compose_one(alone, document, said)
            if found is None or found.refused:  # 「住在城中村的…想知道，…改造多少城中村」
                found = self._without_scene(alone, document)
            if (
                found
                and not found.refused
                and rarity.name_likeness(name, _quoted(found)) >= NAME_PRESENT
            ):
                drafts.append(found)
        if len(drafts) == 1:
            return whole
        merged = merge(drafts)
        if question.asks("compare"):  # 「A和B，哪块年度投资计划更多」
            labelled = [(joined.first, drafts[0]), (joined.second, drafts[1])]
            compared = compare_between(question, labelled)
            if compared:
                merged.lines.extend(compared.lines)
                merged.computations.extend(compared.computations)
        return merged

    def _terms(self, question: Question, document: DocumentKnowledge) -> dict[str, float]:
        return key_terms(question, self.rarities.of(document), ignore=document.own_names)

    def _has_own_subject(self, question: Question, document: DocumentKnowledge) -> bool:
        return _own_subject(self._terms(question, document))

    def _compose_one(
        self, question: Question, document: DocumentKnowledge, said: frozenset[str] = frozenset()
    ) -> Draft | None:
        rarity = self.rarities.of(document)
        look_alikes = (rarity.misnumbered, rarity.unwritten_quoted, rarity.renamed, rarity.coined)
        if any(check(question) for check in look_alikes):
            # 「沪通铁路一期」 where the document has only 沪通铁路二期, 「“鲁企通”」 that it
            # never names, 「区妇幼保健院迁建工程」 where it has only 气象站迁建工程
            return None
        intent = read_intent(question, document)
        attempts = [
            self.masthead.delivered,
            self.definitions.define,
            self.tables.aggregate,
            self.tables.indicator_rows,
            self.tables.table_rows,
            self.tables.comparison,
            self.changes.difference,
            self.prose.listing,
        ]
        if self.tables.strong_match(question, document):
            attempts.remove(self.prose.listing)  # 「18号线今年什么目标」 names its row
        for attempt in attempts:
            draft = attempt(question, document, intent)
            if draft:
                return draft
        return self._best_single(question, document, intent, said)

    def _best_single(
        self,
        question: Question,
        document: DocumentKnowledge,
        intent: Intent,
        said: frozenset[str] = frozenset(),
    ) -> Draft | None:
        row = self.tables.lookup(question, document, intent, said)
        row = _acceptable(row, TABLE_COVERAGE, intent)
        if row and row.coverage + TABLE_PREFERENCE >= 1.0:
            return row.draft  # no sentence could cover more: skip the search for one
        fact = _acceptable(self.prose.fact(question, document, intent), FACT_COVERAGE, intent)
        elsewhere = fact and self.tables.named_in_another_year(
            question, document, intent, _quoted(fact.draft)
        )
        if elsewhere and not any(elsewhere.name in e.quote for e in fact.draft.evidence):
            fact = None  # 「2024年数字经济规模」 is not 「算力规模…翻番」 under a 数字经济 heading
        unquantified = None
        if fact and not _answers(fact, intent):
            # 「外贸进出口目标是多少」 is not answered by 「提升外资外贸总体能级」
            fact, unquantified = None, fact
        if row and (not fact or row.coverage + TABLE_PREFERENCE >= fact.coverage):
            return row.draft
        if fact:
            return fact.draft
        other = self.tables.other_time(question, document, intent)
        return other or (unquantified and _no_figure(unquantified))


def _sides_of_one_name(first: str, second: str) -> bool:
    """「城镇」 and 「农村居民…」: a contrasted pair (analysis.toml contrasts), the first only
    a side of the name the second goes on to give."""
    return any(
        first == one and second.startswith(other)
        for pair in vocabulary()["contrasts"]
        for one, other in (pair, pair[::-1])
    )


def _names_an_indicator(question: Question) -> bool:
    """「社零」「固投」: an indicator's name, a subject of its own however common its words."""
    return any(name in question.text.lower() for name in required_names())


def _years_written(question: Question) -> str:
    return "".join(f"{year}年" for year in question.years)


def _says_only_which(part: str) -> bool:
    """「2025年目标是多少」 after 「…2024年实际完成和」: which year and kind of the figure, and
    nothing of its own."""
    rest = _without_kinds(TIME_WORDS.sub("", QUESTION_WORDS.sub("", part)))
    return not re.sub(r"[\W_]", "", rest)


def _without_kinds(text: str) -> str:
    return cue("kinds_of_figure").sub("", text)


def _own_subject(terms: dict[str, float]) -> bool:
    """A rare word of its own that is not what is asked of a thing: 「总投资是多少」「去年开工了吗」
    are about the subject named before them."""
    asked_of_a_name = vocabulary()["intent"]["asked_of_a_name"]
    weights = [w for term, w in terms.items() if term not in asked_of_a_name]
    return max(weights, default=0.0) >= OWN_SUBJECT_WEIGHT


def _only_asks_for_the_text(part: str, asked: Question, terms: dict[str, float]) -> bool:
    """「宁夏报告里怎么说的」: the document's words and nothing else (「比前年涨了多少」 asks a
    measure of the subject, and stays)."""
    saying = any(word in part for word in vocabulary()["document_words"])
    return saying and not terms and not asked.years


def _answers(found: Candidate, intent: Intent) -> bool:
    """It states what was asked: the measure asked for was checked already; for a quantity
    with no measure, any figure will do."""
    if not found.measured:
        return False
    if intent.amount and not AMOUNT_NOT_RATE.search(re.sub(WRITTEN_YEAR, "", found.shown)):
        return False  # 「GDP总量目标是多少万亿元」 is not answered by 「增长6%左右」
    return not intent.quantity or bool(intent.measure or STATED_QUANTITY.search(found.shown))


def _no_figure(found: Candidate) -> Draft:
    """「进出口总额是多少」 where the text says only 「进出口总额等稳步回升」: a refusal that
    shows what the document does say."""
    draft = Draft(refused=True)
    draft.say("no_figure", *found.draft.evidence[:1], stated=found.shown.rstrip("，。；、"))
    return draft


def question_parts(text: str) -> list[str]:
    """「办了多少场文旅活动，多少人次参与」 → two questions (each must ask something)."""
    pieces = [p for p in PART_SEPARATOR.split(text) if len(p) >= 2]
    if sum(asks_something(p) for p in pieces) >= 2:
        return _asking_pieces(pieces)
    listed = [p for p in text.rstrip("？?。").split("、") if len(p) >= 2]
    if len(listed) >= 2 and all(asks_something(p) for p in listed):
        return listed  # 「签了多少项目、金额多少」, but not 「GDP、CPI目标是多少」
    each = EACH.match(text.rstrip("？?。"))
    if each and asks_something(each.group(4)):
        return [each.group(1) + each.group(4), each.group(2) + each.group(4)]
    return [text]


def _asking_pieces(pieces: Sequence[str]) -> list[str]:
    """The pieces up to the first that asks (they name its subject: 「18号线二期，今年目标是
    什么」), then only those that ask: a statement after an ask (「去年好像是历史新高了」) asks
    nothing."""
    first = next(i for i, piece in enumerate(pieces) if asks_something(piece))
    return [*pieces[: first + 1], *(p for p in pieces[first + 1 :] if asks_something(p))]


def _restates(draft: Draft, drafts: Sequence[Draft]) -> bool:
    """Every quote of the draft is a longer passage around two or more quotes the other parts
    gave: the sentence 「…货物贸易增长20%，服务贸易增长23.9%」 beside each of its figures. (One
    given quote inside it is not enough: 「PM2.5低于34微克/立方米，优良天数比例88.3%以上」 answers
    the PM2.5 part.) A passage that shows a figure of its own says more: 「…48艘、总载重吨达
    536.9万吨、全国第二」 answers the rank beside its two figures."""
    given = {e.quote for other in drafts if other is not draft for e in other.evidence}
    return (
        bool(draft.evidence)
        and all(
            sum(quote in e.quote and quote != e.quote for quote in given) >= 2
            for e in draft.evidence
        )
        and _figures(_shown(draft)) <= _figures("".join(given))
    )


def _shown(draft: Draft) -> str:
    return "".join(MARKER.sub("", line) for line in draft.lines)


def _figures(text: str) -> set[str]:
    """The numbers and ranks a text states, besides its years."""
    text = re.sub(WRITTEN_YEAR, "", text)
    return {*numbers(text), *cue("ordinal").findall(text)}


def _said_already(draft: Draft, drafts: Sequence[Draft]) -> bool:
    """Every line of the draft is part of a longer line already given (「2024年：规模工业增加值
    增长7.3%」 of 「…增长7.3%、高于全国1.5个百分点」): the whole answered the part already."""
    given = [MARKER.sub("", line) for other in drafts if not other.refused for line in other.lines]
    return bool(draft.lines) and all(
        any(MARKER.sub("", line).rstrip("。") in said for said in given) for line in draft.lines
    )


def _quoted(draft: Draft) -> str:
    return "".join(item.quote for item in draft.evidence)


def _acceptable(candidate: Candidate | None, threshold: float, intent: Intent) -> Candidate | None:
    if candidate is None or candidate.coverage < threshold:
        return None
    if intent.measure and candidate.measured and not re.search(intent.measure, candidate.shown):
        return None  # (one without the figure asked for becomes 「未能确认所问的数值」)
    return candidate
