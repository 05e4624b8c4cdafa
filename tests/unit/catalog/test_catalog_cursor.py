import pytest
from shop.catalog.cursor import InvalidCursor, decode_cursor, encode_cursor


def test_cursor_round_trips_a_key():
    key = {"productId": "p1", "category": "books"}
    assert decode_cursor(encode_cursor(key), expected_keys={"productId", "category"}) == key


def test_no_key_means_no_cursor():
    assert encode_cursor(None) is None
    assert decode_cursor(None, expected_keys={"productId"}) is None


@pytest.mark.parametrize("bad", ["!!!", "bm90IGpzb24", encode_cursor({"other": "x"}), "e30", "W10", "a" * 2000])
def test_tampered_cursor_names_no_page(bad):
    with pytest.raises(InvalidCursor) as caught:
        decode_cursor(bad, expected_keys={"productId"})
    assert caught.value.status == 404
