"""What a name means: the document's own footnote or table note for it, or its long form.

Plans explain their coinages in notes: 「“四百”大走访³」 with 「³ 即进百家门、访百家情…」 at the
foot of the page, or 「备注：产业类投资额：工业用地投资和研发类用地投资的总和。」 under a table. The
cleaned text keeps each footnote in the section of the passage that referred to it, so the note
for a name is the footnote of the section where the name is used. A name made of short items
(「主阵地、主城区、样板区」) is defined where each item stands in its long form
(「上海科创中心主阵地」…).
A name the text uses but never explains (no note, no long form, no list or 「即」 after it) is
refused as such, with the passage that uses it, rather than answered by that passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.knowledge import DocumentKnowledge
from assistant.query.analysis import longest_prefix, quoted_names, vocabulary
from assistant.query.cues import cue
from assistant.query.draft import Draft, Evidence
from assistant.query.intent import Intent
from assistant.query.normalise import Question, chinese_number
from assistant.query.sentences import sentences
from assistant.query.when import asked_years, sentence_fits
from assistant.records import Chunk, ChunkKind

LONG_FORM = r"[\u4e00-\u9fff]{2,16}"  # the words before an item in its long form
COUNTED_MIN = 4  # characters of a counted name at least (「三大高地」)
EXAMPLE_NAME_MIN = 6  # characters of a name after its examples at least (「特色劳务品牌」): a
# shorter one (「重大项目」「未来产业」) names a class the tables or the text list otherwise
# Examples listed before what they are examples of: 「A、B、C等49个」 (the name follows).
LISTED = rf"{LONG_FORM}(?:、{LONG_FORM})+"  # items in a row: 「电动汽车、锂电池、光伏产品」
EXAMPLES = re.compile(rf"{LISTED}等(?:\d+[个项家所类种条座])?")
ITEMS = re.compile(LISTED)
ITEMS_WITHIN = 2  # sentences after a counted name where the text may list its items
EXPLAINED_MIN = 6  # characters an explanation runs to at least
EXPLAINED_WITHIN = 40  # characters after a name where a list or 「即…」 explains it
# A few words between a quoted name and the colon that explains it: 「“三大工程”建设：保障性住房…」
NAMED_KIND = re.compile(r"^[\u4e00-\u9fff]{1,4}(?=[：:])")


class Definitions:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._paragraphs: dict[str, list[Chunk]] = {}
        self._notes: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            if chunk.kind is ChunkKind.FOOTNOTE:
                self._notes.setdefault(chunk.doc_hash, []).append(chunk)
            elif chunk.kind is ChunkKind.PARAGRAPH:
                self._paragraphs.setdefault(chunk.doc_hash, []).append(chunk)

    def define(
        self, question: Question, document: DocumentKnowledge, intent: Intent
    ) -> Draft | None:
        if not (intent.definition or intent.listing):
            return None
        notes = self._notes.get(document.meta.content_hash, [])
        paragraphs = self._paragraphs.get(document.meta.content_hash, [])
        for name in quoted_names(question.original) if intent.definition else ():
            draft = self._defined(name, notes, paragraphs, document)
            if draft is not None:
                return draft
        for name in quoted_names(question.original) if intent.listing else ():
            listed = _items_after(name, paragraphs)  # 「“新三样”是哪三样」
            if listed is not None:
                return _told(name, *listed)
        # 「4个重点行业是哪些」 asks the items of a counted name as much as 「是哪4个」 does.
        for name in _counted_names(question.original, paragraphs):
            listed = _listed_before(name, paragraphs)
            if listed is not None:  # 「量子信息、聚变能源、深空探测三大科创引领高地」
                chunk, sentence = listed
                return _told(name, chunk, sentence)
        if intent.listing:
            wanted = asked_years(question, document, intent)
            for chunk, sentence, name in _examples_before(question.text, paragraphs):
                if sentence_fits(chunk, sentence, document, wanted, question):
                    return _told(name, chunk, sentence)  # 「青海拉面、青绣…等49个特色劳务品牌」
        return None

    def _defined(
        self,
        name: str,
        notes: Sequence[Chunk],
        paragraphs: Sequence[Chunk],
        document: DocumentKnowledge,
    ) -> Draft | None:
        """The first that holds: its note, its long form, the sentence explaining it, or the
        passage that uses it without explaining it (a refusal)."""
        draft = Draft()
        note = self._note_for(name, notes, document)
        if note is not None:
            draft.say("definition", Evidence(note, note.quote), name=name, note=note.quote)
            return draft
        long_form = _long_form(name, paragraphs)
        if long_form is not None:
            chunk, sentence, forms = long_form
            draft.say("definition_long", Evidence(chunk, sentence), name=name, forms=forms)
            return draft
        explained = _explained(name, paragraphs)
        if explained is not None:  # 「高原特色农业“六项重点工作”：种业、设施农业…」
            chunk, sentence = explained
            draft.say("definition_text", Evidence(chunk, sentence), name=name, sentence=sentence)
            return draft
        listed = _items_after(name, paragraphs)
        if listed is not None:  # 「“新三样”助力出口…。电动汽车、锂电池、光伏产品出口表现突出」
            return _told(name, *listed)
        unexplained = _used_unexplained(name, paragraphs)
        if unexplained is not None:
            refusal = Draft(refused=True)
            refusal.say("definition_missing", Evidence(*unexplained), name=name)
            return refusal
        return None

    def _note_for(
        self, name: str, notes: Sequence[Chunk], document: DocumentKnowledge
    ) -> Chunk | None:
        """A note that names it (「产业类投资额：…」) or whose marker follows it, else the one
        note of the section using it when that note's marker is not placed."""
        named = [note for note in notes if f"{name}：" in note.quote or f"{name}:" in note.quote]
        marked = [note for note in notes if name in note.annotates]  # 「…行动计划²」
        if named or marked:
            return (named or marked)[0]
        for paragraph in self._paragraphs.get(document.meta.content_hash, []):
            if name not in paragraph.quote:
                continue
            here = [note for note in notes if note.section == paragraph.section]
            # A note whose marker follows other words is theirs, not this name's.
            if len(here) == 1 and not here[0].annotates:
                return here[0]
        return None


