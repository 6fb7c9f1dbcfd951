"""The shared cache: Redis when ``REDIS_URL`` is set (the scale-out setup)."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

import pytest

REDIS_URL = os.environ.get("REDIS_URL")

needs_redis = pytest.mark.skipif(
    not REDIS_URL,
    reason="REDIS_URL is not set: the local-memory cache is in use "
    "(CI sets REDIS_URL=redis://127.0.0.1:6379/15 on the PostgreSQL leg)",
)


@needs_redis
def test_configured_cache_is_redis():
    config = settings.CACHES["default"]
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == REDIS_URL
    assert isinstance(caches["default"], RedisCache)


@needs_redis
def test_round_trip_through_the_real_server():
    import redis

    key = f"roundtrip-{uuid.uuid4().hex}"
    value = {"статус": "ok", "n": 42}
    server = redis.Redis.from_url(REDIS_URL)
    try:
        cache.set(key, value, timeout=30)
        assert cache.get(key) == value
        # The value lives on the server, not in this process.
        raw_key = cache.make_and_validate_key(key)
        assert server.exists(raw_key) == 1
        assert 0 < server.ttl(raw_key) <= 30
        cache.set(key + "-n", 1)
        assert cache.incr(key + "-n") == 2
    finally:
        cache.delete_many([key, key + "-n"])
    assert server.exists(cache.make_and_validate_key(key)) == 0
    assert cache.get(key) is None


def test_without_redis_url_the_cache_is_local_memory():
    if REDIS_URL:
        pytest.skip("REDIS_URL is set: this leg uses Redis")
    assert (
        settings.CACHES["default"]["BACKEND"]
        == "django.core.cache.backends.locmem.LocMemCache"
    )
