"""The POST forms of a page and the values a browser would send for them as they stand."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    data: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def values(self, **changes: str) -> dict[str, list[str] | str]:
        """The data as the test client takes it, with some fields changed."""
        return {**self.data, **changes}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.textarea: str | None = None
        self.text: list[str] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.option_selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.form = PageForm(action=a.get("action", ""))
        elif self.form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "textarea" and "name" in a:
            self.textarea, self.text = a["name"], []
        elif tag == "select" and "name" in a:
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select is not None:
            self.option_value, self.option_selected = a.get("value"), "selected" in a
            self.text = []

    def _input(self, a: dict[str, str]) -> None:
        kind = a.get("type", "text").lower()
        name = a.get("name")
        if not name or kind in ("file", "submit", "button", "image", "reset"):
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        self.form.add(name, a.get("value", "on" if kind == "checkbox" else ""))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.form is None:
            return
        if tag == "textarea" and self.textarea is not None:
            self.form.add(self.textarea, "".join(self.text).lstrip("\n"))
            self.textarea = None
        elif tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else "".join(self.text)
            self.options.append((value.strip(), self.option_selected))
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected] or [
                v for v, _ in self.options[:1]
            ]
            for value in chosen:
                self.form.add(self.select, value)
            self.select = None
        elif tag == "form":
            self.forms.append(self.form)
            self.form = None


def post_forms(html: str) -> list[PageForm]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms
