"""Answers on the real plan with the real embedder: the issue's examples, refusals, verification."""

from __future__ import annotations

import json
import re
import shutil
from types import SimpleNamespace

import pytest

from assistant.errors import InvalidQuestionError
from assistant.query import verify
from assistant.query.answer import question_parts
from assistant.query.define import _explained
from assistant.query.draft import Computation, Draft, Evidence
from assistant.query.match import coverage, key_terms, misses_a_named_indicator
from assistant.query.normalise import normalise
from assistant.query.scope import _horizon_forms
from assistant.query.sentences import topic_of
from assistant.query.tabular import borrowed_measure
from assistant.records import Answer, Chunk, ChunkKind, Span
from tests.conftest import PLAN, SYNTHETIC, service_over


def quotes_are_indexed(service, answer: Answer) -> bool:
    chunks = {c.chunk_id: c for c in service.knowledge.chunks}
    return all(c.quote in chunks[c.chunk_id].quote for c in answer.citations)


def assert_answered_with(service, question: str, expected: str, absent: str = "") -> None:
    """Answered, not refused, and the answer holds the expected words (and not ``absent``)."""
    answer = service.ask(question)
    assert not answer.refused and expected in answer.answer, answer.answer
    assert not absent or absent not in answer.answer, answer.answer


def test_gdp_target_cites_the_indicator_row(service):
    answer = service.ask("今年GDP增长目标是多少？")
    assert "2024年地区生产总值目标：可比增长5%左右，与全市保持同步[1]" in answer.answer
    assert answer.citations[0].quote.startswith("1\t主要经济指标\t地区生产总值")
    assert answer.resolved_question.startswith("2024年")
    assert quotes_are_indexed(service, answer)


def test_project_investment_and_goal(service):
    answer = service.ask("18号线宝山段投资多少？")
    assert "15.65亿元" in answer.answer
    assert "推进建设" in answer.answer
    assert "轨交18号线二期工程宝山段" in answer.citations[0].quote


def test_narrative_fact_cites_its_sentence(service):
    answer = service.ask("去年新增了多少就业岗位？")
    assert "37273个" in answer.answer
    assert "全年新增就业岗位37273个" in answer.citations[0].quote
    assert answer.citations[0].section.endswith("就业创业服务精准对接")


def test_comparison_shows_the_arithmetic(service):
    answer = service.ask("今年外资目标比去年实际到位的多还是少？")
    assert "少1.63亿美元" in answer.answer
    assert "4 − 5.63 = -1.63" in answer.answer
    assert "实际到位外资额" in answer.citations[0].quote


def test_count_and_sum_of_a_project_group(service):
    answer = service.ask("民生服务保障类项目有几个？一共投资多少？")
    assert "共6个" in answer.answer
    assert "24.67亿元" in answer.answer
    assert "8.73+7.1+3.99+1.75+1.63+1.47" in answer.answer
    assert len(answer.citations) == 6


def test_whole_table_sum_is_checked_against_its_total_row(service):
    answer = service.ask("重大项目一共有几个，总投资多少？")
    assert "共20个" in answer.answer
    assert "101.94" in answer.answer
    assert any(c.quote.startswith("合计") for c in answer.citations)


def test_policy_list_cites_each_item(service):
    answer = service.ask("今年在养老服务方面有哪些目标？")
    items = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    assert len(items) >= 2
    assert all(re.search(r"\[\d+\]$", item) for item in items)
    assert "400张" in answer.answer and "120张" in answer.answer


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("2022年宝山GDP是多少？", "2022年"),
        ("闵行区的GDP是多少", "闵行区"),
        ("浦东新区今年GDP目标", "浦东新区"),
        ("今年宝山房价会涨吗", "文件中未找到"),
        ("明年养老床位新增多少", "2025年"),
        ("下周宝山有什么文旅活动？", "「下周」这样按天、按周的信息"),
        ("宝山户籍人口总数是多少", "文件中未找到"),
        # A number asked where the target is 「完成市下达指标」: no number is given.
        ("今年单位GDP能耗降低率目标的具体数值是多少", "文件中未找到"),
    ],
)
def test_honest_refusals(service, question, reason):
    answer = service.ask(question)
    assert answer.refused
    assert reason in answer.answer
    assert "宝发改规〔2024〕1号" in answer.answer  # says what the index does cover
    assert not re.search(r"\d+(\.\d+)?亿元", answer.answer)


def test_how_many_is_not_answered_by_a_sentence_without_a_quantity(tmp_path):
    from assistant.indexer import build_index
    from assistant.service import AssistantService
    from assistant.settings import Settings

    text = SYNTHETIC.read_text(encoding="utf-8")
    qualitative = "稳住外贸基本盘。提升外贸进出口总体能级，培育外贸新业态。\n\n（二）办好民生实事"
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "jiangbei.txt").write_text(
        text.replace("（二）办好民生实事", qualitative, 1), encoding="utf-8"
    )
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "i", embedder="fake")
    build_index(settings)
    service = AssistantService(settings)
    assert service.ask("今年外贸进出口目标是多少").refused
    assert "提升外贸进出口总体能级" in service.ask("今年外贸有什么安排").answer
    assert "1500个" in service.ask("今年新增公办幼儿园学位多少个").answer


def test_refusal_lists_the_closest_passages(service):
    answer = service.ask("宝山今年的房价调控目标是多少")
    assert answer.refused
    assert answer.citations  # the closest passages, for the user to judge


def test_district_like_words_are_not_foreign_places(service):
    for question in (
        "重点转型区域类项目有几个",
        "顾村拓展区配套初中投资多少",
        "去年列入市区两级的成果转化项目有多少个",
        "今年要建成几家有全市影响力的互联网平台",
        "去年固投规模在全市第几",
    ):
        assert not service.ask(question).refused, question


def test_a_line_numbered_differently_is_another_line(service):
    assert service.ask("轨道交通19号线宝山段总投资是多少亿元").refused
    assert "15.65" in service.ask("轨交18号线宝山段总投资是多少").answer


def test_a_neighbour_named_beside_the_district_must_be_what_the_answer_is_about(service):
    answer = service.ask("嘉定区今年GDP目标多少，和宝山一样吗")
    assert answer.refused and "嘉定区" in answer.answer and "5%" not in answer.answer
    answer = service.ask("宝山跟嘉定区签了什么协同发展协议")
    assert not answer.refused and "农文旅协同发展框架协议" in answer.answer


def test_two_named_projects_are_added_with_the_sum_shown(service):
    answer = service.ask("南大中央公园和区疾控中心迁建工程加起来投资多少")
    assert "3.4亿元" in answer.answer and "3.99亿元" in answer.answer
    assert "合计7.39亿元（3.4+3.99）" in answer.answer
    assert len(answer.citations) == 2


def test_the_group_of_a_project_when_asked(service):
    answer = service.ask("看守所迁建工程算哪类项目")
    assert "民生服务保障类项目" in answer.answer and "7.1" in answer.answer


def test_superlatives_and_listing_the_projects_table(service):
    most = service.ask("投资最多的项目是哪个？")
    assert "轨交18号线二期工程宝山段" in most.answer and "15.65" in most.answer
    assert "北泗塘水闸外移工程" in service.ask("投资最少的项目").answer
    listed = service.ask("今年有哪些重大项目？")
    assert "共20个" in listed.answer and len(listed.citations) == 20


def test_a_year_before_a_word_ending_in_qu_is_no_place(service):
    answer = service.ask("2024年地区生产总值的目标是多少？")
    assert not answer.refused and "可比增长5%左右" in answer.answer


def test_a_year_inside_a_name_is_not_a_year_asked(service):
    answer = service.ask("宝山几家企业入选2022年全国工业机器人百强？")
    assert "5家" in answer.answer


@pytest.mark.parametrize(
    "typed",
    ["\x1b[2J\x1b]0;title\x07今年GDP目标\x00是多少？", "今年GDP目标\ud800是多少？\b"],
)
def test_escape_sequences_control_characters_and_surrogates_are_dropped(service, typed):
    answer = service.ask(typed)
    assert "5%左右" in answer.answer
    shown = answer.question + answer.answer
    assert not any(ch in shown for ch in "\x1b\x07\x00\b\ud800")
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")  # sendable as it is


@pytest.mark.parametrize("bad", ["", "   ", "？？！！。。", "问" * 5000])
def test_bad_questions_get_a_clear_error(service, bad):
    with pytest.raises(InvalidQuestionError):
        service.ask(bad)


def test_follow_up_questions(service):
    first = service.ask("今年GDP目标是多少？")
    follow = service.ask("那去年呢？", previous=first.resolved_question)
    assert follow.resolved_question.startswith("2023年")
    assert "1806.05亿元" in follow.answer
    project = service.ask("18号线宝山段投资多少？")
    pronoun = service.ask("它今年什么目标？", previous=project.resolved_question)
    assert "轨交18号线二期工程宝山段" in pronoun.resolved_question
    assert "推进建设" in pronoun.answer
    others = service.ask("还有别的项目吗？", previous=project.resolved_question)
    assert "宝钱公路道路新建工程" in others.answer


# --- the verifier --------------------------------------------------------------------------


@pytest.fixture
def row_evidence(service):
    chunk = next(c for c in service.knowledge.chunks if c.quote.startswith("7\t\t实际到位外资额"))
    return Evidence(chunk, chunk.quote)


def test_verifier_accepts_cited_and_computed_numbers(service, row_evidence):
    draft = Draft(evidence=[row_evidence], lines=["目标4亿美元，比5.63亿美元少1.63亿美元[1]。"])
    draft.computations.append(Computation("1.63", ("4", "5.63")))
    assert verify.problems(draft, service.live_chunk_ids, {"2024"}) == []


def test_verifier_rejects_an_invented_number(service, row_evidence):
    draft = Draft(evidence=[row_evidence], lines=["目标为4.5亿美元[1]。"])
    assert verify.problems(draft, service.live_chunk_ids, set()) == ["数字没有出处：4.5"]


