"""Read a programme folder (docs/content-format.md) into plain dataclasses.

Pure: no ORM, no writes. Every problem names the file and, where it can, the
line, so the author can fix the file without reading this code. Markdown
becomes StreamField raw blocks (``[{"type": ..., "value": ...}]``) and every
piece of HTML passes through :func:`cms_pages.sanitize.sanitize_html`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import markdown
import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

from cms_pages.sanitize import sanitize_html, strip_tags
from courses.importers import parse_gift

HOURS_PER_ECTS = 30
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBERED_RE = re.compile(r"^(\d{2})-(.+)$")
DIRECTIVE_RE = re.compile(r"^:::(\w+)(?:[ \t]+(.*?))?\s*$")
DIRECTIVE_END_RE = re.compile(r"^:::\s*$")
CALLOUT_KINDS = ("info", "tip", "warning", "task")
INTERNAL_LINK_RE = re.compile(r"\]\((/programmes/[^)\s]*)")
MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]

PROGRAMME_KEYS = {
    "title": True,
    "title_en": False,
    "kind": True,
    "hours": True,
    "ects": False,
    "audience": False,
    "summary": False,
    "enrolment_policy": False,
    "outcomes": False,
    "description": False,
}
MODULE_KEYS = {
    "title": True,
    "title_en": False,
    "hours": True,
    "summary": False,
    "outcomes": False,
}
LESSON_KEYS = {
    "title": True,
    "title_en": False,
    "minutes": False,
    "as_of": False,
    "sources": False,
}
QUIZ_KEYS = {
    "title": True,
    "title_en": False,
    "slug": False,
    "intro": False,
    "pass_mark": False,
    "attempts_allowed": False,
    "grading_method": False,
    "time_limit_minutes": False,
    "questions_per_page": False,
    "shuffle_questions": False,
    "navigation": False,
    "feedback_bands": False,
}
GRADING_METHODS = ("highest", "average", "first", "last")
NAVIGATIONS = ("free", "sequential")


# --- results ------------------------------------------------------------------


@dataclass(frozen=True)
class ContentProblem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The folder cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SourceSpec:
    title: str
    url: str = ""


@dataclass
class LessonSpec:
    slug: str
    path: str
    title: str
    title_en: str = ""
    minutes: int = 20
    as_of: dt.date | None = None
    sources: list[SourceSpec] = field(default_factory=list)
    body: list[dict[str, Any]] = field(default_factory=list)
    markdown: str = ""
    body_line: int = 1

    @property
    def word_count(self) -> int:
        return blocks_word_count(self.body)


@dataclass
class FeedbackBandSpec:
    min_percent: Decimal
    text: str


@dataclass
class QuizSpec:
    slug: str
    path: str
    gift_path: str
    gift_text: str
    title: str
    title_en: str = ""
    intro: str = ""
    pass_mark: Decimal = Decimal("60")
    attempts_allowed: int = 0
    grading_method: str = "highest"
    time_limit_minutes: int | None = None
    questions_per_page: int = 1
    shuffle_questions: bool = False
    navigation: str = "free"
    feedback_bands: list[FeedbackBandSpec] = field(default_factory=list)


@dataclass
class ModuleSpec:
    slug: str
    path: str
    title: str
    hours: Decimal
    title_en: str = ""
    summary: str = ""
    outcomes: list[str] = field(default_factory=list)
    lessons: list[LessonSpec] = field(default_factory=list)
    quiz: QuizSpec | None = None


@dataclass
class ProgrammeSpec:
    slug: str
    path: str
    title: str
    kind: str
    hours: int
    title_en: str = ""
    ects: Decimal | None = None
    audience: str = ""
    summary: str = ""
    enrolment_policy: str = "open"
    outcomes: list[str] = field(default_factory=list)
    description: str = ""  # sanitised HTML
    modules: list[ModuleSpec] = field(default_factory=list)


# --- Markdown ------------------------------------------------------------------


def markdown_to_html(text: str) -> str:
    """Sanitised HTML of ``text`` (tables and sane lists enabled)."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS)
    return sanitize_html(html).strip()


