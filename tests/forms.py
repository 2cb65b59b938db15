"""What a browser would send for a form on a rendered page: the successful controls of the HTML
form (HTML Living Standard, "constructing the entry list"), read from the page itself, so that a
test posts back what the page really holds instead of a hand-built dict."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.found = False
        self.inside = False
        self.entries: list[tuple[str, str]] = []
        self.action: str | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found and (self.form_id in (None, attrs.get("id"))):
            self.found = self.inside = True
            self.action = attrs.get("action")
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.entries.append((name, attrs.get("value", "on")))
                return
            self.entries.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None and self._option["value"] is None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # The HTML parser reads CR LF as LF (HTML, "preprocessing the input stream").
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            # A newline right after <textarea> is not part of its value.
            self.entries.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [option for option in options if option["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]  # a single select sends its first option by default
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self.entries.append((self._select["name"], value.strip()))
            self._select = None


def rendered_form(html: str, form_id: str | None = None, **button) -> MultiDict:
    """The entries a browser would post for the form `form_id` (the first form when None),
    plus the pressed button's name and value when given (`save="1"`)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    if not reader.found:
        raise AssertionError(f"no form {form_id!r} on the page")
    entries = MultiDict(reader.entries)
    for name, value in button.items():
        entries.add(name, value)
    return entries
