"""Pure helpers of certificates.registry: transliteration, names, ZIP stream."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest

from certificates.registry import ascii_slug, pdf_filename, stream_zip, transliterate


@pytest.mark.parametrize(
    "ukrainian, latin",
    [
        # examples from the table of CMU Resolution No. 55 (27.01.2010)
        ("Алушта", "Alushta"),
        ("Згорани", "Zghorany"),
        ("Розгон", "Rozghon"),
        ("Галич", "Halych"),
        ("Ґорґани", "Gorgany"),
        ("Єнакієве", "Yenakiieve"),
        ("Наєнко", "Naienko"),
        ("Їжакевич", "Yizhakevych"),
        ("Кадиївка", "Kadyivka"),
        ("Йосипівка", "Yosypivka"),
        ("Стрий", "Stryi"),
        ("Олексій", "Oleksii"),
        ("Щербухи", "Shcherbukhy"),
        ("Гоща", "Hoshcha"),
        ("Юрій", "Yurii"),
        ("Корюківка", "Koriukivka"),
        ("Яготин", "Yahotyn"),
        ("Ічня", "Ichnia"),
        ("Знам'янка", "Znamianka"),
        ("Марʼяна", "Mariana"),
        ("Львів", "Lviv"),
        ("Київ", "Kyiv"),
        ("ЩУКА", "SHCHUKA"),
        ("Ґалаґан-Шевчук Ївга", "Galagan-Shevchuk Yivha"),
    ],
)
def test_transliteration_follows_the_2010_table(ukrainian, latin):
    assert transliterate(ukrainian) == latin


def test_ascii_slug_is_safe():
    assert (
        ascii_slug("Бюджет участі: «як це працює»?")
        == "Biudzhet-uchasti-yak-tse-pratsiuie"
    )
    assert ascii_slug("../../etc/passwd") == "etc-passwd"


def test_pdf_filename_uses_surname_and_given_name():
    certificate = SimpleNamespace(
        registration_number="2026-00001", full_name="Ґалаґан Ївга Юріївна"
    )
    assert pdf_filename(certificate) == "2026-00001_Galagan-Yivha.pdf"
    nameless = SimpleNamespace(registration_number="2026-00002", full_name="—")
    assert pdf_filename(nameless) == "2026-00002.pdf"


def test_stream_zip_yields_pieces_of_one_valid_archive():
    payloads = [
        (f"{i}.pdf", bytes([i]) * 5000, (2026, 11, 27, 10, 0, 0)) for i in range(5)
    ]
    chunks = list(stream_zip(iter(payloads)))
    assert len(chunks) >= 5  # one piece per file (plus the central directory)
    assert max(len(chunk) for chunk in chunks) < 6000  # never the whole archive
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert [archive.read(name) for name, *_ in payloads] == [p for _, p, _ in payloads]


def test_stream_zip_of_nothing_is_an_empty_archive():
    archive = zipfile.ZipFile(io.BytesIO(b"".join(stream_zip(iter(())))))
    assert archive.namelist() == []
