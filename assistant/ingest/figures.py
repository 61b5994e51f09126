"""Targets and results written in prose, read into typed records.

Work reports state every target in one sentence (「主要预期目标是：地区生产总值增长5%左右，…」)
and every result in the review (「预计全市地区生产总值增长5.2%左右」). Each clause with an
indicator and its figure becomes a ``StatedFigure`` with the time of its sentence, so it can be
answered like a table row. The vocabulary is data (``resources/figures.toml``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from assistant.ingest.timing import WRITTEN_YEAR, DocumentYears, earlier_year, sentence_time
from assistant.records import Paragraph, PassageTime, Span, StatedFigure, TimeKind

FIGURE_VOCABULARY = Path(__file__).resolve().parent.parent / "resources" / "figures.toml"
SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
CLAUSE = re.compile(r"[^，；：:。]+")
# Figures that belong together: 「5.0%—5.5%」, 「分别增长4.7%、6.6%」.
JOINED = re.compile(r"[—–~～至\-]")
ITEM = re.compile(r"[^、]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
ENDS = "，。；、 "  # marks that may close a clause after its figure
COUNTED_THING = re.compile(r"[\u4e00-\u9fff]{2,10}")  # 「养老床位」 after 「新增1380张」
COUNTED_ALONE_THING = re.compile(r"[\u4e00-\u9fff“”]{2,14}")  # 「增发国债高标准农田项目」
ORDINAL_DIGITS = "一二两三四五六七八九十"
COUNTED_INCREMENT = "increment"  # 「新增1380张养老床位」: named by the opener and the thing counted
COUNTED_ALONE = "alone"  # 「…和56个口袋公园向市民开放」: named by the thing counted alone
LEADING_YEAR = re.compile(WRITTEN_YEAR)
TIMED = (TimeKind.RESULT, TimeKind.PLAN, TimeKind.HORIZON)


@cache
def vocabulary() -> dict:
    with FIGURE_VOCABULARY.open("rb") as handle:
        return tomllib.load(handle)


def alternation(words: Sequence[str]) -> str:
    """The words as one regular expression, longest first (「万亿元」 before 「亿元」)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def figure_pattern() -> re.Pattern[str]:
    """A number with its unit and qualifiers: 「超3.6万亿元」「5%左右」「26万人以上」."""
    words = vocabulary()
    return re.compile(
        rf"(?P<before>{alternation(words['before'])})?(?P<number>\d+(?:\.\d+)?)"
        rf"(?P<unit>(?:{alternation(words['magnitudes'])})?(?:{alternation(words['units'])}))"
        rf"(?P<after>{alternation(words['after'])})?"
    )


def read_figures(paragraphs: Sequence[Paragraph], years: DocumentYears) -> tuple[StatedFigure, ...]:
    """Every clause of a timed sentence that names an indicator and gives its figure."""
    found: list[StatedFigure] = []
    for paragraph in paragraphs:
        for sentence in SENTENCE.finditer(paragraph.text):
            time = sentence_time(sentence.group(), paragraph.time, years)
            # A sentence over several years may still date a clause: 「“十四五”以来，全省地区
            # 生产总值连跨4个千亿台阶，2024年达到1.3万亿元、增长5.8%」.
            if time.kind in TIMED or time.kind is TimeKind.SPAN:
                found.extend(_sentence_figures(paragraph, sentence, time, years))
    return tuple(found)


def _clause_time(clause: str, time: PassageTime, years: DocumentYears) -> PassageTime:
    """A clause that opens with one of the document's own years speaks of that year."""
    opening = LEADING_YEAR.match(clause)
    year = int(opening.group()[:4]) if opening else None
    if year == years.results:
        return PassageTime(TimeKind.RESULT, year, estimate=time.estimate)
    if year == years.plan:
        return PassageTime(TimeKind.PLAN, year)
    earlier = earlier_year(clause, years)  # 「2023年达到13.09万亿元」, revised by a census
    return PassageTime(TimeKind.RESULT, earlier) if earlier else time


