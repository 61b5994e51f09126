"""Read what a document is from its own opening lines: title, issuer, place, kind, date, years.

Real layouts wrap the document in furniture: a newspaper's 「来源」 line, a web page's toolbar,
photo captions, the delivery line under a report's title. Title and place are read past it.
Cue words are data (``resources/facts.toml``); this module holds only the mechanisms.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from assistant.ingest.blocks import Block, BlockKind
from assistant.ingest.timing import YEAR
from assistant.places import SUFFIXES, Place, PlaceMention, PlaceReader, resolve
from assistant.records import DocumentKind, DocumentMeta

FACTS_VOCABULARY = Path(__file__).resolve().parent.parent / "resources" / "facts.toml"
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［（(]\d{4}[〕\]］）)]\d+号")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# A line that opens with a month or a numeric date: a date line or a delivery line.
DATED = re.compile(r"^(?:\d{4}年\d{1,2}月|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})")
# A numbered section heading (一、 （二） 3. 附件1): never the document's title.
NUMERAL = "一二三四五六七八九十"
NUMBERED = re.compile(rf"^(?:[{NUMERAL}]+、|[（(][{NUMERAL}]+[）)]|\d{{1,2}}[.．、](?!\d)|附件\d)")
# A chapter heading that opens with its year, after its numeral and a short lead (「关于」).
HEADING_YEAR = re.compile(rf"^(?:[{NUMERAL}]+、)?[^\d。，]{{0,2}}((?:19|20)\d{{2}})年")
SENTENCE = re.compile("[。！？；]")
SALUTATION_END = ("：", ":")
DASHES = "—–-－─"
BRACKETS = "（）()【】[]〔〕《》「」"
CJK = r"[\u4e00-\u9fff]"


@cache
def vocabulary() -> dict:
    with FACTS_VOCABULARY.open("rb") as handle:
        return tomllib.load(handle)


def _words(section: str, key: str) -> tuple[str, ...]:
    return tuple(vocabulary()[section][key])


@cache
def _alternatives(section: str, key: str) -> str:
    """A regex group of the cue words, longest first so 「代理」 wins over 「代」."""
    words = sorted(_words(section, key), key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def _compact(text: str) -> str:
    """Cue words are matched with spaces removed: 「下载 打印」 is 「下载打印」."""
    return re.sub(r"\s+", "", text)


@cache
def _reader() -> PlaceReader:
    return PlaceReader()


# --- public API -------------------------------------------------------------------------------


def read_facts(blocks: Sequence[Block], source: str, content_hash: str) -> DocumentMeta:
    """Everything a document says about itself, read past the furniture around it."""
    lines = [b.text for b in blocks if b.kind is BlockKind.TEXT]
    head = lines[: vocabulary()["window"]["head_lines"]]
    own = [line for line in head if not is_furniture(line)]
    context = _context(own)
    title = _title(lines[: vocabulary()["window"]["title_lines"]])
    named_issuer = _masthead(head) or _named_government(head, context)
    place = _place((title, named_issuer, *own), context)
    kind = _kind(title)
    date = _date(head)
    results_year, plan_year = _years(title, lines, kind, date)
    number = next((m.group() for m in map(DOC_NUMBER.search, head) if m), "")
    return DocumentMeta(
        doc_id=document_id(source),
        source=source,
        content_hash=content_hash,
        title=title,
        issuer=named_issuer or _spoken_issuer(head, place) or _signature(lines),
        number=number,
        place=place.name if place else "",
        place_code=place.code if place else "",
        place_level=place.level if place else "",
        kind=kind,
        date=date,
        dates=tuple(dict.fromkeys(m.group() for m in DATE.finditer("\n".join(lines)))),
        results_year=results_year,
        plan_year=plan_year,
    )


def document_id(source: str) -> str:
    """A stable id from the file name: 「baoshan-2024-plan.txt」 → 「baoshan-2024-plan」."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", source)
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff._-]+", "-", stem).strip("-") or "document"


def is_furniture(line: str) -> bool:
    """A source line, toolbar, caption or editor's line: printed around the document, not in it."""
    cues = vocabulary()["furniture"]
    bare = _compact(line).strip(BRACKETS)
    return (
        bare.startswith(tuple(cues["starts"]))
        or any(word in bare for word in cues["contains"])
        or bare.endswith(tuple(cues["ends"]))
        or sum(word in bare for word in cues["toolbar"]) >= cues["toolbar_min"]
    )


