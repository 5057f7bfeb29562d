"""Errors meant for API clients: their messages are shown as they are; every other error is masked.

A resolver raises one of these when the client asked for something that cannot be answered (an unknown id, an
argument out of range). Each carries a `code`, sent in the error's `extensions` so a client can branch on it.
"""

from __future__ import annotations


class ClientError(Exception):
    """Base of the errors whose message a client may read."""

    code = "BAD_REQUEST"


class NotFoundError(ClientError):
    code = "NOT_FOUND"

    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"no {kind} with id {id!r}")
        self.kind = kind
        self.id = id


class InvalidArgumentError(ClientError):
    code = "INVALID_ARGUMENT"

    def __init__(self, argument: str, problem: str) -> None:
        super().__init__(f"{argument}: {problem}")
        self.argument = argument


class NotReadyError(ClientError):
    """Something the service prepares once after it starts is not ready yet; the message says when to try again."""

    code = "NOT_READY"
