"""The optional generative mode's chat models, behind LangChain's chat-model interface.

``make_chat_model(settings)`` is the one factory: ``None`` for the default extractive path, a
small wrapper around the bundled Qwen GGUF for ``llama``, LangChain's ``ChatOpenAI`` for any
OpenAI-compatible server (vLLM, Ollama, llama-cpp-python's own server, a hosted API). Every
optional import is lazy, and a missing piece is a ``ConfigurationError`` that says what to run.
What the model writes is never shown unchecked: see ``assistant.query.grounded``.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ConfigurationError
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MAX_TOKENS = 256  # a short answer; a 1.5B model drifts into repetition on long outputs
CONTEXT_TOKENS = 4096
REQUEST_TIMEOUT_S = 120.0
NO_KEY = "not-needed"  # local OpenAI-compatible servers ignore the key, the client wants one


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model ``settings.generator`` names; ``None`` for the extractive default."""
    if settings.generator == "extractive":
        return None
    if settings.generator == "llama":
        return _llama(settings)
    if settings.generator == "openai":
        return _openai(settings)
    raise ConfigurationError(f"未知的生成方式 ASSISTANT_GENERATOR={settings.generator!r}")


def _llama(settings: Settings) -> BaseChatModel:
    from assistant import llm_model

    if not llm_model.llama_available():
        raise ConfigurationError(
            "ASSISTANT_GENERATOR=llama 需要 llama-cpp-python（未安装）：" + llm_model.MAKE_HINT
        )
    path = llm_model.locate(settings.model_dir)
    return llama_chat_model(path, threads=settings.llm_threads)


def llama_chat_model(path: Path, threads: int = 2, **options: Any) -> BaseChatModel:
    """A LangChain chat model over ``llama_cpp.Llama`` (weights load on first use)."""
    return _llama_class()(model_path=str(path), n_threads=threads, **options)


def _openai(settings: Settings) -> BaseChatModel:
    missing = [
        f"ASSISTANT_{name.upper()}"
        for name in ("openai_base_url", "openai_model")
        if not getattr(settings, name)
    ]
    if missing:
        raise ConfigurationError(
            f"ASSISTANT_GENERATOR=openai 需要设置 {'、'.join(missing)}"
            "（例如 http://127.0.0.1:8000/v1 与服务器上的模型名）"
        )
    if importlib.util.find_spec("langchain_openai") is None:
        raise ConfigurationError(
            "ASSISTANT_GENERATOR=openai 需要 langchain-openai（未安装）："
            "运行 `pip install -e '.[openai]'`（或 `make llm`）"
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key or NO_KEY,
        temperature=0.0,
        # The classic field, in the request body as is: ChatOpenAI's own max_tokens is sent as
        # max_completion_tokens, which llama-cpp-python's server (and older servers) ignore.
        extra_body={"max_tokens": MAX_TOKENS},
        timeout=REQUEST_TIMEOUT_S,
        max_retries=1,
    )


_LLAMA_CLASS: type | None = None


def _llama_class() -> type:
    """Defined on first use, so that importing this module needs no LangChain model classes."""
    global _LLAMA_CLASS
    if _LLAMA_CLASS is None:
        _LLAMA_CLASS = _define_llama_class()
    return _LLAMA_CLASS


def _define_llama_class() -> type:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
    from pydantic import PrivateAttr

    roles = {"system": "system", "human": "user", "ai": "assistant"}

    def as_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
        return [{"role": roles.get(m.type, "user"), "content": m.text} for m in messages]

    class LlamaCppChat(BaseChatModel):
        """``llama_cpp.Llama.create_chat_completion`` (the GGUF's own chat template)."""

        model_path: str
        n_threads: int = 2
        n_ctx: int = CONTEXT_TOKENS
        max_tokens: int = MAX_TOKENS
        temperature: float = 0.0
        repeat_penalty: float = 1.1
        seed: int = 0

        _llama: Any = PrivateAttr(default=None)
        _lock: Any = PrivateAttr(default_factory=threading.Lock)

        @property
        def _llm_type(self) -> str:
            return "llama-cpp"

        @property
        def _identifying_params(self) -> dict[str, Any]:
            return {"model_path": self.model_path, "n_ctx": self.n_ctx}

        def load(self) -> Any:
            if self._llama is None:
                from llama_cpp import Llama

                self._llama = Llama(
                    model_path=self.model_path,
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads,
                    seed=self.seed,
                    verbose=False,
                )
            return self._llama

        def _options(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
            return {
                "max_tokens": kwargs.get("max_tokens", self.max_tokens),
                "temperature": kwargs.get("temperature", self.temperature),
                "repeat_penalty": self.repeat_penalty,
                "stop": stop or [],
            }

        def _generate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: Any = None,
            **kwargs: Any,
        ) -> ChatResult:
            with self._lock:
                result = self.load().create_chat_completion(
                    messages=as_dicts(messages), **self._options(stop, kwargs)
                )
            text = result["choices"][0]["message"].get("content") or ""
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

        def _stream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: Any = None,
            **kwargs: Any,
        ) -> Iterator[ChatGenerationChunk]:
            with self._lock:
                stream = self.load().create_chat_completion(
                    messages=as_dicts(messages), stream=True, **self._options(stop, kwargs)
                )
                for part in stream:
                    delta = part["choices"][0]["delta"].get("content") or ""
                    if not delta:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk

    return LlamaCppChat
