"""One reading of a question, done once: its places, its days, its wording made canonical.

The places come from the administrative-division dataset (``assistant.places``), read against
the places of the indexed documents: the document's own place, a place inside it, a place that
contains it, or a place elsewhere. Vocabulary is data (``resources/analysis.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from assistant.ingest.figures import alternation
from assistant.knowledge import DocumentKnowledge
from assistant.places import Place, PlaceMention, PlaceReader, by_code, find_place, resolve
from assistant.query.cues import cue, vocabulary
from assistant.query.normalise import normalise_text, sets_scene
from assistant.script import to_simplified

MIN_NAME_CHARS = 2  # a quoted name shorter than this is punctuation, not a name


@dataclass(frozen=True)
class PlacesAsked:
    """How the places a question names relate to the indexed documents."""

    documents: tuple[DocumentKnowledge, ...] = ()  # documents about a place the question names
    inside: tuple[str, ...] = ()  # places inside an indexed document's place (杭州 in 浙江)
    elsewhere: tuple[str, ...] = ()  # places no indexed document is about or inside
    containing: tuple[DocumentKnowledge, ...] = ()  # the documents the ``inside`` places lie in

    @property
    def named(self) -> bool:
        return bool(self.documents or self.inside or self.elsewhere)


@dataclass(frozen=True)
class QuestionAnalysis:
    original: str
    text: str  # NFKC, no spaces, digits for Chinese numerals before counters
    days: tuple[str, ...]  # 「明天」「下周」: a yearly document says nothing day by day
    places: PlacesAsked
    across: bool = False  # 「各省…」「哪些省份…」: every document in scope, side by side
    personal: tuple[str, ...] = ()  # 「省长的老家」: no document states anyone's private details


def analyse(
    question: str,
    documents: Sequence[DocumentKnowledge],
    mentioned: Callable[[str], bool],
    mentioned_in: Callable[[DocumentKnowledge, str], bool] | None = None,
) -> QuestionAnalysis:
    """``mentioned``: whether the indexed text has a phrase (a name the documents use);
    ``mentioned_in``: whether one document's text has it."""
    text = normalise_text(question)
    days = _unmentioned("days", text, mentioned)
    across = any(word in text for word in vocabulary()["across_documents"])
    places = places_asked(text, documents, mentioned, mentioned_in)
    personal = _personal(text, mentioned)
    return QuestionAnalysis(question, text, days, places, across, personal)


def _a_partner(text: str, mention: PlaceMention) -> bool:
    """Joined by 和/与/同/跟 after other words (not 「四川和重庆」 side by side), and followed
    within a few characters by a word of working together."""
    before = text[: mention.start]
    if not before.endswith(tuple(vocabulary()["partner_joiners"])) or len(before) < 2:
        return False
    if before[-2:-1] and _ends_with_place(before[:-1]):
        return False  # 「四川和重庆的…」 names two places side by side: both are asked about
    after = text[mention.start + len(mention.text) : mention.start + len(mention.text) + 6]
    return any(word in after for word in vocabulary()["partner_words"])


def _ends_with_place(text: str) -> bool:
    mentions = _reader(()).mentions(text)
    return bool(mentions) and mentions[-1].start + len(mentions[-1].text) == len(text)


def _personal(text: str, mentioned: Callable[[str], bool]) -> tuple[str, ...]:
    """Personal words the question uses as the indexed text never does: 「老家是哪里」 is about
    a person even where one report's slogan is 「老家河南」. Not in the asker's own scene."""
    scene = _scene_pieces(text)
    return _unmentioned(
        "personal", text, mentioned, lambda at: any(begin <= at < end for begin, end in scene)
    )


def _unmentioned(
    vocabulary_name: str,
    text: str,
    mentioned: Callable[[str], bool],
    aside: Callable[[int], bool] = lambda at: False,
) -> tuple[str, ...]:
    """The question's words of one vocabulary list that no indexed text uses as the question
    does: with the two characters after them too (「明天天气」, where a text has only
    「明天去一趟」). ``aside``: where in the question a word does not count."""
    found = re.finditer(alternation(vocabulary()[vocabulary_name]), text)
    words = [
        m.group()
        for m in found
        if not mentioned(text[m.start() : m.end() + 2]) and not aside(m.start())
    ]
    return tuple(dict.fromkeys(words))


def document_place(document: DocumentKnowledge) -> Place | None:
    meta = document.meta
    if meta.place_code and meta.place_code in by_code():
        return by_code()[meta.place_code]
    return find_place(meta.place) if meta.place else None


