"""Loading real files made on the spot: encodings, hostile text, broken files, PDF and Word."""

from __future__ import annotations

import hashlib
import random
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assistant.errors import CorpusError, DocumentError
from assistant.ingest.load import (
    SUPPORTED_SUFFIXES,
    LoadedText,
    discover_documents,
    join_cell_lines,
    load_document,
)

PLAN_TEXT = "宝山区 2024 年国民经济和社会发展计划\n\n一、主要目标：地区生产总值增长 5%左右。"
CHINESE_FONT = "STSong-Light"  # a CID font built into reportlab: no font file is downloaded


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def reason_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(DocumentError) as caught:
        load_document(path, **kwargs)
    assert caught.value.path == str(path)
    return caught.value.reason


def random_bytes(count: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(count)


# --------------------------------------------------------------------------- text files


def test_utf8_text_is_loaded_with_hash_and_source(tmp_path: Path) -> None:
    data = PLAN_TEXT.encode("utf-8")
    path = write(tmp_path / "plan.txt", data)

    loaded = load_document(path)

    assert loaded == LoadedText(
        source="plan.txt", text=PLAN_TEXT, content_hash=hashlib.sha256(data).hexdigest()
    )


def test_source_given_by_caller_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "plan.md", "# 标题\n\n正文".encode())
    assert load_document(path, source="2024/plan.md").source == "2024/plan.md"


def test_utf8_with_bom_drops_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", PLAN_TEXT.encode("utf-8-sig"))
    assert load_document(path).text == PLAN_TEXT


def test_gb18030_text_is_decoded(tmp_path: Path) -> None:
    text = "宝山区发展和改革委员会：“十四五”规划，比上年增长（%）；〔2024〕1号。"
    path = write(tmp_path / "gb.txt", text.encode("gb18030"))
    assert load_document(path).text == text


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", "第一段\r\n\r\n第二段\r第三段\r\n".encode())
    assert load_document(path).text == "第一段\n\n第二段\n第三段\n"


def test_control_characters_are_stripped_but_tabs_and_punctuation_kept(tmp_path: Path) -> None:
    hostile = "序号\t指标\x00内容\x07\n地区\x1b生产\x85总值\x7f，（亿元）\x0c下一页"
    path = write(tmp_path / "hostile.txt", hostile.encode())
    assert load_document(path).text == "序号\t指标内容\n地区生产总值，（亿元）\n下一页"


def test_full_width_characters_are_not_normalised(tmp_path: Path) -> None:
    text = "ＧＤＰ１８０６．０５亿元，增长１．７％；“重点”"
    path = write(tmp_path / "wide.txt", text.encode())
    assert load_document(path).text == text


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  ", "\ufeff \n".encode()])
def test_empty_or_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    assert reason_of(write(tmp_path / "empty.txt", data)) == "文件为空"


def test_file_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", ("很长的文字。" * 100).encode())
    reason = reason_of(path, max_bytes=100)
    assert reason.startswith("文件过大（")
    assert "上限 0.0001 MB" in reason


def test_file_over_the_default_limit_names_sizes_in_mb(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"a" * 2_500_000)
    reason = reason_of(path, max_bytes=2_000_000)
    assert reason == "文件过大（2.5 MB，上限 2 MB；可调 ASSISTANT_MAX_FILE_MB）"


def test_missing_file(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "nope.txt") == "文件不存在"


def test_directory_named_like_a_document(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert reason_of(folder) == "不是普通文件"


def test_binary_junk_renamed_txt(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n" + random_bytes(4000))
    assert "不是文字" in reason_of(path)


def test_mostly_replacement_characters_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "mangled.txt", ("\ufffd" * 50 + "文字").encode())
    assert "不是可读的文字" in reason_of(path)


def test_undecodable_text(tmp_path: Path) -> None:
    # Valid GB18030 except for a lone 0xFF: neither UTF-8 nor GB18030.
    path = write(tmp_path / "broken.txt", "发展计划".encode("gb18030") + b"\xff" + b"abc")
    assert reason_of(path) == "无法识别的文字编码（支持 UTF-8、GB18030）"


def test_utf16_text_gets_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path / "utf16.txt", PLAN_TEXT.encode("utf-16"))
    assert "UTF-16" in reason_of(path)


