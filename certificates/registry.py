"""Reads behind the certificate admin: registry search, learners waiting for a
certificate, file names and the streamed ZIP of a programme's PDFs.

Nothing here writes; state changes go through :mod:`certificates.services`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from courses.choices import EnrolmentStatus
from courses.models import Enrolment, ProgrammePage

from . import codes, services
from .models import BulkIssueJob, Certificate, CertificateStatus

#: Fields a registry row shows or exports; the PDF and snapshot stay in the DB.
LIST_DEFERRED = ("pdf", "snapshot")
#: PDFs fetched per database round trip while a ZIP streams (~85 KB each).
ZIP_CHUNK = 8


def registry_queryset() -> QuerySet[Certificate]:
    return Certificate.objects.defer(*LIST_DEFERRED)


def registry_search(queryset: QuerySet[Certificate], query: str) -> QuerySet:
    """Certificates whose code, registration number or name matches ``query``.

    A code is matched exactly after normalising what was typed (case, dashes,
    O/0 and I/L/1 mix-ups). Names are matched word by word against the stored
    search key, so case and the apostrophe form (ʼ ’ ') do not matter.
    """
    query = (query or "").strip()
    if not query:
        return queryset
    condition = Q(registration_number__icontains=query)
    code = codes.normalise_code(query)
    if code:
        condition |= Q(code=code)
    words = codes.search_key(query).split()
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(search_name__contains=word)
        condition |= by_name
    return queryset.filter(condition)


# --- learners waiting for a certificate -------------------------------------------


def pending_counts() -> dict[int, int]:
    """Programme id -> learners who completed it and hold no valid certificate."""
    valid = Certificate.objects.filter(
        user=OuterRef("user"),
        programme=OuterRef("programme"),
        status=CertificateStatus.VALID,
    )
    rows = (
        Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED)
        .filter(~Exists(valid))
        .values("programme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["programme"]: row["n"] for row in rows}


def valid_counts() -> dict[int, int]:
    rows = (
        Certificate.objects.filter(status=CertificateStatus.VALID)
        .values("programme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["programme"]: row["n"] for row in rows}


@dataclass(frozen=True)
class PendingLearner:
    pk: int
    name: str
    username: str
    email: str


def display_name(user) -> str:
    """The name a certificate would print (profile, else account name)."""
    try:
        profile = user.learner_profile
    except ObjectDoesNotExist:
        profile = None
    name = profile.full_name if profile else ""
    return name or user.get_full_name().strip() or user.get_username()


def pending_learners(programme: ProgrammePage) -> list[PendingLearner]:
    """Everyone who completed ``programme`` without a valid certificate, by name."""
    users = services.completed_without_certificate(programme).select_related(
        "learner_profile"
    )
    learners = [
        PendingLearner(
            pk=user.pk,
            name=display_name(user),
            username=user.get_username(),
            email=getattr(user, "email", "") or "",
        )
        for user in users
    ]
    return sorted(learners, key=lambda item: (codes.search_key(item.name), item.pk))


def job_errors(job: BulkIssueJob) -> list[dict]:
    """The job's errors with each learner's name instead of a bare id."""
    errors = list(job.errors or [])
    ids = {e.get("user") for e in errors if isinstance(e.get("user"), int)}
    users = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(pk__in=ids)
        .select_related("learner_profile")
    }
    return [
        {
            "user": e.get("user"),
            "name": display_name(users[e["user"]])
            if e.get("user") in users
            else f"#{e.get('user')}",
            "error": e.get("error", ""),
        }
        for e in errors
    ]


# --- file names ---------------------------------------------------------------------

# Ukrainian -> Latin, official table of CMU Resolution No. 55 of 27.01.2010.
# (letter, at the start of a word, elsewhere)
_UK_LATIN = {
    "а": ("a", "a"),
    "б": ("b", "b"),
    "в": ("v", "v"),
    "г": ("h", "h"),
    "ґ": ("g", "g"),
    "д": ("d", "d"),
    "е": ("e", "e"),
    "є": ("ye", "ie"),
    "ж": ("zh", "zh"),
    "з": ("z", "z"),
    "и": ("y", "y"),
    "і": ("i", "i"),
    "ї": ("yi", "i"),
    "й": ("y", "i"),
    "к": ("k", "k"),
    "л": ("l", "l"),
    "м": ("m", "m"),
    "н": ("n", "n"),
    "о": ("o", "o"),
    "п": ("p", "p"),
    "р": ("r", "r"),
    "с": ("s", "s"),
    "т": ("t", "t"),
    "у": ("u", "u"),
    "ф": ("f", "f"),
    "х": ("kh", "kh"),
    "ц": ("ts", "ts"),
    "ч": ("ch", "ch"),
    "ш": ("sh", "sh"),
    "щ": ("shch", "shch"),
    "ь": ("", ""),
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
}
_APOSTROPHES = frozenset("ʼ’'`‘ʹ′")


def transliterate(text: str) -> str:
    """Ukrainian text in Latin letters by the official 2010 table.

    "зг" is written "zgh" (Згорани -> Zghorany), apostrophes are dropped
    (Знам'янка -> Znamianka), є ї й ю я take their word-initial forms at the
    start of a word, and ь is dropped. Other characters pass unchanged.
    """
    out: list[str] = []
    previous = ""  # previous letter of the current word ("" at a word start)
    for index, char in enumerate(text):
        lower = char.lower()
        if char in _APOSTROPHES:
            continue  # inside a word: does not start a new one
        if lower not in _UK_LATIN:
            out.append(char)
            previous = char if char.isalpha() else ""
            continue
        initial, inner = _UK_LATIN[lower]
        latin = inner if previous else initial
        if lower == "г" and previous.lower() == "з":
            latin = "gh"
        if char.isupper() and latin:
            following = text[index + 1 : index + 2]
            word_in_capitals = following.isupper() or (
                not following.isalpha() and previous.isupper()
            )
            latin = latin.upper() if word_in_capitals else latin.capitalize()
        out.append(latin)
        previous = char
    return "".join(out)


def ascii_slug(text: str, *, max_length: int = 60) -> str:
    """Transliterated, only ``A-Za-z0-9-``: safe in any file system and header."""
    latin = transliterate(text)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", latin).strip("-")
    return slug[:max_length].rstrip("-")


def pdf_filename(certificate: Certificate) -> str:
    """``2026-00001_Galagan-Yivha.pdf``: registration number, surname, given name."""
    parts = certificate.full_name.split()[:2]
    name = ascii_slug(" ".join(parts), max_length=50)
    number = ascii_slug(certificate.registration_number, max_length=20)
    return f"{number}_{name}.pdf" if name else f"{number}.pdf"


def zip_filename(programme: ProgrammePage | None) -> str:
    today = timezone.localdate().isoformat()
    title = ascii_slug(programme.title, max_length=50) if programme else ""
    return f"certificates_{title or 'programme'}_{today}.zip"


# --- the streamed ZIP ---------------------------------------------------------------


class _ChunkSink:
    """A write-only file for :class:`zipfile.ZipFile` that hands back what was
    written since the last call: the ZIP goes out in pieces, never whole."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_entries(queryset: QuerySet[Certificate]) -> Iterator[tuple[str, bytes, tuple]]:
    """(unique file name, stored PDF bytes, ZIP timestamp) per certificate, one
    PDF at a time (a few per database round trip)."""
    used: set[str] = set()
    rows = (
        queryset.only("pk", "registration_number", "full_name", "issued_at", "pdf")
        .order_by("year", "number", "pk")
        .iterator(chunk_size=ZIP_CHUNK)
    )
    for certificate in rows:
        name = pdf_filename(certificate)
        stem, suffix = name[:-4], name[-4:]
        counter = 2
        while name.lower() in used:
            name = f"{stem}_{counter}{suffix}"
            counter += 1
        used.add(name.lower())
        issued = timezone.localtime(certificate.issued_at)
        yield name, bytes(certificate.pdf), issued.timetuple()[:6]


def stream_zip(entries: Iterable[tuple[str, bytes, tuple]]) -> Iterator[bytes]:
    """Yield a ZIP archive of ``entries`` chunk by chunk.

    PDFs are already compressed, so they are stored, not deflated; memory holds
    one PDF plus the central directory (a few dozen bytes per file).
    """
    sink = _ChunkSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, data, date_time in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
            chunk = sink.take()
            if chunk:
                yield chunk
    yield sink.take()
