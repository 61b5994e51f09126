"""Every error the library raises on purpose.

The library raises these; only the edges (CLI, web app) turn them into messages for people.
"""


class AssistantError(Exception):
    """Base class: the message is written for the user, in plain words."""


class DocumentError(AssistantError):
    """A single document could not be read; the rest of the corpus still is."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ConfigurationError(AssistantError):
    """A setting is missing or wrong, or an optional extra is not installed."""


class IndexMissingError(AssistantError):
    """The index has not been built yet (or was built elsewhere)."""


class StoreBrokenError(IndexMissingError):
    """The local vector store cannot be opened (a damaged file); ``index`` sets it aside."""


class CorpusError(AssistantError):
    """The corpus as a whole cannot be indexed (missing folder, nothing readable)."""


class InvalidQuestionError(AssistantError):
    """The question is empty, too long or has no words in it."""