@pytest.mark.parametrize("name", ["table.xls", "TABLE.XLSX", "noext"])
def test_unsupported_type(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, b"anything")
    reason = reason_of(path)
    assert reason.startswith("不支持的文件类型 ")
    assert reason.endswith("支持：.txt、.md、.pdf、.docx")


def test_unsupported_type_is_named(tmp_path: Path) -> None:
    reason = reason_of(write(tmp_path / "a.xls", b"x"))
    assert reason == "不支持的文件类型 .xls，支持：.txt、.md、.pdf、.docx"


def test_suffix_case_does_not_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "PLAN.TXT", "正文".encode())
    assert load_document(path).text == "正文"


# --------------------------------------------------------------------------- DOCX


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("表 1：2024 年重点指标")
    table = document.add_table(rows=3, cols=4)
    header = table.rows[0].cells
    header[0].text, header[1].text, header[2].text, header[3].text = ("序号", "指标", "单位", "")
    header[2].merge(header[3]).text = "计量单位"  # horizontal merge over two columns
    row = table.rows[1].cells
    row[0].text, row[1].text, row[2].text, row[3].text = ("1", "地区生产总值", "亿元", "1806.05")
    row = table.rows[2].cells
    row[0].text, row[1].text, row[3].text = ("2", "区级一般公共\n预算收入", "179.85")
    table.rows[1].cells[2].merge(table.rows[2].cells[2])  # vertical merge
    document.add_paragraph("一、2023 年计划执行情况")
    document.add_paragraph("")
    document.add_paragraph("全区经济运行稳中有进，\t重点项目有序推进。")
    document.save(path)
    return path


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    loaded = load_document(make_docx(tmp_path / "plan.docx"))

    assert loaded.text == (
        "表 1：2024 年重点指标\n\n"
        "序号\t指标\t计量单位\t\n"
        "1\t地区生产总值\t亿元\t1806.05\n"
        "2\t区级一般公共预算收入\t\t179.85\n\n"
        "一、2023 年计划执行情况\n\n"
        "全区经济运行稳中有进，\t重点项目有序推进。"
    )


def test_docx_that_is_random_bytes(tmp_path: Path) -> None:
    reason = reason_of(write(tmp_path / "junk.docx", random_bytes(2000)))
    assert reason.startswith("Word 文件已损坏或无法解析：")


def test_docx_that_is_a_zip_but_not_word(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "不是 Word 文件")
    assert reason_of(path).startswith("Word 文件已损坏或无法解析：")


def test_legacy_doc_renamed_docx(tmp_path: Path) -> None:
    path = write(tmp_path / "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert ".doc" in reason_of(path)


def test_docx_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    assert reason_of(path) == "文件为空"


# --------------------------------------------------------------------------- PDF


def chinese_style() -> ParagraphStyle:
    pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))
    return ParagraphStyle("plan", fontName=CHINESE_FONT, fontSize=12, leading=18)


def make_pdf_with_table(path: Path) -> Path:
    style = chinese_style()
    table = Table(
        [
            ["序号", "指标内容", "计量单位", "指标值"],
            ["1", "地区生产总值", "亿元", "1806.05"],
            ["2", "Total retail\nsales", "%", None],
        ]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), CHINESE_FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story = [
        Paragraph("宝山区 2024 年国民经济和社会发展计划", style),
        Spacer(1, 18),
        Paragraph("表 1：2024 年重点指标", style),
        Spacer(1, 6),
        table,
        Spacer(1, 18),
        Paragraph("注：地区生产总值按可比价格计算。", style),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def test_pdf_text_and_table_rows(tmp_path: Path) -> None:
    loaded = load_document(make_pdf_with_table(tmp_path / "plan.pdf"))

    assert loaded.text == (
        "宝山区 2024 年国民经济和社会发展计划\n\n"
        "表 1：2024 年重点指标\n\n"
        "序号\t指标内容\t计量单位\t指标值\n"
        "1\t地区生产总值\t亿元\t1806.05\n"
        "2\tTotal retail sales\t%\t\n\n"
        "注：地区生产总值按可比价格计算。"
    )


def test_pdf_merged_cells_leave_empty_columns(tmp_path: Path) -> None:
    table = Table(
        [["2023 年完成", None, "2024 年目标", None], ["指标值", "增长", "指标值", "增长"]]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), CHINESE_FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("SPAN", (0, 0), (1, 0)),
                ("SPAN", (2, 0), (3, 0)),
            ]
        )
    )
    chinese_style()
    path = tmp_path / "merged.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([table])

    assert load_document(path).text == "2023 年完成\t\t2024 年目标\t\n指标值\t增长\t指标值\t增长"


