"""What kind of answer a question wants: a target or a result, a comparison, a count, a list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.knowledge import DocumentKnowledge
from assistant.query.normalise import Question

TARGET_CUES = re.compile(
    r"目标|预计|力争|争取|打算|准备|计划(要|是|多少|新增|完成|达到|开工|建设)|今年计划|"
    r"将|要(达到|完成|新增|新建|建|实现|开工|竣工|做|办)"
)
RESULT_CUES = tuple(
    "完成 实际 实现了 达到了 做到了 取得 已经 了多少 成效 了几 现在 目前 如今 截至 到现在".split()
)
COMPARE = re.compile(
    r"比.{0,12}(多|少|高|低|大|小|增加|减少|提高|下降)|相比|对比|差多少|差距|相差|"
    r"哪个.{0,6}(多|大|高|少|小|低)"
)
COUNT = re.compile(r"几个|多少个|几项|多少项|个数")
SUM = re.compile(r"一共|总共|合计|加起来|加一块|加在一起|共计|总计|总投资|投资总额")
SUPERLATIVE = re.compile(r"最(多|大|高|少|小|低)")
LISTING = re.compile(
    r"哪些|有什么|有啥|什么(措施|举措|工作|目标|任务|安排|重点|计划|进展)|怎么(做|办|推进|发展)|"
    r"如何|做什么|干什么|举措|措施|重点工作|主要任务|安排"
)
QUANTITY = re.compile(r"多少|几|多大|多高|多长|比例|比重|规模|增速|增长率|多快|排名")

# The measure a question asks for, and what an answer must contain to give it.
STRONG_UNITS = "亿美元|美元|亿元|万元|元|亿|平方米|公顷|公里|亩|人次|万人|人|套|吨|辆|户|岁"
DATE = r"\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日|\d{1,2}月"
FIGURE = r"\d[\d.]*(?:余|多)?(?:万|亿)?(?:余|多)?"
MEASURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"多少钱|多少资金|金额"), FIGURE + r"(?:元|美元)"),
    (re.compile(r"百分之几|百分之多少|百分比|多少%|几%"), r"\d[\d.]*%"),
    (re.compile(f"多少({STRONG_UNITS})"), FIGURE + r"{unit}|{unit}" + FIGURE),
    (
        re.compile(r"人口(?:总数|总量|规模)?(?:有|是|为)?(?:多少|几)"),
        r"人口[^，。；\d]{0,8}" + FIGURE + "人",
    ),
    (
        re.compile(r"第几(届|次|名|位|批)?|排第几|排名|位列|位居"),
        r"第[\d一二三四五六七八九十百]+|排名",
    ),
    (re.compile(r"几(届)"), r"[\d一二三四五六七八九十]+届"),
    (
        re.compile(
            r"(?:同比|(?:比|较)(?:上年|去年|上一年))(?:提高|增长|增加|下降|减少|上升)了?多少"
        ),
        r"(?:提高|增长|增加|下降|减少|上升)[^，。；\d]{0,6}\d",
    ),
    (re.compile(r"哪年哪月|什么时候|何时|哪一天|几月|哪个月|具体时间"), DATE),
)


@dataclass(frozen=True)
class Intent:
    compare: bool
    count: bool
    sum: bool
    superlative: str  # "max", "min" or ""
    listing: bool
    quantity: bool
    wants_target: bool
    wants_result: bool
    measure: str  # regex a stated figure must match, "" when any figure will do

    @property
    def preferred_year_kind(self) -> str:
        if self.wants_target and not self.wants_result:
            return "plan"
        if self.wants_result and not self.wants_target:
            return "results"
        return ""


def read_intent(question: Question, document: DocumentKnowledge) -> Intent:
    text = question.text
    years = set(question.years)
    plan, results = document.meta.plan_year, document.meta.results_year
    target = plan in years or bool(TARGET_CUES.search(text))
    result = results in years or any(cue in text for cue in RESULT_CUES)
    if plan in years and results not in years:
        result = False
    if results in years and plan not in years:
        target = False
    superlative = SUPERLATIVE.search(text)
    return Intent(
        compare=bool(COMPARE.search(text)),
        count=bool(COUNT.search(text)),
        sum=bool(SUM.search(text)),
        superlative=("max" if superlative.group(1) in "多大高" else "min") if superlative else "",
        listing=bool(LISTING.search(text)) and not COUNT.search(text),
        quantity=bool(QUANTITY.search(text)),
        wants_target=target,
        wants_result=result,
        measure=asked_measure(text),
    )


def asked_measure(text: str) -> str:
    for pattern, required in MEASURES:
        match = pattern.search(text)
        if match:
            unit = match.group(1) if match.groups() and match.group(1) else ""
            return required.replace("{unit}", re.escape(unit))
    return ""


def preferred_year(intent: Intent, document: DocumentKnowledge) -> int | None:
    kind = intent.preferred_year_kind
    if kind == "plan":
        return document.meta.plan_year
    if kind == "results":
        return document.meta.results_year
    return None
