"""Create, verify and revoke API keys.

A raw key looks like ``rsk_<prefix>_<secret>``. The prefix finds the row (it is unique and shown
in the admin); the secret never touches the database, only its SHA-256. A slow password hash is
not needed: the secret is 32 random bytes, so there is nothing to guess, and a fast hash keeps
verification off the hot path of every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.utils import timezone

from reviewsec.api.models import ApiKey

KEY_SCHEME = "rsk"
# Writing last_used_at on every request would turn each read into a write; once a minute is
# plenty to tell a key in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_key_create(*, name: str) -> tuple[ApiKey, str]:
    """Store a new key and return it with the raw key, which cannot be recovered later."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name, prefix=prefix, hashed_key=_hash(secret))
    return key, f"{KEY_SCHEME}_{prefix}_{secret}"


def api_key_verify(*, raw_key: str) -> ApiKey | None:
    """The active key ``raw_key`` belongs to, or None for a malformed, unknown or revoked key."""
    scheme, _, rest = raw_key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or not prefix or not secret:
        return None
    key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.hashed_key, _hash(secret)):
        return None
    _touch(key)
    return key


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(id=key.id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    # Conditional UPDATE: of many concurrent requests, at most one per minute writes.
    ApiKey.objects.filter(id=key.id).exclude(last_used_at__gt=now - LAST_USED_RESOLUTION).update(
        last_used_at=now
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
