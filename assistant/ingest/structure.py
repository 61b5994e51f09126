"""Give every paragraph its place in the document (section path) and its time; read its facts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.ingest.blocks import Block, BlockKind
from assistant.ingest.clean import SUPERSCRIPT_DIGITS, clean_text
from assistant.ingest.facts import DATE, is_furniture, read_facts
from assistant.ingest.figures import read_figures
from assistant.ingest.load import LoadedText
from assistant.ingest.tables import parse_tables
from assistant.ingest.timing import ChapterClock, DocumentYears, is_unnumbered_chapter
from assistant.records import (
    DocumentKind,
    Footnote,
    Paragraph,
    ParsedDocument,
    TableSet,
)
from assistant.script import looks_traditional

NUMERAL = "一二三四五六七八九十"
# (level, pattern): 附件N › 一、 › （一） › 1.
HEADING_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"^附件\d+$")),
    (1, re.compile(f"^[{NUMERAL}]+、")),
    (2, re.compile(f"^[（(][{NUMERAL}]+[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
)
TABLE_TITLE = re.compile(r"^表\d+")
TABLE_NOTE = re.compile(r"^(备注|注)[：:]")
LEAD_PHRASE = re.compile(r"^([^，。；：、“”]{2,24})。")
MAX_HEADING_CHARS = 60
FRONT_MATTER_BLOCKS = 15
FRONT_MATTER_CHARS = 80
ANNOTATED_CHARS = 30  # how far back from a footnote marker its words are looked for


@dataclass
class _Outline:
    """The headings in force while walking the document."""

    headings: dict[int, str] = field(default_factory=dict)
    table_title: str = ""

    def enter(self, level: int, heading: str) -> None:
        self.headings = {k: v for k, v in self.headings.items() if k < level}
        self.headings[level] = heading
        self.table_title = ""

    def path(self) -> tuple[str, ...]:
        return tuple(self.headings[level] for level in sorted(self.headings))


def heading_level(text: str, outline: _Outline) -> int | None:
    """The outline level of a heading line, or None for body text."""
    if len(text) > MAX_HEADING_CHARS or "。" in text:
        return None
    if is_unnumbered_chapter(text):
        return 1
    for level, pattern in HEADING_LEVELS:
        if pattern.match(text):
            # Numbered 1./1、 lines are list items unless they sit inside a numbered chapter.
            if level == 3 and 1 not in outline.headings:
                return None
            return level
    return None


def parse_document(loaded: LoadedText) -> ParsedDocument:
    """Loaded text → cleaned blocks → outline, paragraphs, footnotes, tables, metadata."""
    traditional = looks_traditional(loaded.text)
    blocks = clean_text(loaded.text, fold_traditional=traditional)
    meta = replace(read_facts(blocks, loaded.source, loaded.content_hash), traditional=traditional)
    years = DocumentYears(meta.results_year, meta.plan_year)
    clock = ChapterClock(years, reviews_first=meta.kind is not DocumentKind.OTHER)
    paragraphs, footnotes, table_sections = _walk(blocks, clock)
    footnotes = _place_footnotes(footnotes, paragraphs, loaded.text)
    tables = _with_sections(parse_tables(blocks), table_sections)
    body = [p for p in paragraphs if not p.masthead]
    tables = replace(tables, figures=read_figures(body, years))
    return ParsedDocument(meta, loaded.text, tuple(paragraphs), tuple(footnotes), tables)


def _walk(
    blocks: Sequence[Block], clock: ChapterClock
) -> tuple[list[Paragraph], list[Footnote], dict[str, tuple[str, ...]]]:
    outline = _Outline()
    paragraphs: list[Paragraph] = []
    footnotes: list[Footnote] = []
    table_sections: dict[str, tuple[str, ...]] = {}
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.ROW:
            continue
        if block.kind is BlockKind.FOOTNOTE:
            footnotes.append(Footnote(block.marker, block.text, block.span))
            continue
        level = heading_level(block.text, outline)
        if level is None and not outline.headings and _dated_line(index, block.text):
            paragraphs.append(Paragraph(block.text, (), block.span, block.origin, masthead=True))
            continue
        if level is None and not outline.headings and _front_matter(index, block.text):
            continue  # masthead, 来源, toolbars: read as document facts, not as content
        if level is not None:
            outline.enter(level, block.text)
            clock.enter(level, block.text)
        elif TABLE_TITLE.match(block.text):
            outline.table_title = block.text
            table_sections[block.text] = outline.path()
        elif TABLE_NOTE.match(block.text) and outline.table_title:
            section = (*outline.path(), outline.table_title)
            footnotes.append(Footnote("备注", block.text, block.span, section))
        else:
            outline.table_title = ""
            path = _paragraph_path(outline, block)
            paragraphs.append(Paragraph(block.text, path, block.span, block.origin, clock.now))
    return paragraphs, footnotes, table_sections


def _front_matter(index: int, text: str) -> bool:
    """A short line without a sentence near the top, before any heading."""
    return index < FRONT_MATTER_BLOCKS and len(text) < FRONT_MATTER_CHARS and "。" not in text


def _dated_line(index: int, text: str) -> bool:
    """A line near the top that dates the document (its signature, 「…印发」, 「…在…会议上」):
    kept, because people ask when a document was issued and the answer must quote it."""
    return index < FRONT_MATTER_BLOCKS and bool(DATE.search(text)) and not is_furniture(text)


def _paragraph_path(outline: _Outline, block: Block) -> tuple[str, ...]:
    lead = LEAD_PHRASE.match(block.text)
    return (*outline.path(), lead.group(1)) if lead else outline.path()


def _place_footnotes(
    footnotes: list[Footnote], paragraphs: list[Paragraph], raw: str
) -> list[Footnote]:
    """A numbered footnote takes the section of the paragraph that carries its marker."""
    placed = []
    for footnote in footnotes:
        if footnote.section:
            placed.append(footnote)
            continue
        marker = footnote.marker.translate(str.maketrans("0123456789", SUPERSCRIPT_DIGITS))
        position = _marker_position(raw, marker, footnote.span.start)
        home = next(
            (
                p
                for p in paragraphs
                if position is not None and p.span.start <= position < p.span.end
            ),
            None,
        )
        annotates = _words_before(home, position) if home and position is not None else ""
        placed.append(replace(footnote, section=home.section if home else (), annotates=annotates))
    return placed


def _words_before(paragraph: Paragraph, position: int) -> str:
    """The clause of the paragraph up to a marker at ``position`` in the original text:
    「制定“数字生活100”行动计划」 for the ² after it."""
    end = sum(1 for offset in paragraph.origin if offset < position)
    before = paragraph.text[max(0, end - ANNOTATED_CHARS) : end]
    return re.split(r"[，。；：！？,;]", before)[-1]


def _marker_position(raw: str, marker: str, body_start: int) -> int | None:
    """The marker in running text: an occurrence that does not open the footnote body."""
    for match in re.finditer(re.escape(marker), raw):
        line_start = raw.rfind("\n", 0, match.start()) + 1
        if raw[line_start : match.start()].strip() and match.end() <= body_start:
            return match.start()
    return None


def _with_sections(tables: TableSet, sections: dict[str, tuple[str, ...]]) -> TableSet:
    others = tuple(replace(t, section=sections.get(t.title, t.section)) for t in tables.others)
    return replace(tables, others=others)