def test_verifier_rejects_an_altered_quote_and_a_dangling_marker(service, row_evidence):
    altered = Evidence(row_evidence.chunk, row_evidence.quote.replace("5.63", "5.36"))
    draft = Draft(evidence=[altered], lines=["到位5.36亿美元[2]。"])
    found = verify.problems(draft, service.live_chunk_ids, set())
    assert any("引文与原文不一致" in p for p in found)
    assert any("[2]" in p for p in found)


def test_an_answer_that_fails_verification_is_replaced_by_its_evidence(
    service, monkeypatch, row_evidence
):
    def invent(question, document):
        return Draft(evidence=[row_evidence], lines=["2024年实际到位外资目标为9.99亿美元[1]。"])

    monkeypatch.setattr(service.composer, "compose", invent)
    answer = service.ask("外资目标是多少")
    assert answer.refused
    assert "9.99" not in answer.answer
    assert answer.citations[0].quote == row_evidence.quote


@pytest.mark.parametrize(
    "question", ["今年实际到位外资目标是9.99亿美元吗", "外资目标定的9.99亿美元对吧"]
)
def test_a_number_the_user_typed_is_no_evidence(service, monkeypatch, row_evidence, question):
    """An answer that echoes the user's figure (「是9.99亿美元」) fails verification."""

    def echo(question, document):
        return Draft(evidence=[row_evidence], lines=["是的，目标为9.99亿美元[1]。"])

    monkeypatch.setattr(service.composer, "compose", echo)
    answer = service.ask(question)
    assert answer.refused and "9.99" not in answer.answer


def test_a_filter_the_user_gave_may_be_said_back(service):
    answer = service.ask("投资超过5亿元的重大项目有几个")
    assert not answer.refused and "超过5亿元" in answer.answer


# --- LangChain interfaces -------------------------------------------------------------------


def test_retriever_and_runnable(service):
    documents = service.retriever(k=3).invoke("18号线宝山段")
    assert any("18号线" in d.page_content for d in documents)
    assert {"chunk_id", "section", "kind"} <= set(documents[0].metadata)
    answer = service.as_runnable().invoke("18号线宝山段投资多少？")
    assert isinstance(answer, Answer) and "15.65" in answer.answer


# --- several documents in one index ---------------------------------------------------------


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory):
    from assistant.indexer import build_index
    from assistant.service import AssistantService
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("two")
    (root / "corpus").mkdir()
    shutil.copy(PLAN, root / "corpus" / PLAN.name)
    shutil.copy(SYNTHETIC, root / "corpus" / "jiangbei.txt")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="fake")
    build_index(settings)
    return AssistantService(settings)


def test_a_question_naming_a_district_is_answered_from_its_plan(two_plans):
    answer = two_plans.ask("江北区今年GDP增长目标是多少")
    assert "5.5%左右" in answer.answer
    assert "5%左右，与全市" not in answer.answer
    assert {c.doc for c in answer.citations} == {"jiangbei"}


def test_an_ambiguous_question_is_answered_per_document(two_plans):
    answer = two_plans.ask("今年GDP增长目标是多少")
    assert "【宝山区2024年计划】" in answer.answer
    assert "【江北区2026年计划】" in answer.answer
    assert {c.doc for c in answer.citations} == {"jiangbei", "baoshan-2024-plan"}


def test_years_are_relative_to_each_plan(two_plans):
    answer = two_plans.ask("江北区去年新增多少户市场主体")
    assert "5200户" in answer.answer


def test_a_question_in_traditional_characters(service):
    answer = service.ask("18號線寶山段投資多少？")
    assert "15.65" in answer.answer and not answer.refused


def test_a_document_in_traditional_characters(tmp_path, capsys):
    """A plan published in traditional characters is read and answered like its simplified
    twin; each citation still points at the right place in the original text."""
    from opencc import OpenCC

    from assistant.cli import main
    from assistant.service import AssistantService
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = OpenCC("s2t").convert(PLAN.read_text(encoding="utf-8"))
    (corpus / "plan-traditional.txt").write_text(original, encoding="utf-8")
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["index", "--quiet", *where]) == 0
    assert "原文为繁体，已转为简体" in capsys.readouterr().out
    service = AssistantService(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert [d.meta.traditional for d in service.documents] == [True]
    for question, figure in (("今年新增多少養老床位", "400张"), ("宝山今年GDP目标", "5%左右")):
        answer = service.ask(question)
        assert figure in answer.answer and not answer.refused
        cited = answer.citations[0]
        assert figure in re.sub(r"\s", "", OpenCC("t2s").convert(original[cited.start : cited.end]))


def test_a_refusal_names_a_few_documents_then_how_many(tmp_path):
    from assistant.indexer import build_index
    from assistant.service import AssistantService
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = SYNTHETIC.read_text(encoding="utf-8")
    for name in ("江北区", "江南区", "沙坪坝区", "九龙坡区"):
        (corpus / f"{name}.txt").write_text(text.replace("江北区", name), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedder="fake")
    build_index(settings)
    answer = AssistantService(settings).ask("杭州今年GDP目标是多少")
    assert answer.refused and "等4份文件" in answer.answer
    named = [name for name in ("江北区", "江南区", "沙坪坝区", "九龙坡区") if name in answer.answer]
    assert len(named) == 3


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("招商大会签了多少项目、金额多少", ["招商大会签了多少项目", "金额多少"]),
        ("GDP、CPI目标是多少", ["GDP、CPI目标是多少"]),
        ("办了多少场文旅活动，多少人次参与", ["办了多少场文旅活动", "多少人次参与"]),
        # A statement after an ask asks nothing; one before names the subject.
        ("今年粮食目标多少？去年听说创了新高，明年呢", ["今年粮食目标多少", "明年呢"]),
        ("跨江大桥，今年目标是什么，投资多少", ["跨江大桥", "今年目标是什么", "投资多少"]),
    ],
)
def test_question_parts(question, parts):
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    ("side", "name", "completed"),
    [
        ("全省农村居民比起来是", "脱贫县农村居民人均可支配收入", "全省农村居民人均可支配收入"),
        ("城市里的那个", "脱贫县农村居民人均可支配收入", None),  # nothing shared
        ("农村居民人均可支配收入", "脱贫县农村居民人均可支配收入", None),  # nothing to borrow
    ],
)
def test_a_side_compared_borrows_the_measure_it_leaves_out(side, name, completed):
    assert borrowed_measure(side, name) == completed


def test_a_lead_sentence_is_the_topic_of_the_sentences_after_it():
    quote = (
        "深化川渝相互赋能、一体发展。实施320个年度共建项目，加快推进成渝中线高铁。提升协作水平。"
    )
    chunk = _paragraph(quote)
    assert (
        topic_of(chunk, "实施320个年度共建项目，加快推进成渝中线高铁。")
        == "深化川渝相互赋能、一体发展。"
    )
    assert topic_of(chunk, "深化川渝相互赋能、一体发展。") == ""
    assert (
        topic_of(_paragraph("地区生产总值增长5%左右，居民收入同步增长。"), "居民收入同步增长。")
        == ""
    )


def _rarity(*quotes: str):
    from assistant.query.match import Rarity
    from assistant.query.retrieve import Tokenizer

    chunks = [_paragraph(q) for q in quotes]
    tokenizer = Tokenizer(())
    return Rarity(chunks, tokenizer, [tokenizer.tokens(c.text) for c in chunks])


def test_a_guess_of_the_segmenter_across_a_particle_is_taken_apart():
    # 「第1个智算中心」: jieba guesses 个智算; the text writes 智算, never 个智算.
    rarity = _rarity("全疆首个智算中心在克拉玛依建成投用。", "推进区域中心城市规划建设。")
    terms = key_terms(normalise("新疆第一个智算中心建在哪个城市", 2025), rarity)
    assert "智算" in terms and "个智算" not in terms, terms


def test_a_thing_named_by_a_guessed_word_the_text_never_writes_is_coined():
    rarity = _rarity("开工建设波密至然乌段铁路，实施青藏铁路格拉段电气化改造。")
    assert rarity.coined(normalise("新藏铁路西藏段什么时候开工", 2025)) == "新藏铁路"
    assert rarity.coined(normalise("今年开工建设哪条铁路", 2025)) == ""
    assert rarity.coined(normalise("新建改扩建多少所中小学", 2025)) == ""  # 小学 inside a word


def test_a_one_character_short_name_starting_a_written_word_is_that_word():
    # 晋 is 山西's short name, and left out of the terms; 「晋城」 is a city the text writes.
    rarity = _rarity("晋城市煤层气产量达到100亿立方米。", "晋中市建成高标准农田。")
    terms = key_terms(normalise("晋城煤层气产量多少", 2025), rarity, ignore=("山西", "晋"))
    assert "晋城" in terms, terms
    assert "晋城" not in key_terms(normalise("晋今年粮食产量目标", 2025), rarity, ("晋",))
    # one-character names counted as places are those places, though the text writes the run
    rarity = _rarity("推进晋冀豫三省交界地区协同发展。", "粮食产量达到300亿斤。")
    terms = key_terms(normalise("晋冀两省去年粮食产量各多少", 2025), rarity, ("山西", "晋"))
    assert set(terms) == {"粮食产量"}, terms


def test_a_thing_named_after_a_place_the_text_never_names_is_another_thing():
    rarity = _rarity("建成广州白云机场三期、深圳机场三跑道，开工建设湛江至南宁高速。")
    assert rarity.renamed(normalise("湛江吴川机场今年改扩建吗", 2025)) == "湛江吴川机场"
    assert rarity.renamed(normalise("深圳机场三跑道今年建成吗", 2025)) == ""


