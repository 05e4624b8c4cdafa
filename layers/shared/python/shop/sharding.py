"""Hash sharding: a key to one of N shards by jump consistent hash, resharding plans, and hot-key
write sharding (one logical counter spread over K sub-keys).

Jump consistent hash (Lamping & Veach, 2014) is ten lines and has no maintained Python package, so
it is written here; the 64-bit key hash is xxHash64 (stable across processes, unlike `hash()`).
Growing from N to N+1 shards moves about 1/(N+1) of the keys, all of them to the new shard.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import xxhash

if TYPE_CHECKING:
    import redis

_MASK64 = 0xFFFFFFFFFFFFFFFF


def stable_hash64(key: str | bytes, seed: int = 0) -> int:
    """xxHash64 of the key's UTF-8 bytes: the same in every process, machine and Python version."""
    return xxhash.xxh64_intdigest(key.encode() if isinstance(key, str) else key, seed)


def jump_hash(key64: int, n_buckets: int) -> int:
    """Lamping & Veach's jump consistent hash: a bucket in [0, n_buckets) for a 64-bit key."""
    if n_buckets < 1:
        raise ValueError("n_buckets must be at least 1")
    bucket, jump = -1, 0
    while jump < n_buckets:
        bucket = jump
        key64 = (key64 * 2862933555777941757 + 1) & _MASK64
        jump = int((bucket + 1) * ((1 << 31) / ((key64 >> 33) + 1)))
    return bucket


@dataclass(frozen=True)
class Move:
    """One key that changes shard in a resharding."""

    key: str
    from_shard: int
    to_shard: int


class ShardRouter:
    """`ShardRouter(8).shard_for("user-42") -> 0..7`. Shards can be added or removed only at the end."""

    def __init__(self, n_shards: int, *, seed: int = 0) -> None:
        if n_shards < 1:
            raise ValueError("n_shards must be at least 1")
        self.n_shards = n_shards
        self.seed = seed

    def shard_for(self, key: str | bytes) -> int:
        return jump_hash(stable_hash64(key, self.seed), self.n_shards)

    def reshard_plan(self, keys: Iterable[str], new_n: int) -> list[Move]:
        return reshard_plan(keys, self.n_shards, new_n, seed=self.seed)


def reshard_plan(keys: Iterable[str], old_n: int, new_n: int, *, seed: int = 0) -> list[Move]:
    """Exactly the keys whose shard differs between `old_n` and `new_n` shards, with both shards."""
    moves = []
    for key in keys:
        key64 = stable_hash64(key, seed)
        before, after = jump_hash(key64, old_n), jump_hash(key64, new_n)
        if before != after:
            moves.append(Move(key, before, after))
    return moves


# ----------------------------------------------------------------------------- hot-key write sharding

def sub_keys(key: str, k: int) -> list[str]:
    """The K sub-keys of one logical key (`"{key}#{i}"`): Redis keys or DynamoDB sort/partition keys."""
    return [f"{key}#{i}" for i in range(k)]


def pick_sub_key(key: str, k: int, writer: str | None = None) -> str:
    """The sub-key a write goes to: random (spreads one hot writer too) or fixed per `writer`."""
    index = random.randrange(k) if writer is None else stable_hash64(writer) % k  # noqa: S311 - load spreading
    return f"{key}#{index}"


class ShardedCounter:
    """One logical counter spread over K sub-keys so that concurrent increments do not all hit one key.

    On Redis: `incr()` is INCRBY on one sub-key, `value()` is MGET of all of them, summed (standalone
    Redis; in cluster mode the sub-keys land on different slots by design, so read them per key).
    Without Redis it is the pure helper for DynamoDB sub-items: `sub_key_for()`, `sub_keys`, `total()`.
    """

    def __init__(self, key: str, k: int = 8, *, redis: redis.Redis | None = None) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.key = key
        self.k = k
        self.redis = redis

    @property
    def sub_keys(self) -> list[str]:
        return sub_keys(self.key, self.k)

    def sub_key_for(self, writer: str | None = None) -> str:
        return pick_sub_key(self.key, self.k, writer)

    @staticmethod
    def total(counts: Iterable[int | str | bytes | None]) -> int:
        """Sum of the sub-counts as read back (missing sub-keys count as zero)."""
        return sum(int(c) for c in counts if c is not None)

    def incr(self, amount: int = 1, *, writer: str | None = None) -> int:
        """Add to one sub-key; returns that sub-key's new count (not the total)."""
        return int(self._client().incrby(self.sub_key_for(writer), amount))

    def value(self) -> int:
        return self.total(self._client().mget(self.sub_keys))

    def reset(self) -> None:
        self._client().delete(*self.sub_keys)

    def _client(self) -> redis.Redis:
        if self.redis is None:
            raise RuntimeError("this ShardedCounter has no Redis client (use sub_key_for/total for DynamoDB)")
        return self.redis