def _sentence_figures(
    paragraph: Paragraph, sentence: re.Match[str], time: PassageTime, years: DocumentYears
) -> Iterator[StatedFigure]:
    text = sentence.group()
    listed = next((cue for cue in vocabulary()["target_lists"] if cue in text), "")
    begin = text.index(listed) + len(listed) if listed else 0
    previous = adjacent = previous_value = ""
    previous_start = 0
    named: list[tuple[str, int]] = []  # the named figures of the run of clauses before
    for clause in CLAUSE.finditer(text, begin):
        clause_time = _clause_time(clause.group(), time, years)
        offset = sentence.start() + clause.start()
        shared = _shared_verb(clause.group(), [(n, s - offset) for n, s in named])
        if shared is not None:
            # 「接待游客超10.9亿人次，旅游总收入超1.3万亿元，分别增长15.8%和11.5%」: each name
            # before takes its own figure; a count that does not match reads none
            if clause_time.kind in TIMED:
                for name, value, qualifier, first, last in shared:
                    span = _span(paragraph, offset + first, offset + last)
                    clause_text = paragraph.text[offset + first : offset + last]
                    yield StatedFigure(name, value, clause_time, clause_text, span, qualifier)
            previous = adjacent = ""
            named = []
            continue
        topic = _topic(text[: clause.start()])
        read = _clause_figures(clause.group(), bool(listed), topic) or _continued(
            clause.group(), adjacent
        )
        for name, value, qualifier, first, last in read:
            start, end = offset + first, offset + last
            if (
                name in vocabulary()["generic_names"]
                and previous
                and not _changes_after_count(value, previous_value)
            ):
                # 「…地区生产总值增长5.8%，总量达到60013亿元」; 「粮食播种面积…、产量…」 is 粮食产量
                name = without_measure(previous) + name
                if previous_start >= offset:
                    start = previous_start  # 「新增“百亿县”4个、总数达到40个」 quoted whole
            previous, previous_start, previous_value = name, start, value
            if not named or named[-1][0] != name:  # 「…增长14%，达到1.64万列」 is one name
                named.append((name, start))
            if clause_time.kind not in TIMED:
                continue  # a total over the span is no figure of one year
            span = _span(paragraph, start, end)
            clause_text = paragraph.text[start:end]
            stated = StatedFigure(name, value, clause_time, clause_text, span, qualifier)
            yield stated
            yield from _each_item(stated)
        adjacent = previous if read else ""
        if not read:
            named = []


def _changes_after_count(value: str, previous_value: str) -> bool:
    """A change (「增长7%左右」) follows a count of things (「1.6万个」): it measures no such
    things, so a generic name before it takes no subject from them."""
    words = vocabulary()
    counted = previous_value.rstrip("".join(words["after"])).endswith(tuple(words["counters"]))
    return counted and value.startswith(tuple(words["change_verbs"]))


def _shared_verb(
    clause: str, named: Sequence[tuple[str, int]]
) -> list[tuple[str, str, str, int, int]] | None:
    """A clause that opens with 「分别」 or 「均」 and a verb gives the names of the clauses before
    it their figures: 「分别增长15.8%和11.5%」 one each in order, 「均增长5%」 the same to all.
    Returns None when the clause is no such clause; an empty list when the counts differ."""
    opening = LEADING_YEAR.match(clause)
    begin = opening.end() if opening else 0
    adverb = next((a for a in vocabulary()["adverbs"] if clause.startswith(a, begin)), "")
    if not adverb or len(named) < 2:
        return None
    verb = _leading_verb(clause[begin:])
    figures = _joined_figures(clause, begin + len(adverb) + len(verb)) if verb else []
    if not figures:
        return None
    if len(figures) == 1:
        figures = figures * len(named)  # 「均增长5%」
    elif len(figures) != len(named):
        return []
    end = figures[-1].end()
    return [
        (name, verb + figure.group().strip(), _qualifier(figure), start, end)
        for (name, start), figure in zip(named, figures, strict=True)
    ]


