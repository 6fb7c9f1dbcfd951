"""Public and owner URLs of certificates (mounted at ``/certificates/``).

``learner_urls`` is mounted at ``/learning/certificates/`` ("My certificates").
"""

from django.urls import path, register_converter

from . import views


class CodeConverter:
    """A code as typed: letters, digits and dashes (normalised in the view)."""

    regex = r"[0-9A-Za-z][0-9A-Za-z\-]{3,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<code:code>.json", views.verify_json, name="verify_json"),
    path("verify/<code:code>/", views.verify, name="verify"),
    path("check/", views.check_file, name="check_file"),
    path("issuer.pem", views.issuer_certificate, name="issuer_certificate"),
    path("issuer.json", views.issuer_profile, name="issuer_profile"),
    path("jwks.json", views.jwks, name="jwks"),
    path("<code:code>/pdf", views.certificate_pdf, name="pdf"),
    path("<code:code>/credential.jwt", views.credential, name="credential"),
    path("<code:code>/achievement.json", views.achievement, name="achievement"),
]

learner_urlpatterns = [
    path("", views.my_certificates, name="mine"),
]
