"""What the read path loads once from a built index and then shares read-only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.errors import IndexMissingError
from assistant.indexer import IndexedDocument, load_tables, read_manifest
from assistant.ingest.timing import DocumentYears
from assistant.records import (
    Chunk,
    DocumentKind,
    DocumentMeta,
    IndicatorPart,
    IndicatorRow,
    ProjectRow,
    StatedFigure,
    TableSet,
    TimeKind,
)
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.store import ChunkStore


@dataclass(frozen=True)
class Indicator:
    """One indicator of one document: a plain row, or one part of a compound row."""

    doc: DocumentMeta
    row: IndicatorRow
    part: IndicatorPart
    table_title: str
    results_year: int | None
    plan_year: int | None

    @property
    def name(self) -> str:
        return self.part.name


@dataclass(frozen=True)
class Project:
    doc: DocumentMeta
    row: ProjectRow
    table_title: str
    unit: str


@dataclass(frozen=True)
class Figure:
    """A target or result the document states in prose, answered like a table row."""

    doc: DocumentMeta
    stated: StatedFigure

    @property
    def name(self) -> str:
        return self.stated.name


@dataclass(frozen=True)
class DocumentKnowledge:
    meta: DocumentMeta
    tables: TableSet

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        found = []
        for table in self.tables.indicators:
            for row in table.rows:
                for part in row.parts or (_whole(row),):
                    found.append(
                        Indicator(
                            self.meta, row, part, table.title, table.results_year, table.plan_year
                        )
                    )
        return tuple(found)

    @cached_property
    def projects(self) -> tuple[Project, ...]:
        return tuple(
            Project(self.meta, row, table.title, table.unit)
            for table in self.tables.projects
            for row in table.rows
        )

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        """Prose figures, for documents whose targets are not in an indicator table."""
        if self.tables.indicators:
            return ()
        return self.prose_figures

    @cached_property
    def prose_figures(self) -> tuple[Figure, ...]:
        """Every figure stated in prose, also where tables give most targets: a plan's text
        may state one its tables leave out (「确保基本养老保险覆盖率不低于99%」)."""
        return tuple(Figure(self.meta, stated) for stated in self.tables.figures)

    @property
    def years(self) -> DocumentYears:
        return DocumentYears(self.meta.results_year, self.meta.plan_year)

    @cached_property
    def own_years(self) -> frozenset[int]:
        """The results and plan years, and any year before them that a figure of the text speaks
        of (「经过全国第五次经济普查…2023年达到13.09万亿元」): the years a question may ask."""
        results = self.meta.results_year
        earlier = {
            f.stated.time.year
            for f in self.prose_figures
            if f.stated.time.kind is TimeKind.RESULT and results and f.stated.time.year < results
        }
        return frozenset({results, self.meta.plan_year, *earlier} - {None})

    @cached_property
    def own_names(self) -> tuple[str, ...]:
        """How a question may name this document's place: 「宝山区」, 「宝山」, 「内蒙古」."""
        if not self.meta.place:
            return ()
        from assistant.places import aliases_of, short_name

        place = self.meta.place
        return tuple(dict.fromkeys((place, short_name(place), *aliases_of(place))))

    @property
    def own_whole(self) -> tuple[str, ...]:
        """How a text names the whole of the document's place (「全省」): every typed record of
        an indicator is of that whole, written or not; a sentence may be of a part."""
        from assistant.places import whole_of

        whole = whole_of(self.meta.place_level)
        return (whole,) if whole else ()

    @property
    def label(self) -> str:
        """「宝山区2024年计划」: how answers name a document when several are indexed."""
        place = self.meta.place or self.meta.doc_id
        kind = "政府工作报告" if self.meta.kind is DocumentKind.WORK_REPORT else "计划"
        return f"{place}{self.meta.plan_year}年{kind}" if self.meta.plan_year else place


def _whole(row: IndicatorRow) -> IndicatorPart:
    return IndicatorPart(
        row.name,
        row.unit,
        row.result_value,
        row.result_growth,
        row.target_value,
        row.target_growth,
        row.note,
    )


def _check_complete(
    documents: Sequence[IndexedDocument], chunks: Sequence[Chunk], settings: Settings
) -> None:
    """Every listed document has all its passages in the store: a deleted ``index/chroma`` or an
    empty Chroma server is said plainly, instead of failing later on a missing passage."""
    stored = Counter(chunk.doc_hash for chunk in chunks)
    short = [d.meta.source for d in documents if stored[d.meta.content_hash] < d.chunk_count]
    if short:
        names = "、".join(short[:3]) + (f"等{len(short)}个文件" if len(short) > 3 else "")
        raise IndexMissingError(
            f"向量库（{settings.chroma_url or settings.index_dir / 'chroma'}）缺少{names}的内容，"
            "可能已被删除或换了服务器。请运行 python -m assistant index 修复。"
        )


class Knowledge:
    """The index as the read path sees it: documents, typed tables, chunks, vectors."""

    def __init__(self, settings: Settings) -> None:
        manifest = read_manifest(settings)
        if manifest is None or not manifest.documents:
            raise IndexMissingError(
                f"索引不存在或为空（{settings.index_dir}）。请先运行：python -m assistant index"
            )
        self.settings = settings
        self.documents = tuple(
            DocumentKnowledge(d.meta, load_tables(settings, d.meta.content_hash))
            for d in manifest.documents
        )
        self.live_hashes = frozenset(d.meta.content_hash for d in manifest.documents)
        self.chunks: tuple[Chunk, ...] = tuple(self.store.chunks(self.live_hashes))
        _check_complete(manifest.documents, self.chunks, settings)

    @cached_property
    def store(self) -> ChunkStore:
        from assistant.store import ChunkStore

        return ChunkStore.open(self.settings)

    @cached_property
    def embeddings(self) -> Embeddings:
        from assistant.embed import make_embeddings

        return make_embeddings(self.settings)

    def document(self, doc_id: str) -> DocumentKnowledge:
        return next(d for d in self.documents if d.meta.doc_id == doc_id)