def test_how_many_of_a_unit_asks_an_amount_not_a_rate(longnan):
    from assistant.query.intent import asked_measure, read_intent

    (document,) = longnan.documents
    asked = (
        ("新能源汽车产量有多少万辆", True),
        ("提高几个百分点", False),
        ("增长几个点", False),
        ("办第几届", False),
    )
    for question, amount in asked:
        intent = read_intent(normalise(question, 2025), document)
        assert intent.amount is amount, question
    # compared, 「高几个百分点」 is the difference of the two, which no stated change answers
    assert asked_measure("甲乙两地城镇化率谁高，高几个百分点", compared=True) == ""
    assert asked_measure("城镇化率去年提高了几个百分点") != ""
    # two places' growth compared asks growth rates: 「迈上14万亿元新台阶」 states none
    growth = re.compile(asked_measure("粤和闽2024年GDP增速哪个更快"))
    assert growth.search("地区生产总值增长5.5%") and not growth.search("迈上14万亿元新台阶")


def test_how_much_was_set_aside_asks_an_amount_not_the_measures(longnan):
    from assistant.query.intent import read_intent

    (document,) = longnan.documents
    amount = read_intent(normalise("今年安排了多少乡村振兴资金", 2025), document)
    assert amount.quantity and not amount.listing
    assert read_intent(normalise("乡村振兴今年有什么安排", 2025), document).listing


def test_which_few_things_asks_for_a_list(longnan):
    from assistant.query.intent import read_intent

    (document,) = longnan.documents
    for question in ("传统产业今年要“稳”哪几样", "今年要抓哪几条", "重点抓哪几方面"):
        assert read_intent(normalise(question, 2025), document).listing, question


def test_the_part_of_a_line_inside_a_place_is_named_by_the_line():
    rarity = _rarity("加快推进合新城际铁路、宁淮城际铁路建设。")
    asked = normalise("宁芜城际铁路江苏段今年能开工吗", 2025)
    assert rarity.renamed(asked) == "宁芜城际铁路"
    assert rarity.renamed(normalise("宁淮城际铁路江苏段今年能开工吗", 2025)) == ""


def test_a_word_inside_a_longer_word_of_another_thing_is_not_met():
    question = normalise("去年出口总额增长了多少", 2025)
    terms = {"出口": 3.0, "总额": 2.0}
    assert coverage(terms, "进出口总额增长4%", question) == 2.0 / 5.0
    assert coverage(terms, "进出口总额增长4%，其中出口总额增长2%", question) == 1.0
    assert coverage({"进出口": 3.0}, "进出口总额增长4%", question) == 1.0


def test_the_askers_own_situation_weighs_less_than_what_is_asked(longnan):
    from assistant.query.intent import read_intent

    rarity = _rarity("推动外贸扩大规模，出口总额增长8%。", "进出口总额增长4%。")
    question = normalise("我是做外贸的，想问问去年出口总额同比增长多少", 2025)
    terms = key_terms(question, rarity)
    assert terms["外贸"] < terms["出口"] / 2, terms
    # 外贸 said only of the asker is no indicator the answer must name
    assert not misses_a_named_indicator(question, "出口总额增长8%")
    (document,) = longnan.documents
    assert not read_intent(question, document).compare  # 同比 is no comparison asked


def test_a_word_a_written_name_cuts_in_two_is_another_things_name():
    # 嘉甬铁路 is written, so 「甬铁路」 is too; 金甬 is not. 「能建成通车」 asks, names nothing.
    rarity = _rarity("加快通苏嘉甬铁路建设，确保丽水机场建成投运。")
    assert rarity.renamed(normalise("今年金甬铁路能建成通车吗", 2025)) == "金甬铁路"
    assert rarity.renamed(normalise("今年通苏嘉甬铁路能建成通车吗", 2025)) == ""


def test_a_line_named_by_its_two_ends_that_the_text_never_writes_is_another_line():
    # 「温台」 is written (温台民营经济示范区), and so are other lines of the kind; 温台高铁 is not.
    rarity = _rarity("推进温台民营经济示范区建设，开建甬舟高铁、杭衢高铁。")
    assert rarity.renamed(normalise("浙江今年温台高铁有什么安排", 2025)) == "温台高铁"
    assert rarity.renamed(normalise("浙江今年甬舟高铁有什么安排", 2025)) == ""
    assert rarity.renamed(normalise("浙江今年高铁有什么安排", 2025)) == ""
    # A name the text writes in quotes is written; numerals count regions, not places.
    rarity = _rarity("持续打好“三北”工程攻坚战，推进温台高铁建设。")
    assert rarity.renamed(normalise("今年三北工程要治沙多少亩", 2025)) == ""


def test_a_verb_and_its_classifier_before_a_kind_name_no_thing():
    rarity = _rarity("推进检查检验结果互认，建设紧密型医联体和区域医疗中心医院。")
    assert rarity.coined(normalise("换家医院看病要重复检查吗", 2025)) == ""


def test_a_kind_of_road_is_met_by_its_codes():
    question = normalise("西藏要加快建设哪几条国道", 2025)
    assert coverage({"国道": 1.0}, "加快G318、G219、G109和农村公路建设", question) == 1.0
    assert coverage({"国道": 1.0}, "GDP增长7%，5G基站", question) == 0.0


def test_a_figure_is_named_by_the_remark_after_it():
    from assistant.query.prose import ProseAnswers

    sentence = "新能源装机在全国率先破亿、达到1.35亿千瓦，超过火电装机。"
    question = normalise("新能源装机已经超过火电了，去年到底达到多少千瓦", 2025)
    terms = {"新能源": 1.0, "装机": 1.0, "超过": 2.0, "火电": 3.0, "千瓦": 1.0}
    intent = SimpleNamespace(measure="")  # 「多少」 with no unit of its own to match
    assert ProseAnswers._measured_clause_on_topic(sentence, "", terms, question, intent)
    other = "新能源装机在全国率先破亿、达到1.35亿千瓦，推进火电灵活性改造。"
    assert not ProseAnswers._measured_clause_on_topic(other, "", terms, question, intent)


def test_a_clause_naming_the_thing_asked_is_the_subject_of_the_figures_after_it():
    from assistant.query.prose import ProseAnswers

    sentence = "开放推进，货运枢纽鄂州花湖机场开通货线91条，货邮吞吐量达到128万吨、跃居全国第5。"
    question = normalise("鄂州花湖机场货邮吞吐量全国排第几", 2025)
    terms = {"鄂州": 3.9, "花湖": 4.1, "机场": 4.4, "货邮": 4.8, "吞吐量": 4.4, "全国": 2.1}
    intent = SimpleNamespace(measure=r"第[\d一二三四五六七八九十百]+|排名")
    on_topic = ProseAnswers._measured_clause_on_topic
    assert not on_topic(sentence, "", terms, question, intent)
    assert on_topic(sentence, "", terms, question, intent, "鄂州花湖机场")
    # but not of a clause about something else: the 利润 grew, not the 固定资产投资 asked
    other = "工业投资占固定资产投资比重40.7%，规模以上工业企业利润增长45.7%。"
    growth = SimpleNamespace(measure=r"(?:增长|增速)[^，。；\d]{0,6}\d")
    asked = normalise("固定资产投资增长了多少", 2025)
    assert not on_topic(other, "", {"固定资产投资": 3.0}, asked, growth, "固定资产投资")
    # nor of one that only repeats a word of the name (外资 of 实际使用外资)
    share = "实际使用外资152.7亿美元，其中制造业外资占比51%。"
    percent = SimpleNamespace(measure=r"\d[\d.]*%")
    asked = normalise("实际使用外资比上年增长了百分之几", 2025)
    terms = {"实际": 2.0, "使用": 1.0, "外资": 3.0, "上年": 1.0}
    assert not on_topic(share, "", terms, asked, percent, "实际使用外资")


def _paragraph(quote: str) -> Chunk:
    return Chunk(
        chunk_id="c1",
        doc_id="d",
        doc_hash="h",
        kind=ChunkKind.PARAGRAPH,
        text=quote,
        quote=quote,
        section=("2025年工作安排",),
        span=Span(0, len(quote)),
    )


def test_request_fields_are_checked_before_anything_is_answered(service):
    """What an API client sends: a number for a question, a huge 「previous」, an unknown place."""
    with pytest.raises(InvalidQuestionError, match="问题应为文字"):
        service.ask(20240101)
    plain = service.ask("今年GDP目标是多少？")
    assert service.ask("今年GDP目标是多少？", previous="宝" * 20000).answer == plain.answer
    assert service.ask("今年GDP目标是多少？", place="宝山区").answer == plain.answer
    with pytest.raises(InvalidQuestionError, match="没有关于「火星」的文件"):
        service.ask("今年GDP目标是多少？", place="火星")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("政府投资项目里哪个投资最高、哪个最低？", ["15.65", "0.56"]),
        ("投资最少和最多的项目分别是？", ["0.56", "15.65"]),
        ("投资最大的两个项目是哪两个", ["15.65", "14.63"]),
        ("前两个投资最少的项目是什么", ["0.56", "1.29"]),
        ("投资额排名前两位的是哪些项目", ["15.65", "14.63"]),
    ],
)
def test_both_ends_and_the_first_n_of_a_ranking(service, question, expected):
    answer = service.ask(question)
    assert not answer.refused, answer.answer
    assert all(value in answer.answer for value in expected), answer.answer


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("投资额在1亿到1.5亿之间的项目有哪些", ["1.43", "1.29", "1.47"], ["1.57", "0.56"]),
        ("投资超过12个亿的项目有哪些", ["14.63", "15.65"], ["11.68"]),
    ],
)
def test_projects_listed_by_amount_show_their_amounts(service, question, expected, absent):
    answer = service.ask(question)
    assert not answer.refused, answer.answer
    assert all(f"（{value}亿元）" in answer.answer for value in expected), answer.answer
    assert not any(f"（{value}亿元）" in answer.answer for value in absent), answer.answer


