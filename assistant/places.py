"""China's administrative divisions, from the dataset the ``cpca`` package ships.

Where a document is from and which place a question asks about are both read against this one
dataset (province, prefecture and county levels with their codes), never against word lists.
The package's own import pulls in pandas and ``pkg_resources``; only its CSV is read here.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.errors import ConfigurationError

RESOURCES = Path(__file__).resolve().parent / "resources"
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})  # 北京, 天津, 上海, 重庆
# Filler rows of the dataset that group divisions without being one: never read in a text.
CJK = re.compile(r"[\u4e00-\u9fff]")
# Characters a one-character place name may follow: 「听说赣今年…」「全陕去年…」.
ABBREVIATION_AFTER = "和与及跟同、问说全"
YEAR_BEFORE = re.compile(r"(?:\d{4}年|今年|去年|明年|前年)$")
PLACEHOLDER_NAMES = frozenset({"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Suffixes that name a level, longest first; what is left is the short form (「浦东新区」→「浦东」).
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "州",
)


@dataclass(frozen=True)
class Place:
    """One administrative division: 「宝山区」, a 区 of 上海市 (code 310113)."""

    code: str  # six-digit administrative division code
    name: str  # 「内蒙古自治区」
    level: str  # 省, 自治区, 直辖市, 特别行政区, 市, 州, 盟, 地区, 区, 县, 旗…
    parent: str = ""  # the enclosing division's code ("" for a province)

    @property
    def rank(self) -> int:
        """0 province level, 1 prefecture level, 2 county level."""
        if self.code.endswith("0000"):
            return 0
        return 1 if self.code.endswith("00") else 2

    @property
    def short(self) -> str:
        """「内蒙古」, 「广西」, 「宝山」: how people usually name it."""
        return short_name(self.name)

    def within(self, other: Place) -> bool:
        """True when this place lies inside ``other`` (not when they are the same)."""
        if self.code == other.code:
            return False
        return self.code.startswith(other.code[: 2 * (other.rank + 1)])


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text, with every division the words could mean."""

    text: str  # as written: 「宝山」, 「上海市」
    start: int
    candidates: tuple[Place, ...]


@cache
def short_names() -> frozenset[str]:
    """Every division's name without its level, down to counties: 「昌平」「敦煌」「黑山」."""
    return frozenset(short_name(place.name) for place in all_places())


@cache
def one_character_names() -> frozenset[str]:
    """The provinces' one-character names (沪, 鄂, 湘)."""
    return frozenset(a for a in _vocabulary().get("aliases", {}) if len(a) == 1)


@cache
def _initials() -> frozenset[str]:
    """First characters of the prefecture-level cities (福 of 福州, 厦 of 厦门), and the
    provinces' one-character names."""
    words = _vocabulary()
    levels, placeholders = words["city_levels"], tuple(words["placeholder_rows"])
    cities = [p for p in all_places() if p.rank == 1 and p.level in levels]
    named = [p.name for p in cities if not any(w in p.name for w in placeholders)]
    firsts = {name[0] for name in named} | one_character_names()
    return frozenset(firsts - set(words["numeral_initials"]))


def initials_of_two_places(word: str) -> bool:
    """「福厦」「京沪」: two places by their first characters, as a line between them is named
    (福厦高铁). Not a place's own name (「福州」)."""
    return len(word) == 2 and all(c in _initials() for c in word) and word not in short_names()


def run_counted_as_places(text: str, position: int, names: Iterable[str] | None = None) -> bool:
    """「鄂湘两省」: the one-character name at ``position`` is in a run of them counted as
    places right after; 「川藏铁路」 is a thing between places."""
    names = one_character_names() if names is None else names
    start = end = position
    while start > 0 and text[start - 1] in names:
        start -= 1
    while end < len(text) and text[end] in names:
        end += 1
    return end - start >= 2 and _places_counted().match(text[end:]) is not None


def short_name(name: str) -> str:
    """The name without its level suffix and ethnic designations: 「广西壮族自治区」→「广西」."""
    stem = name
    for suffix in SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
            stem = stem[: -len(suffix)]
            break
    while True:
        trimmed = _strip_nationality(stem)
        if trimmed == stem:
            return stem
        stem = trimmed


def _strip_nationality(stem: str) -> str:
    for nationality in _nationalities():
        for form in (nationality, nationality.removesuffix("族")):
            if len(form) >= 2 and stem.endswith(form) and len(stem) - len(form) >= 2:
                return stem[: -len(form)]
    return stem


