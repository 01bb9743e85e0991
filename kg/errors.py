"""The one exception tree of kg: every error a user can cause is a KgError."""

from __future__ import annotations


class KgError(Exception):
    """Base class: the CLI turns it into a message and exit code 2 (input) or 1 (data)."""

    exit_code = 2


class InputError(KgError):
    """A file could not be read or parsed, or a command was misused."""


class ProjectError(InputError):
    """No project was found, or its kg.toml cannot be read or says something impossible."""


class OutputError(KgError):
    """The project could not be written (a full or read-only disk); nothing was changed."""


class ProjectLocked(KgError):
    """Another command is writing the project (and the caller asked not to wait)."""


class SourceError(KgError):
    """A source article is missing, altered (checksum) or described wrongly."""


class FactsError(KgError):
    """A facts file breaks the curated format; carries where (file:line)."""

    exit_code = 1

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(f"{where}{message}")


class QuoteError(FactsError):
    """A quote is not in its source text, or is ambiguous there."""


class ValidationFailed(KgError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1


class EndpointError(KgError):
    """A remote SPARQL or Graph Store endpoint could not be reached or refused a request."""

    exit_code = 1


class PublishError(EndpointError):
    """A publish did not complete; the previously published graph is left as it was."""
