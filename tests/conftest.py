"""Shared fixtures: the real bundled plan, a synthetic second plan, state kept in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.clean import clean_text
from assistant.settings import PROJECT_ROOT

PLAN = PROJECT_ROOT / "corpus" / "baoshan-2024-plan.txt"
SYNTHETIC = Path(__file__).parent / "fixtures" / "synthetic_plan_jiangbei.txt"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """No test reads or writes the developer's own index, corpus or settings."""
    for name in ("CORPUS_DIR", "INDEX_DIR", "EMBEDDER", "EMBEDDING_MODEL", "CHROMA_URL"):
        monkeypatch.delenv(f"ASSISTANT_{name}", raising=False)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def plan_raw() -> str:
    return PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def plan_blocks(plan_raw):
    return clean_text(plan_raw)


@pytest.fixture(scope="session")
def synthetic_raw() -> str:
    return SYNTHETIC.read_text(encoding="utf-8")
