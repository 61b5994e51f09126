"""Load: turn one file (.txt, .md, .pdf, .docx) into plain text in the layout the cleaner expects.

The layout: paragraphs separated by blank lines; a table row is one line with its cells joined
by ``"\\t"`` (empty cells kept, so columns stay aligned); a table title is its own paragraph.
Every failure is a ``DocumentError`` whose reason tells the user, in Chinese, what is wrong.
Chinese punctuation is never normalised: the cleaner downstream relies on the original characters.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError, DocumentError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
DEFAULT_MAX_BYTES = 50_000_000

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls saved under a new name
# C0 and C1 controls except \t and \n (\r, \f and \v are turned into line breaks first).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\r\n|[\r\f\v]")
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
_BINARY_BYTES = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BINARY_BYTE_SHARE = 0.05  # real text has (almost) no control bytes; binaries have many
_GARBAGE_SHARE = 0.05  # share of replacement/private-use/unexpected characters we tolerate


@dataclass(frozen=True)
class LoadedText:
    source: str  # file name relative to the corpus folder (as given by the caller) or the name
    text: str
    content_hash: str  # sha256 of the file's bytes: an unchanged file need not be re-indexed


# --------------------------------------------------------------------------- public API


def load_document(
    path: Path, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedText:
    """Read, check and convert one file; raise ``DocumentError`` naming the cause if we cannot."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(str(path), unsupported_reason(suffix))
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise DocumentError(str(path), "文件为空")
    text = _EXTRACTORS[suffix](str(path), data)
    if not text.strip():
        raise DocumentError(str(path), "文件为空")
    content_hash = hashlib.sha256(data).hexdigest()
    return LoadedText(source=source or path.name, text=text, content_hash=content_hash)


def discover_documents(corpus_dir: Path) -> tuple[list[Path], list[DocumentError]]:
    """List the corpus's readable files (sorted) and report, not hide, the ones we cannot read.

    Hidden files and folders (``.git``, ``.DS_Store``) and Office lock files (``~$x.docx``)
    are skipped silently: they are never documents someone meant to add.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.exists():
        raise CorpusError(f"找不到文档目录：{corpus_dir}")
    if not corpus_dir.is_dir():
        raise CorpusError(f"文档目录不是文件夹：{corpus_dir}")
    found: list[Path] = []
    problems: list[DocumentError] = []
    for path in _walk_visible_files(corpus_dir, problems):
        suffix = path.suffix.lower()
        if suffix in SUPPORTED_SUFFIXES:
            found.append(path)
        else:
            problems.append(DocumentError(str(path), unsupported_reason(suffix)))
    found.sort()
    problems.sort(key=lambda error: error.path)
    return found, problems


def unsupported_reason(suffix: str) -> str:
    """The user-facing reason for a file type we do not read."""
    supported = "、".join(SUPPORTED_SUFFIXES)
    shown = suffix if suffix else "（无扩展名）"
    return f"不支持的文件类型 {shown}，支持：{supported}"


# --------------------------------------------------------------------------- files


def _walk_visible_files(corpus_dir: Path, problems: list[DocumentError]) -> Iterator[Path]:
    """Regular files below ``corpus_dir``; unreadable sub-folders, broken or looping links and
    special files become problems."""

    def on_error(error: OSError) -> None:
        problems.append(DocumentError(str(error.filename), "无法读取文件夹"))

    for folder, dirnames, filenames in os.walk(corpus_dir, onerror=on_error):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            path = Path(folder) / name
            if _is_ignorable_name(name):
                continue
            if path.is_file():
                yield path
            elif path.is_symlink():
                problems.append(DocumentError(str(path), "链接指向的文件不存在，或链接形成循环"))
            else:
                problems.append(DocumentError(str(path), "不是普通文件（设备、管道或套接字）"))


def _is_ignorable_name(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, after checking it exists, is a file and is not too large."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError(str(path), "不是普通文件")
        if size > max_bytes:
            raise DocumentError(
                str(path),
                f"文件过大（{_megabytes(size)} MB，上限 {_megabytes(max_bytes)} MB；"
                "可调 ASSISTANT_MAX_FILE_MB）",
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentError(str(path), "文件不存在") from exc
    except PermissionError as exc:
        raise DocumentError(str(path), "没有读取权限") from exc
    except IsADirectoryError as exc:
        raise DocumentError(str(path), "不是普通文件") from exc
    except OSError as exc:
        raise DocumentError(str(path), f"无法读取文件：{exc.strerror or exc}") from exc


def _megabytes(size: int) -> str:
    """Readable for the real limit (``50``) and still non-zero for tiny test limits."""
    value = size / 1_000_000
    if value >= 0.1:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


# --------------------------------------------------------------------------- text files


def _load_plain_text(path: str, data: bytes) -> str:
    return clean_text(_decode(path, data))


def _decode(path: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; refuse binaries and unknown encodings."""
    encoding_error = "无法识别的文字编码（支持 UTF-8、GB18030）"
    if data.startswith(_UTF16_BOMS):
        raise DocumentError(path, f"{encoding_error}：文件是 UTF-16 编码，请另存为 UTF-8")
    if _looks_binary(data):
        raise DocumentError(path, "文件内容不是文字（可能是二进制文件被改了扩展名）")
    try:
        text = data.decode("utf-8-sig")
        strict = False
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
            strict = True  # GB18030 accepts most byte soups: check the characters are plausible
        except UnicodeDecodeError as exc:
            raise DocumentError(path, encoding_error) from exc
    if _garbage_share(text, strict=strict) > _GARBAGE_SHARE:
        raise DocumentError(path, "文件内容不是可读的文字（可能是二进制文件或编码错误）")
    return text


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte in _BINARY_BYTES)
    return controls > _BINARY_BYTE_SHARE * len(sample)


