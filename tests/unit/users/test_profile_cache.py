"""Profiles are read through Redis (L2 only) and a change is seen at once by every environment."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from localcloud.redisd import ensure_redis
from shop.cache import PassThroughCache, TieredCache, cache_for
from shop.users.models import ProfileUpdate
from shop.users.service import UserService

PASSWORD = "password123"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    handle = ensure_redis(os.environ.get("REDIS_URL"))
    yield handle.url
    handle.stop()


def environment(users: UserService, redis_url: str, namespace: str) -> UserService:
    """Another execution environment of the profile functions: its own service, the same Redis."""
    cache = TieredCache(namespace, redis=redis.Redis.from_url(redis_url), l1_ttl=0, l2_ttl=60, negative_ttl=0)
    return UserService(users.identity, users.repository, cache=cache)


def test_a_profile_read_twice_reaches_the_table_once(users, redis_url, monkeypatch) -> None:
    namespace = f"profile-{uuid.uuid4().hex[:8]}"
    reader = environment(users, redis_url, namespace)
    user_id = users.sign_up("ada@example.com", PASSWORD)
    reads: list[str] = []
    real_get = reader.repository.get
    monkeypatch.setattr(reader.repository, "get", lambda uid: reads.append(uid) or real_get(uid))
    first = reader.profile(user_id, None)
    second = reader.profile(user_id, None)
    assert first == second and reads == [user_id]
    assert reader.cache.counters["l2_hit"] == 1


def test_a_change_in_one_environment_is_read_at_once_in_another(users, redis_url) -> None:
    namespace = f"profile-{uuid.uuid4().hex[:8]}"
    get_me, patch_me = environment(users, redis_url, namespace), environment(users, redis_url, namespace)
    user_id = users.sign_up("ada@example.com", PASSWORD)
    assert get_me.profile(user_id, None).name is None  # now cached in Redis
    patch_me.update_profile(user_id, None, ProfileUpdate(name="Ada"))
    assert get_me.profile(user_id, None).name == "Ada"


def test_the_cache_switch_gives_the_same_code_no_cache(monkeypatch) -> None:
    monkeypatch.setenv("CACHE_ENABLED", "false")
    cache = cache_for("profile")
    assert isinstance(cache, PassThroughCache)
    loads: list[int] = []
    assert cache.get_or_load("k", lambda: loads.append(1) or {"v": 1}) == {"v": 1}
    assert cache.get_or_load("k", lambda: loads.append(1) or {"v": 1}) == {"v": 1}
    assert loads == [1, 1]
    monkeypatch.setenv("CACHE_ENABLED", "true")
    assert isinstance(cache_for("profile", l1_ttl=5), TieredCache)
