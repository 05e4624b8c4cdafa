from boto3.dynamodb.types import TypeSerializer
from shop.catalog.changes import product_change

_s = TypeSerializer()


def _record(event_name, old=None, new=None):
    images = {}
    if old:
        images["OldImage"] = {k: _s.serialize(v) for k, v in old.items()}
    if new:
        images["NewImage"] = {k: _s.serialize(v) for k, v in new.items()}
    return {"eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": images}


PRODUCT = {"productId": "p1", "sku": "BOOK-0001", "active": True, "version": 1}


def test_insert_is_a_created_product():
    change = product_change(_record("INSERT", new=PRODUCT))
    assert (change.event.product_id, change.event.change, change.event.version) == ("p1", "created", 1)


def test_deactivation_is_a_deletion_and_uncaches_both_skus():
    new = {**PRODUCT, "sku": "BOOK-0002", "active": False, "version": 2}
    change = product_change(_record("MODIFY", old=PRODUCT, new=new))
    assert change.event.change == "deleted" and change.event.version == 2
    assert {image["sku"] for image in change.images} == {"BOOK-0001", "BOOK-0002"}


def test_other_modifications_are_updates():
    assert product_change(_record("MODIFY", old=PRODUCT, new={**PRODUCT, "version": 2})).event.change == "updated"


def test_sku_guard_items_are_not_product_changes():
    assert product_change(_record("INSERT", new={"productId": "SKU#BOOK-0001", "guardFor": "p1"})) is None
    assert product_change(_record("REMOVE", old={"productId": "SKU#BOOK-0001", "guardFor": "p1"})) is None