def _qualifier(figure: re.Match[str]) -> str:
    """左右 以上 以内… after the figure, else 超 不少于… before it."""
    return figure.group("after") or figure.group("before") or ""


def _joined_figures(clause: str, start: int) -> list[re.Match[str]]:
    """The figures at ``start`` joined by 、 和 及 与: 「15.8%和11.5%」."""
    figures: list[re.Match[str]] = []
    joiner = re.compile(vocabulary()["item_joiners"])
    while (figure := figure_pattern().match(clause, start)) is not None:
        figures.append(figure)
        if not joiner.match(clause, figure.end()):
            break
        start = figure.end() + 1
    return figures


def _continued(clause: str, previous: str) -> list[tuple[str, str, str, int, int]]:
    """A clause that opens with a verb and a figure, right after a named figure, gives that
    name another figure: 「班列增长14%，达到1.64万列」."""
    opening = LEADING_YEAR.match(clause)  # 「，2024年达到1.3万亿元」
    begin = opening.end() if opening else 0
    verb = next((v for v in _verbs() if clause.startswith(v, begin)), "") if previous else ""
    figure = figure_pattern().match(clause, begin + len(verb)) if verb else None
    if figure is None:
        return []
    qualifier = _qualifier(figure)
    end = _figures_end(clause, figure)
    for item in ITEM.finditer(clause, end + 1):  # 「…达到1.3万亿元、增长5.8%」: one value
        if clause[item.start() - 1] != "、" or not figure_pattern().search(item.group()):
            break
        if _read_clause(item.group(), listed=False) is not None:
            break  # an item with its own name is another figure
        end = item.end()
    return [(previous, clause[begin:end], qualifier, begin, end)]


def _topic(before: str) -> str:
    """The subject a sentence has spoken of before a clause, when it names an indicator only
    with its verb (「顶住经济下行压力，…，全年增长4.8%」 is of 经济)."""
    found = [(before.rfind(word), word) for word in vocabulary()["named_with_verb"]]
    at, word = max(found, default=(-1, ""))
    return word if at >= 0 else ""


def _on_topic(clause: str, topic: str) -> list[tuple[str, str, str, int, int]]:
    """A clause with a change and no subject of its own (「全年增长4.8%」) measures the sentence's
    topic: 经济增长. Only the change: 「三季度增长4.6%」 names a part of the year."""
    begin, rest = _strip_leading(clause)
    verb = next((v for v in vocabulary()["change_verbs"] if rest.startswith(v)), "")
    if not topic or not verb or begin == 0:
        return []
    read = _continued(clause[begin:], topic + verb)
    return [(name, value, qualifier, begin + s, begin + e) for name, value, qualifier, s, e in read]


def _each_item(stated: StatedFigure) -> Iterator[StatedFigure]:
    """「城镇、农村居民人均可支配收入分别增长5%、6.5%左右」 also as one figure per item, so a
    question about 农村居民收入 gets 6.5%左右 alone. The shared tail of the last item's name
    completes the others (城镇 → 城镇居民人均可支配收入); each value is its own figure as written,
    with its own qualifier."""
    values = [m for m in figure_pattern().finditer(stated.value)]
    names = stated.name.split("、")
    if len(names) < len(values):  # 「城镇和农村居民人均可支配收入分别增长4.3%和7.1%」
        names = re.split(vocabulary()["item_joiners"], stated.name)
    if len(names) < len(values):  # 「城乡居民人均可支配收入分别增长4.7%、6.6%」
        names = _paired(stated.name, len(values)) or _contracted(stated.name, len(values)) or names
    closing = next((w for w in vocabulary()["items_close"] if w in names[-1]), "")
    if closing:  # 「A、B等…产值」: the items are A and B, the rest is their class
        names[-1] = names[-1][: names[-1].index(closing)]
    if len(names) < 2 or len(values) != len(names):
        return
    last = "" if closing else names[-1]
    verb = _leading_verb(stated.value)  # 「分别增长4.8%、7%」: each item 「增长…」
    for index, (name, value) in enumerate(zip(names, values, strict=True)):
        if index < len(names) - 1 and len(last) > len(name):
            name += last[len(name) :]
        qualifier = _qualifier(value)
        yield replace(stated, name=name, value=verb + value.group(), qualifier=qualifier)


