"""The error every domain raises when its rules refuse a request."""


class RuleError(ValueError):
    """A request the rules refuse, with words for the user; `field` names the form field to
    show them beside (None: at the top of the form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
