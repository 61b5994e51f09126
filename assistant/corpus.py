"""Read a whole corpus folder without indexing it (for table exports and checks)."""

from __future__ import annotations

from assistant.errors import DocumentError
from assistant.ingest.load import discover_documents, load_document
from assistant.ingest.structure import parse_document
from assistant.records import ParsedDocument
from assistant.settings import Settings


def parse_corpus(settings: Settings) -> tuple[list[ParsedDocument], list[DocumentError]]:
    """Every readable document, parsed; unreadable ones come back as problems."""
    paths, problems = discover_documents(settings.corpus_dir)
    documents = []
    for path in paths:
        source = path.relative_to(settings.corpus_dir).as_posix()
        try:
            documents.append(parse_document(load_document(path, source=source)))
        except DocumentError as exc:
            problems.append(exc)
    return documents, problems