@pytest.mark.parametrize(
    ("question", "other"),
    [
        ("南大09-10地块小学新建工程投资多少？", "1.43"),
        ("吴淞创新新城配套道路7条投资多少钱", "6.95"),
        ("沪通铁路三期投资多少", "1.93"),  # the plan has 沪通铁路二期 only
        ("罗泾新镇配套道路要投资多少", "1.63"),  # 罗店新镇…; the plan names 罗泾 elsewhere
        # A word the plan never writes before the kind of thing it has (气象站迁建工程 only).
        ("区档案馆迁建工程投资多少", "1.57"),
        ("儿童医院迁建工程今年开工吗", "1.57"),
        ("18号线二期全线总投资多少", "15.65"),  # the row is for 宝山段 alone
    ],
)
def test_a_name_the_plan_has_only_otherwise_is_not_answered_with_another(service, question, other):
    answer = service.ask(question)
    assert answer.refused, answer.answer
    assert other not in answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("“四百”大走访里的四百指的是什么", "进百家门、访百家情、解百家难、暖百家心"),
        ("「产业类投资额」具体是什么意思", "工业用地投资和研发类用地投资的总和"),
        ("“数字生活100”到底是什么", "以“数字小区”为切入点"),
        ("“产业类投资额”如何定义", "工业用地投资和研发类用地投资的总和"),
    ],
)
def test_a_quoted_name_is_defined_by_its_note(service, question, expected):
    assert_answered_with(service, question, expected)


@pytest.mark.parametrize(
    ("question", "names", "count"),
    [
        ("2024年目标写着“力争有所增长”的是哪个指标", ["居民平均预期寿命"], 1),
        ("哪些指标的目标是“在全市保持较好水平”", ["平安建设满意度", "一网通办"], 2),
        ("表1一共列了几项指标", ["地区生产总值", "平安建设满意度"], 25),
        ("“城市治理指标”这一类有几项指标", ["城镇污水处理率"], 15),
    ],
)
def test_indicator_rows_by_value_and_counted(service, question, names, count):
    answer = service.ask(question)
    assert not answer.refused, answer.answer
    assert f"共{count}个" in answer.answer
    assert all(name in answer.answer for name in names), answer.answer


@pytest.mark.parametrize(
    ("question", "row", "text"),
    [
        ("南大中央公园今年进展如何", "3.4", "完成地下空间结构"),
        ("区疾控中心迁建工程今年要干到什么程度", "3.99", "着力推进区疾控中心迁建"),
    ],
)
def test_a_project_gets_its_row_and_what_the_text_says_of_it(service, question, row, text):
    answer = service.ask(question)
    assert row in answer.answer and text in answer.answer, answer.answer
    assert len(answer.citations) >= 2


def live_over_the_plan_then_two(tmp_path):
    """A live service over the bundled plan, then an index rebuilt with a second plan."""
    from assistant.indexer import build_index
    from assistant.service import AssistantService, LiveService
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PLAN, corpus / PLAN.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedder="fake")
    build_index(settings)
    live = LiveService(AssistantService(settings))
    first = live.current()
    assert live.current() is first  # nothing changed: no reload
    shutil.copy(SYNTHETIC, corpus / "jiangbei.txt")
    build_index(settings)
    return live, first, settings


def test_the_live_service_follows_a_rebuilt_index(tmp_path):
    live, _, _ = live_over_the_plan_then_two(tmp_path)
    assert len(live.current().documents) == 2


def test_the_live_service_waits_for_a_build_to_finish(tmp_path):
    from assistant import indexer

    live, first, settings = live_over_the_plan_then_two(tmp_path)
    with indexer._exclusive(settings.index_dir):  # a build that is still running
        assert live.current() is first
    assert len(live.current().documents) == 2


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("今年全社会固定资产投资总额计划完成多少亿元", ["增长5%", "650亿元"]),
        ("2024年固定资产投资的目标是什么", ["增长5%", "650亿元"]),
    ],
)
def test_a_table_value_and_the_texts_value_are_given_together(service, question, expected):
    answer = service.ask(question)
    assert all(value in answer.answer for value in expected), answer.answer


REPORT = """2025年政府工作报告
各位代表：
一、2024年工作回顾
过去一年，全省地区生产总值增长5.3%。跨江大桥主体完工，滨海机场建成试飞。新设高职院校2所，全省高校增至120所。全年新建5G基站1.2万个、公共充电桩3.5万个。产业投资占全部投资比重达55%。环岛高铁开通运营，新城到老城车程缩至90分钟，日均客流超5万人次。滨海湿地公园获批列入国际重要湿地名录。青年科学家论坛累计促成人才引进项目120个、招商引资项目300个。
二、2025年工作安排
今年主要预期目标是：地区生产总值增长5%左右，R&D经费支出占GDP比重达到2.5%。
扩大有效投资。安排省重点项目1500个以上，完成投资1.5万亿元左右。推进跨江大桥通车运营，加快滨海机场航站区建设。
培育未来产业。到2030年，建成10个左右未来产业园，集聚300家以上领军企业。
实施青年人才计划。用3年时间，引进青年人才5万名。年度目标：引进青年人才1.8万名。
激发市场活力。开展文旅消费季活动，发放文旅消费券1亿元。推出精品旅游线路50条，新建智慧景区20家。
推进和美乡村建设，实施两个“两年行动”：第一个“两年行动”（2025—2026年），建成示范村100个；第二个“两年行动”（2027—2028年），建成示范村300个。
建设海洋强省。突出发展海洋经济。建设海洋装备产业园。推动海洋牧场扩面提质。培育航运服务业。提升港口能级。确保港区铁路专用线9月底完成。港口集团要提质增效，在稳经营上下功夫，力争营收达到800亿元。
锚定“东部创新高地”“滨海宜居新城”和“开放合作前沿”的目标定位，加快建设“高地、新城、前沿”。明确打造“一带两核三区”的空间格局。改造沿江老码头、老仓库等“两老”空间。
"""


@pytest.fixture(scope="module")
def a_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    return service_over(root, {"report.txt": REPORT}, embedder="fake")


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        # A horizon the question and the text both set is covered, though no plan year.
        ("到2030年要建成几个未来产业园", "10个左右", ""),
        # A named indicator in another wording and letter case (研发投入强度 = R&D…占GDP比重).
        ("今年研发投入强度的目标", "2.5%", ""),
        # 「完成多少投资」 asks for an amount; 1.5万亿元 is one, and 1500个 is not: the count
        # is quoted only as what the generic 「完成投资」 is of.
        (
            "省重点项目今年完成多少投资",
            "1500个以上，完成投资1.5万亿元左右",
            "目标：安排省重点项目1500个以上。",
        ),
        # 「目前」 asks how things stand: the review's figure, the time word no topic.
        ("目前全省一共多少所高校", "120所", ""),
        # 「进展」 with no year asks what has been done, not what is planned.
        ("跨江大桥什么进展", "主体完工", "通车运营"),
        ("滨海机场的建设情况如何", "建成试飞", "航站区"),
        # 「用3年时间」 is a horizon, not this year: the year's own figure answers 今年.
        ("今年青年人才计划要引进多少人", "1.8万名", "5万名"),
        # An ordinal names one of several alike items after a colon (第二个, not 第一个).
        ("和美乡村第二个“两年行动”哪几年建成多少个示范村", "到2028年：建成示范村300个", ""),
        # Two names joined by 和 share the question: each gets its own figure.
        ("去年新建公共充电桩和5G基站多少个", "1.2万个", ""),
        ("去年新建公共充电桩和5G基站多少个", "3.5万个", ""),
    ],
)
def test_report_wordings_of_time_measure_and_indicator(a_report, question, expected, not_expected):
    assert_answered_with(a_report, question, expected, absent=not_expected)


def test_a_thing_the_plan_names_is_not_answered_with_a_look_alike_rows_figures(service):
    # 美兰湖中央公园 is in the plan's text with no investment; 南大中央公园 has a row with one.
    answer = service.ask("美兰湖中央公园（一期）要花多少钱")
    assert answer.refused and "3.4" not in answer.answer
    assert "3.4" in service.ask("南大中央公园要花多少钱").answer


def test_the_measures_after_a_lead_sentence_follow_the_one_that_matched(a_report):
    answer = a_report.ask("今年打算如何促进文旅消费")
    assert "文旅消费券" in answer.answer and "精品旅游线路" in answer.answer


def test_a_growth_question_is_not_answered_by_a_share(a_report):
    assert a_report.ask("去年产业投资增长了多少").refused


@pytest.mark.parametrize("question", ["省长的籍贯和履历", "作报告的省长是哪儿人"])
def test_a_personal_question_is_refused_as_such(a_report, question):
    answer = a_report.ask(question)
    assert answer.refused and "个人" in answer.answer


def test_a_measures_question_names_its_topic_not_the_verb_of_improving(service):
    # 「优化」 says how, not what; 「出行」 is written 交通/公交 in plans.
    answer = service.ask("今年市民出行要怎么优化")
    assert not answer.refused and "精品示范路" in answer.answer


def test_a_list_never_quotes_a_sentence_on_another_numbered_line(service):
    answer = service.ask("轨交21号线今年有哪些工作安排")
    assert "18号线" not in answer.answer and "19号线" not in answer.answer


def test_a_group_row_is_named_by_its_head_not_its_members(service):
    answer = service.ask("城市公园这个项目要投多少钱")
    assert "2.00亿元" in answer.answer and "逸仙公园" in answer.answer


def test_a_second_part_without_subject_asks_the_first_parts_thing_in_its_own_year(service):
    answer = service.ask("轨交18号线二期今年要干到哪一步，去年进展怎样")
    assert "推进建设" in answer.answer and "全面开工建设" in answer.answer
    assert answer.answer.count("投资总额15.65亿元") == 1  # the same row said once


def test_done_in_the_past_tense_asks_for_results(a_report):
    answer = a_report.ask("滨海机场建成了吗")
    assert "建成试飞" in answer.answer and "航站区" not in answer.answer


def test_a_topics_measures_run_on_past_short_sentences_on_its_core_word(a_report):
    answer = a_report.ask("今年发展海洋经济有什么举措")
    assert "海洋装备产业园" in answer.answer and "海洋牧场" in answer.answer
    assert "港口能级" not in answer.answer


@pytest.mark.parametrize("question", ["港区铁路专用线啥时候完成", "港区铁路专用线什么时候能完成"])
def test_when_is_answered_by_a_date_whatever_its_year(a_report, question):
    answer = a_report.ask(question)
    assert "9月底" in answer.answer, answer.answer


