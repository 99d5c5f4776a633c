"""Who is connecting, as the catalog's `auth:` declares it.

- scheme `jwt`: the JWT from `?token=` or the handshake's `auth.token`, verified with PyJWT: HS* with a shared
  secret, RS*/PS*/ES*/EdDSA with a public key, or with the key a JWKS document names by the token's `kid` (PyJWT's
  PyJWKClient: cached, refreshed for an unknown kid, fetched in a thread so that the event loop never waits on it);
  `iss` and `aud` checked when set.
- scheme `none` (a catalog without `auth:`): no token; every connection is its own anonymous user, `anon:<sid>`.

Every refusal maps to one stable code: no token is AUTH_REQUIRED; an expired one TOKEN_EXPIRED; anything else
(malformed, forged, `alg: none`, an algorithm not configured, no user claim, a wrong issuer or audience, a kid the
JWKS does not hold) AUTH_INVALID; keys that cannot be fetched INTERNAL_ERROR (the client may retry).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs

import jsonschema
import jwt

from .errors import ErrorCode, EventError
from .policy import Principal
from .registry import AuthSpec

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("eventcat.auth")

ASYMMETRIC_PREFIXES = ("RS", "PS", "ES", "Ed")
ANONYMOUS_PREFIX = "anon:"


class Verifier(Protocol):
    """Turns a handshake into the connection's user. `needs_token`: whether the handshake must carry a token."""

    @property
    def needs_token(self) -> bool: ...

    async def principal(self, token: str | None, sid: str) -> Principal: ...


@dataclass(frozen=True)
class AnonymousVerifier:
    """A catalog without `auth:`: nobody signs in, each connection is a user of its own."""

    needs_token: bool = False

    async def principal(self, token: str | None, sid: str) -> Principal:
        return Principal(user_id=f"{ANONYMOUS_PREFIX}{sid}")


