"""Open Badges 3.0 credentials for issued certificates, signed as VC-JWT (RS256).

Pure: no Django, no database. The caller supplies the issue record's data and
the RSA key (``certificates.signing.badge_key_pem()``) and publishes
:func:`public_jwks` at the URL used as ``kid``.

Choices, checked against the 1EdTech OB 3.0 spec (``ob_v3p0`` data model and
"JSON Web Token Proof Format" section):

* VC 2.0 shape: ``@context`` = VC v2 + OB ``context-3.0.3.json``; ``validFrom`` /
  ``validUntil`` (not VC 1.1's ``issuanceDate``).
* The JWT payload **is the credential itself** with the claims ``iss``
  (issuer.id), ``jti`` (id), ``nbf`` (validFrom), ``sub`` and, when the
  credential expires, ``exp`` (validUntil) added at top level. That is what the
  spec prescribes for VC 2.0; the ``vc`` claim belongs to VC 1.1 credentials and
  is only *read* (by :func:`verify_vc_jwt`), never written.
* ``sub`` should be ``credentialSubject.id``. We identify learners by hashed
  e-mail instead of a URI we would have to host, so ``credentialSubject`` has no
  ``id`` and ``sub`` falls back to the credential id (a documented deviation).
* ``AchievementSubject`` has no ``name`` property, so the learner's name is an
  ``IdentityObject`` with ``identityType: "name"`` and ``hashed: false``; the
  e-mail is ``sha256$hex(email + salt)`` with the salt alongside, as the spec's
  ``IdentityHash`` defines it.
* ``creditsAvailable`` / ``creditsEarned`` carry ECTS credits (spec type Float);
  hours, which OB has no field for, go into the credential ``description``.
* ``status_url`` becomes a ``credentialStatus`` of type ``1EdTechRevocationList``,
  the revocation method OB 3.0 verifiers check.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from decimal import Decimal
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from certificates.ukrainian import credits_and_hours

__all__ = [
    "ALGORITHM",
    "CONTEXTS",
    "build_credential",
    "jwk_thumbprint",
    "public_jwks",
    "sign_vc_jwt",
    "verify_vc_jwt",
]

ALGORITHM = "RS256"  # the OB 3.0 interoperability minimum
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
JWT_CLAIMS = ("iss", "jti", "nbf", "sub", "exp", "iat")


def _iso_z(moment: dt.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("credential dates must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso_z(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"date without time zone: {value!r}")
    return moment


def _identity_hash(value: str, salt: str) -> str:
    digest = hashlib.sha256((value + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def build_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    issuer_url: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria: str,
    credits: Decimal | None,
    hours: int | Decimal,
    subject_name: str,
    subject_email: str | None,
    salt: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None = None,
    status_url: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential`` (dict, JSON-ready) for one certificate.

    ``salt`` should be random per credential and stored with the issue record,
    so the hashed e-mail cannot be matched across credentials. The e-mail is
    stripped and lower-cased before hashing (how we store it), so a verifier
    must hash the lower-case address. Dates must be
    timezone-aware (``ValueError`` otherwise) and are truncated to seconds,
    because JWT ``nbf``/``exp`` are whole seconds and must equal them exactly.
    """
    identifiers: list[dict[str, Any]] = []
    if subject_email:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": _identity_hash(subject_email.strip().lower(), salt),
                "salt": salt,
            }
        )
    identifiers.append(
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": subject_name,
        }
    )

    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": achievement_name,
        "description": achievement_description,
        "criteria": {"narrative": criteria},
        "inLanguage": "uk",
    }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": achievement,
    }
    if credits is not None:
        achievement["creditsAvailable"] = float(credits)
        subject["creditsEarned"] = float(credits)

    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement_name,
        "description": f"Обсяг: {credits_and_hours(credits, hours)}",
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": issuer_name,
            "url": issuer_url,
        },
        "validFrom": _iso_z(valid_from),
        "awardedDate": _iso_z(valid_from),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = _iso_z(valid_until)
    if status_url:
        credential["credentialStatus"] = {
            "id": status_url,
            "type": REVOCATION_LIST_TYPE,
        }
    return credential


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential["issuer"]
    return issuer if isinstance(issuer, str) else issuer["id"]


