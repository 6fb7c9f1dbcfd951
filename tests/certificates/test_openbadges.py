"""Open Badges 3.0 VC-JWT: the credential has the spec's shape, the token verifies
with PyJWT as an independent third party, and tampering or early use is refused.

Pure: no Django, no database; a throwaway RSA key per module.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from certificates.openbadges import (
    build_credential,
    jwk_thumbprint,
    public_jwks,
    sign_vc_jwt,
    verify_vc_jwt,
)

KID = "https://learn.example.gov.ua/certificates/jwks.json#badge-1"
ISSUER_ID = "https://learn.example.gov.ua/certificates/issuer/"
CREDENTIAL_ID = "urn:uuid:5f0cdb83-3c5b-4f6e-a6a0-0d8b9a6e2a11"
NAME = "Марʼяна Ґудзь-Їжакевич"
EMAIL = "maryana@example.org"
SALT = "c2FsdC1mb3ItdGVzdHM"
ISSUED = dt.datetime(2026, 1, 15, 10, 30, 15, 123456, tzinfo=dt.UTC)


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="module")
def private_pem() -> bytes:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def other_private_pem() -> bytes:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def jwks(private_pem) -> dict:
    return public_jwks(private_pem, kid=KID)


def make_credential(**overrides) -> dict:
    data = {
        "credential_id": CREDENTIAL_ID,
        "issuer_id": ISSUER_ID,
        "issuer_name": "Громада, що діє",
        "issuer_url": "https://learn.example.gov.ua/",
        "achievement_id": "https://learn.example.gov.ua/programmes/uchast-hromadskosti/",
        "achievement_name": "Участь громадськості у формуванні місцевої політики",
        "achievement_description": "Професійна (сертифікатна) програма.",
        "criteria": "Завершено всі модулі та підсумкове тестування (≥ 70 %).",
        "credits": Decimal("3"),
        "hours": 90,
        "subject_name": NAME,
        "subject_email": EMAIL,
        "salt": SALT,
        "valid_from": ISSUED,
    }
    data.update(overrides)
    return build_credential(**data)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _independent_decode(token: str, jwks: dict) -> dict:
    """What a third party does: pick the JWK by kid and let PyJWT check it."""
    kid = jwt.get_unverified_header(token)["kid"]
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    return jwt.decode(token, key=jwt.PyJWK(jwk), algorithms=["RS256"])


class TestBuildCredential:
    def test_shape_follows_ob3_and_vc2(self):
        cred = make_credential()
        assert cred["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert cred["id"] == CREDENTIAL_ID
        assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert cred["issuer"] == {
            "id": ISSUER_ID,
            "type": ["Profile"],
            "name": "Громада, що діє",
            "url": "https://learn.example.gov.ua/",
        }
        assert cred["validFrom"] == "2026-01-15T10:30:15Z"
        assert "validUntil" not in cred
        assert "credentialStatus" not in cred
        assert cred["name"].startswith("Участь громадськості")
        assert cred["description"] == "Обсяг: 3 кредити ЄКТС (90 годин)"

        subject = cred["credentialSubject"]
        assert subject["type"] == ["AchievementSubject"]
        assert "name" not in subject  # not an AchievementSubject property
        assert subject["creditsEarned"] == 3.0
        achievement = subject["achievement"]
        assert achievement["type"] == ["Achievement"]
        assert achievement["achievementType"] == "Certificate"
        assert achievement["creditsAvailable"] == 3.0
        assert achievement["criteria"] == {
            "narrative": "Завершено всі модулі та підсумкове тестування (≥ 70 %)."
        }
        for key in ("id", "name", "description"):
            assert achievement[key]

    def test_email_is_salted_sha256_and_name_is_plain(self):
        email_id, name_id = make_credential()["credentialSubject"]["identifier"]
        expected = hashlib.sha256((EMAIL + SALT).encode()).hexdigest()
        assert email_id == {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": f"sha256${expected}",
            "salt": SALT,
        }
        assert EMAIL not in json.dumps(make_credential(), ensure_ascii=False)
        assert name_id == {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": NAME,
        }

    def test_without_email_or_credits(self):
        cred = make_credential(subject_email=None, credits=None, hours=21)
        subject = cred["credentialSubject"]
        assert [i["identityType"] for i in subject["identifier"]] == ["name"]
        assert "creditsEarned" not in subject
        assert "creditsAvailable" not in subject["achievement"]
        assert cred["description"] == "Обсяг: 21 година"

    def test_expiry_and_status(self):
        cred = make_credential(
            valid_until=dt.datetime(
                2029, 1, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))
            ),
            status_url="https://learn.example.gov.ua/certificates/revocations.json",
        )
        assert cred["validUntil"] == "2029-01-01T00:00:00Z"
        assert cred["credentialStatus"] == {
            "id": "https://learn.example.gov.ua/certificates/revocations.json",
            "type": "1EdTechRevocationList",
        }

    def test_naive_datetime_is_rejected(self):
        with pytest.raises(ValueError, match="timezone"):
            make_credential(valid_from=dt.datetime(2026, 11, 27, 10, 0))


class TestVcJwt:
    def test_header_and_claims(self, private_pem, jwks):
        cred = make_credential()
        token = sign_vc_jwt(cred, private_key_pem=private_pem, kid=KID)
        header = jwt.get_unverified_header(token)
        assert header == {"alg": "RS256", "kid": KID, "typ": "JWT"}

        payload = _independent_decode(token, jwks)
        assert payload["iss"] == cred["issuer"]["id"]
        assert payload["jti"] == cred["id"]
        assert payload["nbf"] == int(ISSUED.replace(microsecond=0).timestamp())
        assert payload["sub"] == CREDENTIAL_ID  # the subject has no id of its own
        assert "exp" not in payload
        # OB 3.0 / VC 2.0: the credential is the payload, not nested under "vc".
        assert "vc" not in payload
        assert {
            k: v for k, v in payload.items() if k not in {"iss", "jti", "nbf", "sub"}
        } == cred

    def test_verify_returns_the_credential_with_cyrillic_intact(
        self, private_pem, jwks
    ):
        cred = make_credential()
        token = sign_vc_jwt(cred, private_key_pem=private_pem, kid=KID)
        verified = verify_vc_jwt(token, jwks)
        assert verified == cred
        assert verified["credentialSubject"]["identifier"][-1]["identityHash"] == NAME
        assert verified["issuer"]["name"] == "Громада, що діє"

    def test_exp_mirrors_valid_until(self, private_pem, jwks):
        until = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)
        token = sign_vc_jwt(
            make_credential(valid_until=until), private_key_pem=private_pem, kid=KID
        )
        assert _independent_decode(token, jwks)["exp"] == int(until.timestamp())
        assert verify_vc_jwt(token, jwks)["validUntil"] == "2036-01-01T00:00:00Z"

    def test_changed_payload_with_old_signature_fails(self, private_pem, jwks):
        token = sign_vc_jwt(make_credential(), private_key_pem=private_pem, kid=KID)
        header, payload, signature = token.split(".")
        claims = json.loads(_unb64(payload))
        claims["credentialSubject"]["creditsEarned"] = 30.0
        forged = ".".join(
            [
                header,
                _b64(json.dumps(claims, separators=(",", ":")).encode()),
                signature,
            ]
        )
        with pytest.raises(jwt.InvalidSignatureError):
            _independent_decode(forged, jwks)
        with pytest.raises(ValueError, match="invalid token"):
            verify_vc_jwt(forged, jwks)

    def test_future_valid_from_is_rejected(self, private_pem, jwks):
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        token = sign_vc_jwt(
            make_credential(valid_from=later), private_key_pem=private_pem, kid=KID
        )
        with pytest.raises(jwt.ImmatureSignatureError):
            _independent_decode(token, jwks)
        with pytest.raises(ValueError, match="not yet valid"):
            verify_vc_jwt(token, jwks)

    def test_expired_is_rejected(self, private_pem, jwks):
        token = sign_vc_jwt(
            make_credential(valid_until=ISSUED + dt.timedelta(days=1)),
            private_key_pem=private_pem,
            kid=KID,
        )
        with pytest.raises(jwt.ExpiredSignatureError):
            _independent_decode(token, jwks)
        with pytest.raises(ValueError, match="expired"):
            verify_vc_jwt(token, jwks)

    def test_wrong_key_or_unknown_kid_fails(self, private_pem, other_private_pem):
        token = sign_vc_jwt(
            make_credential(), private_key_pem=other_private_pem, kid=KID
        )
        with pytest.raises(ValueError, match="invalid token"):
            verify_vc_jwt(token, public_jwks(private_pem, kid=KID))
        with pytest.raises(ValueError, match="no key with kid"):
            verify_vc_jwt(token, public_jwks(other_private_pem, kid="other"))

    def test_algorithm_confusion_and_none_are_refused(self, private_pem, jwks):
        payload = {**make_credential(), "iss": ISSUER_ID}
        unsigned = jwt.encode(payload, key=None, algorithm="none", headers={"kid": KID})
        with pytest.raises(ValueError, match="unsupported algorithm"):
            verify_vc_jwt(unsigned, jwks)
        header = _b64(json.dumps({"alg": "HS256", "kid": KID, "typ": "JWT"}).encode())
        body = _b64(json.dumps(payload).encode())
        with pytest.raises(ValueError, match="unsupported algorithm"):
            verify_vc_jwt(f"{header}.{body}.{_b64(b'x' * 32)}", jwks)
        with pytest.raises(ValueError, match="malformed"):
            verify_vc_jwt("not-a-token", jwks)

    def test_claims_must_match_the_credential(self, private_pem, jwks):
        cred = make_credential()
        key = serialization.load_pem_private_key(private_pem, password=None)
        claims = {
            **cred,
            "iss": "https://impostor.example/",
            "jti": cred["id"],
            "nbf": int(ISSUED.timestamp()),
            "sub": cred["id"],
        }
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
        with pytest.raises(ValueError, match="'iss'"):
            verify_vc_jwt(token, jwks)

    def test_jwks_is_public_only_and_usable(self, private_pem, jwks):
        (jwk,) = jwks["keys"]
        assert {"kid", "kty", "n", "e", "use", "alg"} <= set(jwk)
        assert jwk["kid"] == KID and jwk["use"] == "sig" and jwk["alg"] == "RS256"
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
        assert len(jwk_thumbprint(private_pem)) == 43

    def test_non_rsa_key_is_refused(self):
        ec_pem = _pem(ec.generate_private_key(ec.SECP256R1()))
        with pytest.raises(ValueError, match="RSA"):
            sign_vc_jwt(make_credential(), private_key_pem=ec_pem, kid=KID)