def places_asked(
    text: str,
    documents: Sequence[DocumentKnowledge],
    mentioned: Callable[[str], bool],
    mentioned_in: Callable[[DocumentKnowledge, str], bool] | None = None,
) -> PlacesAsked:
    own = {d.meta.doc_id: document_place(d) for d in documents}
    context = [p for p in own.values() if p is not None]
    reader = _reader(tuple(context))
    places: list[tuple[str, Place]] = []
    starts: list[int] = []
    run_on: list[tuple[str, Place]] = []
    mentions = reader.mentions(text)
    used_from, used_until = -1, -1  # a name the documents use, begun by a place
    for mention in mentions:
        end = mention.start + len(mention.text)
        if mention.start == used_until and mentioned(text[used_from:end]):
            used_until = end
            continue  # 「北京大兴机场」 used whole: 大兴 is part of the name
        place = resolve(mention, context)
        if _qualifies_a_name(text, mention, place, mentions, context):
            continue  # 「河南中欧班列（郑州）」: 郑州 is part of a name in 河南, not a place asked
        if (places or run_on) and _ends_a_route(text[: mention.start]):
            continue  # 「银川到北京要多久」: where a route ends, not a place asked about
        if (places or run_on) and _a_partner(text, mention):
            continue  # 「四川今年和重庆的年度共建项目」
        if _a_name_used(text, mention.start, mention.text, mentioned):
            used_from, used_until = mention.start, end
            name = text[mention.start : end + 2]
            if _named(place, mention.text, documents, own) or _written_only_around(
                name, place, documents, own, mentioned_in
            ):
                run_on.append((mention.text, place))
            # else 「中山公园」 in a question about a park the documents name
            continue
        places.append((mention.text, place))
        starts.append(mention.start)
    places = _where_asked(text, places, starts)
    # 「北京大兴国际机场综保区（河北）」: the place named on its own is the one asked about; one
    # inside a longer name counts only when no other is named.
    return _relate(places or run_on, documents, own)


def _written_only_around(
    name: str,
    place: Place,
    documents: Sequence[DocumentKnowledge],
    own: dict,
    mentioned_in: Callable[[DocumentKnowledge, str], bool] | None,
) -> bool:
    """「鄂州花湖机场」: a name begun by a city that only documents of places around the city
    write (湖北's report) is asked of them; 「中山公园」, written about other places, is not."""
    if mentioned_in is None:
        return False
    writers = [d for d in documents if mentioned_in(d, name)]
    around = [own[d.meta.doc_id] for d in writers]
    return bool(writers) and all(a is not None and place.within(a) for a in around)


def _ends_a_route(before: str) -> bool:
    words = vocabulary()
    return before.endswith(tuple(words["route_words"])) and not before.endswith(
        tuple(words["not_route_words"])
    )


def _where_asked(
    text: str, places: list[tuple[str, Place]], starts: list[int]
) -> list[tuple[str, Place]]:
    """「我住福州一个老小区，想知道福建省今年改造多少户」: a place named only where the asker tells
    of their own situation sets the scene, when the question names another place elsewhere."""
    scene = _scene_pieces(text)
    asked = [not any(a <= start < b for a, b in scene) for start in starts]
    if not any(asked) or all(asked):
        return places
    return [place for place, kept in zip(places, asked, strict=True) if kept]


def _scene_pieces(text: str) -> list[tuple[int, int]]:
    """The pieces where the asker tells of their own situation (「我老家在农村」), when another
    piece asks: a question that is all scene (「我想知道省长的老家」) has none."""
    pieces = _pieces(text)
    scene = [(begin, end) for begin, end in pieces if sets_scene(text[begin:end])]
    return scene if len(scene) < len(pieces) else []


def _pieces(text: str) -> list[tuple[int, int]]:
    """Where each piece of a question begins and ends, with the mark after it (「…多少？」)."""
    spans, begin = [], 0
    for separator in cue("part_separator").finditer(text):
        spans.append((begin, separator.end()))
        begin = separator.end()
    return [*spans, (begin, len(text))] if begin < len(text) else spans


def longest_prefix(text: str, shortest: int, found: Callable[[str], bool]) -> str:
    """The longest start of ``text``, ``shortest`` characters or more, that ``found`` accepts
    ("" if none): the name a question writes as the text does."""
    return next((text[:end] for end in range(len(text), shortest - 1, -1) if found(text[:end])), "")


def own_place_question(text: str, document: DocumentKnowledge) -> str:
    """「江苏和粤今年GDP目标分别是多少」 asked of 广东's report is 「粤今年GDP目标分别是多少」: the
    other places of a run of places joined by 和/与/、 are left out. "" when the text names no
    such run with the document's place in it."""
    own = document_place(document)
    mentions = _reader(()).mentions(text)
    compared = _compared_with(text, mentions, own)
    if compared:
        return compared
    run = [mentions[0]] if mentions else []
    for mention in mentions[1:]:
        between = text[run[-1].start + len(run[-1].text) : mention.start]
        if between not in vocabulary()["place_joiners"]:
            break
        run.append(mention)
    if own is None or len(run) < 2:
        return ""
    mine = next((m for m in run if own in m.candidates), None)
    if mine is None:
        return ""
    start, end = run[0].start, run[-1].start + len(run[-1].text)
    return text[:start] + mine.text + text[end:]


