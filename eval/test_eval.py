"""`pytest eval/`: the answers are right, cited verbatim, and every number has support."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest.clean import clean_text
from assistant.ingest.load import discover_documents, load_document
from assistant.service import AssistantService
from assistant.settings import Settings
from eval.conftest import EVAL_DIR, REPORTS
from eval.scoring import TABLE_CATEGORIES, Report, judge, load_gold

GOLD = load_gold(EVAL_DIR / "gold.jsonl")
SYNTHETIC_GOLD = load_gold(EVAL_DIR / "gold_synthetic.jsonl")


def cleaned_texts(settings) -> list[str]:
    """Everything each document says, as cleaned: the only text a quote may come from.

    Loaded and cleaned, not parsed: parsing 31 reports for each of a hundred sets was most of
    `pytest eval/`'s time. Kept while the files are unchanged (same paths, sizes and times)."""
    paths, _ = discover_documents(settings.corpus_dir)
    files = tuple((path, path.stat().st_size, path.stat().st_mtime_ns) for path in paths)
    return list(_cleaned(files))


@functools.lru_cache(maxsize=4)
def _cleaned(files: tuple[tuple[Path, int, int], ...]) -> tuple[str, ...]:
    texts = []
    for path, _, _ in files:
        try:
            loaded = load_document(path, source=path.name)
        except DocumentError:
            continue
        texts.append("\n".join(block.text for block in clean_text(loaded.text)))
    return tuple(texts)


def run(name: str, service, gold) -> Report:
    texts = cleaned_texts(service.settings)
    report = Report(name, [judge(item, service.ask(item.question), texts) for item in gold])
    if service.chat_model is not None:
        extractive = AssistantService(replace(service.settings, generator="extractive"))
        outcomes = [judge(item, extractive.ask(item.question), texts) for item in gold]
        report.baseline = Report(f"{name}, default path", outcomes)
    REPORTS.append(report)
    return report


@pytest.fixture(scope="module")
def bundled_report(bundled_service):
    return run("bundled plan (gold.jsonl)", bundled_service, GOLD)


@pytest.fixture(scope="module")
def two_plan_report(two_plan_service):
    return run("two plans in one index (gold_synthetic.jsonl)", two_plan_service, SYNTHETIC_GOLD)


def test_gold_set_is_big_enough():
    assert len(GOLD) >= 200
    assert sum(item.refuse for item in GOLD) >= 30


def test_table_questions(bundled_report):
    assert bundled_report.accuracy(TABLE_CATEGORIES) >= 0.95


def test_overall_accuracy(bundled_report):
    assert bundled_report.accuracy() >= 0.90


def test_refusals(bundled_report):
    assert bundled_report.refusal_precision() >= 0.90
    assert bundled_report.refusal_recall() >= 0.90


def test_quotes_are_verbatim(bundled_report, two_plan_report):
    assert bundled_report.unverbatim() == []
    assert two_plan_report.unverbatim() == []


def test_no_number_without_support(bundled_report, two_plan_report):
    assert bundled_report.unsupported() == []
    assert two_plan_report.unsupported() == []


def test_second_document_in_a_shared_index(two_plan_report):
    assert two_plan_report.accuracy() >= 0.90
    assert two_plan_report.refusal_recall() >= 0.90


# Written blind (by people who never saw the code); their first runs were 87.5% (heldout.jsonl),
# 94.0% (heldout2.jsonl) and 94.0% with refusal recall 80% (heldout3.jsonl) overall. Mechanisms
# were then fixed where they failed, so these sets are no longer blind: new blind sets keep the
# measure honest.
HELDOUT = [
    item
    for name in ("heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl")
    for item in load_gold(EVAL_DIR / name)
]


@pytest.fixture(scope="module")
def heldout_report(bundled_service):
    return run("blind-written sets (heldout*.jsonl)", bundled_service, HELDOUT)


def test_blind_written_questions(heldout_report):
    assert heldout_report.unverbatim() == []
    assert heldout_report.unsupported() == []
    assert heldout_report.accuracy() >= 0.90
    assert heldout_report.refusal_precision() >= 0.90


# Written blind for the issue on what residents still ask (definitions, look-ups by value, both
# ends of a ranking, things the plan does not have). Each first run, recorded before any change for
# that set, is the figure the team reports; the floors are the issue's targets (0.95 overall,
# refusal precision and recall). Set 5 was written after set 4's failures were fixed, set 6 after
# set 5's, set 7 after set 6's, set 8 after set 7's. Each entry: first run, floor, refusal floor
# (precision and recall).
ISSUE_SETS = {
    "heldout4.jsonl": (
        "overall 54.3%, refusal precision 47.2%, refusal recall 73.9% (872e225)",
        0.95,  # 96.8% today
        0.95,
    ),
    "heldout5.jsonl": (
        "overall 84.0%, refusal precision 73.1%, refusal recall 86.4% (dd387b3)",
        0.95,  # 95.3% today
        0.95,
    ),
    "heldout6.jsonl": (
        "overall 90.2%, refusal precision 75.0%, refusal recall 81.8% (6e9a0ff)",
        0.95,  # 100% today
        0.95,
    ),
    "heldout7.jsonl": (
        "overall 87.4%, refusal precision 75.0%, refusal recall 92.3% (5f34582)",
        0.95,  # 97.5% today
        0.95,  # precision 96.2%, recall 96.2% today
    ),
    "heldout8.jsonl": (
        "overall 88.9%, refusal precision 100.0%, refusal recall 77.8% (117596e)",
        0.95,  # 98.6% today
        0.95,  # precision 100%, recall 100% today
    ),
}


@pytest.fixture(scope="module", params=sorted(ISSUE_SETS))
def issue_set(request, bundled_service):
    first_run, floor, refusal_floor = ISSUE_SETS[request.param]
    gold = load_gold(EVAL_DIR / request.param)
    report = run(f"blind-written set ({request.param})", bundled_service, gold)
    report.first_run = first_run
    return gold, (floor, refusal_floor), report


def test_blind_written_sets_for_the_open_issue(issue_set):
    gold, (floor, refusal_floor), report = issue_set
    assert len(gold) >= 80 and sum(item.refuse for item in gold) >= 15
    assert report.unverbatim() == []
    assert report.unsupported() == []
    assert report.accuracy() >= floor, report.name
    assert report.refusal_precision() >= refusal_floor, report.name  # the issue's target: 0.95
    assert report.refusal_recall() >= refusal_floor, report.name


GENERATIVE = Settings.from_env().generator != "extractive"


@pytest.mark.skipif(not GENERATIVE, reason="run with ASSISTANT_GENERATOR=llama|openai to compare")
def test_generator_is_not_less_accurate(bundled_report, two_plan_report, heldout_report):
    for report in (bundled_report, two_plan_report, heldout_report):
        assert report.accuracy() >= report.baseline.accuracy(), report.name
