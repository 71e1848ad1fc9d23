"""Read the HTML forms of a page (as a browser would) and make junk values for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Right-to-left override, the classic spoofing character.
RLO = "\u202e"
#: Values every text field and query parameter gets in turn.
JUNK_VALUES = (
    "zz-unknown",
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "abc\x00def",
    f"{RLO}gnp.exe",
    "x" * 10_000,
    "2023-13-45",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "[]",
)


@dataclass
class FormField:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False  # a <select multiple> or a checkbox (several values possible)


@dataclass
class Form:
    method: str
    action: str
    fields: list[FormField] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.name))

    def defaults(self) -> dict[str, str]:
        """What a browser sends untouched (hidden values, first option, checked boxes)."""
        values: dict[str, str] = {}
        for form_field in self.fields:
            if form_field.kind in ("submit", "button", "file", "image", "reset"):
                continue
            if form_field.kind in ("checkbox", "radio") and not form_field.value:
                continue
            if form_field.kind == "select":
                values.setdefault(
                    form_field.name, form_field.options[0] if form_field.options else ""
                )
            else:
                values.setdefault(form_field.name, form_field.value)
        return values


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(
                Form(
                    method=attributes.get("method", "get").lower(),
                    action=attributes.get("action", ""),
                )
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attributes.get("name", "")
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            value = attributes.get("value", "")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                value = ""
            form.fields.append(FormField(name, kind, value, multiple=kind == "checkbox"))
        elif tag == "textarea":
            self._textarea = FormField(name, "textarea")
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = FormField(name, "select", multiple="multiple" in attributes)
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def forms_of(html: str) -> list[Form]:
    """Every ``<form>`` of a page with its fields."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
