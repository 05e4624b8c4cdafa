"""The payment sandbox, as `chalice deploy` and `chalice local` find it: `app` at module level."""

from chalicelib.application import create_app

app = create_app()
