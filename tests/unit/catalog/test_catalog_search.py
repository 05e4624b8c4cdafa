from shop.catalog.search import build_index, search, tokens


def _index():
    return build_index(
        [
            {"productId": "a", "name": "Wireless Headphones", "description": "Noise cancelling, café quality"},
            {"productId": "b", "name": "Crème brûlée torch", "description": "Kitchen tool for desserts"},
            {"productId": "c", "name": "Garden hose", "description": "Wireless? No, 20 m of rubber"},
        ]
    )


def test_tokens_fold_case_and_accents():
    assert tokens("Crème BRÛLÉE, café-au-lait!") == ["creme", "brulee", "cafe", "au", "lait"]


def test_search_is_accent_and_case_insensitive():
    assert [p["productId"] for p in search(_index(), "CREME Brulee")] == ["b"]
    assert [p["productId"] for p in search(_index(), "Café")] == ["a"]


def test_every_query_word_must_match():
    assert [p["productId"] for p in search(_index(), "wireless torch")] == []
    assert [p["productId"] for p in search(_index(), "wireless rubber")] == ["c"]


def test_last_word_matches_as_prefix():
    assert [p["productId"] for p in search(_index(), "head")] == ["a"]
    assert search(_index(), "headphones hos") == []


def test_name_matches_rank_above_description_matches():
    assert [p["productId"] for p in search(_index(), "wireless")] == ["a", "c"]


def test_query_without_words_finds_nothing():
    assert search(_index(), "  ,;!  ") == []


def test_index_is_plain_json():
    import json

    assert json.loads(json.dumps(_index()))["vocab"] == _index()["vocab"]