@dataclass(frozen=True)
class JwtVerifier:
    """Verifies tokens with a shared secret (HS*), a public key (RS*, PS*, ES*, EdDSA) or a JWKS URL."""

    algorithms: tuple[str, ...] = ("HS256",)
    secret: str | None = None
    public_key: str | None = None
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    user_claim: str = "userId"
    roles_claim: str = "roles"
    rooms_claim: str = "rooms"
    leeway_seconds: float = 0.0
    # JSON Schema the user claim must match (the catalog's user id type); None accepts any non-empty string.
    user_schema: Mapping[str, Any] | None = None
    # JWKS: seconds the key set is cached, the shortest time between two refreshes for unknown kids, the timeout.
    jwks_lifespan: float = 300.0
    jwks_cooldown: float = 30.0
    jwks_timeout: float = 5.0
    needs_token: bool = True
    _jwks: jwt.PyJWKClient | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if "none" in (a.lower() for a in self.algorithms):
            raise ValueError("JWT algorithm 'none' is never accepted")
        asymmetric = [a for a in self.algorithms if a.startswith(ASYMMETRIC_PREFIXES)]
        if asymmetric and not self.public_key and not self.jwks_url:
            raise ValueError(f"{', '.join(asymmetric)} need a public key (JWT_PUBLIC_KEY) or a JWKS URL (JWT_JWKS_URL)")
        if len(asymmetric) != len(self.algorithms) and not self.secret:
            raise ValueError("HS* algorithms need a secret (JWT_SECRET)")
        if self.jwks_url:
            try:
                client = jwt.PyJWKClient(
                    self.jwks_url,
                    cache_keys=False,
                    lifespan=self.jwks_lifespan,
                    timeout=self.jwks_timeout,
                    cooldown_duration=self.jwks_cooldown,
                )
            except jwt.PyJWKClientError as exc:
                raise ValueError(f"JWKS URL {self.jwks_url}: {exc}") from None
            object.__setattr__(self, "_jwks", client)

    def _key(self, algorithm: str) -> Any:
        key = self.public_key if algorithm.startswith(ASYMMETRIC_PREFIXES) else self.secret
        assert key is not None
        return key

    async def principal(self, token: str | None, sid: str) -> Principal:
        """The token's user; the key comes from the JWKS (in a thread: it may be fetched) for asymmetric tokens."""
        if token is None:
            raise EventError(ErrorCode.AUTH_REQUIRED, "no token")
        if self._jwks is None:
            return self.verify(token)
        algorithm = self._algorithm(token)
        if not algorithm.startswith(ASYMMETRIC_PREFIXES):
            return self.verify(token)
        key = await asyncio.to_thread(self._jwks_key, token)
        return self.verify(token, key)

    def _jwks_key(self, token: str) -> Any:
        assert self._jwks is not None
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("JWKS unavailable: connection refused", extra={"url": self.jwks_url, "error": str(exc)})
            raise EventError(ErrorCode.INTERNAL_ERROR, "the signing keys cannot be fetched now; retry later") from None
        except (jwt.PyJWKClientError, jwt.PyJWKSetError, jwt.InvalidTokenError) as exc:
            if "Unable to find a signing key" in str(exc) or isinstance(exc, jwt.InvalidTokenError):
                raise EventError(ErrorCode.AUTH_INVALID, "the token's key (kid) is not in the JWKS") from None
            log.warning("JWKS unusable: connection refused", extra={"url": self.jwks_url, "error": str(exc)})
            raise EventError(ErrorCode.INTERNAL_ERROR, "the signing keys cannot be read now; retry later") from None

    def _algorithm(self, token: str) -> str:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise EventError(ErrorCode.AUTH_INVALID, "the token is not a JWT") from None
        algorithm = str(header.get("alg", ""))
        if algorithm not in self.algorithms:
            raise EventError(ErrorCode.AUTH_INVALID, f"tokens signed with {algorithm[:20]!r} are not accepted")
        return algorithm

    def verify(self, token: str, key: Any = None) -> Principal:
        algorithm = self._algorithm(token)
        if key is None and algorithm.startswith(ASYMMETRIC_PREFIXES) and not self.public_key:
            raise EventError(ErrorCode.AUTH_INVALID, f"{algorithm} tokens are verified with the JWKS only")
        required = ["exp", *(["iss"] if self.issuer else []), *(["aud"] if self.audience else [])]
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key if key is not None else self._key(algorithm),
                algorithms=[algorithm],
                leeway=self.leeway_seconds,
                issuer=self.issuer,
                audience=self.audience,
                options={"require": required, "verify_aud": self.audience is not None},
            )
        except jwt.ExpiredSignatureError:
            _numeric_dates(jwt.decode(token, options={"verify_signature": False}))  # verified: only the dates are read
            raise EventError(ErrorCode.TOKEN_EXPIRED, "the token has expired; refresh it and reconnect") from None
        except jwt.MissingRequiredClaimError as exc:
            raise EventError(ErrorCode.AUTH_INVALID, f"the token has no '{exc.claim}' claim") from None
        except jwt.InvalidIssuerError:
            raise EventError(ErrorCode.AUTH_INVALID, "the token's issuer (iss) is not the one expected") from None
        except jwt.InvalidAudienceError:
            raise EventError(ErrorCode.AUTH_INVALID, "the token's audience (aud) is not this API") from None
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


def verifier_for(auth: AuthSpec, settings: Settings, *, jwks: bool = True) -> Verifier:
    """The verifier the catalog's `auth:` declares, with the keys (and any override) from the settings; jwks=False
    leaves out every JWKS (a development key pair signs the tokens instead)."""
    if auth.scheme == "none":
        return AnonymousVerifier()
    algorithms = settings.jwt_algorithms or auth.algorithms
    return JwtVerifier(
        algorithms=algorithms,
        secret=settings.jwt_secret,
        public_key=settings.jwt_public_key,
        jwks_url=(settings.jwks_url or auth.jwks_url) if jwks else None,
        issuer=settings.jwt_issuer or auth.issuer,
        audience=settings.jwt_audience or auth.audience,
        user_claim=auth.user_claim,
        user_schema=auth.user_schema,
    )