def _counted_names(question: str, paragraphs: Sequence[Chunk]) -> list[str]:
    """Names the question counts without quotes (「三大科创引领高地是哪三个」), as the text
    writes them: the longest stretch from the numeral that a paragraph has."""
    names = []
    for found in cue("counted_in_question").finditer(question):
        name = longest_prefix(
            found.group(), COUNTED_MIN, lambda stretch: any(stretch in p.quote for p in paragraphs)
        )
        if name:
            names.append(name)
    return names


def _listed_before(name: str, paragraphs: Sequence[Chunk]) -> tuple[Chunk, str] | None:
    """The sentence that lists a counted name's items right before it (「A、B、C三大X」)."""
    for chunk in paragraphs:
        for sentence in sentences(chunk.quote):
            at = sentence.find(name)
            if at > 0 and re.search(f"{LISTED}$", sentence[:at]):
                return chunk, sentence
    return None


def _long_form(name: str, paragraphs: Sequence[Chunk]) -> tuple[Chunk, str, str] | None:
    """「主阵地、主城区、样板区」: a sentence that has every item with words before it, in order
    (「“上海科创中心主阵地”“国际大都市主城区”和“全市绿色低碳转型样板区”」)."""
    items = [item for item in re.split(r"[、，,]", name) if item]
    if len(items) < 2:
        return None
    pattern = re.compile(".{0,8}?".join(f"({LONG_FORM}{re.escape(item)})" for item in items))
    for chunk in paragraphs:
        for sentence in sentences(chunk.quote):
            found = pattern.search(sentence)
            if found:
                return chunk, sentence, "、".join(found.groups())
    return None


