"""Corpora for measuring how the assistant scales: the 31 real provincial reports, and 300
documents made from them with places and numbers changed.

The 300-document corpus keeps the 31 real reports and adds variants: each is a real report with
its province renamed to a prefecture-level city from the division dataset and every figure's
last digit shifted, so no two documents are alike and a question about one place must be routed.
Embedding 30,000 passages would take the better part of an hour on two cores and measure
indexing, not asking, so a variant borrows the vector of the real passage it was made from
(``BorrowedEmbeddings``): the two differ only in names and digits.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.settings import PROJECT_ROOT

REPORTS_ZIP = PROJECT_ROOT / "eval" / "reports" / "gwr-2025-31-provinces.zip"
UTF8_NAMES = 0x800
REPORT_NAME = re.compile(r"^\d{4}年(.+?)政府工作报告\.docx$")
# A figure, not a year: the last digit of every number that is not 19xx/20xx before 年.
FIGURE = re.compile(r"(?<![\d.])(?!(?:19|20)\d{2}年)(\d+(?:\.\d+)?)")
MASK_DIGITS = re.compile(r"\d")


def member_name(info: zipfile.ZipInfo) -> str:
    """Zip member names without the UTF-8 flag are GBK bytes read as cp437."""
    if info.flag_bits & UTF8_NAMES:
        return info.filename
    return info.filename.encode("cp437").decode("gbk")


def extract_reports(
    destination: Path, names: tuple[str, ...] = (), archive_path: Path = REPORTS_ZIP
) -> dict[str, Path]:
    """Write the reports (all, or those whose region is in ``names``, e.g. 「北京市」) to a folder.

    Returns region as the file names it (「北京市」, 「宁夏」) → path.
    """
    destination.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            name = Path(member_name(info)).name
            match = REPORT_NAME.match(name)
            if not match or (names and match.group(1) not in names):
                continue
            path = destination / name
            if not path.exists() or path.stat().st_size != info.file_size:
                path.write_bytes(archive.read(info))
            found[match.group(1)] = path
    return found


@dataclass(frozen=True)
class Variant:
    source: Path
    place: str  # the province as the report names it: 「江苏省」
    short: str  # 「江苏」
    new_place: str  # 「苏州市」
    new_short: str  # 「苏州」
    shift: int  # added to the last digit of every figure


def variants(reports: Sequence[Path], count: int) -> Iterator[Variant]:
    """``count`` variants of the reports, each under a city name no other document uses."""
    from assistant.ingest.load import load_document
    from assistant.ingest.structure import parse_document
    from assistant.places import all_places, short_name

    cities = [p for p in all_places() if p.rank == 1 and p.name.endswith("市")]
    provinces = [parse_document(load_document(path)).meta.place for path in reports]
    taken = {short_name(p) for p in provinces}
    cities = [c for c in cities if c.short not in taken]
    for index in range(count):
        place = provinces[index % len(reports)]
        city = cities[index % len(cities)].name
        yield Variant(
            reports[index % len(reports)],
            place,
            short_name(place),
            city,
            short_name(city),
            1 + index % 9,
        )


def write_variant(variant: Variant, folder: Path, index: int) -> Path:
    from assistant.ingest.load import load_document

    text = variant_text(variant, load_document(variant.source).text)
    path = folder / f"2025年{variant.new_place}政府工作报告-{index:03d}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def variant_text(variant: Variant, text: str) -> str:
    renamed = text.replace(variant.place, variant.new_place).replace(
        variant.short, variant.new_short
    )
    return FIGURE.sub(lambda m: _shifted(m.group(1), variant.shift), renamed)


def _shifted(number: str, shift: int) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + shift) % 10)


def masked(text: str, names: Sequence[str]) -> str:
    """What a passage and its variant share: the text with digits and place names blanked."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "◇")
    return MASK_DIGITS.sub("0", text)


class BorrowedEmbeddings(Embeddings):
    """A variant passage gets the vector of the real passage it was made from; any other text
    is embedded for real."""

    def __init__(self, inner: Embeddings, known: dict[str, list[float]], names: Sequence[str]):
        self.inner = inner
        self.names = tuple(names)
        self.known = {masked(text, self.names): vector for text, vector in known.items()}
        self.borrowed = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [masked(text, self.names) for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in self.known]
        fresh = dict(
            zip(missing, self.inner.embed_documents([texts[i] for i in missing]), strict=True)
        )
        self.borrowed += len(texts) - len(missing)
        return [fresh[i] if i in fresh else self.known[key] for i, key in enumerate(keys)]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