# --- title and kind ---------------------------------------------------------------------------


def _title(lines: Sequence[str]) -> str:
    """The first title-like line that names what the document is, else the first title-like one.

    Cue words alone are not enough: 「（二）深入落实城市总体规划…」 names a 规划 but is a heading.
    """
    candidates = [line for line in lines if _can_be_title(line)]
    cues = _words("title", "cues")
    named = (line for line in candidates if any(cue in _compact(line) for cue in cues))
    return next(named, candidates[0] if candidates else "")


def _can_be_title(line: str) -> bool:
    """Titles are short and unpunctuated, and are none of the lines printed around them."""
    bare = _compact(line)
    return not (
        not bare
        or len(bare) > vocabulary()["window"]["title_max_chars"]
        or SENTENCE.search(bare)
        or bare.endswith(SALUTATION_END)  # 「各位代表：」「各委办局：」
        or bare.startswith(tuple(DASHES))  # 「——2025年1月19日在…会议上」
        or DATED.match(bare)  # a date line, or a delivery line that opens with its date
        or NUMBERED.match(bare)
        or DOC_NUMBER.fullmatch(bare)
        or bare.endswith(vocabulary()["title"]["masthead_suffix"])
        or _is_speaker(bare)
        or is_furniture(line)
    )


def _is_speaker(bare: str) -> bool:
    """「四川省人民政府省长施小琳」「代省长罗东川」: an office and a name, under the title."""
    if len(bare) > vocabulary()["title"]["speaker_max_chars"]:
        return False
    office = _alternatives("issuer", "heads")
    return re.search(rf"{office}{CJK}[\u4e00-\u9fff·]{{0,9}}$", bare) is not None


def _kind(title: str) -> DocumentKind:
    """The first kind whose cue the title names; the body is not read (it cites other kinds)."""
    bare = _compact(title)
    for entry in vocabulary()["kinds"]:
        if any(cue in bare for cue in entry["cues"]):
            return DocumentKind[entry["kind"]]
    return DocumentKind.OTHER


# --- place ------------------------------------------------------------------------------------


def _context(lines: Sequence[str]) -> list[Place]:
    """Places the opening names unambiguously (上海市), in order, to tell namesakes apart."""
    mentions = (m for line in lines for m in _reader().mentions(line))
    return [m.candidates[0] for m in mentions if len(m.candidates) == 1]


def _place(sources: Sequence[str], context: Sequence[Place]) -> Place | None:
    """The place of the first source that names one: title, then issuer, then first paragraphs."""
    return next((p for p in (_most_specific(s, context) for s in sources) if p), None)


def _most_specific(text: str, context: Sequence[Place]) -> Place | None:
    """「上海市宝山区」 is about 宝山区: a later place inside the one found so far replaces it."""
    found: Place | None = None
    for mention in _reader().mentions(text):
        place = resolve(mention, context)
        if found is None or place.within(found):
            found = place
    return found


# --- issuer -----------------------------------------------------------------------------------


def _masthead(head: Sequence[str]) -> str:
    """「上海市宝山区发展和改革委员会文件」 → the committee that issued the document."""
    suffix = vocabulary()["title"]["masthead_suffix"]
    limit = vocabulary()["title"]["masthead_max_chars"]
    lines = (_compact(line) for line in head)
    mastheads = (b for b in lines if b.endswith(suffix) and len(b) <= limit)
    return next((b.removesuffix(suffix) for b in mastheads), "")


def _named_government(head: Sequence[str], context: Sequence[Place]) -> str:
    """「我代表北京市人民政府」, 「四川省人民政府省长…」 → that government, in full."""
    for line in head:
        for mention in _government_statements(line):
            if mention is not None:
                return resolve(mention, context).name + vocabulary()["issuer"]["formal"]
    return ""


def _spoken_issuer(head: Sequence[str], place: Place | None) -> str:
    """「我代表自治区人民政府」 names no place: it is the government of the document's place."""
    spoken = any(None in _government_statements(line) for line in head)
    return place.name + vocabulary()["issuer"]["formal"] if spoken and place else ""


