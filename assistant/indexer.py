"""Build and update the index: incremental by content hash, and safe to interrupt.

Chunks are stored under ids derived from their document's content hash, and only the manifest
(replaced atomically) says which documents are live. It is rewritten after each document is fully
stored, so a build that fails or is killed keeps every document finished so far, and the next run
embeds only the rest. Readers ignore any chunk whose document the manifest does not list, and the
build that completes removes such leftovers (and files that are really gone) at the very end.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, DocumentError, IndexMissingError, StoreBrokenError
from assistant.records import DocumentMeta, ParsedDocument, TableSet, from_dict
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

# Bump when the write path changes what it produces, so every document is rebuilt.
PIPELINE_VERSION = 53
MANIFEST = "manifest.json"
# Passages per embedding call, and so how often the progress bar moves. torch pads a batch to its
# longest passage, and a larger call groups lengths better: 32 a call was 30% slower than 128.
EMBED_BATCH = 128
TABLES_DIR = "tables"
LOCK_ATTEMPTS, LOCK_RETRY_SECONDS = 5, 0.05


@dataclass(frozen=True)
class IndexedDocument:
    meta: DocumentMeta
    chunk_count: int
    table_count: int
    row_count: int


@dataclass(frozen=True)
class Manifest:
    embedder: str
    pipeline_version: int
    documents: tuple[IndexedDocument, ...] = ()

    def by_hash(self) -> dict[str, IndexedDocument]:
        return {d.meta.content_hash: d for d in self.documents}


@dataclass
class IndexReport:
    documents: int = 0
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[DocumentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a 合计 the projects do not add up to
    indexed: list[IndexedDocument] = field(default_factory=list)  # every live document, as read
    kept: list[str] = field(default_factory=list)  # unreadable now: their indexed copy stays
    withheld: list[str] = field(default_factory=list)  # gone, but too many to remove without prune
    chunks: int = 0
    tables: int = 0
    rows: int = 0
    seconds: float = 0.0
    embedded_chunks: int = 0


ProgressFactory = Callable[[int, str], "Progress"]


class Progress:
    """Progress reporting the indexer needs; the CLI plugs in a progress bar."""

    def update(self, n: int) -> None: ...

    def note(self, text: str) -> None:
        """Say where the work is, e.g. 「文件 3/31」."""

    def close(self) -> None: ...


def no_progress(total: int, label: str) -> Progress:
    return Progress()


def manifest_path(settings: Settings) -> Path:
    return settings.index_dir / MANIFEST


def read_manifest(settings: Settings) -> Manifest | None:
    path = manifest_path(settings)
    if not path.exists():
        return None
    try:
        return from_dict(Manifest, json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, KeyError) as exc:
        raise IndexMissingError(
            f"索引清单已损坏（{path}），请重新运行 python -m assistant index"
        ) from exc


def load_tables(settings: Settings, content_hash: str) -> TableSet:
    path = settings.index_dir / TABLES_DIR / f"{content_hash}.json"
    return from_dict(TableSet, json.loads(path.read_text(encoding="utf-8")))


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_index(
    settings: Settings,
    progress: ProgressFactory = no_progress,
    *,
    prune: bool = False,
    embeddings: Embeddings | None = None,
) -> IndexReport:
    """Bring the index in line with the corpus; see the module docstring for the guarantees.

    ``prune``: allow removing more than half of the indexed documents in one build.
    ``embeddings``: passages' embedder, if not the one the settings name (benchmarks).
    """
    from assistant.embed import embedder_id
    from assistant.ingest.load import discover_documents

    started = time.perf_counter()
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(settings.index_dir):
        paths, problems = discover_documents(settings.corpus_dir)
        report = IndexReport(problems=list(problems))
        previous = _manifest_or_set_aside(settings, report)
        embedder = embedder_id(settings)
        reusable = _stored(settings, _reusable(previous, embedder), report)
        plan = _plan(settings.corpus_dir, paths, reusable, report)
        checkpoint = _Checkpoint(settings, embedder, reusable, _resumable(previous, embedder))
        documents = _index_changed(
            settings, plan, reusable, report, progress, embeddings, checkpoint
        )
        indexed = previous.by_hash() if previous and previous.embedder == embedder else {}
        documents += _kept_out_of_sight(settings.corpus_dir, indexed, documents, report, prune)
        documents.sort(key=lambda d: d.meta.source)
        manifest = Manifest(embedder, PIPELINE_VERSION, tuple(documents))
        report.removed = sorted(
            d.meta.source for h, d in reusable.items() if h not in manifest.by_hash()
        )
        _write_json_atomically(manifest_path(settings), asdict(manifest))
        if report.added or report.removed or previous is None or previous.embedder != embedder:
            _collect_garbage(settings, manifest)
    report.documents = len(manifest.documents)
    report.indexed = list(manifest.documents)
    report.chunks = sum(d.chunk_count for d in manifest.documents)
    report.tables = sum(d.table_count for d in manifest.documents)
    report.rows = sum(d.row_count for d in manifest.documents)
    report.seconds = time.perf_counter() - started
    return report


def _kept_out_of_sight(
    corpus: Path,
    indexed: dict[str, IndexedDocument],
    documents: Sequence[IndexedDocument],
    report: IndexReport,
    prune: bool,
) -> list[IndexedDocument]:
    """A build never removes what it cannot see.

    An indexed document whose file can no longer be read (permissions, a broken new version)
    keeps its indexed copy; one whose file is really gone is removed, unless that would remove
    more than half of the index (an empty or unmounted corpus folder) without ``prune``.
    """
    present = {d.meta.source for d in documents}
    unreadable = {_relative(problem.path, corpus) for problem in report.problems}
    missing = [d for d in indexed.values() if d.meta.source not in present]
    kept = [d for d in missing if d.meta.source in unreadable or (corpus / d.meta.source).exists()]
    gone = [d for d in missing if d not in kept]
    report.kept = sorted(d.meta.source for d in kept)
    if gone and not prune and len(gone) * 2 > len(indexed):
        report.withheld = sorted(d.meta.source for d in gone)
        kept += gone
    return kept


def _relative(path: str, corpus: Path) -> str:
    try:
        return Path(path).relative_to(corpus).as_posix()
    except ValueError:
        return path


def _stored(
    settings: Settings, reusable: dict[str, IndexedDocument], report: IndexReport
) -> dict[str, IndexedDocument]:
    """Documents the manifest lists whose chunks or tables are gone from the store (a deleted
    or restored folder, a new Chroma server) are indexed again, not trusted."""
    if not reusable:
        return reusable
    present = _open_or_set_aside(settings, report).doc_hashes()
    tables = settings.index_dir / TABLES_DIR
    kept = {h: d for h, d in reusable.items() if h in present and (tables / f"{h}.json").exists()}
    repaired = sorted(d.meta.source for h, d in reusable.items() if h not in kept)
    if repaired:
        report.warnings.append(f"索引中缺少这些文件的内容，已重新建立：{'、'.join(repaired)}")
    return kept


def _manifest_or_set_aside(settings: Settings, report: IndexReport) -> Manifest | None:
    """The previous manifest; a corrupt one is moved aside (kept for inspection) and the index
    is rebuilt from the corpus, reusing every passage still in the store."""
    try:
        return read_manifest(settings)
    except IndexMissingError:
        _set_aside(manifest_path(settings), report, "索引清单", "按文档目录重新建立")
        return None


def _open_or_set_aside(settings: Settings, report: IndexReport):
    """The store; a damaged local one is moved aside (kept, never deleted) and started anew."""
    from assistant.store import ChunkStore

    try:
        return ChunkStore.open(settings)
    except StoreBrokenError:
        from chromadb.api.client import SharedSystemClient

        _set_aside(settings.index_dir / "chroma", report, "向量库", "重新建立")
        SharedSystemClient.clear_system_cache()
        return ChunkStore.open(settings)


def _set_aside(path: Path, report: IndexReport, what: str, then: str) -> None:
    """A damaged part of the index is renamed, never deleted, so nothing is lost to a repair."""
    aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, aside)
    report.warnings.append(f"{what}已损坏，已移到 {aside.name} 保存，并{then}")


def _resumable(previous: Manifest | None, embedder: str) -> bool:
    """Checkpoints only when the manifest's documents stay valid as they are: a first build, or
    the same embedder and pipeline. A rebuild for a new pipeline keeps the old manifest in force
    until it completes, so an interrupted one still serves every document (the embedding cache
    makes its next run quick)."""
    return previous is None or (
        previous.embedder == embedder and previous.pipeline_version == PIPELINE_VERSION
    )


class _Checkpoint:
    """The manifest after each stored document: what was live, with each finished document
    added or replacing its older version of the same file. Nothing is removed here."""

    def __init__(
        self,
        settings: Settings,
        embedder: str,
        live: dict[str, IndexedDocument],
        resumable: bool,
    ) -> None:
        self._settings = settings
        self._embedder = embedder
        self._by_source = {d.meta.source: d for d in live.values()}
        self._resumable = resumable

    def save(self, document: IndexedDocument) -> None:
        if not self._resumable:
            return
        self._by_source[document.meta.source] = document
        documents = tuple(sorted(self._by_source.values(), key=lambda d: d.meta.source))
        manifest = Manifest(self._embedder, PIPELINE_VERSION, documents)
        _write_json_atomically(manifest_path(self._settings), asdict(manifest))


def _reusable(previous: Manifest | None, embedder: str) -> dict[str, IndexedDocument]:
    if previous is None or previous.embedder != embedder:
        return {}
    if previous.pipeline_version != PIPELINE_VERSION:
        return {}
    return previous.by_hash()


@dataclass(frozen=True)
class _Planned:
    path: Path
    source: str
    content_hash: str


def _plan(
    corpus: Path, paths: Sequence[Path], reusable: dict[str, IndexedDocument], report: IndexReport
) -> list[_Planned]:
    """Hash every file; identical copies are reported once instead of indexed twice."""
    planned: list[_Planned] = []
    seen: dict[str, str] = {}
    for path in paths:
        source = path.relative_to(corpus).as_posix()
        try:
            content_hash = file_hash(path)
        except OSError as exc:
            report.problems.append(DocumentError(source, f"无法读取文件：{exc.strerror or exc}"))
            continue
        if content_hash in seen:
            report.problems.append(
                DocumentError(source, f"与 {seen[content_hash]} 内容相同，已跳过")
            )
            continue
        seen[content_hash] = source
        planned.append(_Planned(path, source, content_hash))
    return planned


def _index_changed(
    settings: Settings,
    plan: Sequence[_Planned],
    reusable: dict[str, IndexedDocument],
    report: IndexReport,
    progress: ProgressFactory,
    embeddings: Embeddings | None,
    checkpoint: _Checkpoint,
) -> list[IndexedDocument]:
    documents: list[IndexedDocument] = []
    fresh: list[ParsedDocument] = []
    for item in plan:
        known = reusable.get(item.content_hash)
        if known and known.meta.source == item.source:
            documents.append(known)
            report.unchanged.append(item.source)
            continue
        parsed = _parse(item, report, settings)
        if parsed:
            fresh.append(parsed)
    if fresh:
        for document in _embed_and_store(settings, fresh, report, progress, embeddings):
            checkpoint.save(document)
            documents.append(document)
    return documents


def _parse(item: _Planned, report: IndexReport, settings: Settings) -> ParsedDocument | None:
    from assistant.ingest.load import load_document
    from assistant.ingest.structure import parse_document
    from assistant.ingest.tables import project_sum_problems

    try:
        loaded = load_document(
            item.path, source=item.source, max_bytes=settings.max_file_mb * 1_000_000
        )
        parsed = parse_document(loaded)
    except DocumentError as exc:
        report.problems.append(exc)
        return None
    if not parsed.paragraphs and not parsed.tables.table_count:
        report.problems.append(DocumentError(item.source, "没有可索引的正文或表格"))
        return None
    for table in parsed.tables.projects:
        report.warnings.extend(f"{item.source}：{p}" for p in project_sum_problems(table))
    return parsed


def _embed_and_store(
    settings: Settings,
    parsed: Sequence[ParsedDocument],
    report: IndexReport,
    progress: ProgressFactory,
    embeddings: Embeddings | None,
) -> Iterator[IndexedDocument]:
    from assistant.embed import make_passage_embeddings
    from assistant.ingest.chunks import build_chunks
    from assistant.store import ChunkStore

    embeddings = embeddings or make_passage_embeddings(settings)
    store = ChunkStore.open(settings)
    chunked = _within_limit(
        [(doc, build_chunks(doc, settings.chunk_tokens)) for doc in parsed], settings, report
    )
    if not chunked:
        return
    bar = progress(sum(len(chunks) for _, chunks in chunked), "向量化")
    try:
        for done, (document, chunks) in enumerate(chunked):
            bar.note(f"文件 {done + 1}/{len(chunked)}")
            vectors: list[list[float]] = []
            for start in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[start : start + EMBED_BATCH]
                vectors.extend(embeddings.embed_documents([c.embedded for c in batch]))
                bar.update(len(batch))
            # One write per document: each Chroma upsert has a fixed cost (index and WAL).
            store.replace_document(document.meta.content_hash, chunks, vectors)
            _save_tables(settings, document)
            report.added.append(document.meta.source)
            report.embedded_chunks += len(chunks)
            yield IndexedDocument(
                document.meta,
                len(chunks),
                document.tables.table_count,
                document.tables.row_count,
            )
    finally:
        bar.close()


def _within_limit(
    chunked: list[tuple[ParsedDocument, list]], settings: Settings, report: IndexReport
) -> list[tuple[ParsedDocument, list]]:
    """A document longer than the limit is skipped with a message before any embedding: one
    pasted data dump must not hold the build for an hour."""
    limit = settings.max_document_chunks
    kept = []
    for document, chunks in chunked:
        if len(chunks) > limit:
            report.problems.append(
                DocumentError(
                    document.meta.source,
                    f"文件过长（{len(chunks)} 个片段，上限 {limit}），未索引；"
                    "如确需索引，请调大 ASSISTANT_MAX_DOCUMENT_CHUNKS",
                )
            )
        else:
            kept.append((document, chunks))
    return kept


def _save_tables(settings: Settings, document: ParsedDocument) -> None:
    path = settings.index_dir / TABLES_DIR / f"{document.meta.content_hash}.json"
    _write_json_atomically(path, document.tables.to_dict())


def _write_json_atomically(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def _collect_garbage(settings: Settings, manifest: Manifest) -> None:
    """Drop chunks and table files of documents the manifest no longer lists."""
    from assistant.store import ChunkStore

    live = set(manifest.by_hash())
    store = ChunkStore.open(settings)
    store.delete_docs(store.doc_hashes() - live)
    for path in (settings.index_dir / TABLES_DIR).glob("*.json"):
        if path.stem not in live:
            path.unlink(missing_ok=True)


def build_running(index_dir: Path) -> bool:
    """Whether an ``index`` run holds this index directory now."""
    try:
        with (index_dir / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


@contextlib.contextmanager
def _exclusive(index_dir: Path) -> Iterator[None]:
    """One build at a time per index directory. A running app peeks at the lock for an instant
    (``build_running``), so a build waits that long before it calls the index busy."""
    with (index_dir / ".lock").open("w") as lock:
        for attempt in range(LOCK_ATTEMPTS):
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if attempt == LOCK_ATTEMPTS - 1:
                    message = f"另一个索引任务正在写入 {index_dir}，请稍后再试"
                    raise AssistantError(message) from exc
                time.sleep(LOCK_RETRY_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