def test_pdf_paragraphs_found_by_first_line_indent(tmp_path: Path) -> None:
    """Official documents (公文) have no space between paragraphs, only a two-character indent."""
    pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))
    body = ParagraphStyle(
        "body", fontName=CHINESE_FONT, fontSize=16, leading=28, firstLineIndent=32
    )
    title = ParagraphStyle("title", fontName=CHINESE_FONT, fontSize=22, leading=32, alignment=1)
    sentence = "全区经济运行稳中有进，重点项目有序推进，"
    story = [Paragraph("关于发展计划的报告", title)]
    story += [Paragraph(f"第{n}段。" + sentence * 6, body) for n in (1, 2, 3)]
    path = tmp_path / "official.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story)

    paragraphs = load_document(path).text.split("\n\n")

    assert paragraphs[0] == "关于发展计划的报告"
    assert [p[:4] for p in paragraphs[1:]] == ["第1段。", "第2段。", "第3段。"]
    assert all(p.count("\n") >= 3 for p in paragraphs[1:])  # wrapped lines stay together
    assert all(p.replace("\n", "").endswith(sentence * 6) for p in paragraphs[1:])


def test_pdf_pages_are_separated_by_a_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "pages.pdf"
    pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for text in ("第一页的内容", "第二页的内容"):
        pdf.setFont(CHINESE_FONT, 12)
        pdf.drawString(72, 750, text)
        pdf.showPage()
    pdf.save()

    assert load_document(path).text == "第一页的内容\n\n第二页的内容"


def test_pdf_with_only_a_drawing_is_reported_as_scanned(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.showPage()
    pdf.save()

    assert reason_of(path) == "PDF 中没有可提取的文字（可能是扫描件）"


def test_pdf_that_is_random_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "junk.pdf", b"%PDF-1.7\n" + random_bytes(3000))
    assert reason_of(path).startswith("PDF 文件已损坏或无法解析：")


def test_pdf_that_is_text(tmp_path: Path) -> None:
    path = write(tmp_path / "fake.pdf", "这不是 PDF".encode())
    assert reason_of(path).startswith("PDF 文件已损坏或无法解析：")


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("区级一般公共\n预算收入", "区级一般公共预算收入"),
        ("Total\nretail", "Total retail"),
        ("1806.05\n亿元", "1806.05亿元"),
        (" 可比增长\t5%左右 ", "可比增长 5%左右"),
        ("", ""),
    ],
)
def test_cell_lines_are_joined(cell: str, expected: str) -> None:
    assert join_cell_lines(cell) == expected


# --------------------------------------------------------------------------- discovery


def test_discover_documents_splits_supported_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "README.md").write_text("说明", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.PDF").write_bytes(b"%PDF")
    (tmp_path / "sub" / "c.docx").write_bytes(b"PK")
    (tmp_path / "sheet.xls").write_bytes(b"x")
    (tmp_path / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("x", encoding="utf-8")
    (tmp_path / "~$c.docx").write_bytes(b"lock")

    found, problems = discover_documents(tmp_path)

    assert found == [
        tmp_path / "README.md",
        tmp_path / "b.txt",
        tmp_path / "sub" / "a.PDF",
        tmp_path / "sub" / "c.docx",
    ]
    assert [(p.path, p.reason) for p in problems] == [
        (
            str(tmp_path / "sheet.xls"),
            "不支持的文件类型 .xls，支持：" + "、".join(SUPPORTED_SUFFIXES),
        )
    ]


def test_broken_and_looping_links_are_reported_by_name(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    found, problems = discover_documents(tmp_path)
    assert found == [tmp_path / "good.txt"]
    assert {Path(p.path).name: p.reason for p in problems} == {
        "gone.txt": "链接指向的文件不存在，或链接形成循环",
        "loop.txt": "链接指向的文件不存在，或链接形成循环",
    }


def test_discover_documents_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-corpus"
    with pytest.raises(CorpusError, match="找不到文档目录") as caught:
        discover_documents(missing)
    assert str(missing) in str(caught.value)
