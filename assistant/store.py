"""Chunks and their vectors in Chroma: a local folder by default, or a Chroma server.

The collection is named after the embedding space (``chunks-<embedder id>``) so vectors of two
models never mix, and it stores no embedding function: vectors always come from
``assistant.embed`` (Chroma's default function would try to download a model).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from assistant.embed import embedder_id
from assistant.errors import ConfigurationError, StoreBrokenError
from assistant.records import Chunk, ChunkKind, PassageTime, Span, TimeKind
from assistant.settings import Settings

SECTION_SEPARATOR = " › "
WRITE_BATCH = 1000
READ_PAGE = 1000


def make_chroma_client(settings: Settings) -> Any:
    """A Chroma client: HTTP when ``chroma_url`` is set, else a folder inside the index dir."""
    chromadb = _import_chromadb()
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        return _http_client(chromadb, settings.chroma_url, chroma_settings)
    path = settings.index_dir / "chroma"
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _import_chromadb() -> Any:
    try:
        import chromadb
    except ImportError as exc:
        raise ConfigurationError(
            "未安装向量库 chromadb，请运行：pip install chromadb==1.5.9"
        ) from exc
    return chromadb


def _http_client(chromadb: Any, url: str, chroma_settings: Any) -> Any:
    host, port, ssl = _parse_chroma_url(url)
    try:
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
    except (ValueError, OSError) as exc:  # chromadb turns connection errors into ValueError
        raise ConfigurationError(
            f"无法连接 Chroma 向量库服务 {url}（{exc}）。请确认服务已启动，例如："
            f"chroma run --path 目录 --host 127.0.0.1 --port {port}；"
            "或清空 ASSISTANT_CHROMA_URL 以使用本地索引目录。"
        ) from exc


def _parse_chroma_url(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise ConfigurationError(
            f"ASSISTANT_CHROMA_URL 格式不对：{url!r}，应形如 http://127.0.0.1:8000"
        )
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 8000), ssl


def collection_name(settings: Settings) -> str:
    """``chunks-<embedder id>``, kept within Chroma's collection-name rules."""
    name = f"chunks-{embedder_id(settings)}"
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", name)
    name = re.sub(r"\.{2,}", ".", name)[:512]
    return re.sub(r"[^a-zA-Z0-9]+$", "", name)