@pytest.mark.parametrize("question", ["去年固定资产投资增长多少", "去年全省有多少家高新技术企业"])
def test_a_named_indicator_is_not_answered_by_another_ones_figure(a_report, question):
    """产业投资 is no 固定资产投资; 新设高职院校2所 gives no count of 高新技术企业."""
    assert a_report.ask(question).refused


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # 「多久」 asks a duration; 「多长」 opens a question part of its own.
        ("环岛高铁开通后新城到老城要多久？日均客流多少？", "90分钟"),
        ("环岛高铁开通后新城到老城要多久？日均客流多少？", "5万人次"),
        # 「多少人才引进项目」 counts projects, not 人.
        ("青年科学家论坛累计促成了多少人才引进项目", "120个"),
        # 「称号」 names the kind of answer, not a word the text must have.
        ("滨海湿地公园去年获得了什么称号", "国际重要湿地"),
        # The sentence's first clause, with no figure, is the subject of its figure.
        ("港口集团今年营收目标是多少", "800亿元"),
    ],
)
def test_what_kind_of_answer_is_asked_for(a_report, question, expected):
    assert_answered_with(a_report, question, expected)


def test_a_target_and_result_the_tables_leave_to_the_text_still_compare(service):
    """The plan's tables have no 养老保险覆盖率 row: its text gives 99.3% and 「不低于99%」."""
    answer = service.ask("今年基本养老保险覆盖率的要求跟去年比差了几个百分点")
    assert "0.3个百分点" in answer.answer and "不低于99%" in answer.answer, answer.answer


def test_a_name_of_short_items_is_defined_by_their_long_forms(a_report):
    answer = a_report.ask("“高地、新城、前沿”分别是什么意思")
    assert "东部创新高地、滨海宜居新城、开放合作前沿" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "explained"),
    [("“一带两核三区”具体指什么", False), ("“两老”空间指的是什么", True)],
)
def test_a_name_the_text_never_explains_is_refused_as_such(a_report, question, explained):
    answer = a_report.ask(question)
    assert answer.refused is not explained, answer.answer
    assert ("没有说明" in answer.answer) is not explained


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The name a question quotes is the one it asks about, not a longer run of its words.
        ("重大项目表中的“城市公园”由哪几个公园组成", "国阅绿地"),
        # 「前两名」 with no 最-word ranks from the top.
        ("重大项目里投资排前两名的是哪两个", "14.63"),
        # A list or a bracket before a quoted name explains it.
        ("提信心“28条”的全称是什么", "提信心扩需求稳增长促发展行动方案"),
        ("要打的“三大攻坚战”包括哪三个", "柴油货车"),
        # 「…各说一下」 asks a second part of its own: the text's amount beside the table's rate.
        ("今年固投目标是多少，增速和金额各说一下", "650亿元"),
    ],
)
def test_plan_wordings_of_names_rankings_and_parts(service, question, expected):
    assert_answered_with(service, question, expected)


def test_a_count_in_a_rows_name_is_part_of_the_name(service):
    assert service.ask("罗店新镇新建配套道路9个项目投资多少").refused


def test_rows_picked_by_either_of_two_values(service):
    answer = service.ask("目标写的是“开工”或者“基本竣工”的项目有哪些")
    assert "城市公园" in answer.answer and "吴淞创新新城配套道路" in answer.answer, answer.answer


def test_what_things_are_to_be_built_is_a_list(service):
    answer = service.ask("今年健身场地打算新建更新些什么")
    assert "市民健身步道" in answer.answer and "市民球场" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("南泗塘水闸外移工程投资多少", False),  # 北泗塘水闸外移工程 is another sluice
        ("逸仙路高架长逸路上匝道新建工程投资多少", False),  # the row is the 下匝道
        ("北泗塘水闸外移工程投资多少", True),
    ],
)
def test_a_name_with_one_character_changed_is_another_thing(service, question, answered):
    assert service.ask(question).refused is not answered


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("投资额在十亿元以上的项目都有哪些", ["11.68", "15.65", "14.63"], ["6.95"]),
        ("投资不超过1.5亿元的项目有哪些", ["1.43", "0.56"], ["1.57"]),
        ("项目名称中有“公园”的有几个", ["3.4", "2.00"], ["3.39"]),
    ],
)
def test_projects_picked_by_an_amount_limit_or_a_word_of_their_name(
    service, question, expected, absent
):
    answer = service.ask(question)
    assert not answer.refused, answer.answer
    assert all(f"（{value}亿元）" in answer.answer for value in expected), answer.answer
    assert not any(f"（{value}亿元）" in answer.answer for value in absent), answer.answer


def test_an_amount_limit_on_something_else_is_no_project_filter(service):
    answer = service.ask("产值十亿元以上的制造业企业有多少家")
    assert "31家" in answer.answer and "亿元）" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        ("“部分主导产业进展情况”这个表有几行", ["新材料产业", "生物医药产业"]),
        ("“南大智慧城、邮轮滨江带、吴淞创新城建设重点”那张表有几行", ["邮轮滨江带"]),
    ],
)
def test_a_text_table_is_counted_by_its_title(service, question, rows):
    answer = service.ask(question)
    assert "共列了3个" in answer.answer, answer.answer
    assert all(row in answer.answer for row in rows)


def test_two_things_of_one_year_are_compared(service):
    answer = service.ask("2023年新能源汽车产值增速和新一代信息技术相比差多少")
    assert "1.7个百分点" in answer.answer and "26.5 − 28.2" in answer.answer, answer.answer


def test_a_cell_added_up_is_said_before_the_difference(service):
    answer = service.ask("今年高新技术成果转化项目目标与去年市级、区级合计相比多还是少")
    assert "合计185个（80+105）" in answer.answer and "少25个" in answer.answer, answer.answer


def test_one_of_the_things_a_row_lists_has_no_amount_of_its_own(service):
    answer = service.ask("美兰西湖公园要投多少钱")
    assert answer.refused, answer.answer
    assert "没有单独列出「美兰西湖公园」" in answer.answer and "2.00亿元" in answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("养老方面今年有哪些实事", "新增养老床位400张"),
        ("就业这一块今年怎样促进", "促进就业政策宣传"),
    ],
)
def test_fillers_and_verbs_of_a_how_question_are_not_its_topic(service, question, expected):
    assert_answered_with(service, question, expected)


def test_a_note_belongs_to_the_words_its_marker_follows(service):
    answer = service.ask("「一网统管」是什么")  # same paragraph as “数字生活100”行动计划²
    assert "数字小区" not in answer.answer, answer.answer
    assert_answered_with(service, "“數字生活100”是啥", "以“数字小区”为切入点")


def test_a_name_is_explained_by_the_sentence_where_a_colon_follows_it():
    chunk = _paragraph("3．民生“三件实事”：托育、助餐、停车。另有“五个一批”项目。")
    found = _explained("三件实事", [chunk])
    assert found is not None and found[1].startswith("3．民生“三件实事”：托育")
    assert _explained("五个一批", [chunk]) is None  # used, not explained


def test_a_period_the_text_sets_ends_a_horizon():
    assert {"到2030年", "—2030年", "2030年前"} <= set(_horizon_forms(2030))


@pytest.mark.parametrize("question", ["宝山区区长哪年出生的", "区长之前在哪里工作"])
def test_a_persons_life_is_not_in_a_plan(service, question):
    answer = service.ask(question)
    assert answer.refused and "不涉及个人" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "group", "total"),
    [
        ("投资合计最少的是哪一类项目", "城市生态治理类项目", "16.63亿元（14.63+2.00）"),
        ("哪一类项目加起来投资最多", "城市功能引领类项目", "33.23亿元"),
    ],
)
def test_groups_of_projects_ranked_by_their_sums(service, question, group, total):
    answer = service.ask(question)
    assert f"「{group}」：{total}" in answer.answer, answer.answer


def test_the_indicator_table_named_is_not_the_projects_table(service):
    answer = service.ask("指标表里“城市治理指标”一共几项")
    assert "共15个指标" in answer.answer and "亿元" not in answer.answer, answer.answer


def test_a_kind_of_facility_is_answered_by_the_facilities_named(service):
    assert_answered_with(service, "今年打算新建哪些体育健身设施", "市民健身步道")


def test_a_figure_is_shown_with_how_it_stands_against_its_target(service):
    answer = service.ask("户籍登记失业人数去年多少，达标了没")
    assert "12007人，控制在市下达指标内" in answer.answer, answer.answer


REPORT_WITH_GAPS = """2025年定西市政府工作报告

——2025年1月10日在定西市第五届人民代表大会第五次会议上

一、2024年工作回顾

过去一年，全市地区生产总值增长5.9%，出口增长5.3%。第三产业增加值、进出口总额等稳步回升，商品房销售面积止跌企稳。
新增“十亿镇”3个、总数达到25个。新设外资企业12家，实际利用外资5600万美元。
城市集中供热用户室温达标率提升到95%。
机电产品出口增长25.1%，跨境电商进出口增长13.6%。
打响岷县当归、渭源党参等特色农产品品牌。特色小镇和农产品物流网络建设加快。
工业投资占固定资产投资比重40.7%，规模以上工业企业利润增长45.7%。中欧班列年开行突破万列。
规模工业增加值增长8.2%、高于全国2.4个百分点。园区工业增加值增速高于全省3个百分点。全年接待游客2000万人次，旅游收入超100亿元，分别增长12%和9.5%。
渭武高速建成通车，定西到武都车程最短缩至2小时。
持续提升粮食单产，蔬菜产量稳定在20万吨左右。
全市城乡居民人均可支配收入分别增长5.1%、7.3%。
定西机场年旅客吞吐量增长12%，突破50万人次；货邮吞吐量增长20%，突破2000吨。
接待游客增长8%，其中入境游客3万、增长20%。生产马铃薯淀粉12万吨、中药材饮片3.5万吨，分别增长6%、15%。
新能源装机达到500万千瓦，超过火电装机。全市首个智算中心在安定区建成投用。
新建、改扩建中小学和幼儿园12所，新增学位3000个。人均地区生产总值稳步提升。“夜经济三件套”带动消费回暖。夜市、深夜食堂、露营地成为年轻人的新去处。

二、2025年主要任务

做好第十六届省运会备战参赛工作，健全全民健身公共服务体系。粮食产量稳定在30亿斤以上。
推动马铃薯、中药材、草牧3个特色产业全链条升级，建成10个现代农业园区。
主要预期目标是：一般公共预算收入增长3%左右，城镇居民人均可支配收入增速高于全省平均水平，城镇调查失业率5.5%左右。
坚定走好开放带动之路、生态优先之路、创新驱动之路。单位地区生产总值能耗保持下降。
全年货物贸易出口占全省份额保持基本稳定，服务贸易、数字贸易出口分别增长6%、8%。
全市居民人均可支配收入增长6%左右。推进养老服务机构标准化建设。
加快G316、G212改造提升，开工建设渭武铁路前期工程，力争定岷高速公路年内建成通车。
今年3月5日，全市举办首届马铃薯博览会，签约项目20个。
"""

