import pytest
from pydantic import ValidationError
from shop.catalog.models import ProductInput

VALID = {"sku": "BOOK-0001", "name": "Dune", "category": "books", "price": 1299}


@pytest.mark.parametrize(
    "change",
    [
        {"price": 0},
        {"price": -5},
        {"price": 12.5},
        {"price": "1299"},
        {"price": 10**12},
        {"name": ""},
        {"name": "x" * 201},
        {"category": "weapons"},
        {"sku": "bad sku"},
        {"currency": "EUR"},
        {"imageUrl": "javascript:alert(1)"},
        {"unexpected": 1},
    ],
)
def test_invalid_product_input_is_refused(change):
    with pytest.raises(ValidationError):
        ProductInput.model_validate({**VALID, **change})


def test_valid_input_gets_defaults():
    product = ProductInput.model_validate(VALID)
    assert product.currency == "USD" and product.description == "" and "active" not in product.model_dump()
