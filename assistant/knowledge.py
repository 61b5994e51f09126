"""What the read path loads once from a built index and then shares read-only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.errors import IndexMissingError
from assistant.indexer import load_tables, read_manifest
from assistant.records import Chunk, DocumentMeta, IndicatorPart, IndicatorRow, ProjectRow, TableSet
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
    def own_names(self) -> tuple[str, ...]:
        """How a question may name this document's district: 「宝山区」, 「宝山」."""
        district = self.meta.district
        if not district:
            return ()
        short = district[:-1] if len(district) > 2 and district[-1] in "区县市" else district
        return tuple(dict.fromkeys((district, short)))

    @property
    def label(self) -> str:
        """「宝山区2024年计划」: how answers name a document when several are indexed."""
        district = self.meta.district or self.meta.doc_id
        return f"{district}{self.meta.plan_year}年计划" if self.meta.plan_year else district


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
