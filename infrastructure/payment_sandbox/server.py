"""Serve the payment sandbox with `chalice.local` in a background thread (for the local cloud and tests).

    python infrastructure/payment_sandbox/server.py --port 8090
    python -m infrastructure.payment_sandbox.server --port 8090
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalChalice, LocalDevServer, ThreadedHTTPServer

if __package__:
    from .chalicelib.application import SandboxSettings, create_app
    from .chalicelib.keys import Account
else:  # run as a script: the sandbox folder is what Chalice itself puts on the path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from chalicelib.application import SandboxSettings, create_app  # type: ignore[no-redef]
    from chalicelib.keys import Account  # type: ignore[no-redef]


class _NoDelayRequestHandler(ChaliceRequestHandler):
    # Nagle plus delayed ACK stalls every keep-alive response by ~44 ms: send segments at once.
    disable_nagle_algorithm = True
    quiet = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        if not self.quiet:
            super().log_message(format, *args)


class _Server(ThreadedHTTPServer):
    # socketserver's backlog of 5 overflows when a crowd of shoppers connects at once (the flash sale)
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test, a retry) is not a server error worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@dataclass
class SandboxServer:
    url: str
    app: Chalice
    _server: LocalDevServer
    _thread: threading.Thread

    @property
    def api_key(self) -> str | None:
        """The first account's secret key (None while no account is registered)."""
        accounts = self.app.sandbox.keys.accounts  # type: ignore[attr-defined]
        return accounts[0].secret_key if accounts else None

    @property
    def publishable_key(self) -> str | None:
        accounts = self.app.sandbox.keys.accounts  # type: ignore[attr-defined]
        return accounts[0].publishable_key if accounts else None

    @property
    def tokenize_url(self) -> str:
        return f"{self.url}/v1/payment_methods"

    def add_account(self, secret_key: str, publishable_key: str | None = None) -> None:
        """Register a merchant account while serving (the local cloud hands over the template's secrets)."""
        self.app.sandbox.keys.add(Account(secret_key, publishable_key))  # type: ignore[attr-defined]

    def send_webhooks(self, url: str, secret: str) -> None:
        """Sign every event with `secret` and POST it to `url`, from now on and after a reset too."""
        self.app.sandbox.switchboard.set_defaults({"webhookUrl": url, "webhookSecret": secret})  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Stop serving, close the socket and webhook threads; safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server.server_close()
        self.app.sandbox.webhooks.close()  # type: ignore[attr-defined]

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    config: Mapping[str, Any] | None = None,
    *,
    api_key: str | None = None,
    publishable_key: str | None = None,
    accounts: tuple[Account, ...] | None = None,
    log_requests: bool = False,
) -> SandboxServer:
    """Start a sandbox with its own state and return once it listens (port 0: any free port).

    `config` takes the wire names of `PUT /_sandbox/config` (latencyMs, errorRate, webhookUrl, ...);
    `api_key` / `publishable_key` override SANDBOX_API_KEY / SANDBOX_PUBLISHABLE_KEY (defaults
    sk_test_local / pk_test_local); `accounts` replaces them all (`()`: none until `add_account`).
    """
    environ = dict(os.environ)
    if api_key is not None:
        environ["SANDBOX_API_KEY"] = api_key
    if publishable_key is not None:
        environ["SANDBOX_PUBLISHABLE_KEY"] = publishable_key
    settings = SandboxSettings.from_env(environ, overrides=config)
    if accounts is not None:
        settings = replace(settings, accounts=accounts)
    app = create_app(settings)
    # What chalice.local.create_local_server does, with a class of our own per app and our handler.
    app.__class__ = type("LocalSandboxChalice", (LocalChalice, app.__class__), {})
    handler = type("SandboxRequestHandler", (_NoDelayRequestHandler,), {"quiet": not log_requests})
    server = LocalDevServer(app, Config.create(chalice_stage="dev"), host, port, handler_cls=handler,
                            server_cls=_Server)
    bound_host, bound_port = server.server.server_address[:2]
    # Listening already (the socket is bound and listening once HTTPServer is built).
    # A short poll interval makes stop() quick (serve_forever checks for shutdown between polls).
    thread = threading.Thread(target=server.server.serve_forever, args=(0.05,), name="payment-sandbox", daemon=True)
    thread.start()
    return SandboxServer(f"http://{bound_host}:{bound_port}", app, server, thread)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the payment sandbox (a stand-in card processor).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    sandbox = start_sandbox(args.host, args.port, log_requests=not args.quiet)
    print(f"payment sandbox on {sandbox.url}: secret key {sandbox.api_key}, publishable key "
          f"{sandbox.publishable_key} (tokenize at {sandbox.tokenize_url})", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