NEIGHBOUR_WITH_A_HORIZON = """2025年天水市政府工作报告

一、2024年工作回顾

过去一年，全市地区生产总值增长6.1%。

二、2025年主要任务

粮食产量稳定在25亿斤以上。到2030年，全市粮食产量达到35亿斤。
"""


@pytest.fixture(scope="module")
def report_with_gaps(tmp_path_factory):
    return service_over(tmp_path_factory.mktemp("gaps"), {"dingxi.txt": REPORT_WITH_GAPS})


# 「第十六届」 is an ordinal, no figure for 「是多少」.
@pytest.mark.parametrize(
    "question", ["定西去年进出口总额是多少", "定西今年省运会备战参赛的目标是多少"]
)
def test_a_quantity_the_text_does_not_give_is_refused_with_what_it_says(report_with_gaps, question):
    answer = report_with_gaps.ask(question)
    assert answer.refused and "未能在文件中确认所问的数值" in answer.answer
    assert answer.citations  # what the document does say, quoted


@pytest.mark.parametrize(
    ("question", "figure", "not_figure"),
    [
        ("定西的十亿镇现在总共有几个", "25个", None),
        ("定西目前有多少个十亿镇", "25个", None),
        ("定西去年新增了几个十亿镇", "3个", "25个"),
    ],
)
def test_a_stock_is_not_answered_by_an_increment(report_with_gaps, question, figure, not_figure):
    answer = report_with_gaps.ask(question)
    assert figure in answer.answer and not answer.refused
    assert not_figure is None or not_figure in answer.answer or "新增" in answer.answer


@pytest.mark.parametrize(
    ("question", "figure"),
    [("定西引进外资实际到位多少", "5600万美元"), ("定西暖气温度达标的比例是多少", "95%")],
)
def test_colloquial_names_reach_the_official_wording(report_with_gaps, question, figure):
    answer = report_with_gaps.ask(question)
    assert figure in answer.answer and not answer.refused


def test_a_figure_with_its_own_subject_does_not_answer_for_the_clause_before(report_with_gaps):
    answer = report_with_gaps.ask("定西去年固投增长了多少")
    assert answer.refused and "45.7%" not in answer.answer.split("最相关的表述")[0]


def test_a_figure_after_a_target_stated_by_a_relation_is_not_its_answer(report_with_gaps):
    """「…收入增速高于全省平均水平，城镇调查失业率5.5%左右」: the rate is the jobless rate's."""
    answer = report_with_gaps.ask("定西今年城镇居民人均可支配收入要增长百分之几")
    assert answer.refused and "5.5%" not in answer.answer, answer.answer


def test_characters_the_segmenter_splits_are_matched_as_the_text_writes_them(report_with_gaps):
    # jieba cuts 「走好」 into 走/好; the text writes 「走好」, so it is a term of the question.
    answer = report_with_gaps.ask("定西今年要坚定走好哪几条路？")
    assert "开放带动之路" in answer.answer and not answer.refused, answer.answer


def test_a_longer_indicator_name_is_asked_whole(report_with_gaps):
    # 「外贸出口」 is asked, and 「出口增长5.3%」 states it; 「外贸」 in it asks no 进出口.
    answer = report_with_gaps.ask("定西去年外贸出口增长了多少")
    assert "5.3%" in answer.answer and not answer.refused, answer.answer


def test_a_part_of_an_indicator_does_not_answer_for_the_whole(report_with_gaps):
    # 跨境电商进出口 and 机电产品出口 are parts of 外贸, named by longer names.
    answer = report_with_gaps.ask("定西去年外贸进出口总额增长了多少")
    assert answer.refused and "13.6%" not in answer.answer.split("最相关")[0], answer.answer
    answer = report_with_gaps.ask("定西去年外贸出口增长了多少")
    assert "25.1%" not in answer.answer and "5.3%" in answer.answer, answer.answer


def test_an_indicator_narrowed_by_a_name_the_text_writes_is_not_the_wider_one(report_with_gaps):
    # The text writes 人均地区生产总值 as a name of its own: 地区生产总值's growth is not its.
    answer = report_with_gaps.ask("定西去年人均地区生产总值增长了多少")
    assert answer.refused and "5.9%" not in answer.answer.split("最相关")[0], answer.answer
    answer = report_with_gaps.ask("定西去年人均GDP增长了多少")  # per head, asked colloquially
    assert answer.refused and "5.9%" not in answer.answer.split("最相关")[0], answer.answer
    answer = report_with_gaps.ask("定西去年全市地区生产总值增长了多少")  # 全市 narrows nothing
    assert "5.9%" in answer.answer and not answer.refused, answer.answer


def test_what_is_counted_names_the_figure(report_with_gaps):
    # 「多少学位」 counts 学位: the schools' 12所 in the clause before counts something else.
    answer = report_with_gaps.ask("定西去年学校扩建后多了多少学位")
    assert "3000个" in answer.answer, answer.answer
    answer = report_with_gaps.ask("定西去年新建改扩建了几所中小学和幼儿园")
    assert "12所" in answer.answer, answer.answer


def test_a_comparison_asked_is_the_one_the_text_makes_with_that_place(report_with_gaps):
    # 「比全国快多少」: the clause right after the figure compares with 全国; the 园区 sentence
    # compares with 全省, and answers nothing here.
    answer = report_with_gaps.ask("定西去年规上工业增长多少，比全国快多少")
    assert "8.2%、高于全国2.4个百分点" in answer.answer, answer.answer
    assert "3个百分点" not in answer.answer, answer.answer


def test_a_name_holding_a_count_is_told_by_the_list_right_after_it(report_with_gaps):
    answer = report_with_gaps.ask("定西说的“夜经济三件套”是哪三件？")
    assert "夜市、深夜食堂、露营地" in answer.answer and not answer.refused, answer.answer


def test_a_change_in_points_is_not_answered_by_a_target_without_a_figure(report_with_gaps):
    answer = report_with_gaps.ask("定西今年单位GDP能耗具体要降多少个百分点")
    assert answer.refused, answer.answer


@pytest.mark.parametrize(
    ("question", "figure", "not_figure"),
    [
        # 「规模工业」 is how some reports write 规模以上工业; 企业利润 is another indicator.
        ("定西去年规上工业增加值涨了多少", "8.2%", "45.7%"),
        # Travel time as a resident asks it: 开车/最快/开通 for 车程/最短/通车.
        ("渭武高速开通以后，从定西开车去武都最快要多久？", "2小时", None),
        # 「…，旅游收入超100亿元，分别增长12%和9.5%」: the second name's figure is the second.
        ("定西2024年旅游收入比上年增长多少", "9.5%", None),
        # 货邮 is not 旅客; 「是多少」 asks the amount before the growth.
        ("定西去年货邮吞吐量是多少？", "2000吨", "12%"),
        # 「111万、」: a count of people whose unit the subject gives.
        ("定西去年入境游客有多少人", "3万", None),
        # 「哪一届」 names no number that 第十六届 would contradict.
        ("定西今年要备战哪一届省运会？", "第十六届", None),
        # 「哪个增长更快」 compares the growth, not the amounts.
        ("定西去年马铃薯淀粉和中药材饮片产量哪个增长更快", "15%", "12万吨"),
        # 「年内建成通车」 in a plan says when.
        ("定岷高速公路啥时候能通车？", "年内", None),
        # 「家里有老人，想问问」 is the asker's situation, no subject of the answer.
        ("家里有老人，想问问定西今年在养老方面有哪些打算？", "养老服务机构标准化", None),
    ],
)
def test_answered_with_the_figure_the_text_gives_it(report_with_gaps, question, figure, not_figure):
    answer = report_with_gaps.ask(question)
    assert figure in answer.answer and not answer.refused, answer.answer
    assert not_figure is None or not_figure not in answer.answer, answer.answer


def test_a_figure_with_its_own_subject_does_not_answer_for_an_indicator_named_elsewhere(
    report_with_gaps,
):
    # The sentence names 粮食 (单产) and 货物贸易出口 (份额), but its figures are 蔬菜's and
    # 服务贸易's.
    answer = report_with_gaps.ask("定西去年的粮食产量有多少万吨")
    assert answer.refused and "20万吨" not in answer.answer.split("最相关")[0], answer.answer
    answer = report_with_gaps.ask("定西今年货物贸易出口额的目标是多少亿元")
    assert answer.refused and "6%" not in answer.answer.split("最相关")[0], answer.answer


def test_a_figure_of_all_residents_is_not_one_groups(report_with_gaps):
    answer = report_with_gaps.ask("定西今年农村居民人均可支配收入增长目标是多少")
    assert answer.refused and "6%左右" not in answer.answer.split("最相关")[0], answer.answer
    answer = report_with_gaps.ask("定西今年居民人均可支配收入增长目标是多少")
    assert "6%左右" in answer.answer and not answer.refused, answer.answer


