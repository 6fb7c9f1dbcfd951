"""Certificate views (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


verify_lookup = verify_json = verify = check_file = _todo
issuer_certificate = issuer_profile = jwks = _todo
certificate_pdf = credential = achievement = my_certificates = _todo
