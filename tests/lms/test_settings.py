"""Settings: the production deploy check, required secrets, SQLite tuning."""

from __future__ import annotations

import os
import secrets
import sqlite3
import string
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.utils import ConnectionHandler

import pytest

from lms.settings import base

BASE_DIR = Path(__file__).resolve().parents[2]
KEY_ALPHABET = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"


def _secret(length: int = 60) -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def _manage(*args: str, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "LMS_", "PYTEST_"))
    }
    full_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "LMS_DATA_DIR": str(tmp_path),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
    )
    full_env.update(env)
    return subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {"DJANGO_ALLOWED_HOSTS": "lms.example.org"}


def test_production_passes_deploy_check_without_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": _secret()},
        tmp_path=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output


def test_deploy_check_catches_a_weak_production_setting(tmp_path):
    """The control: the same check does fail when a safeguard is switched off."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            **PRODUCTION_ENV,
            "DJANGO_SECRET_KEY": _secret(),
            "LMS_SSL_REDIRECT": "0",
            "LMS_HSTS_SECONDS": "0",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W004" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (PRODUCTION_ENV, "Set the DJANGO_SECRET_KEY environment variable."),
        (
            {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "   "},
            "Set the DJANGO_SECRET_KEY environment variable.",
        ),
        (
            {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": _secret(20)},
            "DJANGO_SECRET_KEY must be at least 50 characters.",
        ),
        (
            {"DJANGO_SECRET_KEY": _secret()},
            "Set the DJANGO_ALLOWED_HOSTS environment variable.",
        ),
    ],
    ids=["no-key", "blank-key", "short-key", "no-hosts"],
)
def test_production_refuses_to_start_without_secrets(tmp_path, env, message):
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_values(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.LANGUAGE_CODE, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": _secret()},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False uk ['lms.example.org'] ['https://lms.example.org'] True True True"
    )


def test_language_is_ukrainian_first(client, db):
    assert settings.LANGUAGE_CODE == "uk"
    assert [code for code, _name in settings.LANGUAGES] == ["uk", "en"]
    assert settings.TIME_ZONE == "Europe/Kyiv"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "uk"
    assert '<html lang="uk">' in response.content.decode()


# --- SQLite ------------------------------------------------------------------------


@pytest.fixture
def sqlite_config(tmp_path, monkeypatch, django_db_blocker):
    """The embedded database configuration as shipped (whatever this leg uses),
    on a scratch file: these tests open their own connections to it."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_SQLITE_PATH", str(tmp_path / "shipped.sqlite3"))
    with django_db_blocker.unblock():
        yield base.database_from_env()


def test_sqlite_config_values(sqlite_config):
    assert sqlite_config["ENGINE"] == "django.db.backends.sqlite3"
    options = sqlite_config["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert "PRAGMA busy_timeout=" in options["init_command"]


def test_sqlite_connection_is_wal_with_busy_timeout(sqlite_config):
    handler = ConnectionHandler({"default": sqlite_config})
    conn = handler["default"]
    try:
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    finally:
        conn.close()


def _reader_blocks_writer(config: dict) -> bool:
    """Open a transaction the way ``atomic()`` does, only read, then see
    whether another connection can still write."""
    conn = ConnectionHandler({"default": config})["default"]
    try:
        with conn.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS t (n integer)")
        conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            cursor.fetchone()
        other = sqlite3.connect(config["NAME"], timeout=0.2, isolation_level=None)
        try:
            other.execute("INSERT INTO t VALUES (1)")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return True
        finally:
            other.close()
        return False
    finally:
        conn.rollback()
        conn.set_autocommit(True)
        conn.close()


def test_sqlite_transactions_take_the_write_lock_up_front(sqlite_config, tmp_path):
    """IMMEDIATE: a transaction that has only read already holds the write
    lock, so read-then-write requests queue on the busy timeout instead of
    failing with "database is locked" when they upgrade."""
    assert _reader_blocks_writer(sqlite_config)
    # The control: SQLite's default (DEFERRED) would not have taken the lock.
    deferred = {
        **sqlite_config,
        "NAME": str(tmp_path / "deferred.sqlite3"),
        "OPTIONS": {**sqlite_config["OPTIONS"], "transaction_mode": None},
    }
    assert not _reader_blocks_writer(deferred)


def test_test_database_is_sqlite_wal_when_on_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL leg: the SQLite pragmas do not apply")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
