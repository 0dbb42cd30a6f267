"""The base of every domain error; the API turns one into a 400 JSON body."""


class DomainError(Exception):
    """A refusal the client can understand: a message and, optionally, per-field errors."""

    default_message = "The request cannot be carried out."
    status_code = 400

    def __init__(self, message: str | None = None, *, errors: dict[str, list[str]] | None = None):
        self.message = message or self.default_message
        self.errors = errors or {}
        super().__init__(self.message)


class NotFound(DomainError):
    """A referenced object does not exist (still a 400 in a request body: the body is wrong)."""

    default_message = "Not found."
