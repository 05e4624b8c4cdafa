"""Admin-only functions: the group is checked before request validation, not after.

Powertools validates the request in its first middleware, so a role check in the handler would
let a non-admin tell valid bodies from invalid ones (422 before 403). This makes it 403 first.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)

from shop.http import require_admin


class _AdminThenValidate(OpenAPIRequestValidationMiddleware):
    def handler(self, app: Any, next_middleware: Any) -> Any:
        require_admin(app)  # Unauthorized / Forbidden go through the app's one error mapping
        return super().handler(app, next_middleware)


def admin_only(app: Any) -> Any:
    """Make every route of `app` (a `shop.http.create_app()` resolver) refuse non-admins before validating."""
    # the resolver reads this attribute when it builds each route's middleware stack (first call)
    app._request_validation_middleware = _AdminThenValidate()
    return app