def _quote_block(element: Tag) -> dict[str, Any]:
    paragraphs = [p.get_text() for p in element.find_all("p")] or [element.get_text()]
    lines = "\n\n".join(p.strip() for p in paragraphs).split("\n")
    attribution = ""
    if len(lines) > 1 and lines[-1].strip().startswith(("— ", "-- ")):
        attribution = lines.pop().strip()[2:].strip()
    text = "\n".join(line.strip() for line in lines).strip()
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def _table_block(element: Tag) -> dict[str, Any]:
    rows = []
    for tr in element.find_all("tr"):
        rows.append([cell.get_text().strip() for cell in tr.find_all(["th", "td"])])
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    caption = element.find("caption")
    return {
        "type": "table",
        "value": {
            "data": rows,
            "first_row_is_table_header": element.find("thead") is not None,
            "first_col_is_header": False,
            "table_caption": caption.get_text().strip() if caption else "",
        },
    }


def _markdown_blocks(text: str) -> list[dict[str, Any]]:
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS)
    soup = BeautifulSoup(html, "html.parser")
    blocks: list[dict[str, Any]] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            rich = sanitize_html("\n".join(pending)).strip()
            if rich:
                blocks.append({"type": "paragraph", "value": rich})
            pending.clear()

    for node in soup.children:
        if isinstance(node, NavigableString):
            if node.strip():
                pending.append(f"<p>{sanitize_html(str(node)).strip()}</p>")
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in ("h1", "h2", "h3"):
            flush()
            level = "h3" if name == "h3" else "h2"
            blocks.append(
                {
                    "type": "heading",
                    "value": {"text": node.get_text().strip(), "level": level},
                }
            )
        elif name == "blockquote":
            flush()
            blocks.append(_quote_block(node))
        elif name == "table":
            flush()
            blocks.append(_table_block(node))
        else:
            pending.append(str(node))
    flush()
    return blocks


def markdown_to_blocks(
    text: str, *, path: str = "", first_line: int = 1
) -> tuple[list[dict[str, Any]], list[ContentProblem]]:
    """StreamField raw blocks for a lesson body, and any problems found.

    ``:::info|tip|warning|task Title`` ... ``:::`` become callouts; consecutive
    ``:::accordion Title`` ... ``:::`` (blank lines between allowed) become one
    accordion block. Everything else goes through Markdown.
    """
    problems: list[ContentProblem] = []
    blocks: list[dict[str, Any]] = []
    lines = text.split("\n")
    plain: list[str] = []
    accordion: list[dict[str, str]] | None = None
    i = 0

    def flush_plain() -> None:
        if "".join(plain).strip():
            blocks.extend(_markdown_blocks("\n".join(plain)))
        plain.clear()

    def close_accordion() -> None:
        nonlocal accordion
        if accordion:
            blocks.append({"type": "accordion", "value": accordion})
        accordion = None

    while i < len(lines):
        line = lines[i]
        match = DIRECTIVE_RE.match(line)
        if not match or DIRECTIVE_END_RE.match(line):
            if DIRECTIVE_END_RE.match(line):
                problems.append(
                    ContentProblem(
                        path, first_line + i, "':::' closes no open ::: block."
                    )
                )
                i += 1
                continue
            if accordion is not None and not line.strip():
                i += 1  # blank lines between accordion items
                continue
            close_accordion()
            plain.append(line)
            i += 1
            continue
        kind, title = match.group(1), (match.group(2) or "").strip()
        start = i
        end = next(
            (j for j in range(i + 1, len(lines)) if DIRECTIVE_END_RE.match(lines[j])),
            None,
        )
        if end is None:
            problems.append(
                ContentProblem(
                    path,
                    first_line + start,
                    f"':::{kind}' is never closed (add a line ':::').",
                )
            )
            break
        inner = "\n".join(lines[start + 1 : end])
        nested = next(
            (
                j
                for j in range(start + 1, end)
                if DIRECTIVE_RE.match(lines[j]) and not DIRECTIVE_END_RE.match(lines[j])
            ),
            None,
        )
        if nested is not None:
            problems.append(
                ContentProblem(
                    path, first_line + nested, "::: blocks cannot be nested."
                )
            )
        body = markdown_to_html(inner)
        if kind == "accordion":
            flush_plain()
            if not title:
                problems.append(
                    ContentProblem(
                        path, first_line + start, "An accordion item needs a title."
                    )
                )
            if accordion is None:
                accordion = []
            accordion.append({"title": title, "body": body})
        elif kind in CALLOUT_KINDS:
            close_accordion()
            flush_plain()
            blocks.append(
                {
                    "type": "callout",
                    "value": {"kind": kind, "title": title, "body": body},
                }
            )
        else:
            problems.append(
                ContentProblem(
                    path,
                    first_line + start,
                    f"Unknown block ':::{kind}'; use one of "
                    f"{', '.join(CALLOUT_KINDS)} or accordion.",
                )
            )
        i = end + 1
    close_accordion()
    flush_plain()
    return blocks, problems