def _government_statements(line: str) -> list[PlaceMention | None]:
    """Each government that speaks in ``line``: the place it names, or None for 「省人民政府」.

    A government speaks after 「我代表」 or before an office (「省长」「主席」); other mentions
    (「在省委和省政府领导下」) are not statements of who issues the document.
    """
    mentions = _reader().mentions(line)
    office = re.compile(_alternatives("issuer", "acting") + "?" + _alternatives("issuer", "heads"))
    found: list[PlaceMention | None] = []
    for match in re.finditer(_alternatives("issuer", "governments"), line):
        named = next((m for m in mentions if m.start + len(m.text) == match.start()), None)
        who = named.start if named else _level_start(line, match.start())
        if who is None:
            continue  # 「各级政府」: no government in particular
        if line[:who].endswith(_words("issuer", "leads")) or office.match(line, match.end()):
            found.append(named)
    return found


def _level_start(line: str, end: int) -> int | None:
    """Where a bare level word (「省」「自治区」) before ``end`` starts, if one is there."""
    suffix = next((s for s in SUFFIXES if line[:end].endswith(s)), None)
    return end - len(suffix) if suffix else None


def _signature(lines: Sequence[str]) -> str:
    """A line that is nothing but an organisation: 「上海市宝山区人民政府」 under a notice."""
    pattern = re.compile(rf"{CJK}{{2,30}}{_alternatives('issuer', 'signatures')}")
    return next((line for line in lines if pattern.fullmatch(line)), "")


# --- date and years ---------------------------------------------------------------------------


def _date(head: Sequence[str]) -> str:
    """The first full date at the top (issue or delivery), as 「2025年1月14日」."""
    found = next((m for m in (DATE.search(_compact(line)) for line in head) if m), None)
    if not found:
        return ""
    year, month, day = map(int, found.groups())
    return f"{year}年{month}月{day}日"


def _years(
    title: str, lines: Sequence[str], kind: DocumentKind, date: str
) -> tuple[int | None, int | None]:
    """Results and plan year, from the most explicit statement there is.

    The title's 「2023年…执行情况与2024年…」, then chapter headings, then the same phrase in the
    body; for kinds that review a year and plan the next, a bare year in the title or the date.
    """
    stated = _stated_years(title) or _heading_years(lines) or _stated_years("\n".join(lines))
    if stated:
        return stated
    year = _first_year(title) or _first_year(date)
    if year and kind.name in _words("years", "yearly_kinds"):
        return year - 1, year
    return None, None


def _stated_years(text: str) -> tuple[int, int] | None:
    """「2023年国民经济和社会发展计划执行情况与2024年…」 → (2023, 2024)."""
    link = _alternatives("years", "stated")
    found = re.search(rf"(\d{{4}})年[^。；\n]{{0,40}}?{link}[^。；\n]{{0,6}}?(\d{{4}})年", text)
    return (int(found.group(1)), int(found.group(2))) if found else None


def _heading_years(lines: Sequence[str]) -> tuple[int, int] | None:
    """「一、2024年工作回顾」 gives the results year and 「二、2025年工作安排」 the plan year;
    when a document heads only one of them, the other is the year next to it."""
    years: dict[str, int] = {}
    for line in lines:
        found = _chapter_year(line)
        if found:
            years.setdefault(*found)
    results, plan = years.get("results"), years.get("plan")
    if results is not None:
        return results, plan if plan is not None else results + 1
    if plan is not None:
        return plan - 1, plan
    return None


def _chapter_year(line: str) -> tuple[str, int] | None:
    """("results" | "plan", year) for a chapter heading that opens with a year, else None."""
    bare = _compact(line)
    heading = HEADING_YEAR.match(bare)
    if not heading or SENTENCE.search(bare):
        return None
    if len(bare) > vocabulary()["years"]["heading_max_chars"]:
        return None
    for group in ("results", "plan"):  # a review cue decides when a heading has both
        if any(cue in bare for cue in _words("years", group)):
            return group, int(heading.group(1))
    return None


def _first_year(text: str) -> int | None:
    found = YEAR.search(text)
    return int(found.group(1)) if found else None
