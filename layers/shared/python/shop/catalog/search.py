"""Text search over product name and description: an inverted index small enough to cache.

Why this design: a few thousand products make an index of a few hundred KB. It is built once from
the table, kept in the tiered cache (L1 in the execution environment, L2 Redis) and dropped when a
product changes, so a query costs a dictionary walk in memory (well under a millisecond) instead of
a table scan per request. A dedicated engine (OpenSearch) is the step after tens of thousands.

Tokens: Unicode NFKD, accents stripped, case-folded, split on anything not a letter or digit. All
query tokens must match (AND); the last one also matches as a prefix ("head" finds "headphones").
The index is a plain JSON-able dict so the cache can store it as is.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TOKENS = 10
NAME_WEIGHT = 3  # a word in the name says more about the product than one in its description


def tokens(text: str) -> list[str]:
    """The words of `text`, accent- and case-insensitive ("Café CRÈME" -> ["cafe", "creme"])."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(stripped.casefold())


def build_index(products: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """An index over products (dicts with productId, name, description): {docs, vocab, postings}."""
    docs: dict[str, dict[str, Any]] = {}
    postings: dict[str, dict[str, int]] = {}
    for product in products:
        product_id = product["productId"]
        docs[product_id] = product
        for weight, text in ((NAME_WEIGHT, product.get("name", "")), (1, product.get("description", ""))):
            for token in set(tokens(text)):
                scores = postings.setdefault(token, {})
                scores[product_id] = scores.get(product_id, 0) + weight
    return {"docs": docs, "vocab": sorted(postings), "postings": postings}


def _matches(index: dict[str, Any], token: str, *, prefix: bool) -> dict[str, int]:
    postings: dict[str, dict[str, int]] = index["postings"]
    if not prefix:
        return dict(postings.get(token, {}))
    vocab: list[str] = index["vocab"]
    found: dict[str, int] = {}
    # vocab is sorted: the words starting with `token` are one contiguous run
    for word in vocab[bisect.bisect_left(vocab, token) :]:
        if not word.startswith(token):
            break
        for product_id, score in postings[word].items():
            found[product_id] = max(found.get(product_id, 0), score)
    return found


def search(index: dict[str, Any], query: str) -> list[dict[str, Any]]:
    """Products matching every word of `query`, best first (score, then name)."""
    words = list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TOKENS]
    if not words:
        return []
    scores: dict[str, int] | None = None
    for position, word in enumerate(words):
        matched = _matches(index, word, prefix=position == len(words) - 1)
        if scores is None:
            scores = matched
        else:
            scores = {pid: scores[pid] + s for pid, s in matched.items() if pid in scores}
        if not scores:
            return []
    docs = index["docs"]
    assert scores is not None  # noqa: S101 - for the type checker: a query has at least one term here
    ranked = sorted(scores, key=lambda pid: (-scores[pid], docs[pid].get("name", ""), pid))
    return [docs[pid] for pid in ranked]
