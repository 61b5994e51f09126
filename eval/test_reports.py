"""`pytest eval/`: blind-written question sets on real provincial work reports.

Each report is indexed alone with the bundled embedder, as a staff member would drop it into an
empty corpus, and its set is answered. The first-run figures (written down once, before any change
was made for that report) are printed beside today's.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from assistant.indexer import build_index
from assistant.scale import extract_reports
from assistant.settings import Settings
from eval.conftest import EVAL_DIR
from eval.scoring import Report, load_gold
from eval.test_eval import run

SETS_FILE = EVAL_DIR / "reports" / "sets.toml"
SETS = tomllib.loads(SETS_FILE.read_text(encoding="utf-8"))["sets"]


@pytest.fixture(scope="session")
def report_files(tmp_path_factory) -> dict[str, Path]:
    regions = tuple(entry["region"] for entry in SETS.values())
    return extract_reports(tmp_path_factory.mktemp("reports"), regions)


def _first_run(entry: dict) -> str:
    first = entry["first_run"]
    return (
        f"overall {first['overall']:.1%}, refusal precision {first['refusal_precision']:.1%}, "
        f"refusal recall {first['refusal_recall']:.1%} ({first['commit']})"
    )


@pytest.fixture(scope="session")
def all_reports_service(tmp_path_factory):
    """All 31 reports in one index, as a deployment that indexes every province has it."""
    from assistant.service import AssistantService

    root = tmp_path_factory.mktemp("reports-31")
    extract_reports(root / "corpus")
    settings = Settings.from_env(corpus_dir=root / "corpus", index_dir=root / "index")
    build_index(settings)
    return AssistantService(settings)


@pytest.fixture(scope="session")
def report_alone(report_files, tmp_path_factory):
    """Each report indexed alone, once for the sets written on it (they sort next to each other:
    hen, hen11); only the last one is kept."""
    from assistant.service import AssistantService

    services: dict[str, AssistantService] = {}

    def service(region: str) -> AssistantService:
        if region not in services:
            services.clear()
            root = tmp_path_factory.mktemp("report")
            corpus = root / "corpus"
            corpus.mkdir()
            source = report_files[region]
            (corpus / source.name).write_bytes(source.read_bytes())
            settings = Settings.from_env(corpus_dir=corpus, index_dir=root / "index")
            build_index(settings)
            services[region] = AssistantService(settings)
        return services[region]

    return service


@pytest.fixture(scope="module", params=sorted(SETS))
def report_set(request, report_alone) -> tuple[dict, Report]:
    entry = SETS[request.param]
    gold = load_gold(EVAL_DIR / "reports" / entry["file"])
    service = report_alone(entry["region"])
    report = run(f"{entry['region']} report alone ({entry['file']})", service, gold)
    report.first_run = _first_run(entry)
    return entry, report


def test_sets_are_big_enough():
    assert len(SETS) >= 8
    for entry in SETS.values():
        gold = load_gold(EVAL_DIR / "reports" / entry["file"])
        # Round 7's sets add 26 harder questions each to reports that already have a set.
        assert len(gold) >= 25 and sum(item.refuse for item in gold) >= 4, entry["file"]


def test_report_answers(report_set):
    entry, report = report_set
    assert report.unverbatim() == []
    assert report.unsupported() == []
    assert report.wrong_time() == [], "a passage of another year was cited"
    assert report.accuracy() >= entry["floor"], report.name
    assert report.refusal_precision() >= entry["refusal_floor"], report.name
    assert report.refusal_recall() >= entry["refusal_floor"], report.name


def test_report_answers_among_all_31(report_set, all_reports_service):
    """The same set against all 31 reports at once: at most 2 points below the report alone, and
    every citation from the province the question names (each question names one)."""
    entry, alone = report_set
    gold = load_gold(EVAL_DIR / "reports" / entry["file"])
    among = run(f"{entry['region']} among all 31 reports", all_reports_service, gold)
    own = {d.meta.doc_id for d in all_reports_service.documents if entry["region"] in d.meta.source}
    # A question that names a second place too (「川渝通办」) lists both in its `places`.
    named = _places_named(EVAL_DIR / "reports" / entry["file"])
    foreign = [
        (outcome.gold.id, citation.doc)
        for outcome in among.outcomes
        for citation in outcome.answer.citations
        if citation.doc not in own
        and not any(place in citation.doc for place in named.get(outcome.gold.id, ()))
    ]
    assert foreign == [], "an answer cites another province's report"
    assert among.unsupported() == []
    assert among.wrong_time() == []
    assert among.accuracy() >= alone.accuracy() - 0.02, among.name


def _places_named(path: Path) -> dict[str, list[str]]:
    items = map(json.loads, path.read_text(encoding="utf-8").splitlines())
    return {item["id"]: item["places"] for item in items if "places" in item}


# Written blind across eight reports each, for the issue on many documents: one place named
# in many ways (京, 苏, 内蒙古自治区, 八闽…), two places in one question, places compared, a city
# inside a province, and what a report does not say. Answered against all 31 reports. Each
# first run, recorded before any change for that set, is the figure the team reports; the
# floor guards against regressions. across8: 北京, 江苏, 广东, 四川, 内蒙古, 广西, 新疆,
# 河南; across9: 浙江, 山东, 湖北, 湖南, 福建, 安徽, 河北, 陕西; across10: 北京, 江苏, 广东, 四川,
# 河南, 辽宁, 黑龙江, 新疆; across11: 甘肃, 云南, 贵州, 江西, 吉林, 山西, 天津, 宁夏; across12:
# 海南, 青海, 西藏, 辽宁, 黑龙江, 内蒙古, 广西, 湖北; across13: 北京, 浙江, 山东, 河南, 江西, 安徽,
# 福建, 四川; across14: 吉林, 新疆, 西藏, 内蒙古, 陕西, 河北, 广东, 云南; across15: 广东, 江苏,
# 湖北, 湖南, 四川, 安徽, 福建, 广西; across16: 辽宁, 山西, 青海, 海南, 天津, 黑龙江, 宁夏, 河南;
# across17: 江西, 湖北, 宁夏, 广西, 河南, 山东, 浙江, 北京; across18: 安徽, 福建, 广东, 贵州, 甘肃,
# 青海, 陕西, 云南; across19: 河南, 广西, 宁夏, 安徽, 陕西, 天津, 吉林, 四川; across20: 广东, 福建,
# 云南, 甘肃, 北京, 浙江, 湖南, 河北; across21: 江苏, 山东, 四川, 湖南, 浙江, 北京, 辽宁, 新疆;
# across22: 山西, 黑龙江, 江西, 湖北, 海南, 贵州, 内蒙古, 西藏; across23: 广西, 河南, 宁夏, 青海,
# 陕西, 云南, 福建, 天津.
ACROSS_SETS = {
    "across8.jsonl": (
        "overall 75.0%, refusal precision 94.7%, refusal recall 90.0%, 6 citations of another "
        "year, 10 of a province not asked (5c11d34)",
        0.95,  # 98.1% today
    ),
    "across9.jsonl": (
        "overall 84.9%, refusal precision 82.6%, refusal recall 100.0%, no citation of another "
        "year, 7 of a province not asked (7d68228)",
        0.90,
    ),
    "across10.jsonl": (
        "overall 94.3%, refusal precision 95.0%, refusal recall 100.0%, no citation of another "
        "year, 1 of a province not asked (ac4b65e)",
        0.90,
    ),
    "across11.jsonl": (
        "overall 96.2%, refusal precision 100.0%, refusal recall 94.7%, no citation of another "
        "year, 2 of a province not asked (f295e64)",
        0.90,
    ),
    "across12.jsonl": (
        "overall 96.2%, refusal precision 94.7%, refusal recall 94.7%, no citation of another "
        "year, 3 of a province not asked (2dedc51)",
        0.90,
    ),
    "across13.jsonl": (
        "overall 98.1%, refusal precision 100.0%, refusal recall 77.8%, no citation of another "
        "year, 3 of a province not asked (721e13f)",
        0.90,
    ),
    "across14.jsonl": (
        "overall 96.2%, refusal precision 100.0%, refusal recall 94.7%, no citation of another "
        "year, 2 of a province not asked (f9d19c0)",
        0.90,
    ),
    "across15.jsonl": (
        "overall 100.0%, refusal precision 100.0%, refusal recall 100.0%, no citation of another "
        "year, none of a province not asked (e94444f)",
        0.90,
    ),
    "across16.jsonl": (
        "overall 98.1%, refusal precision 100.0%, refusal recall 100.0%, no citation of another "
        "year, none of a province not asked (1735bff)",
        0.90,
    ),
    "across17.jsonl": (
        "overall 100.0%, refusal precision 100.0%, refusal recall 93.8%, no citation of another "
        "year, none of a province not asked (4c4d061)",
        0.90,
    ),
    "across18.jsonl": (
        "overall 93.8%, refusal precision 100.0%, refusal recall 93.8%, no citation of another "
        "year, 3 of a province not asked (262fc97)",
        0.90,
    ),
    "across19.jsonl": (
        "overall 97.9%, refusal precision 100.0%, refusal recall 87.5%, no citation of another "
        "year, none of a province not asked (09383b3)",
        0.90,
    ),
    "across20.jsonl": (
        "overall 95.9%, refusal precision 92.9%, refusal recall 86.7%, no citation of another "
        "year, none of a province not asked (6244e1e)",
        0.90,
    ),
    "across21.jsonl": (
        "overall 95.9%, refusal precision 93.8%, refusal recall 100.0%, no citation of another "
        "year, none of a province not asked (3c91c0a)",
        0.90,
    ),
    "across22.jsonl": (
        "overall 93.8%, refusal precision 93.8%, refusal recall 93.8%, no citation of another "
        "year, none of a province not asked (a636758)",
        0.90,
    ),
    "across23.jsonl": (
        "overall 98.2%, refusal precision 100.0%, refusal recall 100.0%, no citation of another "
        "year, none of a province not asked (2a36894)",
        0.90,
    ),
}


@pytest.fixture(params=sorted(ACROSS_SETS))
def across_set(request) -> tuple[Path, str, float]:
    first_run, floor = ACROSS_SETS[request.param]
    return EVAL_DIR / "reports" / request.param, first_run, floor


def test_questions_across_reports(all_reports_service, across_set):
    path, first_run, floor = across_set
    gold = load_gold(path)
    places = {
        item["id"]: item["places"]
        for item in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    }
    report = run(f"questions across 8 of the 31 reports ({path.name})", all_reports_service, gold)
    report.first_run = first_run
    asked = {
        outcome.gold.id: {
            d.meta.doc_id
            for d in all_reports_service.documents
            if any(place in d.meta.source for place in places[outcome.gold.id])
        }
        for outcome in report.outcomes
    }
    foreign = [
        (outcome.gold.id, citation.doc)
        for outcome in report.outcomes
        for citation in outcome.answer.citations
        if citation.doc not in asked[outcome.gold.id]
    ]
    assert foreign == [], "an answer cites a province the question does not name"
    # across8–22 hold 15–16 unanswerable questions each, across23 8 (an eighth, as its brief asked)
    assert len(gold) >= 60 and sum(item.refuse for item in gold) >= len(gold) // 8
    assert report.unverbatim() == []
    assert report.unsupported() == []
    assert report.accuracy() >= floor, report.name