def _level(code: str, name: str) -> str:
    if code.endswith("0000"):
        if code[:2] in MUNICIPALITIES:
            return "直辖市"
        return next(s for s in ("特别行政区", "自治区", "省") if name.endswith(s))
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return {"自治州": "州", "自治县": "县", "自治旗": "旗", "新区": "区"}.get(
                suffix, suffix
            )
    return "县"


def _resource(name: str) -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError("未安装行政区划数据包 cpca，请运行：pip install cpca==0.5.5")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


@cache
def _nationalities() -> tuple[str, ...]:
    lines = _resource("56_nations.csv").read_text(encoding="utf-8").split()
    return tuple(sorted((line.strip() for line in lines if line.strip()), key=len, reverse=True))


@cache
def all_places() -> tuple[Place, ...]:
    """Every division of the dataset, each with its parent's code."""
    with _resource("adcodes.csv").open(encoding="utf-8") as handle:
        rows = [(row["adcode"][:6], row["name"]) for row in csv.DictReader(handle)]
    codes = {code for code, _ in rows}
    places = []
    for code, name in rows:
        parent = ""
        if not code.endswith("0000"):
            city = code[:4] + "00"
            parent = city if not code.endswith("00") and city in codes else code[:2] + "0000"
        places.append(Place(code, name, _level(code, name), parent))
    return tuple(sorted(places, key=lambda p: p.code))


@cache
def by_code() -> dict[str, Place]:
    return {p.code: p for p in all_places()}


def whole_of(level: str) -> str:
    """「全省」 for a province: how a text names the whole of a place of that level, or ""."""
    return _vocabulary()["whole_of_level"].get(level, "")


