"""moto as the local AWS endpoint: in-process ThreadedMotoServer with the control API in front,
request logging silenced, and the Step Functions interpreter switched on."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.config import default_user_config
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.utilities.docker_utilities import DockerModel
from werkzeug.serving import make_server

from localcloud import dynamodb_transactions
from localcloud.control import ControlMiddleware, WSGIApp
from localcloud.iam import IamMiddleware

DYNAMODB_TARGET = "DynamoDB_20120810."


class SerializedDynamoDB:
    """DynamoDB requests one at a time. Real DynamoDB applies a conditional write or a transaction
    atomically; moto 5.2.5 does not under concurrent requests (a cancelled TransactWriteItems
    restores a snapshot of the whole table, erasing writes committed meanwhile), so concurrent
    reservations could oversell locally. Moto is GIL-bound anyway: serializing costs little."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET):
            return self.app(environ, start_response)
        with self.lock:
            return list(self.app(environ, start_response))  # the whole response inside the lock


class _QuietHandler(MotoRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:  # werkzeug logs every call otherwise
        pass


class AwsEndpoint(ThreadedMotoServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 4566) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self.iam = IamMiddleware(SerializedDynamoDB(DomainDispatcherApplication(create_backend_app)))
        self.control = ControlMiddleware(self.iam)

    def start(self) -> None:
        # bind here, not in the thread: a port in use must fail the start, not hang it
        self._server = make_server(self._ip_address, self._port, self.control, True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        self._server_ready_event.set()

    @property
    def url(self) -> str:
        return f"http://{self._ip_address}:{self._port}"


def _no_docker(self: object) -> None:
    raise AttributeError("the local cloud runs functions without Docker")


def start_endpoint(host: str = "127.0.0.1", port: int = 4566) -> AwsEndpoint:
    """Start moto on host:port, with MOTO_PORT set for the Step Functions interpreter's calls."""
    os.environ["MOTO_PORT"] = str(port)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # same effect as POST /moto-api/config {"stepfunctions": {"execute_state_machine": true}}
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    dynamodb_transactions.install()
    # moto's model dump (/moto-api/data.json: sent emails, ...) asks each Lambda for a Docker client
    DockerModel.docker_client = property(_no_docker)  # type: ignore[assignment, method-assign]  # relies on SerializedDynamoDB: nothing runs between check and write
    endpoint = AwsEndpoint(host, port)
    endpoint.start()
    return endpoint
