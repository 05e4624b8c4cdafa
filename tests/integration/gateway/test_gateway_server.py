"""start_gateway / stop: the server's lifecycle as the local cloud uses it."""

from __future__ import annotations

import socket

import httpx
import pytest
from gateway_support import FakeInvoker, free_port
from localcloud.gateway import LocalApiGateway, start_gateway


def test_start_listens_on_the_port_and_stop_frees_it(make_stack):
    gateway = LocalApiGateway(make_stack(), FakeInvoker(), quiet=True)
    port = free_port()
    server = start_gateway(gateway, "127.0.0.1", port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert client.get("/health").status_code == 200
    finally:
        server.stop()
        gateway.close()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # raises if the gateway still held it


def test_start_on_a_busy_port_raises(make_stack):
    gateway = LocalApiGateway(make_stack(), FakeInvoker(), quiet=True)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError):
            start_gateway(gateway, "127.0.0.1", busy.getsockname()[1])
    gateway.close()


def test_connections_are_served_with_tcp_nodelay(make_stack):
    gateway = LocalApiGateway(make_stack(), FakeInvoker(), quiet=True)
    server = start_gateway(gateway, "127.0.0.1", 0)
    try:
        with httpx.Client(base_url=server.url) as client:
            client.get("/health")
            connections = list(server._server.server_state.connections)
            options = [
                c.transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                for c in connections
            ]
    finally:
        server.stop()
        gateway.close()

    assert options and all(options)  # without it keep-alive requests stall ~40 ms (Nagle, delayed ACK)
