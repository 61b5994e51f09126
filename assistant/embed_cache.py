"""Passage vectors kept on disk by content, so a text is embedded once per model.

Embedding is almost all of an index build. With the cache, a build that was interrupted picks up
where it stopped, a rebuild after a pipeline change re-embeds only the passages whose text
changed, and the same report indexed alone and among thirty costs its embedding once. The cache
is a plain SQLite file of float32 vectors keyed by the hash of model id and text; if it cannot be
opened or written, indexing goes on without it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)


class CachedEmbeddings(Embeddings):
    def __init__(self, inner: Embeddings, model_id: str, path: Path) -> None:
        self.inner = inner
        self.model_id = model_id
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._broken = False

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(text) for text in texts]
        known = self._read(keys)
        missing = [i for i, key in enumerate(keys) if key not in known]
        if missing:
            fresh = self.inner.embed_documents([texts[i] for i in missing])
            self._write([(keys[i], vector) for i, vector in zip(missing, fresh, strict=True)])
            known.update({keys[i]: list(v) for i, v in zip(missing, fresh, strict=True)})
        return [known[key] for key in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def _read(self, keys: Sequence[str]) -> dict[str, list[float]]:
        connection = self._open()
        if connection is None or not keys:
            return {}
        found: dict[str, list[float]] = {}
        try:
            with self._lock:
                for start in range(0, len(keys), 500):
                    part = list(keys[start : start + 500])
                    marks = ",".join("?" * len(part))
                    rows = connection.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part
                    ).fetchall()
                    found.update(
                        (key, np.frombuffer(blob, dtype=np.float32).tolist()) for key, blob in rows
                    )
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}
        return found

    def _write(self, items: Sequence[tuple[str, Sequence[float]]]) -> None:
        connection = self._open()
        if connection is None:
            return
        rows = [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in items]
        try:
            with self._lock, connection:
                connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _open(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)"
                )
                self._connection = connection
            except (OSError, sqlite3.Error) as exc:
                self._give_up(exc)
        return self._connection

    def _give_up(self, exc: Exception) -> None:
        """A cache that fails costs time, never an index: embed without it from now on."""
        log.warning("向量缓存 %s 不可用，本次不用缓存：%s", self.path, exc)
        self._broken = True
        self._connection = None