def test_a_thing_named_by_a_word_neither_the_text_nor_the_dictionary_has_is_refused(
    report_with_gaps,
):
    # 定临 (jieba's guess of a name) is written nowhere: 定临铁路 is not the 渭武铁路 the
    # report names.
    answer = report_with_gaps.ask("定西的定临铁路什么时候开工？")
    assert answer.refused and "渭武" not in answer.answer.split("最接近")[0], answer.answer
    answer = report_with_gaps.ask("定西今年开工建设哪条铁路？")
    assert "渭武铁路" in answer.answer and not answer.refused, answer.answer


def test_a_second_part_that_only_asks_whether_the_report_says_so_adds_nothing(report_with_gaps):
    # 「什么时候开工？政府工作报告里…」 asks nothing about when the report was delivered, and the
    # 政府 of 政府工作报告 is no subject to list.
    answer = report_with_gaps.ask("定西物流园二期今年什么时候开工？政府工作报告里有安排吗？")
    assert answer.refused and not answer.answer.startswith("文件写明"), answer.answer
    assert "「政府」" not in answer.answer, answer.answer


def test_a_word_for_two_groups_answers_for_each_and_for_a_comparison(report_with_gaps):
    answer = report_with_gaps.ask("定西去年城镇居民和农村居民人均可支配收入，哪个涨得快？")
    assert "5.1%" in answer.answer and "7.3%" in answer.answer, answer.answer
    assert not answer.refused


def test_a_round_figure_in_words_answers(report_with_gaps):
    answer = report_with_gaps.ask("定西中欧班列去年开行了多少列")
    assert "突破万列" in answer.answer and not answer.refused


def test_another_documents_horizon_is_no_year_of_the_place_asked(tmp_path):
    """定西 sets nothing for 2030; 天水's 「到2030年」 does not make 2030 a year of 定西's
    report, whose 2025 target must not be given for it. The refusal names 定西 first."""
    texts = {"dingxi.txt": REPORT_WITH_GAPS, "tianshui.txt": NEIGHBOUR_WITH_A_HORIZON}
    service = service_over(tmp_path, texts, embedder="fake")
    answer = service.ask("定西到2030年粮食产量要达到多少亿斤")
    assert answer.refused and "30亿斤" not in answer.answer, answer.answer
    assert "35亿斤" not in answer.answer
    assert answer.answer.index("定西") < answer.answer.index("天水"), answer.answer


def test_a_question_about_an_officials_career_is_personal(report_with_gaps):
    answer = report_with_gaps.ask("定西市长以前在哪任职")
    assert answer.refused and "个人" in answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # One value becoming another: last year's result and this year's target, subtracted.
        ("学区集团化覆盖率要从多少提高到多少，提高几个百分点", "（90 − 85 = 5）"),
        # The target's own floor (「60平方米以上」) bounds the difference from below.
        ("养老服务设施面积今年目标比去年多多少平方米", "至少多18平方米"),
        ("养老服务设施面积每千人从2023年到2024年目标提高了多少", "（60 − 42 = 18）"),
        # A year is not the figure asked: the clause with the amount answers.
        ("百一行动每年要节约多少用电", "1%"),
        # An amount asked: the table's result against the text's target, not two growth rates.
        ("全社会固定资产投资总额今年目标比去年完成额高出多少亿元", "（650 − 619 = 31）"),
        # 「到底」 only insists; the question asks the same.
        ("今年全社会固投的目标到底是多少亿元？表里只有增速", "650亿元"),
        # 「是如何…的」 asks what was done: last year's review answers.
        ("吴淞创新城的开发模式是如何变化的", "“政府收储为主+高质量转型”"),
        # A plan's overall goal is the one set for its horizon.
        ("“百一”行动定的总目标是什么", "力争平均每年节约1%的用电量"),
    ],
)
def test_wordings_of_comparisons_measures_and_time(service, question, expected):
    assert_answered_with(service, question, expected)


REPORT_OF_ONE_YEAR_AND_THE_NEXT = """2025年政府工作报告
一、2024年工作回顾
过去一年，规模以上工业增加值增长8.2%，地区生产总值增长5.3%。货物贸易增长20%，服务贸易增长23.9%，外贸依存度提高。盐湖产业加快发展，生产碳酸锂13.5万吨。新设本科高校2所，滨江理工学院、海港职业技术大学首次招生。推动怀柔综合性国家科学中心建设，25个科技设施进入科研状态。完成酒泉机场改扩建。
二、2025年工作安排
今年主要预期目标是：地区生产总值增长5.5%左右，规模以上工业增加值增长7.5%以上。
办好民生实事。新增基础教育公办学位4万个。全面推进“三大工程”建设，新开工改造老旧小区700个。
注释：
3.“三大工程”建设：保障性住房建设、“平急两用”公共基础设施建设、城中村改造。
"""


@pytest.fixture(scope="module")
def report_of_two_years(tmp_path_factory):
    root = tmp_path_factory.mktemp("two-years")
    return service_over(root, {"report.txt": REPORT_OF_ONE_YEAR_AND_THE_NEXT}, embedder="fake")


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        # Two things of one year compared: the year the whole question asks, not the review's.
        ("今年的预期目标中，规上工业和GDP增速哪个定得高", "7.5%以上", "8.2%"),
        # The asking clause's year, not the scene's 明年.
        ("老人明年退休，今年新增公办学位多少个", "4万个", ""),
        # A glossary entry with a word between the quoted name and its colon.
        ("“三大工程”具体是指哪几项", "保障性住房建设", ""),
        # A clause that sets the scene and asks nothing is left out.
        ("都说新能源材料势头很好，去年碳酸锂产量多少", "13.5万吨", ""),
        # A personal scene is left out, a scene naming the subject kept.
        ("家里孩子腿脚不便，听说今年要新增基础教育公办学位，一共多少个", "4万个", ""),
        # A counted name's items, asked as a list: the sentence that lists them before it.
        ("今年全面推进的三大工程是哪些", "保障性住房建设", ""),
        # 「哪两所」 asks which, not how many: the sentence that names them.
        ("去年新设的本科高校是哪两所", "海港职业技术大学", ""),
    ],
)
def test_the_year_and_the_clause_a_question_asks(
    report_of_two_years, question, expected, not_expected
):
    assert_answered_with(report_of_two_years, question, expected, absent=not_expected)


def test_two_things_asked_each_get_their_figure_once(report_of_two_years):
    answer = report_of_two_years.ask("去年货物贸易和服务贸易分别增长多少")
    assert "20%" in answer.answer and "23.9%" in answer.answer
    assert answer.answer.count("20%") == 1, answer.answer  # not the whole sentence besides


@pytest.mark.parametrize(
    "question",
    [
        "昌平综合性国家科学中心有几个设施进入科研状态",  # the text has 怀柔's
        "敦煌机场改扩建进展怎样",  # the text has 酒泉's
    ],
)
def test_a_thing_of_another_place_is_not_answered_with_the_one_the_text_has(
    report_of_two_years, question
):
    assert report_of_two_years.ask(question).refused
    assert (
        "25个" in report_of_two_years.ask("怀柔综合性国家科学中心有几个科技设施进入科研状态").answer
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("这份计划是哪天印发的？", "2024年02月29日印发"),  # the 印发 line after the signature
        ("宝山这个计划是在哪次会议上通过的", "第九届人民代表大会第四次会议通过"),
        ("这个文件是什么时候发布的", "2024年2月26日"),  # no cue word: the first dated line
    ],
)
def test_a_plan_says_when_it_was_issued_by_its_own_dated_lines(service, question, expected):
    answer = service.ask(question)
    assert not answer.refused and expected in answer.answer, answer.answer
    assert answer.citations and expected in answer.citations[0].quote


def test_a_document_without_a_dated_line_says_it_does_not_say(tmp_path):
    opening = "——2025年1月10日在定西市第五届人民代表大会第五次会议上\n"
    undated = REPORT_WITH_GAPS.replace(opening, "")
    service = service_over(tmp_path, {"dingxi.txt": undated})
    answer = service.ask("定西的政府工作报告是哪天作的？")
    assert answer.refused and "没有写明" in answer.answer, answer.answer


def test_a_report_says_where_it_was_delivered_by_its_opening_line(report_with_gaps):
    answer = report_with_gaps.ask("定西的报告是在哪次会议上作的")
    assert not answer.refused and "第五届人民代表大会第五次会议" in answer.answer, answer.answer


def test_a_figure_of_the_year_asked_in_another_measure_is_said_not_passed_off(report_with_gaps):
    # The text gives 2024's growth (增长5.9%), not an amount in 亿元.
    answer = report_with_gaps.ask("定西2024年地区生产总值总额是多少亿元")
    assert answer.refused and "增长5.9%" in answer.answer, answer.answer
    assert "未给出所问的数值" in answer.answer


def test_the_items_of_a_counted_name_asked_as_a_list(report_with_gaps):
    answer = report_with_gaps.ask("定西要全链条升级的3个特色产业是哪些")
    assert not answer.refused and "马铃薯、中药材、草牧" in answer.answer, answer.answer
    assert "「3个特色产业」" in answer.answer  # told as the name's items, not as loose sentences


def test_a_thing_planned_for_a_time_is_no_question_about_the_document(service):
    answer = service.ask("计划里的宝山邮轮码头计划什么时候建成")
    assert "2024年02月29日印发" not in answer.answer and "2024年2月26日" not in answer.answer


def test_a_list_asked_by_a_name_is_told_by_the_examples_before_it(report_with_gaps):
    # 「岷县当归、渭源党参等特色农产品品牌」; 「特色小镇和农产品物流…」 has 特色 and 农产品 apart.
    answer = report_with_gaps.ask("定西的特色农产品品牌有哪些")
    assert not answer.refused and "岷县当归" in answer.answer, answer.answer
    assert "特色小镇" not in answer.answer


def test_the_name_of_the_document_in_a_question_carries_nothing(report_with_gaps):
    answer = report_with_gaps.ask("定西市政府工作报告里说今年粮食产量要稳定在多少")
    assert not answer.refused and "30亿斤以上" in answer.answer, answer.answer


