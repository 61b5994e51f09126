"""Turn a typed question into a canonical one: digits, absolute years, the document's wording."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.places import begins_a_place_name
from assistant.query.cues import cue, vocabulary
from assistant.script import to_simplified

LEXICON = Path(__file__).resolve().parent.parent / "resources" / "lexicon.toml"

DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
DIGIT |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNIT = {"十": 10, "百": 100, "千": 1000}
# Chinese numerals are rewritten only before a counter, so 「一网通办」「十四五」 stay as they are.
COUNTERS = "年号个家张台项所条座处人万亿倍批栋幢户元平公千米吨辆场次名位"
NUMERAL_RUN = re.compile(
    f"(?<![上前下这同每近全当])([零〇○一二两三四五六七八九十百千]+)(?=[{COUNTERS}]|%|个百分点)"
)
YEAR_DIGITS = re.compile(r"([零〇○一二三四五六七八九]{4})(?=年)")
RELATIVE_YEARS = {
    "今年": 0,
    "本年度": 0,
    "本年": 0,
    "今年度": 0,
    "当年": 0,
    "去年": -1,
    "上年": -1,
    "上一年": -1,
    "前年": -2,
    "明年": 1,
    "下一年": 1,
    "后年": 2,
}
RELATIVE = re.compile("|".join(sorted(RELATIVE_YEARS, key=len, reverse=True)))
# 「比前年涨了多少」「较上年提高」: growth over the year before, which the text states as 同比.
YEAR_ON_YEAR = re.compile(r"(?:比|较|相比|跟|和)(?:前年|上年|上一年|前一年|上一届|上届)")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|$|(?=[^\d]))")
SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})年")
SPACES = re.compile(r"\s+")
CLAUSE = re.compile(r"[^，,；;。！!？?]+[？?]?")
CLAUSE_WITH_END = re.compile(r"[^，,；;。！!？?（）()]+[，,；;。！!？?（）()]*")


@dataclass(frozen=True)
class Question:
    original: str
    text: str  # normalised, relative years made absolute
    years: tuple[int, ...]  # years the question names or implies, in order of appearance
    relative_years: bool  # True when a year came from 今年/去年/明年…
    expansions: tuple[str, ...]  # the document's wording for colloquial terms in the question

    def asks(self, name: str) -> bool:
        """Whether the question carries a named cue of the analysis vocabulary (「一共」: sum)."""
        return cue(name).search(self.text) is not None

    @property
    def search_text(self) -> str:
        """What retrieval sees: the question without its words about the document itself
        (they match the preamble's 「向大会作政府工作报告」), plus its aliases' wording."""
        text = self.text
        for phrase in document_phrases():
            text = text.replace(phrase, " ")
        return " ".join((text, *self.expansions))


@cache
def document_phrases() -> tuple[str, ...]:
    """The words about the document itself (「政府工作报告」「提到」) of two characters or more,
    longest first, taken out as phrases."""
    words = vocabulary()["document_words"]
    return tuple(sorted((w for w in words if len(w) >= 2), key=len, reverse=True))


def normalise(question: str, plan_year: int | None) -> Question:
    """Normalise against one document's plan year (今年 = the year the plan is for)."""
    text = YEAR_ON_YEAR.sub("同比", _without_declined(normalise_text(question)))
    text = _without_placeholders(text)
    relative = bool(RELATIVE.search(text)) and plan_year is not None
    if plan_year is not None:
        text = RELATIVE.sub(lambda m: f"{plan_year + RELATIVE_YEARS[m.group()]}年", text)
    text = re.sub(r"(\d{4})年年", r"\1年", text)
    return Question(question, text, _asked_years(text), relative, expand_aliases(text))


def _without_placeholders(text: str) -> str:
    """「“陇电入X”」 → 「“陇电入”」: a placeholder in a quoted pattern stands for the names the
    text writes there, so only the fixed part is searched for and matched."""
    placeholder = cue("placeholder")
    return re.sub(r"“[^”]*”", lambda m: placeholder.sub("", m.group()), text)


def _without_declined(text: str) -> str:
    """The question without the clauses its asker declines: 「…，跟去年比是高了还是低了我先不管，
    就要今年的目标数」 asks only this year's."""
    kept = [c for c in CLAUSE_WITH_END.findall(text) if not cue("declined").search(c)]
    return "".join(kept) if kept else text


def asks_something(piece: str) -> bool:
    """A piece of a question that asks: 「办了多少场」, or 「今年GDP目标？」 by its mark."""
    return piece.endswith(("？", "?")) or bool(cue("asking").search(piece))


def sets_scene(piece: str) -> bool:
    """A piece that asks nothing and tells the asker's own situation: 「我住福州一个老小区」,
    「孩子明年要上幼儿园」."""
    return not asks_something(piece) and cue("asker_scene").search(piece) is not None


def _asked_years(text: str) -> tuple[int, ...]:
    """The years a question names, in order; when the clauses that ask name a year, only theirs
    (「孩子明年上学，2025年会新增多少学位」 asks about 2025); else those outside the asker's own
    situation (「孩子明年要上幼儿园，听说今年公办园…，目标是多少」 asks about 今年). A comparison
    asks about every year it names (「2024年的目标，比2023年高多少」)."""
    every = tuple(dict.fromkeys(int(y) for y in YEAR.findall(text)))
    if cue("compare").search(text):
        return every
    clauses = CLAUSE.findall(text)
    asking = [c for c in clauses if asks_something(c)]
    asked = tuple(dict.fromkeys(int(y) for c in asking for y in YEAR.findall(c)))
    if asked and len(asking) < len(clauses):
        return asked
    told = tuple(
        dict.fromkeys(int(y) for c in clauses if not sets_scene(c) for y in YEAR.findall(c))
    )
    return told or every


def normalise_text(text: str) -> str:
    """Simplified characters, NFKC (full-width digits and letters), no spaces, Chinese numerals
    before counters."""
    text = unicodedata.normalize("NFKC", to_simplified(text))
    text = SPACES.sub("", text)
    text = YEAR_DIGITS.sub(lambda m: "".join(str(DIGIT[c]) for c in m.group(1)), text)
    # A short year is typed in digits (「23年」); 「十年」 is ten years, not 2010.
    text = SHORT_YEAR.sub(
        lambda m: f"20{m.group(1)}年" if _plausible_short_year(m) else m.group(), text
    )
    return NUMERAL_RUN.sub(_digits_if_numeral, text)


def _plausible_short_year(match: re.Match[str]) -> bool:
    """「23年」 means 2023; 「15年」 after 「工作了」 would too, but plans rarely say that.
    「30年来」「30年间」 count years."""
    before, after = match.string[: match.start()], match.string[match.end() :]
    counted = before.endswith(("近", "第")) or after.startswith(("来", "间"))
    return 10 <= int(match.group(1)) <= 40 and not counted


def _digits_if_numeral(match: re.Match[str]) -> str:
    """「一百二十个」 → 「120个」; 「十百千万」 (units only: a name) stays as written."""
    numeral = match.group(1)
    if _quoted_at(match.string, match.start()) and match.string[match.end() :].startswith("年"):
        return numeral  # 「“海洋十年”」: a name, as the document writes it, not ten years
    if begins_a_place_name(match.string, match.start()):
        return numeral  # 「四平市」「七台河」: a division's name, not four of something
    if numeral == "一" and match.string[: match.start()].endswith(("哪", "某")):
        return numeral  # 「哪一年」 asks which year; 「哪四个」 still counts four
    return str(chinese_number(numeral)) if well_formed(numeral) else numeral


def _quoted_at(text: str, at: int) -> bool:
    """``at`` is inside a quoted name (“…” or 「…」)."""
    before = text[:at]
    return before.count("“") > before.count("”") or before.count("「") > before.count("」")


def well_formed(numeral: str) -> bool:
    """Each unit follows a digit (a leading 十 excepted), and units fall: 二百零五, 十八."""
    previous_unit = 10_000
    for index, ch in enumerate(numeral):
        if ch in UNIT:
            before = numeral[index - 1] if index else ""
            if UNIT[ch] >= previous_unit or not (before in DIGIT or (ch == "十" and not before)):
                return False
            previous_unit = UNIT[ch]
    return True


def chinese_number(numeral: str) -> int:
    """一百二十 → 120, 十八 → 18, 两 → 2, 二〇二三 → 2023."""
    if all(ch in DIGIT for ch in numeral):
        return int("".join(str(DIGIT[ch]) for ch in numeral))
    total, current = 0, 0
    for ch in numeral:
        if ch in DIGIT:
            current = DIGIT[ch]
        else:
            total += (current or 1) * UNIT[ch]
            current = 0
    return total + current


@cache
def _lexicon_file() -> dict:
    """lexicon.toml, read once for all its tables."""
    with LEXICON.open("rb") as handle:
        return tomllib.load(handle)


@cache
def lexicon() -> dict[str, tuple[str, ...]]:
    aliases = _lexicon_file()["aliases"]
    return {alias.lower(): tuple(canonical) for alias, canonical in aliases.items()}


@cache
def written_as() -> dict[str, re.Pattern[str]]:
    """Words a text may meet by a code alone (国道 by 「G318」): the pattern of the code."""
    table = _lexicon_file().get("written_as", {})
    return {word.lower(): re.compile(pattern) for word, pattern in table.items()}


@cache
def inside_longer_words() -> dict[str, tuple[str, ...]]:
    """Words that a longer word holds as another thing (出口 in 进出口): a text meets the word
    only where it stands outside them."""
    table = _lexicon_file().get("inside_longer_words", {})
    return {word: tuple(longer) for word, longer in table.items()}


@cache
def left_out_of_names() -> frozenset[str]:
    """Characters inside a name that a question may leave out (总 of 「算力总规模」)."""
    return frozenset(_lexicon_file().get("left_out_of_names", {}).get("characters", ()))


@cache
def added_to_names() -> frozenset[str]:
    """Characters a question may add to a name the text writes without them (类 of 「城市更新类
    项目」)."""
    return frozenset(_lexicon_file().get("added_to_names", {}).get("characters", ()))


def as_the_text_names(name: str) -> str:
    """The name without the characters a question adds to it."""
    return "".join(c for c in name if c not in added_to_names())


@cache
def required_names(list_name: str = "names") -> frozenset[str]:
    """Indicator names a passage must meet, itself or through its canonical wording
    (``narrowed_by_words_before``: those a longer name narrows to a part)."""
    names = _required_table().get(list_name, ())
    return frozenset(name.lower() for name in names)


def abbreviated_names() -> dict[str, tuple[str, ...]]:
    """Short forms that meet a required name in lists such as 「粮肉奶产量」 (粮 for 粮食)."""
    return _required_forms("abbreviated")


def bare_names() -> dict[str, tuple[str, ...]]:
    """Head words that meet a required name where they open a clause (投资 for 固投)."""
    return _required_forms("bare")


@cache
def _required_forms(table_name: str) -> dict[str, tuple[str, ...]]:
    """A [required.*] table of other forms of a required name, keyed by the lowered name."""
    table = _required_table().get(table_name, {})
    return {name.lower(): tuple(forms) for name, forms in table.items()}


def _required_table() -> dict:
    return _lexicon_file().get("required", {})


def expand_aliases(text: str) -> tuple[str, ...]:
    lowered = text.lower()
    found: list[str] = []
    for alias, canonical in lexicon().items():
        if alias in lowered:
            found.extend(term for term in canonical if term not in text)
    return tuple(dict.fromkeys(found))
