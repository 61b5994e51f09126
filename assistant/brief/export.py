"""A briefing as Markdown or as a Word document (real headings, numbered sources, Chinese fonts)."""

from __future__ import annotations

from pathlib import Path

from assistant.brief.briefing import Briefing, templates
from assistant.records import Citation

BODY_FONT = "宋体"  # SimSun; with only Noto CJK installed, LibreOffice substitutes it
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
LANGUAGE = "zh-CN"


def to_markdown(briefing: Briefing) -> str:
    lines = [f"# {briefing.title}", ""]
    if not briefing.covered:
        lines.extend((*briefing.summary, ""))
        return "\n".join(lines)
    lines.extend((briefing.basis, ""))
    lines.extend(f"> {note}" for note in briefing.notes)
    if briefing.notes:
        lines.append("")
    headings = templates()["headings"]
    if briefing.summary:
        lines.extend((f"## {headings['summary']}", "", "".join(briefing.summary), ""))
    for section in briefing.sections:
        lines.extend((f"## {section.heading}", ""))
        lines.extend(f"- {line}" for line in section.lines)
        lines.append("")
    if briefing.sources:
        lines.extend((f"## {headings['sources']}", ""))
        lines.extend(f"{c.n}. {source_text(c)}" for c in briefing.sources)
        lines.append("")
    return "\n".join(lines)


def source_text(citation: Citation) -> str:
    """「附件2 › … › 持续推进社会保障工作：「新增养老床位400张…」」; table cells shown with |."""
    quote = " | ".join(cell.strip() for cell in citation.quote.split("\t") if cell.strip())
    return templates()["lines"]["source"].format(
        section=citation.section or citation.doc, quote=quote
    )


def to_docx(briefing: Briefing, path: str | Path) -> Path:
    """Write the briefing as .docx: Heading 1/2, bulleted lines, a numbered source list."""
    from docx import Document
    from docx.shared import Cm

    path = Path(path)
    document = Document()
    for section in document.sections:  # A4, as official documents are printed
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.6)
    _set_fonts(document)
    document.core_properties.title = briefing.title
    document.core_properties.language = LANGUAGE
    document.add_heading(briefing.title, level=1)
    if not briefing.covered:
        for line in briefing.summary:
            document.add_paragraph(line)
        document.save(str(path))
        return path
    document.add_paragraph(briefing.basis)
    for note in briefing.notes:
        document.add_paragraph(note)
    headings = templates()["headings"]
    if briefing.summary:
        document.add_heading(headings["summary"], level=2)
        document.add_paragraph("".join(briefing.summary))
    for section in briefing.sections:
        document.add_heading(section.heading, level=2)
        for line in section.lines:
            document.add_paragraph(line, style="List Bullet")
    if briefing.sources:
        document.add_heading(headings["sources"], level=2)
        for citation in briefing.sources:
            document.add_paragraph(source_text(citation), style="List Number")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _set_fonts(document) -> None:
    """East Asian fonts set explicitly (w:eastAsia), replacing the template's theme fonts."""
    from docx.shared import Pt, RGBColor

    styles = document.styles
    for name, font, size in (
        ("Normal", BODY_FONT, 12),
        ("List Bullet", BODY_FONT, None),
        ("List Number", BODY_FONT, None),
        ("Heading 1", HEADING_FONT, 18),
        ("Heading 2", HEADING_FONT, 14),
    ):
        style = styles[name]
        _east_asian(style.element, font)
        if size:
            style.font.size = Pt(size)
        if name.startswith("Heading"):
            style.font.color.rgb = RGBColor(0, 0, 0)


def _east_asian(style_element, font: str) -> None:
    from docx.oxml.ns import qn

    properties = style_element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme}") or attribute.endswith("Theme"):
            del fonts.attrib[attribute]  # a theme font would win over the names set below
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    language = properties.find(qn("w:lang"))
    if language is None:
        language = properties.makeelement(qn("w:lang"), {})
        properties.append(language)
    language.set(qn("w:eastAsia"), LANGUAGE)
