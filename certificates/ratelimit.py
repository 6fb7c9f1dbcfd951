"""Per-address rate limit for the public verification endpoints.

Every request that asks the database about a code or a file (the verification
page and its JSON, the achievement JSON, a "check a file" upload) spends one
hit from the client address's budget, ``conf.verify_rate()`` = ``(count,
seconds)``, in fixed windows of ``seconds``. Pages that only show a form or
redirect a mistyped code to its canonical address spend nothing; the lookup
form's redirect is refused (without spending) once the budget is gone.

Counters live in Django's cache, so they are shared by every process when the
cache is shared (Redis) and per process with the local-memory cache. The
update is atomic on both: ``cache.add`` creates the window's counter only if
it is missing, ``cache.incr`` increments it in place.

Client address
    ``REMOTE_ADDR``, unless ``LMS_TRUSTED_PROXY_COUNT`` (default 0) says how
    many reverse proxies we run in front of the application. Each proxy appends
    the address it received the request from to ``X-Forwarded-For``, so with N
    trusted proxies the client is the N-th entry from the right; anything to its
    left was written by the client and is ignored. Set it only when the
    application cannot be reached except through those proxies, or clients
    can choose their own address. IPv6 clients are counted per /64 network,
    the block a single household or phone usually gets.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from . import conf

KEY_PREFIX = "certificates:rate"
SCOPE = "verify"


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "LMS_TRUSTED_PROXY_COUNT", 0) or 0))


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address to count requests against (see the module docstring)."""
    address = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = trusted_proxy_count()
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = _parse_ip(forwarded[-proxies]) or address
    if address is None:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _window() -> tuple[str, int, int]:
    count, seconds = conf.verify_rate()
    seconds = max(1, int(seconds))
    now = time.time()
    index = int(now // seconds)
    retry_after = max(1, math.ceil(seconds - (now % seconds)))
    return f"{index}:{seconds}", int(count), retry_after


def _key(request: HttpRequest, window: str) -> str:
    # Hashed so that addresses are not stored in the cache in the clear.
    who = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{SCOPE}:{who}:{window}"


def hit(request: HttpRequest) -> RateLimit:
    """Spend one request from the client's budget; ``allowed`` says whether it
    was still within the limit."""
    window, limit, retry_after = _window()
    key = _key(request, window)
    timeout = retry_after + 1
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again at one
        cache.set(key, 1, timeout=timeout)
        count = 1
    return RateLimit(count <= limit, count, limit, retry_after)


def peek(request: HttpRequest) -> RateLimit:
    """The client's state without spending anything."""
    window, limit, retry_after = _window()
    count = int(cache.get(_key(request, window)) or 0)
    return RateLimit(count < limit, count, limit, retry_after)
