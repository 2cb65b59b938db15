"""What every domain's coded lists are made of. No Flask."""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a label for forms and pages (LABELS, set per class)."""

    @property
    def label(self) -> str:
        return type(self).LABELS[self]  # type: ignore[attr-defined]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]