def _garbage_share(text: str, *, strict: bool) -> float:
    """Share of visible characters that no real plan document would contain."""
    visible = [char for char in text if not char.isspace()]
    if not visible:
        return 0.0
    bad = sum(1 for char in visible if _is_garbage(char) or (strict and not _is_expected(char)))
    return bad / len(visible)


def _is_garbage(char: str) -> bool:
    """Replacement and private-use characters (controls are judged on the bytes, then stripped)."""
    code = ord(char)
    return char == "\ufffd" or 0xE000 <= code <= 0xF8FF or code >= 0xF0000


_EXPECTED_RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x24F),  # Latin-1 and Latin extended (°, ×, é)
    (0x370, 0x4FF),  # Greek, Cyrillic (α, Ⅰ-like symbols in some fonts)
    (0x2000, 0x2BFF),  # punctuation, super/subscripts, letterlike, numbers, arrows, maths, shapes
    (0x2E80, 0x9FFF),  # CJK radicals, punctuation, kana, enclosed, compatibility, ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x3134F),  # CJK extension ideographs
)


def _is_expected(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _EXPECTED_RANGES)


def clean_text(text: str) -> str:
    """Normalise line breaks and drop control characters; everything else is left untouched.

    Form feeds and vertical tabs become line breaks (they separate pages/lines in exported
    text, deleting them would glue words together).
    """
    return _CONTROL_CHARS.sub("", _LINE_BREAKS.sub("\n", text))


# --------------------------------------------------------------------------- shared layout


def join_cell_lines(text: str) -> str:
    """One line per cell: a break between Chinese characters vanishes, between ASCII words is a
    space (a tab inside a cell would split it into two columns, so it becomes a space too)."""
    lines = [line.strip() for line in clean_text(text).replace("\t", " ").split("\n")]
    joined = ""
    for line in filter(None, lines):
        if joined and joined[-1].isascii() and line[0].isascii():
            joined += " "
        joined += line
    return joined


def _row_line(cells: list[str]) -> str:
    return "\t".join(cells)


