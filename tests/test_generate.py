"""The optional generative mode with fake chat models: the checks, the retry, the fallback."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant import llm_model
from assistant.errors import ConfigurationError
from assistant.generate import make_chat_model
from assistant.query import grounded
from assistant.query.draft import Computation, Draft, Evidence
from assistant.query.grounded import FinalEvent, Grounded, StatusEvent, TokenEvent
from assistant.records import Chunk, ChunkKind, Span
from assistant.settings import Settings

GDP_ROW = (
    "1\t主要经济指标\t地区生产总值\t亿元\t1806.05亿元\t可比增长1.7%\t可比增长5%左右，与全市保持同步"
)
JOBS = "全年新增就业岗位37273个，帮扶引领成功创业1050人。"
LIVE = {"c1", "c2"}
KNOWN = {"2023", "2024"}


def chunk(chunk_id: str, quote: str, section: str) -> Chunk:
    return Chunk(
        chunk_id, "plan", "hash", ChunkKind.PARAGRAPH, quote, quote, (section,), Span(0, 1)
    )


@pytest.fixture
def draft() -> Draft:
    """What the extractive path says about GDP and jobs, with two sources."""
    gdp = Evidence(chunk("c1", GDP_ROW, "主要指标表"), GDP_ROW)
    jobs = Evidence(chunk("c2", JOBS, "就业创业服务精准对接"), JOBS)
    made = Draft()
    made.say("indicator_result", gdp, results_year=2023, name="地区生产总值", result="1806.05亿元")
    made.say("fact_results", jobs, results_year=2023, sentence="全年新增就业岗位37273个")
    return made


GOOD = "2023年宝山区地区生产总值为1806.05亿元[1]，全年新增就业岗位37273个[2]。"
INVENTED = "2023年地区生产总值为1806.05亿元[1]，全年新增就业岗位38000个[2]。"
WRONG_SOURCE = "2023年地区生产总值为1806.05亿元，全年新增就业岗位37273个[1]。"


def fake(*responses: str) -> FakeListChatModel:
    return FakeListChatModel(responses=list(responses))


# --- the checks -------------------------------------------------------------------------------


def test_a_faithful_rewrite_passes(draft):
    assert grounded.check(GOOD, draft, LIVE, KNOWN) == []


def test_markers_after_the_full_stop_belong_to_their_sentence(draft):
    text = "2023年地区生产总值为1806.05亿元。[1]全年新增就业岗位37273个。[2]"
    assert grounded.check(text, draft, LIVE, KNOWN) == []


def test_an_invented_number_is_caught(draft):
    found = grounded.check(INVENTED, draft, LIVE, KNOWN)
    assert "数字没有出处：38000" in found
    assert any("37273个" in p for p in found)  # and the real figure was dropped


def test_a_number_cited_to_the_wrong_passage_is_caught(draft):
    found = grounded.check(WRONG_SOURCE, draft, LIVE, KNOWN)
    assert "数字 37273 不在本句引用的[1]中" in found
    assert "数字 1806.05 不在本句引用的[1]中" not in found


def test_a_number_without_any_marker_is_caught(draft):
    found = grounded.check("地区生产总值为1806.05亿元。就业岗位37273个[2]。", draft, LIVE, KNOWN)
    assert "数字 1806.05 没有标注出处" in found


def test_a_sentence_left_without_a_marker_cites_the_passage_holding_its_numbers(draft):
    text = "2023年地区生产总值为1806.05亿元。全年新增就业岗位37273个。"
    attributed = grounded.attribute(text, draft, KNOWN)
    assert attributed == "2023年地区生产总值为1806.05亿元[1]。全年新增就业岗位37273个[2]。"
    assert grounded.check(attributed, draft, LIVE, KNOWN) == []
    assert grounded.attribute(WRONG_SOURCE, draft, KNOWN) == WRONG_SOURCE  # never re-cited
    invented = grounded.attribute("新增就业岗位38000个。", draft, KNOWN)
    assert "数字 38000 没有标注出处" in grounded.check(invented, draft, LIVE, KNOWN)


def test_a_marker_without_a_source_is_caught(draft):
    found = grounded.check(GOOD.replace("[2]", "[3]"), draft, LIVE, KNOWN)
    assert "引用标记没有对应的出处：[3]" in found


def test_a_quantity_in_chinese_numerals_is_caught(draft):
    text = GOOD.replace("。", "，另有三个项目开工[2]。")
    assert "汉字数量「三个」不在资料中" in grounded.check(text, draft, LIVE, KNOWN)


def test_a_rewrite_that_drops_a_key_figure_is_caught(draft):
    found = grounded.check("2023年地区生产总值为1806.05亿元[1]。", draft, LIVE, KNOWN)
    assert found == [
        "漏掉或改动了参考答案中的「37273个」",
        "漏掉或改动了参考答案中的「全年新增就业岗位37273个」",  # a short stated value, as written
    ]


def test_a_summary_must_keep_every_item_of_an_enumeration():
    sentence = "前瞻布局未来健康、未来材料、未来智能三大未来产业"
    evidence = Evidence(chunk("c1", sentence, "产业"), sentence)
    made = Draft(lines=[f"2024年安排：{sentence}[1]。"], evidence=[evidence])
    short = "宝山前瞻布局的三大未来产业是健康、材料和智能[1]。"
    assert grounded.check(short, made, LIVE, KNOWN) == [
        "漏掉或改动了参考答案中的「未来健康」",
        "漏掉或改动了参考答案中的「未来材料」",
        "漏掉或改动了参考答案中的「未来智能」",
    ]
    kept = "宝山前瞻布局的三大未来产业是未来健康、未来材料、未来智能[1]。"
    assert grounded.check(kept, made, LIVE, KNOWN) == []


def test_a_computed_value_needs_its_formula_as_written():
    row = "7\t\t实际到位外资额\t亿美元\t5.63亿美元\t\t4亿美元"
    evidence = Evidence(chunk("c1", row, "主要指标表"), row)
    made = Draft(
        lines=["2024年目标比2023年实际少1.63亿美元（4 − 5.63 = -1.63）[1]。"],
        evidence=[evidence],
        computations=[Computation("1.63", ("4", "5.63"))],
    )
    kept = "2024年外资目标比2023年实际到位少1.63亿美元（4 − 5.63 = -1.63）[1]。"
    assert grounded.check(kept, made, LIVE, KNOWN) == []
    found = grounded.check("2024年外资目标比2023年少1.63亿美元[1]。", made, LIVE, KNOWN)
    assert "漏掉或改动了参考答案中的「少1.63亿美元（4 − 5.63 = -1.63）」" in found


def test_the_prompt_carries_question_evidence_and_reference(draft):
    system, user = grounded.build_messages("2023年地区生产总值是多少?", draft)
    assert "[n]" in system.text or "[编号]" in system.text
    assert "问题：2023年地区生产总值是多少?" in user.text
    assert "[1] 主要指标表：1 | 主要经济指标 | 地区生产总值" in user.text
    assert "[2] 就业创业服务精准对接：全年新增就业岗位37273个" in user.text
    assert draft.text in user.text
    strict = grounded.build_messages("问", draft, strict=True, problems=["数字没有出处：38000"])
    assert "数字没有出处：38000" in strict[1].text
    assert strict[0].text != system.text


# --- retry and fallback -----------------------------------------------------------------------


def test_a_good_answer_is_shown_as_generated(draft):
    outcome = grounded.generate(fake(GOOD), "llama", "问题", draft, LIVE, KNOWN)
    assert (outcome.text, outcome.generator, outcome.attempts) == (GOOD, "llama", 1)
    assert outcome.first_token_s is not None


def test_one_retry_with_the_stricter_prompt(draft):
    model = fake(INVENTED, GOOD)
    outcome = grounded.generate(model, "openai", "问题", draft, LIVE, KNOWN)
    assert (outcome.text, outcome.generator, outcome.attempts) == (GOOD, "openai", 2)
    assert "数字没有出处：38000" in outcome.problems[0]


@pytest.mark.parametrize("bad", [INVENTED, WRONG_SOURCE])
def test_two_failures_fall_back_to_the_extractive_answer(draft, bad):
    outcome = grounded.generate(fake(bad, bad), "llama", "问题", draft, LIVE, KNOWN)
    assert outcome.generator == "extractive-fallback"
    assert outcome.text == draft.text
    assert outcome.attempts == 2 and len(outcome.problems) == 2


def test_a_failing_model_falls_back_at_once(draft):
    class Broken(FakeListChatModel):
        def _stream(self, *args, **kwargs):
            raise ConnectionError("server down")

    outcome = grounded.generate(Broken(responses=["x"]), "openai", "问题", draft, LIVE, KNOWN)
    assert outcome.generator == "extractive-fallback" and outcome.text == draft.text
    assert "server down" in outcome.problems[0][0]


def test_refusals_and_long_answers_are_not_rewritten(draft):
    refusal = Draft(refused=True, lines=["文件中未找到2019年的内容。"], evidence=draft.evidence)
    model = fake("2019年GDP为999亿元[1]。")
    assert grounded.generate(model, "llama", "问题", refusal, LIVE, KNOWN).generator == (
        "extractive"
    )
    long = Draft(lines=[draft.text] * 6, evidence=draft.evidence)
    outcome = grounded.generate(model, "llama", "问题", long, LIVE, KNOWN)
    assert (outcome.generator, outcome.attempts) == ("extractive", 0)
    assert model.i == 0  # never called


def test_the_stream_shows_the_checking_state_and_clears_a_failed_try(draft):
    items = list(grounded.stream(fake(INVENTED, GOOD), "llama", "问题", draft, LIVE, KNOWN))
    assert items[0] == StatusEvent("核对中…")
    retry = items.index(StatusEvent(grounded.RETRYING, clear=True))
    tokens = [i for i in items if isinstance(i, TokenEvent)]
    assert "".join(t.text for t in items[1:retry]) == INVENTED
    assert "".join(t.text for t in tokens) == INVENTED + GOOD
    assert isinstance(items[-1], Grounded) and items[-1].text == GOOD


# --- the service ------------------------------------------------------------------------------

QUESTION = "去年新增了多少就业岗位？"


def with_model(service, model, generator="llama"):
    clone = copy.copy(service)
    clone.settings = service.settings.with_changes(generator=generator)
    clone.chat_model = model
    return clone


def test_the_extractive_default_streams_just_the_final_answer(service):
    assert service.chat_model is None
    events = list(service.ask_stream(QUESTION))
    assert len(events) == 1 and isinstance(events[0], FinalEvent)
    asked = service.ask(QUESTION)
    assert (events[0].answer.answer, events[0].answer.citations) == (asked.answer, asked.citations)
    assert asked.generator == "extractive"


def test_the_service_shows_a_verified_rewrite(service):
    reference = service.ask(QUESTION).answer
    assert "37273个" in reference
    good = (
        "2023年，宝山全年新增就业岗位37273个，失业人员实现再就业12881人，"
        "就业困难人员实现就业2366人[1]。"
    )
    answer = with_model(service, fake(good)).ask(QUESTION)
    assert (answer.answer, answer.generator) == (good, "llama")
    assert answer.citations == service.ask(QUESTION).citations


def test_the_service_never_shows_an_invented_number(service):
    invented = "2023年宝山全年新增就业岗位39000个[1]。"
    clone = with_model(service, fake(invented, invented), generator="openai")
    events = list(clone.ask_stream(QUESTION))
    answer = events[-1].answer
    assert "39000" not in answer.answer and answer.answer == service.ask(QUESTION).answer
    assert json.loads(json.dumps(answer.to_dict()))["generator"] == "extractive-fallback"
    assert [e.message for e in events if isinstance(e, StatusEvent)] == [
        "核对中…",
        grounded.RETRYING,
    ]


def test_refusals_stay_extractive_with_a_model(service):
    model = fake("2019年GDP为999亿元[1]。")
    answer = with_model(service, model).ask("2019年GDP是多少？")
    assert answer.refused and answer.generator == "extractive" and "999" not in answer.answer


# --- configuration ----------------------------------------------------------------------------


def test_settings_read_the_generator_from_the_environment(tmp_path):
    settings = Settings.from_env(
        {
            "ASSISTANT_GENERATOR": "openai",
            "ASSISTANT_OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "ASSISTANT_LLM_THREADS": "4",
            "ASSISTANT_MODEL_DIR": str(tmp_path),
        }
    )
    assert (settings.generator, settings.llm_threads, settings.model_dir) == ("openai", 4, tmp_path)
    assert Settings().generator == "extractive"
    with pytest.raises(ConfigurationError, match="ASSISTANT_GENERATOR"):
        Settings(generator="gpt")


def test_the_factory(tmp_path, monkeypatch):
    assert make_chat_model(Settings()) is None
    with pytest.raises(ConfigurationError, match="make llm"):
        make_chat_model(Settings(generator="llama", model_dir=tmp_path))
    with pytest.raises(ConfigurationError, match="ASSISTANT_OPENAI_BASE_URL"):
        make_chat_model(Settings(generator="openai", openai_model="qwen"))
    configured = Settings(
        generator="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="qwen"
    )
    if importlib.util.find_spec("langchain_openai") is None:
        with pytest.raises(ConfigurationError, match="langchain-openai"):
            make_chat_model(configured)
    else:
        model = make_chat_model(configured)
        assert model.model_name == "qwen" and model.temperature == 0.0
        assert model.extra_body == {"max_tokens": 256}


def test_llama_without_the_runtime_names_make_llm(tmp_path, monkeypatch):
    monkeypatch.setattr(llm_model, "llama_available", lambda: False)
    with pytest.raises(ConfigurationError, match="make llm"):
        make_chat_model(Settings(generator="llama", model_dir=tmp_path))


# --- assembling the model ---------------------------------------------------------------------


def test_parts_are_joined_checked_and_stamped_once(tmp_path):
    parts = []
    for i, data in enumerate((b"GGUF-part-one", b"-two", b"-three")):
        part = tmp_path / f"part{i}"
        part.write_bytes(data)
        parts.append(part)
    whole = b"GGUF-part-one-two-three"
    sha = hashlib.sha256(whole).hexdigest()
    target = llm_model.assemble(
        tmp_path / "models", parts, expected_sha256=sha, expected_size=len(whole)
    )
    assert target.read_bytes() == whole and target.name == llm_model.MODEL_FILE
    parts[0].unlink()  # a second run is a no-op: it does not read the parts again
    again = llm_model.assemble(
        tmp_path / "models", parts, expected_sha256=sha, expected_size=len(whole)
    )
    assert again == target
    assert not any(p.name.startswith(".assembling") for p in target.parent.iterdir())
    assert llm_model.is_assembled(tmp_path / "models", sha256=sha, size=len(whole))


def test_a_model_file_placed_by_hand_is_checked_and_stamped(tmp_path):
    target = llm_model.model_path(tmp_path)
    target.write_bytes(b"weights")
    sha = hashlib.sha256(b"weights").hexdigest()
    assert llm_model.assemble(tmp_path, [], expected_sha256=sha, expected_size=7) == target
    assert llm_model.is_assembled(tmp_path, sha256=sha, size=7)


def test_a_bad_checksum_leaves_nothing_behind(tmp_path):
    part = tmp_path / "part"
    part.write_bytes(b"not the model")
    with pytest.raises(ConfigurationError, match="校验失败"):
        llm_model.assemble(tmp_path / "models", [part], expected_size=13)
    assert list((tmp_path / "models").iterdir()) == []
    with pytest.raises(ConfigurationError, match="make llm"):
        llm_model.locate(tmp_path / "models")


def test_missing_parts_name_make_llm():
    def importer(name):
        raise ImportError(name)

    with pytest.raises(ConfigurationError, match="make llm") as error:
        llm_model.part_paths(importer)
    assert "共 22 个" in str(error.value)
