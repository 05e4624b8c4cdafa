import pytest
from shop.catalog.cursor import InvalidCursor
from shop.catalog.models import ProductInput
from shop.catalog.repository import ConcurrentUpdate, SkuTaken
from shop.catalog.service import CatalogService, ProductNotFound


def _input(sku="BOOK-0001", name="Dune", category="books", price=1299, **more):
    return ProductInput(sku=sku, name=name, category=category, price=price, **more)


def test_created_product_is_readable_by_id_and_sku(catalog: CatalogService):
    created = catalog.create(_input(description="Spice and sand"))
    assert created.version == 1 and created.active
    assert catalog.get_product(created.productId) == created
    assert catalog.get_by_sku("BOOK-0001") == created


def test_duplicate_sku_is_a_conflict(catalog: CatalogService):
    catalog.create(_input())
    with pytest.raises(SkuTaken) as caught:
        catalog.create(_input(name="Another"))
    assert caught.value.status == 409


def test_reads_are_cached_and_a_change_invalidates_them(catalog: CatalogService, cache):
    created = catalog.create(_input())
    catalog.get_product(created.productId)
    loads = cache.loads
    catalog.get_product(created.productId)
    assert cache.loads == loads
    updated = catalog.replace(created.productId, _input(price=999))
    assert catalog.get_product(created.productId).price == 999
    assert updated.version == 2


def test_replace_can_move_the_sku_and_frees_the_old_one(catalog: CatalogService):
    created = catalog.create(_input())
    catalog.replace(created.productId, _input(sku="BOOK-0002"))
    assert catalog.get_by_sku("BOOK-0002").productId == created.productId
    assert catalog.get_by_sku("BOOK-0001") is None
    assert catalog.create(_input(sku="BOOK-0001")).sku == "BOOK-0001"


def test_replace_to_a_taken_sku_is_a_conflict_and_changes_nothing(catalog: CatalogService):
    first = catalog.create(_input())
    second = catalog.create(_input(sku="BOOK-0002"))
    with pytest.raises(SkuTaken):
        catalog.replace(second.productId, _input(sku="BOOK-0001"))
    assert catalog.get_product(second.productId).sku == "BOOK-0002"
    assert catalog.get_by_sku("BOOK-0001").productId == first.productId


def test_stale_replace_is_refused(catalog: CatalogService, repository):
    created = catalog.create(_input())
    newer = created.model_copy(update={"version": 2, "name": "Dune II"})
    repository.replace(newer, created)
    with pytest.raises(ConcurrentUpdate):
        repository.replace(created.model_copy(update={"version": 2}), created)


def test_deleted_product_disappears_and_its_sku_is_free(catalog: CatalogService):
    created = catalog.create(_input())
    catalog.delete(created.productId)
    assert catalog.get_product(created.productId) is None
    assert catalog.get_product(created.productId, include_inactive=True).active is False
    assert catalog.search("dune").total == 0
    with pytest.raises(ProductNotFound):
        catalog.delete(created.productId)
    catalog.create(_input(name="Dune reprint"))


def test_unknown_product_is_not_found(catalog: CatalogService):
    assert catalog.get_product("nope") is None
    with pytest.raises(ProductNotFound):
        catalog.replace("nope", _input())


def test_pages_walk_every_active_product_once(catalog: CatalogService):
    for n in range(7):
        catalog.create(_input(sku=f"BOOK-{n:04d}", name=f"Book {n}"))
    for n in range(3):
        catalog.create(_input(sku=f"TOY-{n:04d}", name=f"Toy {n}", category="toys"))
    seen, cursor = [], None
    while True:
        page = catalog.list_products(category="books", cursor=cursor, limit=3)
        assert len(page.items) <= 3
        seen += [p.sku for p in page.items]
        cursor = page.nextCursor
        if not cursor:
            break
    assert sorted(seen) == [f"BOOK-{n:04d}" for n in range(7)]
    everything = catalog.list_products(category=None, cursor=None, limit=100)
    assert len(everything.items) == 10 and everything.nextCursor is None  # guard items never listed


def test_cursor_of_another_category_is_refused(catalog: CatalogService):
    for n in range(3):
        catalog.create(_input(sku=f"BOOK-{n:04d}"))
    cursor = catalog.list_products(category="books", cursor=None, limit=1).nextCursor
    with pytest.raises(InvalidCursor):
        catalog.list_products(category="toys", cursor=cursor, limit=1)
    with pytest.raises(InvalidCursor):
        catalog.list_products(category=None, cursor=cursor, limit=1)


def test_search_finds_by_name_and_description(catalog: CatalogService):
    catalog.create(_input(name="Café Table", category="home", sku="HOME-0001", description="Solid oak"))
    catalog.create(_input(name="Oak shelf", category="home", sku="HOME-0002"))
    result = catalog.search("OAK")
    assert result.total == 2 and result.items[0].name == "Oak shelf"
    assert [p.sku for p in catalog.search("cafe").items] == ["HOME-0001"]
