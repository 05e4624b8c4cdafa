"""The storefront's static files (frontend/dist) on a port of their own, as S3 behind CloudFront
would serve them on their own origin, plus the one file a deploy writes next to them:
config.json, which tells the page where the API is (and, locally, where the console is)."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RUNTIME_CONFIG = "/config.json"


class _Handler(SimpleHTTPRequestHandler):
    site_config: bytes = b"{}"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path.split("?", 1)[0] == RUNTIME_CONFIG:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.site_config)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(self.site_config)
            return
        super().do_GET()

    def end_headers(self) -> None:
        # hashed assets never change; index.html must be revalidated to pick up a new build
        immutable = self.path.startswith("/assets/")
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def list_directory(self, path: Any) -> None:  # noqa: ARG002 - a site, not a file browser
        self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet, like the AWS endpoint
        pass


class StaticSite:
    def __init__(self, directory: Path, host: str, port: int, config: dict[str, Any]) -> None:
        handler = type("SiteHandler", (_Handler,), {"site_config": json.dumps(config).encode()})
        self.server = ThreadingHTTPServer((host, port), partial(handler, directory=str(directory)))
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="storefront", daemon=True)

    def start(self) -> StaticSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