def _leading_verb(value: str) -> str:
    """The verb a value opens with, past 分别 or 均: what each of its figures measures."""
    adverb = next((a for a in vocabulary()["adverbs"] if value.startswith(a)), "")
    return next((v for v in _verbs() if value.startswith(v, len(adverb))), "")


def _paired(name: str, count: int) -> list[str]:
    """「城乡居民…」 with two figures is 城镇居民… and 农村居民…, in that order."""
    for word, parts in vocabulary()["paired_words"].items():
        if name.startswith(word) and len(parts) == count:
            return [part + name[len(word) :] for part in parts]
    return []


def _contracted(name: str, count: int) -> list[str]:
    """「粮肉奶产量」 with three figures is 粮食产量, 肉类产量 and 奶类产量: one character per
    item before the measure they share."""
    items = vocabulary()["contracted_items"]
    head = name[:count]
    if len(name) <= count or not all(character in items for character in head):
        return []
    return [items[character] + name[count:] for character in head]


def without_measure(name: str) -> str:
    """The subject a bare measure after it (「产量」「支出」) belongs to:
    「粮食播种面积」 → 「粮食」, 「一般公共预算收入」 → 「一般公共预算」."""
    words = vocabulary()
    for subject in words["named_with_verb"]:  # 「经济增长4.8%、总量达5.3万亿元」: 经济总量
        if name.startswith(subject) and name[len(subject) :] in words["change_verbs"]:
            return subject
    endings = sorted((*words["generic_names"], *words["measure_endings"]), key=len, reverse=True)
    ending = next((e for e in endings if name.endswith(e) and len(name) - len(e) >= 2), "")
    subject = name[: len(name) - len(ending)]
    opener = next((w for w in words["increment_openers"] if subject.startswith(w)), "")
    return subject[len(opener) :] if len(subject) - len(opener) >= 2 else subject


def _clause_figures(
    clause: str, listed: bool, topic: str = ""
) -> list[tuple[str, str, str, int, int]]:
    """(name, value, qualifier, start, end) per indicator of a clause, items split at 、.

    「研发经费支出约5100亿元、研发投入强度3.6%左右」 holds two indicators; in
    「城镇居民、农村居民人均可支配收入分别增长4.6%、6.7%」 the first item lends its words to the
    name and the last its figure to the value; 「增长6%左右、突破2.6万亿元」 is one value.
    """
    found: list[list] = []  # [name, value_start, value_end, qualifier, name_start, quote_end]
    pending: int | None = None
    for item in ITEM.finditer(clause):
        read = _read_clause(item.group(), listed=listed)
        has_figure = figure_pattern().search(item.group()) is not None
        if read is not None:
            name, value, qualifier, offset, counted = read
            name_start = item.start() + offset
            # 「…、柳林公园二期和56个口袋公园」: the items before name other things
            if pending is not None and counted != COUNTED_ALONE:
                offset, name = _strip_leading(clause[pending:name_start] + name)
                name_start = pending + offset
            value_start = item.start() + item.group().index(value)
            # 「新增1380张养老床位」: the value is the figure; the quote goes on to what it counts
            value_end = value_start + len(value) if counted else item.end()
            found.append([name, value_start, value_end, qualifier, name_start, item.end()])
            if counted == COUNTED_ALONE:
                after = (value_start + len(value), item.end())
                found.extend(_measured_after(clause, name, after, name_start, listed))
            pending = None
        elif has_figure and found:
            found[-1][2] = found[-1][5] = item.end()  # a figure without its own name continues
        elif has_figure and (on_topic := _on_topic(item.group(), topic)):
            name, _, qualifier, first, last = on_topic[0]  # quoted with 「全年」
            start = item.start()
            found.append([name, start + first, start + last, qualifier, start, item.end()])
            pending = None
        elif found and found[-1][5] == item.start() - 1 and _remarks_on_value(item.group()):
            found[-1][2] = found[-1][5] = item.end()  # 「…1221.9亿元、居全国首位」
        elif not has_figure and not _first_verb(item.group()):
            pending = item.start() if pending is None else pending
        else:
            pending = None
    return [
        (name, clause[start:end].strip(), qualifier, name_start, quote_end)
        for name, start, end, qualifier, name_start, quote_end in found
    ]


