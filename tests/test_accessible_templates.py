"""Accessibility the templates promise whatever the data: a table that may scroll sideways on a
phone sits in a region that the keyboard can reach and a screen reader can name (axe's
scrollable-region-focusable, WCAG 2.1.1), so that its hidden columns can be scrolled into view
without a mouse. The browser test (tests/e2e/test_accessibility.py) checks the pages as rendered;
this one holds for data that makes a table wider than the demo's does."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
REGION = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-responsive\b[^\"]*\"[^>]*>")


def scroll_regions() -> list[tuple[str, str]]:
    return [
        (path.relative_to(TEMPLATES).as_posix(), match.group(0))
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in REGION.finditer(path.read_text())
    ]


def test_templates_have_scrolling_tables():
    assert len(scroll_regions()) >= 5  # the check below reads something


def test_every_scrolling_table_is_a_named_region_the_keyboard_reaches():
    offenders = [
        f"{template}: {tag}"
        for template, tag in scroll_regions()
        if not (
            'tabindex="0"' in tag
            and 'role="region"' in tag
            and re.search(r'\baria-label(ledby)?="[^"]+"', tag)
        )
    ]
    assert not offenders, "\n".join(offenders)