def _expected_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT claims the spec derives from the credential's own fields."""
    # VC 1.1 names (issuanceDate/expirationDate) only matter for reading `vc`.
    valid_from = credential.get("validFrom") or credential["issuanceDate"]
    valid_until = credential.get("validUntil") or credential.get("expirationDate")
    claims: dict[str, Any] = {
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": int(_parse_iso_z(valid_from).timestamp()),
        "sub": credential["credentialSubject"].get("id") or credential["id"],
    }
    if valid_until:
        claims["exp"] = int(_parse_iso_z(valid_until).timestamp())
    return claims


@functools.lru_cache(maxsize=4)
def _load_rsa_private(private_key_pem: bytes) -> rsa.RSAPrivateKey:
    """Parsed once per key: ``cryptography`` checks RSA primes on every load,
    which costs ~25 ms, a hundred times the signature itself."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("VC-JWT signing needs an RSA private key (RS256)")
    return key


def sign_vc_jwt(credential: dict[str, Any], *, private_key_pem: bytes, kid: str) -> str:
    """Sign ``credential`` as a compact JWS (VC-JWT): header ``{alg, kid, typ}``,
    payload = credential + ``iss/jti/nbf/sub[/exp]`` (see the module docstring).

    ``kid`` should be a URL that dereferences to the public JWK (the spec's
    requirement), e.g. the JWKS URL with a fragment naming the key.
    """
    key = _load_rsa_private(private_key_pem)
    if any(claim in credential for claim in JWT_CLAIMS):
        raise ValueError("credential already contains JWT claim names")
    payload = {**credential, **_expected_claims(credential)}
    return jwt.encode(
        payload,
        key,
        algorithm=ALGORITHM,
        headers={"kid": kid, "typ": "JWT"},
    )


def public_jwks(private_key_pem: bytes, *, kid: str) -> dict[str, Any]:
    """The JWK Set to publish for verifiers: public members only (never ``d``)."""
    public_key = _load_rsa_private(private_key_pem).public_key()
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": [jwk]}


def jwk_thumbprint(private_key_pem: bytes) -> str:
    """RFC 7638 thumbprint of the public key: a stable, rotation-aware ``kid`` part."""
    jwk = RSAAlgorithm.to_jwk(
        _load_rsa_private(private_key_pem).public_key(), as_dict=True
    )
    canonical = json.dumps(
        {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":")
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify_vc_jwt(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """Verify a VC-JWT against a JWK Set and return the credential.

    Checks, in the spec's order: the RS256 signature with the key named by
    ``kid``; ``nbf`` not in the future and ``exp`` not past; ``iss``, ``jti``,
    ``nbf``, ``sub`` and ``exp`` equal to the credential's own fields. Raises
    ``ValueError`` naming the first failed check.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise ValueError(f"malformed token: {exc}") from exc
    if header.get("alg") != ALGORITHM:
        raise ValueError(f"unsupported algorithm {header.get('alg')!r}")
    kid = header.get("kid")
    matches = [k for k in jwks.get("keys", []) if k.get("kid") == kid]
    if not matches:
        raise ValueError(f"no key with kid {kid!r} in the JWK Set")
    try:
        key = jwt.PyJWK(matches[0], algorithm=ALGORITHM)
        payload = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            options={"require": ["iss", "jti", "nbf", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise ValueError(f"invalid token: {exc}") from exc

    if isinstance(payload.get("vc"), dict):  # VC 1.1 style, accepted when reading
        credential = dict(payload["vc"])
    else:
        credential = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    try:
        expected = _expected_claims(credential)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"payload is not an OpenBadgeCredential: {exc!r}") from exc
    for claim, value in expected.items():
        if payload.get(claim) != value:
            raise ValueError(
                f"claim {claim!r} ({payload.get(claim)!r}) does not match the "
                f"credential ({value!r})"
            )
    if "exp" in payload and "exp" not in expected:
        raise ValueError("token expires but the credential has no validUntil")
    if "OpenBadgeCredential" not in credential.get("type", []):
        raise ValueError("payload is not an OpenBadgeCredential")
    return credential
