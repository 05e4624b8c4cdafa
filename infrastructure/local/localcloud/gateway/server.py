"""Runs the gateway's ASGI app in uvicorn on a background thread, for the local cloud and tests."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from localcloud.gateway.app import LocalApiGateway

_START_TIMEOUT_S = 10.0


class GatewayServer:
    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, sock: socket.socket, host: str, port: int
    ) -> None:
        self._server = server
        self._thread = thread
        self._socket = sock
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Returns once uvicorn has closed its sockets (the port is free again)."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._socket.close()


def start_gateway(gateway: LocalApiGateway, host: str = "127.0.0.1", port: int = 3000) -> GatewayServer:
    """Serve the gateway on host:port (0 picks a free port); returns once it is listening."""
    config = uvicorn.Config(
        gateway.app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # the gateway logs one line per request itself
        lifespan="off",
        server_header=False,
        date_header=False,
        timeout_keep_alive=75,  # clients keep connections; API Gateway's idle timeout is longer still
        timeout_graceful_shutdown=2,
    )
    # Bound here, not by uvicorn, so that a busy port raises OSError in the caller's thread.
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so (else 40 ms stalls).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"gateway-{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(1.0)
            sock.close()
            raise OSError(f"the local API Gateway did not start on {host}:{bound_port}")
        time.sleep(0.005)
    return GatewayServer(server, thread, sock, host, bound_port)