def blocks_word_count(blocks: list[dict[str, Any]]) -> int:
    """Words of body text in raw blocks (headings, text, tables, callouts...)."""
    texts: list[str] = []
    for block in blocks:
        value = block["value"]
        kind = block["type"]
        if kind == "paragraph":
            texts.append(strip_tags(value))
        elif kind == "heading":
            texts.append(value["text"])
        elif kind == "quote":
            texts.extend([value["text"], value["attribution"]])
        elif kind == "callout":
            texts.extend([value["title"], strip_tags(value["body"])])
        elif kind == "accordion":
            for item in value:
                texts.extend([item["title"], strip_tags(item["body"])])
        elif kind == "table":
            texts.extend(cell for row in value["data"] for cell in row)
    return sum(len(re.findall(r"\w[\w'ʼ’-]*", t)) for t in texts)


# --- YAML -------------------------------------------------------------------------


def _key_lines(text: str, line_offset: int) -> dict[str, int]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(k.value): k.start_mark.line + 1 + line_offset
        for k, _v in node.value
        if isinstance(k, yaml.ScalarNode)
    }


class _Reader:
    """Validates one YAML mapping, collecting problems located by line."""

    def __init__(self, path: str, problems: list[ContentProblem]):
        self.path = path
        self.problems = problems
        self.data: dict[str, Any] = {}
        self.lines: dict[str, int] = {}

    def load(self, text: str, allowed: dict[str, bool], line_offset: int = 0) -> bool:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(
                exc, "context_mark", None
            )
            line = mark.line + 1 + line_offset if mark else None
            problem = getattr(exc, "problem", None) or str(exc)
            self.error(line, f"YAML error: {problem}")
            return False
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.error(line_offset + 1, "Expected a mapping of 'key: value' lines.")
            return False
        self.data = data
        self.lines = _key_lines(text, line_offset)
        first = line_offset + 1
        for key in data:
            if key not in allowed:
                self.error(
                    self.lines.get(str(key)),
                    f"Unknown key '{key}' (allowed: {', '.join(allowed)}).",
                )
        for key, required in allowed.items():
            if required and (data.get(key) is None or data.get(key) == ""):
                self.error(self.lines.get(key, first), f"Missing required key '{key}'.")
        return True

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(ContentProblem(self.path, line, message))

    def line(self, key: str) -> int | None:
        return self.lines.get(key)

    def text(self, key: str, default: str = "", max_length: int | None = None) -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(self.line(key), f"'{key}' must be text.")
            return default
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.error(
                self.line(key), f"'{key}' is longer than {max_length} characters."
            )
        return value

    def integer(self, key: str, default: int | None, minimum: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(self.line(key), f"'{key}' must be a whole number >= {minimum}.")
            return default
        return value

    def decimal(self, key: str, default: Decimal | None) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            return default
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(self.line(key), f"'{key}' must be a number.")
            return default
        if number < 0:
            self.error(self.line(key), f"'{key}' must not be negative.")
            return default
        return number

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(self.line(key), f"'{key}' must be true or false.")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if value not in choices:
            self.error(self.line(key), f"'{key}' must be one of: {', '.join(choices)}.")
            return default
        return value

    def string_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            self.error(self.line(key), f"'{key}' must be a list of texts.")
            return []
        return [v.strip() for v in value]


# --- reading the folder ---------------------------------------------------------------


def _read_text(path: Path, root: Path, problems: list[ContentProblem]) -> str | None:
    try:
        return (
            path.read_bytes()
            .decode("utf-8-sig")
            .replace("\r\n", "\n")
            .replace("\r", "\n")
        )
    except UnicodeDecodeError as exc:
        problems.append(
            ContentProblem(_rel(path, root), None, f"Not UTF-8 text: {exc.reason}.")
        )
    except OSError as exc:
        problems.append(ContentProblem(_rel(path, root), None, str(exc)))
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _numbered_slug(
    name: str, where: str, problems: list[ContentProblem]
) -> tuple[str, str] | None:
    match = NUMBERED_RE.match(name)
    if not match or not SLUG_RE.match(match.group(2)):
        problems.append(
            ContentProblem(
                where,
                None,
                f"'{name}' must be named NN-slug (two digits, then a Latin "
                "lower-case slug with hyphens).",
            )
        )
        return None
    return match.group(1), match.group(2)


def _lesson(path: Path, slug: str, root: Path, problems: list[ContentProblem]):
    rel = _rel(path, root)
    text = _read_text(path, root, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(
            ContentProblem(rel, 1, "The lesson must start with '---' front matter.")
        )
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(
            ContentProblem(rel, 1, "The front matter is never closed with '---'.")
        )
        return None
    reader = _Reader(rel, problems)
    if not reader.load("\n".join(lines[1:end]), LESSON_KEYS, line_offset=1):
        return None
    lesson = LessonSpec(
        slug=slug,
        path=rel,
        title=reader.text("title", max_length=255),
        title_en=reader.text("title_en", max_length=255),
        minutes=reader.integer("minutes", 20, minimum=1) or 20,
        body_line=end + 2,
    )
    as_of = reader.data.get("as_of")
    if as_of is not None:
        if isinstance(as_of, dt.datetime):
            as_of = as_of.date()
        if isinstance(as_of, str):
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                as_of = None
        if isinstance(as_of, dt.date):
            lesson.as_of = as_of
        else:
            reader.error(reader.line("as_of"), "'as_of' must be a date: YYYY-MM-DD.")
    sources = reader.data.get("sources")
    if sources is not None:
        if not isinstance(sources, list):
            reader.error(reader.line("sources"), "'sources' must be a list.")
        else:
            for n, source in enumerate(sources, start=1):
                if (
                    not isinstance(source, dict)
                    or not isinstance(source.get("title"), str)
                    or not source["title"].strip()
                    or set(source) - {"title", "url"}
                ):
                    reader.error(
                        reader.line("sources"),
                        f"Source {n} must be {{title, url}} with a title "
                        "and no other keys.",
                    )
                    continue
                lesson.sources.append(
                    SourceSpec(
                        title=source["title"].strip(),
                        url=str(source.get("url") or "").strip(),
                    )
                )
    lesson.markdown = "\n".join(lines[end + 1 :])
    lesson.body, body_problems = markdown_to_blocks(
        lesson.markdown, path=rel, first_line=end + 2
    )
    problems.extend(body_problems)
    return lesson


def _quiz(folder: Path, root: Path, problems: list[ContentProblem]) -> QuizSpec | None:
    gift_path, yaml_path = folder / "quiz.gift", folder / "quiz.yaml"
    if not gift_path.exists() and not yaml_path.exists():
        return None
    if not gift_path.exists() or not yaml_path.exists():
        missing = gift_path if not gift_path.exists() else yaml_path
        problems.append(
            ContentProblem(
                _rel(missing, root),
                None,
                "A quiz needs both quiz.gift and quiz.yaml.",
            )
        )
        return None
    rel = _rel(yaml_path, root)
    yaml_text = _read_text(yaml_path, root, problems)
    gift_text = _read_text(gift_path, root, problems)
    if yaml_text is None or gift_text is None:
        return None
    reader = _Reader(rel, problems)
    if not reader.load(yaml_text, QUIZ_KEYS):
        return None
    slug = reader.text("slug", "quiz")
    if not SLUG_RE.match(slug):
        reader.error(reader.line("slug"), f"'{slug}' is not a valid slug.")
    quiz = QuizSpec(
        slug=slug,
        path=rel,
        gift_path=_rel(gift_path, root),
        gift_text=gift_text,
        title=reader.text("title", max_length=255),
        title_en=reader.text("title_en", max_length=255),
        intro=markdown_to_html(reader.text("intro")),
        pass_mark=reader.decimal("pass_mark", Decimal("60")),
        attempts_allowed=reader.integer("attempts_allowed", 0),
        grading_method=reader.choice("grading_method", GRADING_METHODS, "highest"),
        time_limit_minutes=reader.integer("time_limit_minutes", None, minimum=1),
        questions_per_page=reader.integer("questions_per_page", 1),
        shuffle_questions=reader.boolean("shuffle_questions", False),
        navigation=reader.choice("navigation", NAVIGATIONS, "free"),
    )
    if quiz.pass_mark is not None and quiz.pass_mark > 100:
        reader.error(reader.line("pass_mark"), "'pass_mark' is a percent: 0-100.")
    bands = reader.data.get("feedback_bands")
    if bands is not None:
        if not isinstance(bands, list):
            reader.error(
                reader.line("feedback_bands"), "'feedback_bands' must be a list."
            )
        else:
            for n, band in enumerate(bands, start=1):
                try:
                    if set(band) != {"min_percent", "text"}:
                        raise ValueError
                    percent = Decimal(str(band["min_percent"]))
                    if not 0 <= percent <= 100 or not str(band["text"]).strip():
                        raise ValueError
                except (TypeError, ValueError, InvalidOperation):
                    reader.error(
                        reader.line("feedback_bands"),
                        f"Feedback band {n} must be {{min_percent: 0-100, text: ...}}.",
                    )
                    continue
                quiz.feedback_bands.append(
                    FeedbackBandSpec(percent, str(band["text"]).strip())
                )
    result = parse_gift(gift_text)
    for error in result.errors:
        problems.append(ContentProblem(quiz.gift_path, error.line, error.message))
    if not any(q.get("type") != "category" for q in result.questions):
        problems.append(ContentProblem(quiz.gift_path, None, "No questions found."))
    return quiz


def _module(
    folder: Path, slug: str, root: Path, problems: list[ContentProblem]
) -> ModuleSpec | None:
    yaml_path = folder / "module.yaml"
    rel = _rel(yaml_path, root)
    if not yaml_path.exists():
        problems.append(ContentProblem(rel, None, "module.yaml is missing."))
        return None
    text = _read_text(yaml_path, root, problems)
    if text is None:
        return None
    reader = _Reader(rel, problems)
    if not reader.load(text, MODULE_KEYS):
        return None
    hours = reader.decimal("hours", Decimal("0"))
    if hours is not None and hours < Decimal("0.5"):
        reader.error(reader.line("hours"), "'hours' must be at least 0.5.")
    module = ModuleSpec(
        slug=slug,
        path=_rel(folder, root),
        title=reader.text("title", max_length=255),
        title_en=reader.text("title_en", max_length=255),
        hours=hours or Decimal("0"),
        summary=reader.text("summary"),
        outcomes=reader.string_list("outcomes"),
    )
    seen: dict[str, str] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in (
            "module.yaml",
            "quiz.gift",
            "quiz.yaml",
        ):
            continue
        where = _rel(entry, root)
        if entry.is_dir() or entry.suffix != ".md":
            problems.append(
                ContentProblem(where, None, "Unexpected file in a module folder.")
            )
            continue
        numbered = _numbered_slug(entry.stem, where, problems)
        if numbered is None:
            continue
        lesson_slug = numbered[1]
        if lesson_slug in seen:
            problems.append(
                ContentProblem(
                    where,
                    None,
                    f"The slug '{lesson_slug}' is also used by {seen[lesson_slug]}.",
                )
            )
            continue
        seen[lesson_slug] = where
        lesson = _lesson(entry, lesson_slug, root, problems)
        if lesson is not None:
            module.lessons.append(lesson)
    module.quiz = _quiz(folder, root, problems)
    if module.quiz and module.quiz.slug in seen:
        problems.append(
            ContentProblem(
                module.quiz.path,
                None,
                f"The quiz slug '{module.quiz.slug}' is also a lesson's slug.",
            )
        )
    return module


def programme_read(
    path: str | Path,
) -> tuple[ProgrammeSpec | None, list[ContentProblem]]:
    """The programme in folder ``path`` and every problem found (empty: valid)."""
    root = Path(path).resolve()
    problems: list[ContentProblem] = []
    yaml_path = root / "programme.yaml"
    rel = _rel(yaml_path, root)
    if not root.is_dir():
        return None, [ContentProblem(str(path), None, "No such folder.")]
    if not SLUG_RE.match(root.name):
        problems.append(
            ContentProblem(
                root.name,
                None,
                "The folder name is the programme's slug: Latin lower case and hyphens.",
            )
        )
    if not yaml_path.exists():
        problems.append(ContentProblem(rel, None, "programme.yaml is missing."))
        return None, problems
    text = _read_text(yaml_path, root, problems)
    if text is None:
        return None, problems
    reader = _Reader(rel, problems)
    if not reader.load(text, PROGRAMME_KEYS):
        return None, problems
    hours_value = reader.data.get("hours")
    hours = reader.integer("hours", 0, minimum=1) or 0
    programme = ProgrammeSpec(
        slug=root.name,
        path=root.name,
        title=reader.text("title", max_length=255),
        title_en=reader.text("title_en", max_length=255),
        kind=reader.choice("kind", ("short", "certificate"), "short"),
        hours=hours,
        ects=reader.decimal("ects", None),
        audience=reader.text("audience", max_length=300),
        summary=reader.text("summary", max_length=300),
        enrolment_policy=reader.choice(
            "enrolment_policy", ("open", "approval"), "open"
        ),
        outcomes=reader.string_list("outcomes"),
        description=markdown_to_html(reader.text("description")),
    )
    if programme.kind == "certificate":
        if programme.ects is None or programme.ects < 2:
            reader.error(
                reader.line("ects") or reader.line("kind"),
                "A certificate programme carries at least 2 ECTS credits.",
            )
        elif programme.ects * HOURS_PER_ECTS != hours:
            reader.error(
                reader.line("hours"),
                f"Hours must equal ECTS x 30: {programme.ects} ECTS = "
                f"{(programme.ects * HOURS_PER_ECTS).normalize():f} hours, "
                f"not {hours_value}.",
            )
    seen: dict[str, str] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name == "programme.yaml":
            continue
        where = _rel(entry, root)
        if not entry.is_dir():
            problems.append(
                ContentProblem(where, None, "Unexpected file in a programme folder.")
            )
            continue
        numbered = _numbered_slug(entry.name, where, problems)
        if numbered is None:
            continue
        slug = numbered[1]
        if slug in seen:
            problems.append(
                ContentProblem(
                    where, None, f"The slug '{slug}' is also used by {seen[slug]}."
                )
            )
            continue
        seen[slug] = where
        module = _module(entry, slug, root, problems)
        if module is not None:
            programme.modules.append(module)
    if not programme.modules:
        problems.append(ContentProblem(rel, None, "The programme has no modules."))
    total = sum((m.hours for m in programme.modules), Decimal("0"))
    if programme.modules and hours and total != hours:
        problems.append(
            ContentProblem(
                rel,
                reader.line("hours"),
                f"Module hours add up to {total.normalize():f}, "
                f"but the programme has {hours} hours.",
            )
        )
    return programme, problems


def programme_parse(path: str | Path) -> ProgrammeSpec:
    """The programme in ``path``; raises :class:`ContentError` if anything is wrong."""
    programme, problems = programme_read(path)
    if problems or programme is None:
        raise ContentError(problems)
    return programme


def internal_links(programme: ProgrammeSpec) -> list[tuple[str, int, str]]:
    """``(file, line, url)`` of every ``/programmes/...`` link in the lessons."""
    found = []
    for module in programme.modules:
        for lesson in module.lessons:
            for n, line in enumerate(lesson.markdown.split("\n")):
                for match in INTERNAL_LINK_RE.finditer(line):
                    found.append((lesson.path, lesson.body_line + n, match.group(1)))
    return found


def link_targets(programmes: list[ProgrammeSpec]) -> set[str]:
    """Every ``/programmes/...`` URL the given programmes will have."""
    urls = {"/programmes/"}
    for programme in programmes:
        base = f"/programmes/{programme.slug}/"
        urls.add(base)
        for module in programme.modules:
            urls.add(f"{base}{module.slug}/")
            for lesson in module.lessons:
                urls.add(f"{base}{module.slug}/{lesson.slug}/")
            if module.quiz:
                urls.add(f"{base}{module.slug}/{module.quiz.slug}/")
    return urls


def link_resolves(url: str, targets: set[str]) -> bool:
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path.endswith("/"):
        path += "/"
    return path in targets
