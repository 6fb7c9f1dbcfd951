"""``GET /healthz``: the contract load balancers and monitors rely on."""

from __future__ import annotations

from django.db import connection

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_no_site(client):
    # No Site, no pages, no user: the check must still answer.
    response = client.get("/healthz", HTTP_HOST="unknown.example")
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_healthz_rejects_unsafe_methods(client, method):
    response = getattr(client, method)("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_healthz_head(client):
    assert client.head("/healthz").status_code == 200


def test_healthz_reports_database_failure(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
