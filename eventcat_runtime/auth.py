"""Who is connecting: the JWT from `?token=` or the handshake's `auth.token`, verified with PyJWT.

Every refusal maps to one stable code: no token is AUTH_REQUIRED; an expired one TOKEN_EXPIRED; anything else
(malformed, forged, `alg: none`, an algorithm not configured, no user claim) AUTH_INVALID.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import jsonschema
import jwt

from .errors import ErrorCode, EventError
from .policy import Principal

ASYMMETRIC_PREFIXES = ("RS", "PS", "ES", "Ed")


@dataclass(frozen=True)
class JwtVerifier:
    """Verifies tokens with a shared secret (HS*) or a public key (RS*, PS*, ES*, EdDSA)."""

    algorithms: tuple[str, ...] = ("HS256",)
    secret: str | None = None
    public_key: str | None = None
    user_claim: str = "userId"
    roles_claim: str = "roles"
    rooms_claim: str = "rooms"
    leeway_seconds: float = 0.0
    # JSON Schema the user claim must match (the catalog's user id type); None accepts any non-empty string.
    user_schema: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if "none" in (a.lower() for a in self.algorithms):
            raise ValueError("JWT algorithm 'none' is never accepted")
        asymmetric = [a for a in self.algorithms if a.startswith(ASYMMETRIC_PREFIXES)]
        if asymmetric and not self.public_key:
            raise ValueError(f"{', '.join(asymmetric)} need a public key (JWT_PUBLIC_KEY)")
        if len(asymmetric) != len(self.algorithms) and not self.secret:
            raise ValueError("HS* algorithms need a secret (JWT_SECRET)")

    def _key(self, algorithm: str) -> str:
        key = self.public_key if algorithm.startswith(ASYMMETRIC_PREFIXES) else self.secret
        assert key is not None
        return key

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise EventError(ErrorCode.AUTH_INVALID, "the token is not a JWT") from None
        algorithm = str(header.get("alg", ""))
        if algorithm not in self.algorithms:
            raise EventError(ErrorCode.AUTH_INVALID, f"tokens signed with {algorithm[:20]!r} are not accepted")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key(algorithm),
                algorithms=[algorithm],
                leeway=self.leeway_seconds,
                options={"require": ["exp"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            _numeric_dates(jwt.decode(token, options={"verify_signature": False}))  # verified: only the dates are read
            raise EventError(ErrorCode.TOKEN_EXPIRED, "the token has expired; refresh it and reconnect") from None
        except jwt.MissingRequiredClaimError as exc:
            raise EventError(ErrorCode.AUTH_INVALID, f"the token has no '{exc.claim}' claim") from None
        except jwt.InvalidTokenError as exc:
            raise EventError(ErrorCode.AUTH_INVALID, f"the token was refused: {exc}") from None
        _numeric_dates(claims)
        user = claims.get(self.user_claim)
        if not isinstance(user, str) or not user:
            raise EventError(ErrorCode.AUTH_INVALID, f"the token has no '{self.user_claim}' claim")
        if self.user_schema is not None:
            problem = jsonschema.exceptions.best_match(_validator(self.user_schema).iter_errors(user))
            if problem is not None:
                raise EventError(
                    ErrorCode.AUTH_INVALID, f"the token's '{self.user_claim}' is not a valid user id: {problem.message}"
                )
        return Principal(
            user_id=user,
            roles=frozenset(_strings(claims.get(self.roles_claim))),
            rooms=frozenset(_strings(claims.get(self.rooms_claim))),
            claims=claims,
        )

    def issue(self, claims: Mapping[str, Any], private_key: str | None = None) -> str:
        """A token for these claims (development and tests): HS with the secret, or with the given private key."""
        algorithm = self.algorithms[0]
        key = private_key if algorithm.startswith(ASYMMETRIC_PREFIXES) else self.secret
        if key is None:
            raise ValueError(f"issuing {algorithm} tokens needs a key")
        return jwt.encode(dict(claims), key, algorithm=algorithm)


# RFC 7519 §2: NumericDate is a JSON number. PyJWT coerces a string ("1796153531") with int(); it is refused here.
_DATE_CLAIMS = ("exp", "nbf", "iat")


def _numeric_dates(claims: Mapping[str, Any]) -> None:
    for name in _DATE_CLAIMS:
        value = claims.get(name)
        if name in claims and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise EventError(ErrorCode.AUTH_INVALID, f"the token's '{name}' is not a NumericDate (a JSON number)")


_validators: dict[str, jsonschema.protocols.Validator] = {}


def _validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    key = json.dumps(schema, sort_keys=True)
    if key not in _validators:
        _validators[key] = jsonschema.Draft202012Validator(dict(schema))
    return _validators[key]


def _strings(value: Any) -> Sequence[str]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def token_from(environ: Mapping[str, Any], auth: Any, query_param: str, auth_field: str) -> str:
    """The token of a handshake: `auth.<field>` first, then the `?<param>=` query parameter."""
    if isinstance(auth, Mapping):
        value = auth.get(auth_field)
        if isinstance(value, str) and value:
            return value
    query = parse_qs(str(environ.get("QUERY_STRING", "")))
    values = query.get(query_param)
    if values and values[0]:
        return values[0]
    raise EventError(ErrorCode.AUTH_REQUIRED, f"no token: pass auth.{auth_field} or ?{query_param}=<JWT>")
