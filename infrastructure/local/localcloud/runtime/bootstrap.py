"""The execution environment's runtime loop, run by the venv's python in a worker process.

It stands alone (stdlib only, nothing of localcloud on its path) because it shares the process with
the function's code. argv: request fd, response fd. Protocol: one JSON object per line each way.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
import traceback
from typing import Any


class LambdaContext:
    """The context object Lambda passes as the handler's second argument."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        self.invoked_function_arn = request["arn"]
        self.aws_request_id = request["id"]
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = request["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


def error_object(error: BaseException, error_type: str | None = None) -> dict[str, Any]:
    return {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": "",
        # the handler's frames only, as Lambda shows them (not this runtime loop's)
        "stackTrace": traceback.format_list(
            [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename != __file__]
        ),
    }


def max_rss_mb() -> float:
    # VmHWM is this process image's peak: ru_maxrss would carry the spawning parent's peak over exec
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def load_handler(task_root: str, layer_paths: list[str], handler_name: str) -> Any:
    sys.path[0:1] = [task_root, *layer_paths]  # replaces the bootstrap's own folder
    os.chdir(task_root)
    module_name, _, function_name = handler_name.rpartition(".")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise _InitError(error, "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}") from error
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise _InitError(None, "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'") from None


class _InitError(Exception):
    def __init__(self, cause: BaseException | None, error_type: str, message: str) -> None:
        super().__init__(message)
        self.cause, self.error_type = cause, error_type


def main() -> None:
    request_fd, response_fd = int(sys.argv[1]), int(sys.argv[2])
    task_root, handler_name = sys.argv[3], sys.argv[4]
    layer_paths = [p for p in sys.argv[5].split(os.pathsep) if p]
    requests = os.fdopen(request_fd, "rb", buffering=0)
    responses = os.fdopen(response_fd, "wb", buffering=0)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr] - its logs, as they come

    def send(message: dict[str, Any]) -> None:
        try:
            line = json.dumps(message, separators=(",", ":"))
        except (TypeError, ValueError) as error:  # the handler returned something JSON cannot carry
            message = {**message, "error": error_object(error, "Runtime.MarshalError")}
            message.pop("result", None)
            line = json.dumps(message, separators=(",", ":"))
        responses.write(line.encode() + b"\n")

    started = time.perf_counter()
    try:
        handler = load_handler(task_root, layer_paths, handler_name)
    except _InitError as error:
        print(f"[ERROR] {error.error_type}: {error}", file=sys.stderr, flush=True)
        send({"initError": {"errorMessage": str(error), "errorType": error.error_type, "stackTrace": []}})
        return
    except BaseException as error:  # noqa: BLE001 - any failure in module setup is an init error
        traceback.print_exc()
        send({"initError": error_object(error)})
        return
    send({"ready": True, "initMs": (time.perf_counter() - started) * 1000})

    for line in iter(requests.readline, b""):
        request = json.loads(line)
        context = LambdaContext(request)
        started = time.perf_counter()
        reply: dict[str, Any]
        try:
            reply = {"result": handler(request["event"], context)}
        except Exception as error:  # noqa: BLE001 - reported to the caller as Lambda does
            traceback.print_exc()
            reply = {"error": error_object(error)}
        reply["durationMs"] = (time.perf_counter() - started) * 1000
        reply["maxRssMb"] = max_rss_mb()
        sys.stdout.flush()
        sys.stderr.flush()
        send(reply)


if __name__ == "__main__":
    main()