def _explained(name: str, paragraphs: Sequence[Chunk]) -> tuple[Chunk, str] | None:
    """The sentence where the text explains the name right after it: a colon, 「即」, 「是指」,
    「包括」 or a bracket follows (a list alone may just go on naming things)."""
    introducing = [w for w in vocabulary()["explaining"] if w != "、"]
    for chunk in paragraphs:
        for sentence in sentences(chunk.quote):
            at = sentence.find(name)
            if at < 0:
                continue
            after = sentence[at + len(name) :].lstrip('”」"』')
            after = NAMED_KIND.sub("", after)  # a glossary's 「“三大工程”建设：…」
            if re.match("|".join(introducing), after) and len(after) > EXPLAINED_MIN:
                return chunk, sentence
    return None


def _items_after(name: str, paragraphs: Sequence[Chunk]) -> tuple[Chunk, str] | None:
    """A name that holds a count, coined in quotes by the text (「“新三样”」), and a list of at
    least that many items in the sentences right after: the passage from the name to the list.
    (A name the text does not quote, 「三个一号旅游公路」, is a thing, not a coinage.)"""
    counted = cue("count_in_name").search(name)
    if counted is None:
        return None
    number = counted.group(1)
    count = int(number) if number.isdigit() else chinese_number(number)
    for chunk in paragraphs:
        said = sentences(chunk.quote)
        for at, sentence in enumerate(said):
            if not any(f"{o}{name}{c}" in sentence for o, c in vocabulary()["quotes"]):
                continue
            for following in said[at + 1 : at + 1 + ITEMS_WITHIN]:
                if any(m.group().count("、") + 1 >= count for m in ITEMS.finditer(following)):
                    start = chunk.quote.find(sentence)
                    end = chunk.quote.find(following, start) + len(following)
                    return chunk, chunk.quote[start:end]
    return None


def _used_unexplained(name: str, paragraphs: Sequence[Chunk]) -> tuple[Chunk, str] | None:
    """The first passage that uses the name, when none explains it: no list (「、」), 「即」,
    「指」, 「包括」, colon or bracket follows it closely, and no list or bracket comes right
    before it (the long form first)."""
    used: tuple[Chunk, str] | None = None
    for chunk in paragraphs:
        for sentence in sentences(chunk.quote):
            at = sentence.find(name)
            if at < 0:
                continue
            after = sentence[at + len(name) : at + len(name) + EXPLAINED_WITHIN]
            if re.search("|".join(vocabulary()["explaining"]), after):
                return None
            before = sentence[max(0, at - EXPLAINED_WITHIN) : at].rstrip('“「"『')
            if "、" in before or "（" in before[-4:]:
                return None  # 「老仓库、老码头…等“五老”空间」「…行动方案（提信心“28条”）」
            used = used or (chunk, sentence)
    return used


def _told(name: str, chunk: Chunk, sentence: str) -> Draft:
    draft = Draft()
    draft.say("definition_text", Evidence(chunk, sentence), name=name, sentence=sentence)
    return draft


def _examples_before(question: str, paragraphs: Sequence[Chunk]) -> list[tuple[Chunk, str, str]]:
    """Sentences that list examples of a name the question writes as the text does, right
    before it: 「青海拉面、青绣、互助家政、大通护工等49个特色劳务品牌」 for 「特色劳务品牌有哪些」.
    Longest name first."""
    found = []
    for chunk in paragraphs:
        for sentence in sentences(chunk.quote):
            for listed in EXAMPLES.finditer(sentence):
                after = sentence[listed.end() :]
                name = longest_prefix(after, EXAMPLE_NAME_MIN, lambda stretch: stretch in question)
                if name:
                    found.append((chunk, sentence, name))
    return sorted(found, key=lambda item: -len(item[2]))