def _compared_with(text: str, mentions: Sequence[PlaceMention], own: Place | None) -> str:
    """「新疆今年GDP目标比北京高多少」: what is asked of each place is the part before 「比」,
    for 北京's report with 北京 in 新疆's stead (「北京今年GDP目标」)."""
    if own is None or len(mentions) != 2:
        return ""
    first, second = mentions
    word = next(
        (w for w in vocabulary()["place_comparers"] if text[: second.start].endswith(w)), ""
    )
    if not word or first.start + len(first.text) > second.start - len(word):
        return ""
    subject = text[: second.start - len(word)]
    if own in first.candidates:
        return subject
    if own in second.candidates:
        return subject[: first.start] + second.text + subject[first.start + len(first.text) :]
    return ""


def place_position(text: str, document: DocumentKnowledge) -> int:
    """Where the text first names the document's place (len(text) when it does not)."""
    own = document_place(document)
    found = (m.start for m in _reader(()).mentions(text) if own is not None and own in m.candidates)
    return next(found, len(text))


def is_a_place(name: str) -> bool:
    """The whole name is a division's name or short form: 「江苏」「粤」「内蒙古自治区」."""
    return any(m.start == 0 and m.text == name for m in _reader(()).mentions(name))


def names_a_place(text: str) -> bool:
    """Some place is named in the text: 「四川报告」."""
    return bool(_reader(()).mentions(text))


@cache
def _reader(context: tuple[Place, ...]) -> PlaceReader:
    return PlaceReader(context, nicknames=True, joiners=vocabulary()["place_joiners"])


def _qualifies_a_name(
    text: str,
    mention: PlaceMention,
    place: Place,
    mentions: Sequence[PlaceMention],
    context: Sequence[Place],
) -> bool:
    """A place in brackets after a name, inside another place the question names on its own.
    「北京大兴国际机场综保区（河北）」 asks about 河北: nothing else is named on its own there."""
    end = mention.start + len(mention.text)
    before, after = text[max(0, mention.start - 1) : mention.start], text[end : end + 1]
    if not (before and after and before in "（(" and after in "）)"):
        return False
    return any(other is not mention and place.within(resolve(other, context)) for other in mentions)


def _named(
    place: Place, written: str, documents: Sequence[DocumentKnowledge], own: dict
) -> list[DocumentKnowledge]:
    """The documents about the place a mention names (by division, or by their own names)."""
    return [d for d in documents if own[d.meta.doc_id] == place or written in d.own_names]


def _a_name_used(text: str, start: int, written: str, mentioned: Callable[[str], bool]) -> bool:
    """The place's words run on into a name the indexed text has (「中山公园」)."""
    after = text[start + len(written) : start + len(written) + 2]
    if not re.fullmatch(r"[\u4e00-\u9fff]{2}", after):
        return False
    if set(after) & set(vocabulary()["joining_characters"]):
        return False
    return mentioned(written + after)


def _relate(
    places: list[tuple[str, Place]], documents: Sequence[DocumentKnowledge], own: dict
) -> PlacesAsked:
    named: list[DocumentKnowledge] = []
    containing: list[DocumentKnowledge] = []
    inside: list[str] = []
    elsewhere: list[str] = []
    chosen = [p for _, p in places]
    for written, place in places:
        if any(other.within(place) for other in chosen):
            continue  # 「上海宝山」: the city only says where 宝山 is
        matches = _named(place, written, documents, own)
        around = [d for d in documents if own[d.meta.doc_id] and place.within(own[d.meta.doc_id])]
        if matches:
            named.extend(m for m in matches if m not in named)
        elif any(o is not None and o.within(place) for o in own.values()):
            elsewhere.append(written)  # 「上海市」 for a district's plan: the whole city
        elif any(_context_of(written, d) for d in documents):
            continue  # 「临江市江北区」: the document names its own city
        elif around:
            inside.append(written)
            containing.extend(d for d in around if d not in containing)
        else:
            elsewhere.append(written)
    return PlacesAsked(
        tuple(named),
        tuple(dict.fromkeys(inside)),
        tuple(dict.fromkeys(elsewhere)),
        tuple(containing),
    )


def _context_of(written: str, document: DocumentKnowledge) -> bool:
    """A place written in the document's title or issuer, around its own place's name."""
    meta = document.meta
    return bool(meta.place) and any(
        written in field and meta.place in field for field in (meta.title, meta.issuer)
    )


def quoted_names(text: str) -> list[str]:
    """The names a question puts in quotes: 「“四百”大走访」 → 四百, in simplified characters as
    plans are written (「「數字生活100」」 → 数字生活100)."""
    text = to_simplified(text)
    found: list[str] = []
    for pair in vocabulary()["quotes"]:
        opening, closing = pair[0], pair[-1]
        start = text.find(opening)
        while start >= 0:
            end = text.find(closing, start + 1)
            if end < 0:
                break
            name = text[start + 1 : end].strip()
            if len(name) >= MIN_NAME_CHARS:
                found.append(name)
            start = text.find(opening, end + 1)
    return found