def _has_text(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


# --------------------------------------------------------------------------- PDF


def _load_pdf(path: str, data: bytes) -> str:
    try:
        pages = _pdf_pages_as_blocks(data)
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises a wide, unstable set of exception types
        raise DocumentError(path, _pdf_failure_reason(exc)) from exc
    text = "\n\n".join(block for page in pages for block in page)
    if not text.strip():
        raise DocumentError(path, "PDF 中没有可提取的文字（可能是扫描件）")
    if _unmapped_glyph_share(text) > 0.5:
        raise DocumentError(path, "PDF 中的文字无法提取（字体缺少编码信息，显示为 (cid:…)）")
    return text


def _unmapped_glyph_share(text: str) -> float:
    """pdfminer writes ``(cid:123)`` for glyphs whose font has no Unicode map."""
    unmapped = sum(len(match) for match in _UNMAPPED_GLYPH.findall(text))
    visible = sum(1 for char in text if not char.isspace())
    return unmapped / visible if visible else 0.0


def _pdf_failure_reason(exc: Exception) -> str:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if type(cause).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
        return "PDF 文件有密码保护，无法读取"
    return f"PDF 文件已损坏或无法解析：{_describe(cause)}"


def _pdf_pages_as_blocks(data: bytes) -> list[list[str]]:
    import pdfplumber  # lazy: importing pdfminer costs time a no-op re-index should not pay

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [_pdf_page_blocks(page.dedupe_chars()) for page in pdf.pages]


def _pdf_page_blocks(page: Any) -> list[str]:
    """One page as blocks in reading order: paragraphs of text lines, and tables as row lines.

    The table's characters are removed from the page text, and the table is put back, as rows,
    where it stood (ordered by its top edge).
    """
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    text_page = page.filter(_outside_boxes(boxes)) if boxes else page
    lines = [line for line in text_page.extract_text_lines(return_chars=False) if line["text"]]
    items: list[tuple[float, str]] = [(top, text) for top, text in _pdf_paragraphs(lines)]
    for table in tables:
        rows = _pdf_table_rows(table)
        if rows:
            items.append((table.bbox[1], "\n".join(rows)))
    items.sort(key=lambda item: item[0])
    return [clean_text(text) for _, text in items]


def _outside_boxes(boxes: list[tuple[float, float, float, float]]) -> Callable[[dict], bool]:
    def keep(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    return keep


def _pdf_table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.extract():
        cells = [join_cell_lines(cell or "") for cell in row]
        if _has_text(cells):
            rows.append(_row_line(cells))
    return rows


def _pdf_paragraphs(lines: list[dict]) -> list[tuple[float, str]]:
    """Group text lines into paragraphs: a new one starts after a larger vertical gap than usual,
    or at a line indented past the page's left margin (Chinese first-line indent, centred titles).
    Lines inside a paragraph are kept as pdfplumber gives them; the cleaner joins them.
    """
    if not lines:
        return []
    gaps = [below["top"] - above["bottom"] for above, below in itertools.pairwise(lines)]
    heights = [line["bottom"] - line["top"] for line in lines]
    usual_height = statistics.median(heights)
    usual_gap = statistics.median(gaps) if len(gaps) >= 3 else 0.5 * usual_height
    left_margin = min(line["x0"] for line in lines)
    paragraphs: list[tuple[float, list[str]]] = [(lines[0]["top"], [lines[0]["text"]])]
    for above, below in itertools.pairwise(lines):
        height = max(below["bottom"] - below["top"], 1.0)
        gap = below["top"] - above["bottom"]
        indented = below["x0"] - left_margin >= 1.5 * height
        if gap > max(usual_gap, 0.2 * height) + 0.6 * height or indented:
            paragraphs.append((below["top"], []))
        paragraphs[-1][1].append(below["text"])
    return [(top, "\n".join(texts)) for top, texts in paragraphs]


# --------------------------------------------------------------------------- DOCX


def _load_docx(path: str, data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(path, "这是旧版 Word（.doc）文件，请在 Word 中另存为 .docx")
    try:
        body = _docx_body(data)
        blocks = list(_docx_blocks(body))
    except Exception as exc:  # python-docx/lxml/zipfile each raise their own types
        raise DocumentError(path, f"Word 文件已损坏或无法解析：{_describe(exc)}") from exc
    return clean_text("\n\n".join(blocks))


def _docx_body(data: bytes) -> Any:
    import docx  # lazy: python-docx pulls in lxml

    return docx.Document(io.BytesIO(data)).element.body


def _docx_blocks(container: Any) -> Iterator[str]:
    """Paragraphs and tables in document order (content controls ``w:sdt`` are looked into)."""
    from docx.oxml.ns import qn

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            text = _docx_paragraph_text(child).strip()
            if text:
                yield text
        elif child.tag == qn("w:tbl"):
            rows = _docx_table_rows(child)
            if rows:
                yield "\n".join(rows)
        elif child.tag == qn("w:sdt"):
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from _docx_blocks(content)


def _docx_paragraph_text(paragraph: Any) -> str:
    """Visible text, including hyperlinks, fields and tracked insertions (not deletions)."""
    runs = paragraph.xpath(
        "w:r | w:hyperlink/w:r | w:ins/w:r | w:fldSimple/w:r | w:smartTag/w:r | w:customXml/w:r"
    )
    lines = "".join(run.text for run in runs).split("\n")
    return "\n".join(line.strip() for line in lines)


def _docx_table_rows(table: Any) -> list[str]:
    rows = []
    for tr in table.tr_lst:
        cells = _docx_row_cells(tr)
        if _has_text(cells):
            rows.append(_row_line(cells))
    return rows


def _docx_row_cells(tr: Any) -> list[str]:
    """One entry per grid column, like pdfplumber: a merged cell's text appears once, in its
    first column; the other columns it covers (across or down) are empty, so columns line up."""
    cells = [""] * tr.grid_before
    for tc in tr.tc_lst:
        continued = tc.vMerge == "continue"
        text = "" if continued else join_cell_lines("\n".join(_docx_cell_lines(tc)))
        cells.append(text)
        cells.extend([""] * (tc.grid_span - 1))
    cells.extend([""] * tr.grid_after)
    return cells


def _docx_cell_lines(tc: Any) -> Iterator[str]:
    for paragraph in tc.p_lst:
        yield _docx_paragraph_text(paragraph)
    for nested in tc.tbl_lst:  # rare; keep its words rather than lose them
        for row in _docx_table_rows(nested):
            yield row.replace("\t", " ")


# --------------------------------------------------------------------------- helpers


def _describe(exc: BaseException) -> str:
    message = str(exc).strip() or type(exc).__name__
    if type(exc).__name__ == "BadZipFile":
        message = "不是有效的压缩包（.docx 应为 zip 格式）"
    elif isinstance(exc, KeyError):
        message = f"缺少必要的部件 {message}"
    return message[:160]


_EXTRACTORS: dict[str, Callable[[str, bytes], str]] = {
    ".txt": _load_plain_text,
    ".md": _load_plain_text,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