class ChunkStore:
    """One Chroma collection of chunks, cosine similarity, filtered by live document hashes."""

    def __init__(self, client: Any, name: str) -> None:
        self.name = name
        self._client = client
        # A fresh configuration dict each time: chromadb fills in the one it is given.
        self._collection = client.get_or_create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._check_cosine()

    @classmethod
    def open(cls, settings: Settings) -> ChunkStore:
        try:
            return cls(make_chroma_client(settings), collection_name(settings))
        except ConfigurationError:
            raise
        except Exception as exc:  # chromadb reports a damaged database as a bare InternalError
            if settings.chroma_url:
                raise ConfigurationError(f"Chroma 向量库服务出错：{exc}") from exc
            raise StoreBrokenError(
                f"向量库 {settings.index_dir / 'chroma'} 已损坏（{exc}）。"
                "请运行 python -m assistant index：它会把损坏的目录移到一旁并重建。"
            ) from exc

    def _check_cosine(self) -> None:
        """An existing collection keeps its own space; scores would be wrong in any other.

        Reads ``configuration_json``: ``configuration`` warns about the "legacy" embedding
        function that Chroma records for ``embedding_function=None``.
        """
        space = (self._collection.configuration_json.get("hnsw") or {}).get("space")
        if space != "cosine":
            raise ConfigurationError(
                f"向量库集合 {self.name} 的距离度量是 {space}，不是 cosine；请删除索引后重建。"
            )

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Insert or replace chunks (by ``chunk_id``) with their vectors."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        batch = min(WRITE_BATCH, self._client.get_max_batch_size())
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            self._collection.upsert(
                ids=[chunk.chunk_id for chunk in part],
                embeddings=[
                    [float(x) for x in vector] for vector in vectors[start : start + batch]
                ],
                documents=[chunk.text for chunk in part],
                metadatas=[chunk_metadata(chunk) for chunk in part],
            )

    def replace_document(
        self, doc_hash: str, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]
    ) -> None:
        """A document's chunks as they are now: added, then any of its older chunks that the new
        ones did not overwrite removed (a document re-chunked into fewer pieces leaves none)."""
        self.add(chunks, vectors)
        kept = {chunk.chunk_id for chunk in chunks}
        pages = self._pages(include=["metadatas"], where={"doc_hash": doc_hash})
        stale = [chunk_id for chunk_id, _, _ in pages if chunk_id not in kept]
        for start in range(0, len(stale), WRITE_BATCH):
            self._collection.delete(ids=stale[start : start + WRITE_BATCH])

    def doc_hashes(self) -> set[str]:
        """The documents present, whatever the manifest says (to find stale ones)."""
        return {meta["doc_hash"] for _, _, meta in self._pages(include=["metadatas"])}

    def delete_docs(self, doc_hashes: Iterable[str]) -> None:
        hashes = sorted(set(doc_hashes))
        if hashes:
            self._collection.delete(where={"doc_hash": {"$in": hashes}})

    def query(
        self,
        vector: Sequence[float],
        k: int,
        doc_hashes: Collection[str] | None = None,
        kind: str | None = None,
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest chunks with their cosine similarity, best first.

        ``doc_hashes`` limits the search to the documents the index manifest says are live, so
        chunks of a replaced or half-written document are never returned.
        """
        if k <= 0 or (doc_hashes is not None and not doc_hashes):
            return []
        result = self._collection.query(
            query_embeddings=[[float(x) for x in vector]],
            n_results=k,
            where=_where(doc_hashes, kind),
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=True,
        )
        return [(chunk_from_record(i, d, m), 1.0 - float(dist)) for i, d, m, dist in rows]

    def chunks(self, doc_hashes: Collection[str]) -> list[Chunk]:
        """Every chunk of these documents, in reading order (for BM25 and neighbours)."""
        if not doc_hashes:
            return []
        records = self._pages(include=["documents", "metadatas"], where=_where(doc_hashes, None))
        found = [chunk_from_record(*record) for record in records]
        return sorted(found, key=lambda c: (c.doc_id, c.doc_hash, c.span.start, c.chunk_id))

    def vectors(self, doc_hashes: Collection[str]) -> dict[str, list[float]]:
        """What each chunk's vector was made from (``Chunk.embedded``), with the vector."""
        found: dict[str, list[float]] = {}
        offset = 0
        while doc_hashes:
            page = self._collection.get(
                where=_where(doc_hashes, None),
                include=["documents", "metadatas", "embeddings"],
                limit=READ_PAGE,
                offset=offset,
            )
            rows = zip(
                page["ids"], page["documents"], page["metadatas"], page["embeddings"], strict=True
            )
            for chunk_id, text, meta, vector in rows:
                found[chunk_from_record(chunk_id, text, meta).embedded] = [float(x) for x in vector]
            if len(page["ids"]) < READ_PAGE:
                break
            offset += READ_PAGE
        return found

    def count(self) -> int:
        return self._collection.count()

    def _pages(
        self, include: list[str], where: dict | None = None
    ) -> Iterator[tuple[str, str, dict]]:
        """Read the collection page by page: one ``get`` of everything may be too large."""
        offset = 0
        while True:
            page = self._collection.get(
                where=where, include=include, limit=READ_PAGE, offset=offset
            )
            documents = page.get("documents") or [""] * len(page["ids"])
            yield from zip(page["ids"], documents, page["metadatas"], strict=True)
            if len(page["ids"]) < READ_PAGE:
                return
            offset += READ_PAGE


def _where(doc_hashes: Collection[str] | None, kind: str | None) -> dict | None:
    clauses: list[dict] = []
    if doc_hashes is not None:
        clauses.append({"doc_hash": {"$in": sorted(doc_hashes)}})
    if kind is not None:
        clauses.append({"kind": str(kind)})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def chunk_metadata(chunk: Chunk) -> dict[str, str | int | bool]:
    """Chroma metadata holds scalars only: tuples are joined, the kind is its string value."""
    return {
        "doc_id": chunk.doc_id,
        "doc_hash": chunk.doc_hash,
        "kind": chunk.kind.value,
        "section": SECTION_SEPARATOR.join(chunk.section),
        "quote": chunk.quote,
        "table": chunk.table,
        "row": chunk.row,
        "years": ",".join(str(year) for year in chunk.years),
        "time_kind": chunk.time.kind.value,
        "time_year": chunk.time.year or 0,
        "time_start": chunk.time.start or 0,
        "time_estimate": chunk.time.estimate,
        "start": chunk.span.start,
        "end": chunk.span.end,
        "annotates": chunk.annotates,
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict) -> Chunk:
    """The inverse of ``chunk_metadata``: the same ``Chunk`` that was added."""
    section = meta.get("section", "")
    years = meta.get("years", "")
    return Chunk(
        chunk_id=chunk_id,
        doc_id=meta["doc_id"],
        doc_hash=meta["doc_hash"],
        kind=ChunkKind(meta["kind"]),
        text=text,
        quote=meta.get("quote", ""),
        section=tuple(section.split(SECTION_SEPARATOR)) if section else (),
        span=Span(int(meta["start"]), int(meta["end"])),
        table=meta.get("table", ""),
        row=meta.get("row", ""),
        years=tuple(int(year) for year in years.split(",")) if years else (),
        time=PassageTime(
            TimeKind(meta.get("time_kind", "")),
            meta.get("time_year") or None,
            meta.get("time_start") or None,
            bool(meta.get("time_estimate", False)),
        ),
        annotates=meta.get("annotates", ""),
    )
