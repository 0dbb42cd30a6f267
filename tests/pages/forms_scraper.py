"""Read the forms a page offers, as a browser with htmx would submit them: url, method and named fields.

A `<form>` gives its action (or `hx-post` / `hx-get`) and fields; a button or input with its own
`hx-post` / `hx-get` gives another submission: the fields of its form (when inside one), its own
`hx-vals`, and its own name and value.
"""
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    url: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    own: tuple[str, ...] = ()  # a trigger's own values (hx-vals, its name); empty for a whole form

    @property
    def id(self) -> str:
        own = ", ".join(f"{name}={self.fields[name]}" for name in self.own)
        return f"{self.method} {self.url} [{', '.join(sorted(self.fields))}] {own}"


@dataclass
class _Open:
    form: PageForm
    triggers: list[PageForm] = field(default_factory=list)


class _Scraper(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.open: _Open | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            url, method = self._target(attrs) or (attrs.get("action") or self.page_url, attrs.get("method", "get"))
            self.open = _Open(PageForm(url, method.upper()))
            return
        name = attrs.get("name")
        if name and tag in ("input", "select", "textarea", "button"):
            self._field(tag, name, attrs)
        if tag == "option" and self.select is not None and (self.select_first is None or "selected" in attrs):
            self.select_first = attrs.get("value", "")
        target = self._target(attrs)
        if target is not None:
            own = json.loads(attrs["hx-vals"]) if attrs.get("hx-vals", "").startswith("{") else {}
            if name:
                own[name] = attrs.get("value", "")
            trigger = PageForm(target[0], target[1].upper(), {k: str(v) for k, v in own.items()}, tuple(own))
            if self.open is not None:
                self.open.triggers.append(trigger)
            else:
                self.forms.append(trigger)

    def _field(self, tag, name, attrs):
        if self.open is None:
            return
        if tag == "select":
            self.select, self.select_first = name, None
        elif tag == "textarea":
            self.textarea = name
            self.open.form.fields.setdefault(name, "")
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            if "checked" in attrs or name not in self.open.form.fields:
                self.open.form.fields[name] = attrs.get("value", "on")
        elif tag == "input":
            self.open.form.fields[name] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None and self.open is not None:
            self.open.form.fields[self.select] = self.select_first or ""
            self.select = None
        elif tag == "form" and self.open is not None:
            form = self.open.form
            self.forms.append(form)
            for trigger in self.open.triggers:
                trigger.fields = {**form.fields, **trigger.fields}
                self.forms.append(trigger)
            self.open = None

    @staticmethod
    def _target(attrs):
        for verb in ("post", "get"):
            if attrs.get(f"hx-{verb}"):
                return attrs[f"hx-{verb}"], verb
        return None


def page_forms(html: str, page_url: str) -> list[PageForm]:
    """Return every submission the page offers, one per distinct url, method and field names."""
    scraper = _Scraper(page_url)
    scraper.feed(html)
    scraper.close()
    distinct: dict[str, PageForm] = {}
    for form in scraper.forms:
        if form.url.startswith(("/", "http")) or form.url == "":
            distinct.setdefault(form.id, form)
    return list(distinct.values())