LONGNAN = """2025年陇南市政府工作报告

一、2024年工作回顾

过去一年，粮食生产再获丰收，总产达到12.5亿斤。全社会研发投入强度预计达1.2%。
社会消费品零售总额增长4.1％，城镇新增就业2.1万人。
全市城乡居民人均可支配收入分别增长4.5%、6.2%。脱贫地区农村居民人均可支配收入增长7%。
货物贸易出口达120亿元、增长9%。未来产业蓬勃发展，建成氢能示范线。
从民生保障看，今年全市有1.8万应届高校毕业生，稳就业压力加大。
“武都花椒”交易市场累计成交花椒3.2万吨、总交易额达28亿元、西北第一，带动椒农增收。

二、2025年主要任务

主要预期目标是：地区生产总值增长5.5%左右，城镇调查失业率控制在5.5%以内。
加大科技投入，全年研发投入强度达1.5%左右。提振消费，社会消费品零售总额增长6％左右。
积极布局未来产业。重点培育氢能、低空经济等未来产业，建设未来产业先导区。

继续实施十方面民生实事。打造成县“陇上桃源”、康县“花园乡村”、文县“熊猫家园”。
畅通对外通道，加快建设兰海高速扩容工程，提升白龙江航运能力，争取成州机场改扩建工程年底竣工。

1.医疗卫生方面。配置AED达每10万人30台。为持有居住证的农民工随迁子女100%提供义务教育公办学位。
"""


@pytest.fixture(scope="module")
def longnan(tmp_path_factory):
    return service_over(
        tmp_path_factory.mktemp("longnan"), {"longnan.txt": LONGNAN}, embedder="fake"
    )


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # 「总产」 of a sentence on 粮食生产 is the 粮食产量.
        ("陇南去年粮食产量是多少", "12.5亿斤"),
        ("陇南大地去年粮食总产多少斤", "12.5亿斤"),  # 「大地」 after a place says no more
        # 「全社会」 scopes the indicator and names no other one.
        ("陇南今年全社会研发投入强度的目标", "1.5%左右"),
        # 「定得」 is how the target was set, no word of its topic.
        ("陇南今年社零增长目标定得多少", "6％左右"),
        # 「多大规模」 asks how big; 「外贸货物出口」 is the 货物贸易出口.
        ("去年陇南外贸货物出口做到了多大规模？", "120亿元"),
        # 「配到」 is said, 配置 written; 「打工」「孩子」「上小学初中」: 务工, 子女, 义务教育.
        ("陇南今年AED要配到什么密度", "每10万人30台"),
        ("在陇南打工的，孩子上小学初中能不能进公办学校？", "100%"),
        # 「几个…分别是什么」 asks for the items, not for a figure.
        ("陇南要打造的几个“家园”“桃源”分别是什么", "熊猫家园"),
        # 「年底」 with no year of its own is a time, as 「2025年底」 is.
        ("陇南成州机场改扩建工程什么时候竣工？", "年底竣工"),
    ],
)
def test_indicators_in_the_wordings_reports_use(longnan, question, figure):
    answer = longnan.ask(question)
    assert figure in answer.answer and not answer.refused, answer.answer


def test_a_place_compared_as_a_subject_of_its_own_leaves_the_figure_asked(longnan):
    # 「和全市农村居民比起来」 compares with another subject, not with a 全市 the figure names.
    answer = longnan.ask("陇南去年脱贫地区农村居民收入增速，和全市农村居民比起来是高还是低")
    assert "7%" in answer.answer and not answer.refused, answer.answer


def test_a_list_of_this_years_measures_leaves_out_last_years_results(longnan):
    answer = longnan.ask("陇南重点培育的未来产业有哪些")
    assert "低空经济" in answer.answer and "氢能示范线" not in answer.answer, answer.answer


def test_a_percentage_written_full_width_is_the_same_unit():
    from assistant.query.tabular import _same_unit

    question = normalise("甲和乙今年社零增长目标谁高", 2025)
    assert _same_unit("增长7％左右", "增长5.5%以上", question) == (("7", "％"), ("5.5", "%"))


def test_places_compared_by_the_figure_named_as_asked():
    from assistant.query.tabular import _same_unit

    question = normalise("甲和乙去年棉花总产量差多少万吨", 2025)
    first = "棉花总产量达到120万吨"
    second = "棉花增产6万吨，总产95万吨"  # the increase comes first, the total asked after it
    assert _same_unit(first, second, question) == (("120", "万吨"), ("95", "万吨"))
    # asked by another wording of it (粮食产量, which reports also write 总产)
    asked = normalise("甲和乙去年粮食产量差多少亿斤", 2025)
    assert _same_unit("粮食产量280亿斤", "粮食增产42亿斤，总产466亿斤", asked)[1] == ("466", "亿斤")
    # 「…增长94.5%、达168.4万辆」: a figure after 、 is named by the clause it ends
    asked = normalise("甲和乙去年新能源汽车产量谁多", 2025)
    first = "汽车产量保持40%以上增长、达357万辆，新能源汽车产量增长94.5%、达168.4万辆"
    assert _same_unit(first, "新能源汽车产量达到119.8万辆", asked)[0] == ("168.4", "万辆")


def test_a_figure_with_a_subject_of_its_own_takes_none_from_the_clause_before():
    from assistant.query.prose import ProseAnswers

    on_topic = ProseAnswers._measured_clause_on_topic
    intent = SimpleNamespace(measure="")
    question = normalise("今年茶叶产量要到多少万吨", 2025)
    terms = {"茶叶": 4.0, "产量": 3.0, "万吨": 3.0}
    sentence = "加快农业结构调整，推行茶叶订单式生产模式，勘探新增优质水果种植面积80万吨。"
    assert not on_topic(sentence, "", terms, question, intent)
    # a clause with no subject of its own is still the figure of the one before it
    own = "加快农业结构调整，推行茶叶订单式生产模式，实现80万吨。"
    assert on_topic(own, "", terms, question, intent)
    # nor does one after the state of what was asked: the figure is that state's measure
    state = "加快农业结构调整，全省茶叶生产稳中向好，实现优质茶叶总产量80万吨。"
    assert on_topic(state, "", {"茶叶": 4.0, "实际": 1.0, "万吨": 3.0}, question, intent)


def test_a_list_of_two_things_joined_takes_the_measures_of_either(report_with_gaps):
    from assistant.query.prose import _branches

    question = normalise("对公交和停车有什么新的安排", 2025)
    terms = {"公交": 3.0, "停车": 3.0, "安排": 1.0}
    branches = _branches(terms, question)
    assert {"公交": 3.0, "安排": 1.0} in branches and {"停车": 3.0, "安排": 1.0} in branches


def test_a_passage_with_a_rank_the_parts_lack_is_kept(longnan):
    # The sentence restates two parts' figures, and alone has the rank asked (西北第一).
    answer = longnan.ask(
        "“武都花椒”交易市场到去年底累计成交了多少吨花椒？总交易额多少？这个在西北排第几？"
    )
    assert all(f in answer.answer for f in ("3.2万吨", "28亿元", "西北第一")), answer.answer


def test_a_thing_named_by_a_word_the_text_never_writes_before_its_kind_is_refused(longnan):
    # 通道 and 白龙江 are written; 「白龙江跨江通道」 is another thing than its 航运.
    assert longnan.ask("陇南今年白龙江跨江通道开工吗").refused
    assert not longnan.ask("陇南今年要提升白龙江什么能力").refused


def test_a_year_set_in_the_scene_of_a_question_stays_asked(longnan):
    # 「截至2024年底」 asks nothing by itself, and its year is the one asked: the 2025 target is
    # not passed off as the figure at the end of 2024.
    answer = longnan.ask("截至2024年底，陇南城镇调查失业率是多少？")
    assert "2025年目标：" not in answer.answer, answer.answer
    assert answer.refused or "未给出2024年" in answer.answer, answer.answer


def test_an_amount_asked_is_not_answered_by_a_growth_rate(longnan):
    answer = longnan.ask("陇南今年GDP总量目标是多少亿元？")
    assert "5.5%左右" not in answer.answer or "未给出" in answer.answer, answer.answer


def test_the_whole_of_the_documents_place_is_its_own_name(longnan):
    # 「全市GDP」 in a question about 陇南's report is 陇南's: no term a typed record must carry.
    (document,) = longnan.documents
    assert document.own_whole == ("全市",)


def test_a_part_naming_an_indicator_is_about_it_not_the_first_parts_subject(longnan):
    answer = longnan.ask("陇南今年研发投入强度目标是多少？社零又定的多少？")
    assert "1.5%左右" in answer.answer and "6％左右" in answer.answer, answer.answer


def test_people_counted_by_the_noun_after_a_magnitude(longnan):
    # 「1.8万应届高校毕业生」 counts people without 人; the sentence speaks of this year, though
    # it stands in the review of last year.
    answer = longnan.ask("陇南今年应届高校毕业生有多少人？")
    assert "1.8万" in answer.answer and not answer.refused, answer.answer
    assert "2024年" not in answer.answer, answer.answer


def test_growth_asked_takes_the_change_of_the_subject_not_its_amount(longnan):
    from assistant.knowledge import Figure
    from assistant.query.tabular import _change_of_the_same
    from assistant.records import PassageTime, Span, StatedFigure, TimeKind

    (document,) = longnan.documents
    time = PassageTime(TimeKind.RESULT, 2024)

    def figure(name: str, value: str, clause: str) -> Figure:
        return Figure(document.meta, StatedFigure(name, value, time, clause, Span(0, 1)))

    amount = figure("地区生产总值总量", "达到900亿元", "总量达到900亿元")
    change = figure("地区生产总值", "增长5.8%", "地区生产总值增长5.8%")
    other = figure("规上工业增加值", "增长7%", "规上工业增加值增长7%")
    alike = (1.0, 1.0)
    assert _change_of_the_same(amount, alike, [(alike, other), (alike, change)]) is change
    assert _change_of_the_same(amount, alike, [(alike, other)]) is amount
