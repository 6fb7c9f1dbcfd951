import pytest

from courses import services
from tests.factories import build_programme


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_enrolled_learner_reads_lesson(client, catalogue, learner):
    tree = build_programme(parent=catalogue)
    services.enrolment_create(user=learner, programme=tree.programme)
    client.force_login(learner)
    response = client.get(tree.lessons[0].url)
    assert response.status_code == 200
    assert "Текст уроку" in response.content.decode()
