"""The accuracy suite: the real bundled plan, indexed with the real bundled embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.indexer import build_index
from assistant.settings import PROJECT_ROOT, Settings
from eval.scoring import Report

EVAL_DIR = Path(__file__).parent
SYNTHETIC = PROJECT_ROOT / "tests" / "fixtures" / "synthetic_plan_jiangbei.txt"
REPORTS: list[Report] = []


def _settings(corpus: Path, index: Path) -> Settings:
    return Settings.from_env(corpus_dir=corpus, index_dir=index)


@pytest.fixture(scope="session")
def bundled_service(tmp_path_factory):
    """An index of the project's own corpus, built as `make run` builds it."""
    from assistant.service import AssistantService

    settings = _settings(PROJECT_ROOT / "corpus", tmp_path_factory.mktemp("eval") / "index")
    build_index(settings)
    return AssistantService(settings)


@pytest.fixture(scope="session")
def two_plan_service(tmp_path_factory):
    """The bundled plan and the synthetic 江北区 plan in one index."""
    from assistant.service import AssistantService

    root = tmp_path_factory.mktemp("eval-two")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in (PROJECT_ROOT / "corpus").iterdir():
        shutil.copy(path, corpus / path.name)
    shutil.copy(SYNTHETIC, corpus / "jiangbei-2026-plan.txt")
    settings = _settings(corpus, root / "index")
    build_index(settings)
    return AssistantService(settings)


@pytest.fixture(scope="session")
def reports():
    return REPORTS


def pytest_terminal_summary(terminalreporter):
    for report in REPORTS:
        terminalreporter.write_sep("=", f"eval: {report.name}")
        terminalreporter.write_line(report.table())
