"""The HTTP edge every API function shares, on Powertools' public API only.

    from shop.http import cacheable, create_app, current_user

    app = create_app()                       # create_app(admin=True): every route admin only

    @app.get("/products/<productId>")
    def get_product(productId: str):
        return cacheable(app, product.model_dump(), max_age=60)

    @instrument
    def handler(event, context):
        return app.resolve(event, context)

One module per job: `resolver` (the resolver, the order of checks, the documented edge answers),
`identity` (the signed-in user and the admin check), `body` (unreadable bodies refused), `errors`
(the one error mapping and its log levels), `encoding` (JSON out), `conditional` (ETag and 304).
"""

from shop.http.conditional import cacheable, etag_of
from shop.http.encoding import dumps, json_response
from shop.http.errors import error_response
from shop.http.identity import (
    ADMIN_GROUP,
    Access,
    Principal,
    current_user,
    parse_groups,
    require_admin,
    require_path_owner,
)
from shop.http.resolver import MAX_BODY_BYTES_DEFAULT, ShopResolver, create_app

__all__ = [
    "ADMIN_GROUP",
    "MAX_BODY_BYTES_DEFAULT",
    "Access",
    "Principal",
    "ShopResolver",
    "cacheable",
    "create_app",
    "current_user",
    "dumps",
    "error_response",
    "etag_of",
    "json_response",
    "parse_groups",
    "require_admin",
    "require_path_owner",
]
