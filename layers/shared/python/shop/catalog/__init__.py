"""The product catalog: models, the DynamoDB repository, text search and the cached read API.

Other services read the catalog through `shop.catalog.service.CatalogService`
(`get_product(product_id)`, `get_by_sku(sku)`), never through the table.
"""
