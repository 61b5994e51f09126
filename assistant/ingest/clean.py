"""Undo what PDF extraction does to plan documents, keeping a map back to original offsets.

Every edit is either a deletion or a same-length substitution, so each cleaned character keeps
the offset of the original character it came from (``Block.origin``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from assistant.ingest.blocks import Block, BlockKind
from assistant.script import simplified_same_length

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
WIDE = f"[{CJK}{CJK_PUNCT}]"
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
SENTENCE_END = "。！？；：!?;…"
CLOSERS = "”’」』）)》"

HEADING = re.compile(
    r"^(附件\s*\d+|表\s*\d+|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）"
    r"|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[章节部分])"
)


@dataclass
class _Piece:
    """Mutable text under cleaning: characters and their original offsets."""

    kind: BlockKind
    text: str
    origin: list[int]
    marker: str = ""

    def block(self) -> Block:
        return Block(self.kind, self.text, tuple(self.origin), self.marker)


def clean_text(raw: str, *, fold_traditional: bool = False) -> list[Block]:
    """Raw extracted text → blocks in reading order, joined across page breaks. A document
    written in traditional characters is folded to simplified, one character for one, so that
    every cue word matches and each character keeps its original offset."""
    pieces = [_normalise(piece) for piece in _split_pieces(raw)]
    pieces = [piece for piece in pieces if piece.text]
    # Normalising again lets rules apply across the seams that joining created.
    blocks = [_normalise(piece).block() for piece in _join_page_breaks(pieces)]
    if fold_traditional:
        blocks = [replace(block, text=simplified_same_length(block.text)) for block in blocks]
    return blocks


# --- splitting ------------------------------------------------------------------------------


def _lines_with_offsets(raw: str) -> Iterator[tuple[str, int]]:
    offset = 0
    for line in raw.split("\n"):
        yield line, offset
        offset += len(line) + 1


def _split_pieces(raw: str) -> Iterator[_Piece]:
    """Table lines become rows; runs of other lines become paragraphs (split at headings)."""
    current: _Piece | None = None
    previous_line = ""
    for line, offset in _lines_with_offsets(raw):
        stripped = line.strip()
        if "\t" in line and line.replace("\t", "").strip():
            if current:
                yield current
            current = None
            yield _Piece(BlockKind.ROW, line, list(range(offset, offset + len(line))))
        elif not stripped:
            if current:
                yield current
            current = None
        elif current and not _starts_new_piece(previous_line, stripped):
            _append_line(current, line, offset)
        else:
            if current:
                yield current
            current = _new_text_piece(line, offset)
        previous_line = stripped
    if current:
        yield current


def _starts_new_piece(previous_line: str, line: str) -> bool:
    """Within a run of lines, a heading or a line after a finished sentence starts anew."""
    if HEADING.match(line) or HEADING.match(previous_line) or line[0] in SUPERSCRIPT_DIGITS:
        return True
    return previous_line.endswith(tuple(SENTENCE_END))


def _new_text_piece(line: str, offset: int) -> _Piece:
    stripped = line.lstrip()
    start = offset + len(line) - len(stripped)
    marker = re.match(f"^[{SUPERSCRIPT_DIGITS}]+", stripped)
    if marker:
        body = stripped[marker.end() :]
        return _Piece(
            BlockKind.FOOTNOTE,
            body,
            list(range(start + marker.end(), start + len(stripped))),
            marker.group().translate(SUPERSCRIPT_TO_ASCII),
        )
    return _Piece(BlockKind.TEXT, stripped, list(range(start, start + len(stripped))))


def _append_line(piece: _Piece, line: str, offset: int) -> None:
    """Lines of one paragraph: Chinese joins directly, Latin words keep a space."""
    if piece.text[-1:].isascii() and piece.text[-1:].isalnum() and line[:1].isascii():
        piece.text += " "
        piece.origin.append(offset - 1)
    piece.text += line
    piece.origin.extend(range(offset, offset + len(line)))


# --- normalising ----------------------------------------------------------------------------

Replacement = Callable[[re.Match[str]], str]


def _substitute(piece: _Piece, pattern: str | re.Pattern[str], replace: Replacement) -> None:
    """Regex substitution that keeps offsets: replacements must delete or swap in place."""
    text, origin = piece.text, piece.origin
    new_text: list[str] = []
    new_origin: list[int] = []
    last = 0
    for match in re.finditer(pattern, text):
        new_text.append(text[last : match.start()])
        new_origin.extend(origin[last : match.start()])
        replacement = replace(match)
        new_text.append(replacement)
        new_origin.extend(_align(match, replacement, origin))
        last = match.end()
    new_text.append(text[last:])
    new_origin.extend(origin[last:])
    piece.text, piece.origin = "".join(new_text), new_origin


def _align(match: re.Match[str], replacement: str, origin: list[int]) -> list[int]:
    """Offsets for a replacement: same length maps 1:1, otherwise as a subsequence."""
    start, matched = match.start(), match.group()
    if len(replacement) == len(matched):
        return origin[start : match.end()]
    aligned, cursor = [], 0
    for char in replacement:
        found = matched.find(char, cursor)
        position = found if found >= 0 else cursor
        aligned.append(origin[start + min(position, len(matched) - 1)])
        cursor = position + 1 if found >= 0 else cursor
    return aligned


def _keep_group(group: int) -> Replacement:
    return lambda match: match.group(group)


def _delete(_match: re.Match[str]) -> str:
    return ""


NORMALISERS: tuple[tuple[str, Replacement], ...] = (
    (r"</?p\s*>|<br\s*/?>", _delete),  # HTML left in table cells
    (r"[_^]\{([^{}]*)\}", _keep_group(1)),  # LaTeX sub/superscripts: PM_{2.5}
    (f"[{SUPERSCRIPT_DIGITS}]+", _delete),  # footnote markers inside running text
    (
        r"\(([^()]*[" + CJK + r"][^()]*)\)",
        lambda m: "（" + m.group(1) + "）",
    ),  # half-width brackets around Chinese
    (r",(?=[ \u00a0\u3000]*" + WIDE + ")", lambda m: "，"),  # half-width comma before Chinese
    (r"[ \u00a0\u3000]*\t[ \u00a0\u3000]*", lambda m: "\t"),  # padding around table cells
    (r"(?<=" + WIDE + r")[ \u00a0\u3000]+|[ \u00a0\u3000]+(?=" + WIDE + ")", _delete),
    (r"[ \u00a0\u3000]{2,}", lambda m: " "),
)


def _normalise(piece: _Piece) -> _Piece:
    for pattern, replacement in NORMALISERS:
        _substitute(piece, pattern, replacement)
    if piece.kind is not BlockKind.ROW:
        _substitute(piece, r"^\s+|\s+$", _delete)
    else:
        _substitute(piece, r"^[ ]+|[ ]+$", _delete)
    return piece


# --- joining across page breaks ---------------------------------------------------------------


def is_heading(text: str) -> bool:
    return bool(HEADING.match(text))


def is_finished(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith(tuple(SENTENCE_END)) or text.endswith(tuple(SENTENCE_END))


def _is_open_paragraph(piece: _Piece) -> bool:
    """A body paragraph cut by a page break: has sentence punctuation but no ending."""
    return (
        piece.kind is BlockKind.TEXT
        and not is_heading(piece.text)
        and ("，" in piece.text or "。" in piece.text)
        and not is_finished(piece.text)
    )


def _is_continuation(piece: _Piece) -> bool:
    return piece.kind is BlockKind.TEXT and not is_heading(piece.text)


def _join_page_breaks(pieces: list[_Piece]) -> list[_Piece]:
    """Rejoin paragraphs and footnotes that a page break cut in two.

    Footnote bodies sit at the foot of a page, so the text right after an unfinished footnote is
    the top of the next page and continues the open paragraph; the unfinished footnote itself
    resumes at the foot of the following page, just before that page's own break.
    """
    output: list[_Piece] = []
    open_paragraph: _Piece | None = None
    open_footnote: _Piece | None = None
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        previous = pieces[index - 1] if index else None
        if piece.kind is BlockKind.FOOTNOTE:
            output.append(piece)
            open_footnote = None if is_finished(piece.text) else piece
            continue
        if open_paragraph and _is_continuation(piece):
            if (
                open_footnote
                and previous is not open_footnote
                and is_finished(piece.text)
                and following is not None
                and _is_continuation(following)
            ):
                _extend(open_footnote, piece)
                open_footnote = None
                continue
            _extend(open_paragraph, piece)
            if is_finished(open_paragraph.text):
                open_paragraph = None
            continue
        output.append(piece)
        open_paragraph = piece if _is_open_paragraph(piece) else None
    return output


def _extend(target: _Piece, piece: _Piece) -> None:
    target.text += piece.text
    target.origin.extend(piece.origin)
