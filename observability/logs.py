"""JSON log lines, one object a line, each carrying the id of the request it was written for.

`configure_logging` sends every logger (uvicorn's too) to stderr through python-json-logger: `time`, `level`,
`logger`, `message`, `request_id`, then whatever the call passed in `extra`, and `exc_info` with the traceback.
`RequestLogMiddleware` gives each HTTP request its id (the client's `X-Request-ID` when it is a sane one, else a new
one), keeps it in a context variable that every log record reads, echoes it in the response, and writes one access
line per request: method, path, status, duration, and the GraphQL operation when there was one.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")

access_log = logging.getLogger("mediagateway.access")


@dataclass
class RequestInfo:
    """What the log lines of a request share; the GraphQL layer fills in `operation`."""

    request_id: str
    operation: str | None = None


_current_request: ContextVar[RequestInfo | None] = ContextVar("mediagateway_request", default=None)


def current_request() -> RequestInfo | None:
    """The request being served in this context, if any."""
    return _current_request.get()


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        record.request_id = request.request_id if request else None
        return True


def configure_logging(level: str) -> None:
    """One JSON handler on stderr for every logger; uvicorn's own access log is replaced by `RequestLogMiddleware`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        ["levelname", "name", "message", "request_id"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    ))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers = []
        uvicorn_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def request_id_of(scope: Scope) -> str:
    """The client's request id if it is sane (at most 128 of [A-Za-z0-9._-]), else a new one."""
    for key, value in scope.get("headers", ()):
        if key == _REQUEST_ID_KEY:
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Pure ASGI: the request id (context variable and response header) and the access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = RequestInfo(request_id_of(scope))
        token = _current_request.set(request)
        started = time.perf_counter()
        status = 500  # unless the app answers

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request.request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            access_log.info(
                "%s %s %s", scope["method"], scope["path"], status,
                extra={"method": scope["method"], "path": scope["path"], "status": status,
                       "duration_ms": duration_ms, "operation": request.operation},
            )
            _current_request.reset(token)
