"""Which indexed documents a question is about, or why none of them can answer it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.knowledge import DocumentKnowledge
from assistant.query.normalise import Question, normalise

PLACE_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff]{2})(新区|自治县|区|县)")
GENERIC_PLACES = frozenset(
    [
        "小区",
        "社区",
        "园区",
        "城区",
        "片区",
        "景区",
        "学区",
        "校区",
        "街区",
        "辖区",
        "市区",
        "郊区",
        "主城区",
        "新城区",
        "老城区",
        "示范区",
        "先行区",
        "样板区",
        "功能区",
        "核心区",
        "承载区",
        "集聚区",
        "度假区",
        "产业区",
        "开发区",
        "保护区",
        "试验区",
        "创新区",
        "商务区",
        "生活区",
        "工业区",
        "地区",
        "山区",
        "湾区",
        "港区",
        "厂区",
        "分区",
        "选区",
        "农业区",
        "住宅区",
        "服务区",
        "全区",
        "本区",
        "各区",
        "城乡区",
        "两区",
        "该区",
        "我区",
        "郊县",
        "本县",
        "全县",
    ]
)


# 「区域」「区级」「区内」…: 区 starting a word, not ending a place name.
NOT_A_PLACE_AFTER = frozenset("域级内委属政长划间块位段")
JOINING_BEFORE = frozenset("和与及跟同或、")
CITY_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff]{2})市")
# 「上海全市」「全上海」: the whole city, whatever follows.
WHOLE_CITY = re.compile(r"([\u4e00-\u9fff]{2})全市|全([\u4e00-\u9fff]{2})(?=市|的|$)")
NOT_A_CITY_NAME = frozenset("有在的是了和与及为到居列排位占个家项")
NOT_A_CITY_AFTER = frozenset("级场民容政区委域内属重长辖值面貌")
GENERIC_CITIES = frozenset(
    "全市 本市 我市 各市 该市 城市 都市 超市 上市 夜市 集市 门市 股市 楼市 开市 入市".split()
)
DAYS = re.compile(
    r"今天|明天|后天|昨天|前天|今日|明日|昨日|本周|下周|上周|这周|周末|(?:这|上|下)个?星期"
)


@dataclass(frozen=True)
class Scope:
    """Documents to answer from (each with the question normalised against its plan year)."""

    targets: tuple[tuple[DocumentKnowledge, Question], ...]
    missing_years: tuple[int, ...] = ()
    foreign_places: tuple[str, ...] = ()
    days: tuple[str, ...] = ()  # 「明天」「下周」: a yearly plan says nothing day by day
    # Other places in a question that names an indexed district too (「嘉定区…跟宝山比」):
    # an answer must be about them, not only about the indexed district.
    other_places: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.targets) > 1


def select(
    question: str, documents: Sequence[DocumentKnowledge], mentioned: Callable[[str], bool]
) -> Scope:
    """``mentioned``: does the indexed text contain a phrase (「顾村拓展区」 is no district)."""
    days = tuple(w for w in dict.fromkeys(DAYS.findall(question)) if not mentioned(w))
    if days:
        return Scope((), days=days)
    normalised = {d.meta.doc_id: normalise(question, d.meta.plan_year) for d in documents}
    named = [d for d in documents if _names_document(normalised[d.meta.doc_id].text, d)]
    foreign = _foreign_places(normalised[documents[0].meta.doc_id].text, documents, mentioned)
    if foreign and not named:
        return Scope((), foreign_places=foreign)
    candidates = named or list(documents)
    covered = [d for d in candidates if _covers_years(d, normalised[d.meta.doc_id], mentioned)]
    if not covered:
        asked = {y for d in candidates for y in normalised[d.meta.doc_id].years}
        return Scope((), missing_years=tuple(sorted(asked)))
    districts = tuple(p for p in foreign if not p.endswith("市"))  # 「上海全市」 is context
    return Scope(tuple((d, normalised[d.meta.doc_id]) for d in covered), other_places=districts)


def place_name(place: str) -> str:
    """「嘉定区」 → 「嘉定」: how a text usually names a neighbour."""
    return re.sub(r"(新区|自治县|区|县|市)$", "", place) or place


def _names_document(text: str, document: DocumentKnowledge) -> bool:
    district = document.meta.district
    if not district:
        return False
    short = place_name(district)
    return district in text or (len(short) >= 2 and short in text)


def _foreign_places(
    text: str, documents: Sequence[DocumentKnowledge], mentioned: Callable[[str], bool]
) -> tuple[str, ...]:
    """District-like names in the question that no indexed document is about or mentions."""
    known = [d.meta.district for d in documents if d.meta.district]
    found = []
    for match in PLACE_SUFFIX.finditer(text):
        if text[match.end() : match.end() + 1] in NOT_A_PLACE_AFTER:
            continue
        if text[match.start() - 1] in JOINING_BEFORE:  # 「南大中央公园和区疾控中心」
            continue
        candidates = [
            text[match.start() - n : match.end()] for n in (1, 2, 3, 4) if match.start() >= n
        ]
        if candidates[0] in GENERIC_PLACES:  # 「市区」「城区」: one character is no place name
            continue
        if any(c in GENERIC_PLACES or mentioned(c) or c in known for c in candidates[1:]):
            continue
        if any(c[: -len(match.group())] in k for c in candidates[1:2] for k in known):
            continue
        found.append(candidates[1] if len(candidates) > 1 else candidates[0])
    found.extend(_foreign_cities(text, known, mentioned))
    return tuple(dict.fromkeys(found))


def _foreign_cities(text: str, known: Sequence[str], mentioned: Callable[[str], bool]) -> list[str]:
    """「上海市今年社零目标」 asks about the city; a district's plan does not answer that."""
    names = [m.group(1) or m.group(2) for m in WHOLE_CITY.finditer(text)]
    # 「几家有全市影响力」「增速在全市排第几」: a word before 全市, not a city's name.
    found = [f"{name}市" for name in names if not set(name) & NOT_A_CITY_NAME]
    for match in CITY_SUFFIX.finditer(text):
        after = text[match.end() : match.end() + 1]
        if after in NOT_A_CITY_AFTER or text[match.start() - 1 : match.end()] in GENERIC_CITIES:
            continue
        city = text[match.start() - 2 : match.end()]
        if any(city in k or k.startswith(city) for k in known):
            continue
        if mentioned(text[match.start() - 2 : match.end() + 4]):  # a phrase the document has
            continue
        found.append(city)
    return found


def _covers_years(
    document: DocumentKnowledge, question: Question, mentioned: Callable[[str], bool]
) -> bool:
    """A year outside the plan's two is fine only inside a name the text has (「2022年…百强」)."""
    own = {document.meta.results_year, document.meta.plan_year} - {None}
    for year in set(question.years) - own:
        at = question.text.find(f"{year}年")
        phrase = question.text[at : at + 7] if at >= 0 else ""
        if not (len(phrase) == 7 and mentioned(phrase)):
            return False
    return True
