"""Helpers for driving quizzes through the views the way a browser does.

``HtmlForm`` reads a rendered page with the standard-library HTML parser and
collects each form's fields, so tests post exactly what the templates offer
(``q<position>-<field>`` names, opaque choice ids) and what a browser would
send for untouched fields (empty text boxes, the first option of a select).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry, Page, PageLogEntry

from courses.models import QuizAttempt

LANG = {"HTTP_ACCEPT_LANGUAGE": "en"}
JSON = {"HTTP_ACCEPT": "application/json"}


def login(user, **kwargs) -> Client:
    """A client logged in as ``user``, asking for English pages."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def attempt_url(name: str, attempt) -> str:
    return reverse(f"courses:{name}", args=[attempt.pk])


def start_url(quiz) -> str:
    return reverse("courses:quiz-start", args=[quiz.pk])


def start(client: Client, quiz) -> QuizAttempt:
    """POST "start" and return the attempt the learner was sent to."""
    response = client.post(start_url(quiz), **LANG)
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/learning/attempts/(\d+)/", response.headers["Location"])
    assert match, response.headers["Location"]
    return QuizAttempt.objects.get(pk=int(match[1]))


def log_count(action: str, obj) -> int:
    """Audit-log entries of ``action`` for ``obj`` (a page or another model)."""
    if isinstance(obj, Page):
        return PageLogEntry.objects.filter(action=action, page_id=obj.pk).count()
    return ModelLogEntry.objects.filter(
        action=action,
        object_id=str(obj.pk),
        content_type__model=obj._meta.model_name,
    ).count()


@dataclass
class Field:
    tag: str
    type: str
    name: str
    value: str
    id: str = ""
    checked: bool = False
    options: list[tuple[str, str, bool]] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.loose: list[Field] = []  # fields outside any form
        self.labels: dict[str, str] = {}
        self._form: Form | None = None
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._select: Field | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text: list[str] = []
        self._textarea: Field | None = None

    def _add(self, item: Field) -> None:
        (self._form.fields if self._form else self.loose).append(item)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "label":
            self._label_for, self._label_text = a.get("for", ""), []
        elif tag == "input":
            self._add(
                Field(
                    "input",
                    a.get("type", "text").lower(),
                    a.get("name", ""),
                    a.get("value", ""),
                    a.get("id", ""),
                    "checked" in a,
                )
            )
        elif tag == "textarea":
            self._textarea = Field(
                "textarea", "textarea", a.get("name", ""), "", a.get("id", "")
            )
            self._add(self._textarea)
        elif tag == "select":
            self._select = Field(
                "select", "select", a.get("name", ""), "", a.get("id", "")
            )
            self._add(self._select)
        elif tag == "option":
            self._option, self._option_text = (a.get("value"), "selected" in a), []
        elif tag == "button":
            self._add(
                Field(
                    "button",
                    a.get("type", "submit"),
                    a.get("name", ""),
                    a.get("value", ""),
                )
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            text = " ".join("".join(self._option_text).split())
            self._select.options.append(
                (text if value is None else value, text, selected)
            )
            self._option = None

    def handle_data(self, data):
        if self._label_for is not None:
            self._label_text.append(data)
        if self._option is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea.value += data


class HtmlPage:
    """The forms, fields and labels of one rendered page."""

    def __init__(self, html: str) -> None:
        parser = _Parser()
        parser.feed(html)
        self.html = html
        self.forms = parser.forms
        self.labels = parser.labels

    def form(self, action_part: str) -> Form:
        found = [f for f in self.forms if action_part in f.action]
        assert len(found) == 1, [f.action for f in self.forms]
        return found[0]

    def browser_data(self, action_part: str) -> dict[str, list[str]]:
        """What a browser submits for the form, before the user changes anything
        (buttons excluded)."""
        data: dict[str, list[str]] = {}
        for f in self.form(action_part).fields:
            if not f.name or f.tag == "button":
                continue
            if f.type in ("radio", "checkbox"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.tag == "select":
                chosen = [v for v, _t, sel in f.options if sel] or [
                    v for v, _t, _s in f.options[:1]
                ]
                data.setdefault(f.name, []).extend(chosen[:1])
            else:
                data.setdefault(f.name, []).append(f.value)
        return data

    def fields_named(self, name: str) -> list[Field]:
        return [f for form in self.forms for f in form.fields if f.name == name]

    def value_for_label(self, name: str, label: str) -> str:
        """The value of the radio/checkbox named ``name`` labelled ``label``."""
        found = [
            f.value for f in self.fields_named(name) if self.labels.get(f.id) == label
        ]
        assert len(found) == 1, (name, label, self.labels)
        return found[0]

    def select_named(self, name_prefix: str, label: str) -> Field:
        """The select whose name starts with ``name_prefix`` labelled ``label``."""
        found = [
            f
            for form in self.forms
            for f in form.fields
            if f.tag == "select"
            and f.name.startswith(name_prefix)
            and self.labels.get(f.id) == label
        ]
        assert len(found) == 1, (name_prefix, label)
        return found[0]


def page_of(client: Client, url: str) -> HtmlPage:
    response = client.get(url, **LANG)
    assert response.status_code == 200, (url, response.status_code)
    return HtmlPage(response.content.decode())


def post_page(client: Client, attempt, page: HtmlPage, answers: dict, **extra):
    """Submit the attempt form of ``page`` as a browser would, with ``answers``
    (field name -> value or list) replacing the defaults."""
    data = page.browser_data("/save/")
    for name, value in answers.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(attempt_url("attempt-save", attempt), data, **LANG, **extra)
