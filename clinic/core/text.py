"""Text as staff typed it, made ready to store. No Flask."""

from typing import Any


def clean_text(value: Any) -> Any:
    """Trimmed text, with nothing typed stored as None; anything that is not text as it is."""
    if isinstance(value, str):
        return value.strip() or None
    return value