def _measured_after(
    clause: str, counted: str, after: tuple[int, int], quote_start: int, listed: bool
) -> list[list]:
    """「1593个省重点项目完成投资7295亿元」: after the things counted, a figure of theirs, named
    by them and its own words (省重点项目完成投资), quoted from the count. ``after``: from the
    end of the count's figure to the end of its item."""
    rest_start, end = after[0] + len(counted), after[1]
    rest = clause[rest_start:end]
    read = _read_clause(rest, listed=listed) if figure_pattern().search(rest) else None
    if read is None or read[4]:
        return []
    name, value, qualifier, _, _ = read
    value_start = rest_start + rest.index(value)
    return [[counted + name, value_start, end, qualifier, quote_start, end]]


def _remarks_on_value(item: str) -> bool:
    return item.startswith(tuple(vocabulary()["value_remarks"]))


def _read_clause(clause: str, *, listed: bool) -> tuple[str, str, str, int, str] | None:
    """(name, value as written, qualifier, where the name starts, how the thing counted
    follows the figure: "" when it does not, else ``COUNTED_INCREMENT`` or ``COUNTED_ALONE``),
    or None."""
    figure = figure_pattern().search(clause)
    counted = _counted_after(clause, figure) if figure else None
    if counted is not None:
        return counted
    head = clause[: figure.start()] if figure else clause
    verb = _trailing_verb(head) if figure else _first_verb(clause)
    if figure is None and not (listed and verb):
        return None  # a clause without a figure is a target only inside the target list
    cut = head.rindex(verb) if figure and verb else (clause.index(verb) if verb else len(head))
    name_start, name = _strip_leading(clause[:cut])
    name = _without_adverb(name)
    if name in vocabulary()["named_with_verb"]:
        name += verb  # 「经济增长5.5%左右」: 经济增长 is the indicator, 经济 alone is none
    end = _figures_end(clause, figure) if figure else len(clause)
    ends_clause = figure is not None and not clause[end:].strip(ENDS)
    if not _is_indicator_name(name, work_done=ends_clause):
        return None
    value = clause[cut:end]
    qualifier = _qualifier(figure) if figure else ""
    return name, value.strip(), qualifier, name_start, ""


def _counted_after(clause: str, figure: re.Match[str]) -> tuple[str, str, str, int, str] | None:
    """「新增1380张养老床位」: an increment whose figure comes before the thing it counts is
    the same indicator as 「新增养老床位400张」. 「年初确定的十大类44项民生实事全部完成」「…和56个
    口袋公园向市民开放」: words before the figure that name nothing leave the name to the thing
    it counts, up to the verb that says what became of it."""
    name_start, lead = _strip_leading(clause[: figure.start()])
    after = clause[figure.end() :].rstrip("，。；、 ")
    if lead in vocabulary()["increment_openers"]:
        if not COUNTED_THING.fullmatch(after) or _first_verb(after):
            return None
        value = figure.group().strip()
        return lead + after, value, _qualifier(figure), name_start, COUNTED_INCREMENT
    # 「10大类55项民生实事」: the kinds counted before the figure are quoted with it
    kinds_counted = alternation(vocabulary()["kinds_counted"])
    kinds = re.search(rf"[\d{ORDINAL_DIGITS}]+(?:{kinds_counted})$", lead)
    if lead and not kinds and not lead.endswith(tuple(vocabulary()["naming_nothing_before"])):
        return None
    if any(share in figure.group() for share in vocabulary()["shares"]):
        return None  # 「所有乡镇和90%以上行政村通硬化路」: a share of them, said with the rest
    ends = [at for word in vocabulary()["counted_thing_ends"] if (at := after.find(word)) > 0]
    counted = after[: min(ends)] if ends else after
    if not COUNTED_ALONE_THING.fullmatch(counted) or (not lead and not ends):
        return None  # 「40万亩…项目率先完工」: a clause opened by a figure says what became of it
    kinds_written = kinds.group() if kinds else ""
    value = kinds_written + figure.group().strip()  # 「12类45件」 as written
    start = figure.start() - len(kinds_written)
    return counted, value, _qualifier(figure), start, COUNTED_ALONE