@cache
def _vocabulary() -> dict:
    with (RESOURCES / "places.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def _names() -> dict[str, tuple[Place, ...]]:
    """Full names of every division, and short forms of province and prefecture levels.

    A county's short form (「宝山」) is too often an ordinary word to be read everywhere; it is
    added per index by ``PlaceReader`` for the places the index is about and their neighbours.
    """
    table: dict[str, list[Place]] = {}
    for place in all_places():
        if len(short_name(place.name)) < 2 or len(place.name) < 3:
            continue  # 「城区」「郊区」「矿区」: real names, but ordinary words first
        if place.name in PLACEHOLDER_NAMES:
            continue  # 「市辖区」 would read 「全市辖区内」 as a place
        forms = [place.name]
        if place.rank < 2:
            forms.append(place.short)
        for form in forms:
            table.setdefault(form, []).append(place)
    for alias, name in _vocabulary().get("aliases", {}).items():
        table.setdefault(alias, []).extend(p for p in all_places() if p.name == name)
    for phrase in _vocabulary().get("not_places", {}).get("phrases", ()):
        table.pop(phrase, None)
    return {form: tuple(places) for form, places in table.items()}


@cache
def _abbreviation_followers() -> tuple[str, ...]:
    return tuple(_vocabulary()["abbreviation_followers"])


@cache
def _places_counted() -> re.Pattern[str]:
    return re.compile(_vocabulary()["places_counted"])


@cache
def _nicknames() -> dict[str, tuple[Place, ...]]:
    by_name = {p.name: p for p in all_places() if p.rank < 2}
    found = _vocabulary().get("nicknames", {}).items()
    return {nickname: (by_name[name],) for nickname, name in found if name in by_name}


def aliases_of(name: str) -> tuple[str, ...]:
    """The common names of a division beside its own (「龙江」「黑」 for 黑龙江省, 「首都」 for
    北京市)."""
    vocabulary = _vocabulary()
    names = {**vocabulary.get("aliases", {}), **vocabulary.get("nicknames", {})}
    return tuple(a for a, full in names.items() if full == name)


def not_place_phrases() -> tuple[str, ...]:
    """Phrases in which a place name is an ordinary word: 「长治久安」, 「朝阳产业」."""
    return tuple(_vocabulary().get("not_places", {}).get("phrases", ()))


def find_place(name: str) -> Place | None:
    """The one division a full or short name means, preferring the higher level."""
    found = _names().get(name, ())
    return min(found, key=lambda p: (p.rank, p.code)) if found else None


def begins_a_place_name(text: str, position: int) -> bool:
    """A division's full name or short form (two characters or more) starts here: 「四平市」."""
    names = _names()
    longest = _longest_name()
    return any(
        text[position : position + size] in names
        for size in range(2, min(longest, len(text) - position) + 1)
    )


@cache
def _longest_name() -> int:
    return max(map(len, _names()))


class PlaceReader:
    """Finds places in text: full names, short forms, and the short forms of ``nearby`` places."""

    def __init__(
        self, nearby: Iterable[Place] = (), *, nicknames: bool = False, joiners: Sequence[str] = ()
    ) -> None:
        """``nicknames``: also read 「首都」「申城」…, which a question may use for a city.
        ``joiners``: the words that join two places asked about together (「塞上和黔」)."""
        self.joiners = tuple(joiners)
        self.names = dict(_names())
        for place in _with_siblings(nearby):
            short = place.short
            if len(short) >= 2 and short not in self.names:
                self.names[short] = (place,)
        found = _nicknames() if nicknames else {}
        self.nicknames = frozenset(found)
        self.in_questions = nicknames
        for nickname, places in found.items():
            self.names.setdefault(nickname, places)
        self.longest = max(map(len, self.names))
        self.blocked = not_place_phrases()

    def mentions(self, text: str) -> list[PlaceMention]:
        """Longest names first, left to right, skipping phrases that are not places."""
        covered = _blocked_spans(text, self.blocked)
        found: list[PlaceMention] = []
        position = 0
        while position < len(text):
            match = None
            if position not in covered:
                for size in range(min(self.longest, len(text) - position), 0, -1):
                    word = text[position : position + size]
                    if word in self.names and (size > 1 or self._stands_alone(text, position)):
                        match = PlaceMention(word, position, self.names[word])
                        break
            if match:
                found.append(match)
                position += len(match.text)
                while position not in covered and (
                    inner := _short_form_inside(found[-1], text, position)
                ):
                    found.append(inner)  # 「广东湛江吴川」
                    position += len(inner.text)
            else:
                position += 1
        # A nickname counts only where no other place is named, or joined to one (「塞上和黔」).
        named = [m for m in found if m.text not in self.nicknames or self._joined(text, m, found)]
        return named or found

    def _joined(self, text: str, mention: PlaceMention, found: Sequence[PlaceMention]) -> bool:
        end = mention.start + len(mention.text)
        return any(
            text[end : other.start] in self.joiners
            or text[other.start + len(other.text) : mention.start] in self.joiners
            for other in found
            if other is not mention and other.text not in self.nicknames
        )

    def _stands_alone(self, text: str, position: int) -> bool:
        """In a question, a one-character name that opens it, or follows a year, and is a word of
        its own (「蒙入选国家级集群的是哪些产业」「去年皖的PM2.5」) names the place too;
        「新增多少」 opens with 新增."""
        if _stands_alone(text, position) or self._run_counted_as_places(text, position):
            return True
        opening = position == 0 or not CJK.match(text[position - 1])
        dated = YEAR_BEFORE.search(text[:position]) is not None  # 「去年皖的…」
        everyday = text[position] in _vocabulary()["everyday_one_character_names"]
        if dated and everyday:
            return False
        moved = bool(position) and not everyday and _after_a_movement(text, position)
        joined = self._joined_after_a_place(text, position) and (
            not everyday or _compares_what_is_joined(text, position)
        )
        return (
            self.in_questions
            and (opening or dated or moved or joined)
            and not self._joined_to_another(text, position)
            and _a_word_of_its_own(text, position)
        )

    def _joined_after_a_place(self, text: str, position: int) -> bool:
        """「陇和皖谁更快」: joined to a one-character name that stands as a place before it."""
        for joiner in self.joiners:
            before = position - len(joiner) - 1
            joined = before >= 0 and text[before + 1 : position] == joiner
            if joined and text[before] in self.names and self._stands_alone(text, before):
                return True
        return False

    def _run_counted_as_places(self, text: str, position: int) -> bool:
        """「鄂湘两省」: one-character names run together, then counted as places, name them."""
        return self.in_questions and run_counted_as_places(text, position, self.names)

    def _joined_to_another(self, text: str, position: int) -> bool:
        """「新藏铁路」「川渝地区」: one-character names run together name a thing that joins the
        places (a line, a region), not the places a question asks about. 「陇新能源」 is 陇 before
        新能源, a word of its own; 「冀新改扩建…」 is 冀 before 新, an everyday word there unless
        another name follows it (「京津冀」)."""
        following = text[position + 1 : position + 2]
        if following not in self.names or not _a_word_of_its_own(text, position + 1):
            return False
        everyday = following in _vocabulary()["everyday_one_character_names"]
        return not everyday or text[position + 2 : position + 3] in self.names


def _stands_alone(text: str, position: int) -> bool:
    """A one-character abbreviation (沪, 京) names a place only before a year or a digit, and
    after no other character of a word: 「沪今年…」「苏和浙今年…」, not 「京津冀」, 「粤港澳」 or
    「全省新3个…」."""
    after = text[position + 1 : position + 4]
    before = text[position - 1] if position else ""
    dated = before == "年" and text[max(0, position - 2) : position - 1].isdecimal()
    if before and CJK.match(before) and before not in ABBREVIATION_AFTER and not dated:
        return False  # 「2025年青固投…」: after a written year, as at the start
    return not after or after[0].isdecimal() or after.startswith(_abbreviation_followers())


def _compares_what_is_joined(text: str, position: int) -> bool:
    """「豫和宁谁定得更高」: what follows an everyday name joined after a place goes on to
    compare or split the places, so the name is one of them."""
    after = text[position + 1 :]
    return not after or after.startswith(tuple(_vocabulary()["after_everyday_joined"]))


def _after_a_movement(text: str, position: int) -> bool:
    """「来琼」「援疆」: a verb of coming or going, a word of its own, right before the name."""
    verb = text[position - 1]
    if verb not in _vocabulary()["movement_before_one_character_names"]:
        return False
    import jieba

    jieba.setLogLevel(60)
    return verb in jieba.lcut(text[max(0, position - 3) : position], HMM=False)


def _a_word_of_its_own(text: str, position: int) -> bool:
    import jieba

    jieba.setLogLevel(60)
    first = jieba.lcut(text[position : position + 8], HMM=False)[0]
    # 「今年闽省CPI…」: the name with its level (闽省) is a word of its own too
    return first in (
        text[position],
        *(text[position] + level for level in _vocabulary()["one_character_levels"]),
    )


def _blocked_spans(text: str, phrases: Sequence[str]) -> set[int]:
    covered: set[int] = set()
    for phrase in phrases:
        for match in re.finditer(re.escape(phrase), text):
            covered.update(range(match.start(), match.end()))
    return covered


def _short_form_inside(outer: PlaceMention, text: str, at: int) -> PlaceMention | None:
    """「北京通州」「广东湛江吴川」: right after a place, the short form of a division inside it
    names that division, though a county's short form alone is too often an ordinary word."""
    for place in outer.candidates:
        for short, inner in _short_forms_inside(place.code):
            if text.startswith(short, at):
                return PlaceMention(short, at, (inner,))
    return None


@cache
def _short_forms_inside(code: str) -> tuple[tuple[str, Place], ...]:
    """The names and short forms (two characters or more) of the divisions inside a place,
    longest first (「朝阳区」 before 「朝阳」)."""
    outer = by_code()[code]
    inside = [p for p in all_places() if p.within(outer) and p.name not in PLACEHOLDER_NAMES]
    forms = [(form, p) for p in inside for form in {p.name, p.short} if len(form) >= 2]
    return tuple(sorted(forms, key=lambda form: -len(form[0])))


def _with_siblings(places: Iterable[Place]) -> list[Place]:
    """The places and the other divisions under the same parent (宝山区 → 金山区, 嘉定区…)."""
    chosen = list(places)
    parents = {p.parent for p in chosen if p.parent}
    return chosen + [p for p in all_places() if p.parent in parents and p not in chosen]


def resolve(mention: PlaceMention, context: Sequence[Place]) -> Place:
    """The division a mention means: one named in ``context``, then one inside a place named
    there (宝山区 beside 上海市), then one near it; else the highest level.

    Each test runs over the whole context, earliest first, before the next, weaker one: a
    district whose city is named beats a namesake that merely has a sibling in the text.
    """
    for related in (_same, _inside, _near):
        for other in context:
            for place in mention.candidates:
                if related(place, other):
                    return place
    return min(mention.candidates, key=lambda p: (p.rank, p.code))


def _same(place: Place, other: Place) -> bool:
    return place == other


def _inside(place: Place, other: Place) -> bool:
    return place.within(other)


def _near(place: Place, other: Place) -> bool:
    """A sibling under the same parent, or a division that contains ``other``."""
    return bool(place.parent and place.parent == other.parent) or other.within(place)
