"""ProductsTable adapter (boto3: transactions and conditions read clearer than in an ORM here).

One item per product (key productId) plus one guard item per SKU (key "SKU#<sku>", no sku or
category attribute so no index sees it): writing both in one transaction makes SKU uniqueness
hold under concurrency, which a lookup in the eventually consistent bySku GSI cannot promise.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shop.aws import client
from shop.catalog.models import Product
from shop.config import require_env
from shop.errors import Conflict

SKU_GUARD_PREFIX = "SKU#"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class SkuTaken(Conflict):
    code = "SKU_TAKEN"


class ConcurrentUpdate(Conflict):
    code = "CONCURRENT_UPDATE"


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    values = {k: _deserializer.deserialize(v) for k, v in item.items()}
    # numbers come back as Decimal
    return {k: int(v) if k in ("price", "version") else v for k, v in values.items()}


def is_sku_guard(product_id: str) -> bool:
    return product_id.startswith(SKU_GUARD_PREFIX)


def _guard_key(sku: str) -> dict[str, Any]:
    return {"productId": {"S": SKU_GUARD_PREFIX + sku}}


class ProductRepository:
    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or require_env("PRODUCTS_TABLE")

    @property
    def _ddb(self) -> Any:
        return client("dynamodb")

    # ------------------------------------------------------------------ reads
    def get(self, product_id: str, *, consistent: bool = False) -> Product | None:
        if is_sku_guard(product_id):
            return None
        found = self._ddb.get_item(
            TableName=self.table_name, Key={"productId": {"S": product_id}}, ConsistentRead=consistent
        ).get("Item")
        return Product.model_validate(_from_item(found)) if found else None

    def get_by_sku(self, sku: str) -> Product | None:
        """The active product with `sku` (bySku GSI), else the newest inactive one, else None."""
        items = self._ddb.query(
            TableName=self.table_name,
            IndexName="bySku",
            KeyConditionExpression="sku = :sku",
            ExpressionAttributeValues={":sku": {"S": sku}},
        )["Items"]
        products = [Product.model_validate(_from_item(i)) for i in items]
        products.sort(key=lambda p: (p.active, p.updatedAt), reverse=True)
        return products[0] if products else None

    def page(
        self, *, category: str | None, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[Product], dict[str, str] | None]:
        """Up to `limit` active products (of `category` when given) and the key to continue from."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "FilterExpression": "active = :true",
            "ExpressionAttributeValues": {":true": {"BOOL": True}},
        }
        if category:
            request.update(IndexName="byCategory", KeyConditionExpression="category = :category")
            request["ExpressionAttributeValues"][":category"] = {"S": category}
            call = self._ddb.query
        else:
            # guard items have no sku: the filter keeps them out of the unfiltered listing
            request["FilterExpression"] += " AND attribute_exists(sku)"
            call = self._ddb.scan
        products: list[Product] = []
        key = {k: {"S": v} for k, v in start_key.items()} if start_key else None
        while True:
            # Limit counts evaluated items, so asking for what is missing never skips a match
            response = call(**request, Limit=limit - len(products), **({"ExclusiveStartKey": key} if key else {}))
            products.extend(Product.model_validate(_from_item(i)) for i in response["Items"])
            key = response.get("LastEvaluatedKey")
            if not key or len(products) >= limit:
                break
        next_key = {k: v["S"] for k, v in key.items()} if key else None
        return products, next_key

    def all_active(self) -> list[Product]:
        """Every active product (builds the search index; a few thousand items, paged scan)."""
        paginator = self._ddb.get_paginator("scan")
        products: list[Product] = []
        for page in paginator.paginate(
            TableName=self.table_name,
            FilterExpression="active = :true AND attribute_exists(sku)",
            ExpressionAttributeValues={":true": {"BOOL": True}},
        ):
            products.extend(Product.model_validate(_from_item(i)) for i in page["Items"])
        return products

    # ------------------------------------------------------------------ writes
    def create(self, product: Product) -> Product:
        """Insert a new product and claim its SKU atomically (SkuTaken when another product holds it)."""
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": _to_item(product.model_dump()),
                        "ConditionExpression": "attribute_not_exists(productId)",
                    }
                },
                self._claim_sku(product),
            ],
            product,
        )
        return product

    def replace(self, product: Product, previous: Product) -> Product:
        """Write `product` over `previous` if nobody changed it meanwhile; moves the SKU claim if needed."""
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": _to_item(product.model_dump()),
                    "ConditionExpression": "version = :previous",
                    "ExpressionAttributeValues": {":previous": {"N": str(previous.version)}},
                }
            }
        ]
        held_before = previous.active
        held_after = product.active
        if held_before and (not held_after or product.sku != previous.sku):
            actions.append(self._release_sku(previous))
        if held_after and (not held_before or product.sku != previous.sku):
            actions.append(self._claim_sku(product))
        self._transact(actions, product)
        return product

    def _claim_sku(self, product: Product) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": {**_guard_key(product.sku), "guardFor": {"S": product.productId}},
                "ConditionExpression": "attribute_not_exists(productId) OR guardFor = :me",
                "ExpressionAttributeValues": {":me": {"S": product.productId}},
            }
        }

    def _release_sku(self, product: Product) -> dict[str, Any]:
        return {"Delete": {"TableName": self.table_name, "Key": _guard_key(product.sku)}}

    def _transact(self, actions: list[dict[str, Any]], product: Product) -> None:
        try:
            self._ddb.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons") or []
            codes = [r.get("Code") for r in reasons]
            # the product item is always the first action; a guard is a later one
            if any(code == "ConditionalCheckFailed" for code in codes[1:]):
                raise SkuTaken(
                    f"sku {product.sku} is already used by another product", details={"field": "sku"}
                ) from exc
            if codes and codes[0] == "ConditionalCheckFailed":
                raise ConcurrentUpdate("the product changed meanwhile; read it again and retry") from exc
            raise