def _figures_end(clause: str, figure: re.Match[str]) -> int:
    """The end of a run of figures joined by 、 or a dash: a range or a 「分别」 list."""
    end = figure.end()
    while end < len(clause) and JOINED.match(clause, end):
        start = end + 1
        striving = next((w for w in vocabulary()["striving"] if clause.startswith(w, start)), "")
        start += len(striving)  # 「增长7%以上、力争达到8%」: the higher aim is the same target's
        verb = next((v for v in _verbs() if clause.startswith(v, start)), "")
        following = figure_pattern().match(clause, start + len(verb))
        if following is None:
            break
        end = following.end()
    return end


def _is_indicator_name(name: str, *, work_done: bool = False) -> bool:
    """``work_done``: the figure ends its clause, so a name that ends in an action word may
    name the work done on a thing (「城中村改造6万户」), not an action whose objects follow
    the figure (「建成2个…」)."""
    words = vocabulary()
    if not 2 <= len(name) <= words["max_name_chars"] or not CJK.search(name):
        return False
    if name in words["leading"] or LEADING_YEAR.fullmatch(name):
        return False  # 「力争达到8%」「2024年达到1.3万亿元」: a figure with no subject of its own
    if name.count("“") != name.count("”"):
        return False
    endings = tuple(words["action_endings"])
    if not name.endswith(endings):
        return True
    return work_done and _work_on_a_thing(name, endings)


def _work_on_a_thing(name: str, endings: tuple[str, ...]) -> bool:
    """「特殊困难家庭适老化改造」: a thing of two characters or more, then the work done on it;
    not 「累计建成」, two actions."""
    ending = max((e for e in endings if name.endswith(e)), key=len)
    thing = name[: -len(ending)]
    manner = tuple(vocabulary()["manner_words"])
    return len(CJK.findall(thing)) >= 2 and not thing.endswith((*endings, *manner))


def _trailing_verb(head: str) -> str:
    return next((v for v in _verbs() if head.endswith(v)), "")


def _first_verb(clause: str) -> str:
    found = [(clause.find(v), -len(v), v) for v in _verbs() if clause.find(v) > 0]
    return min(found)[2] if found else ""


@cache
def _verbs() -> tuple[str, ...]:
    return tuple(sorted(vocabulary()["verbs"], key=len, reverse=True))


def _without_adverb(name: str) -> str:
    """「…产值分别」 → 「…产值」: the adverb before the verb is no part of the name."""
    adverb = next((a for a in vocabulary()["adverbs"] if name.endswith(a)), "")
    return name[: len(name) - len(adverb)] if adverb and len(name) - len(adverb) >= 2 else name


def _strip_leading(text: str) -> tuple[int, str]:
    """Drop 「预计」「全省」「其中」… in front of a name; return where the name starts."""
    leading = sorted(vocabulary()["leading"], key=len, reverse=True)
    start = 0
    while True:
        year = LEADING_YEAR.match(text, start)
        word = year.group() if year else next((w for w in leading if text.startswith(w, start)), "")
        if not word or len(text) - start - len(word) < 2:
            return start, text[start:].strip()
        start += len(word)


def _span(paragraph: Paragraph, start: int, end: int) -> Span:
    if not paragraph.origin:
        return paragraph.span
    return Span(paragraph.origin[start], paragraph.origin[end - 1] + 1)
