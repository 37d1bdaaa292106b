"""API errors as the real server reports them: a `Status` object with code, reason, message and details."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def not_found(plural: str, name: str, group: str = "") -> ApiError:
    what = f"{plural}.{group}" if group else plural
    return ApiError(404, "NotFound", f'{what} "{name}" not found', _details(name, plural, group))


def already_exists(plural: str, name: str, group: str = "") -> ApiError:
    what = f"{plural}.{group}" if group else plural
    return ApiError(409, "AlreadyExists", f'{what} "{name}" already exists', _details(name, plural, group))


def conflict(plural: str, name: str, group: str = "") -> ApiError:
    what = f"{plural}.{group}" if group else plural
    message = (
        f'Operation cannot be fulfilled on {what} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    return ApiError(409, "Conflict", message, _details(name, plural, group))


def invalid(kind: str, name: str, group: str, causes: list[tuple[str, str, str]]) -> ApiError:
    """causes: (field, reason such as FieldValueRequired, message such as 'Required value')."""
    listed = ", ".join(f"{field}: {message}" for field, _, message in causes)
    text = f'{kind}.{group} "{name}" is invalid: ' if group else f'{kind} "{name}" is invalid: '
    if len(causes) > 1:
        listed = "[" + listed + "]"
    details = {**_details(name, None, group), "kind": kind}
    details["causes"] = [{"reason": reason, "message": message, "field": field} for field, reason, message in causes]
    return ApiError(422, "Invalid", text + listed, details)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def forbidden(user: str, verb: str, plural: str, group: str, namespace: str | None, name: str | None) -> ApiError:
    what = f"{plural}.{group}" if group else plural
    target = f'{what} "{name}"' if name else what
    scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    message = f'{target} is forbidden: User "{user}" cannot {verb} resource "{plural}" in API group "{group}"{scope}'
    return ApiError(403, "Forbidden", message, _details(name, plural, group))


def _details(name: str | None, plural: str | None, group: str) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if plural:
        details["kind"] = plural
    return details


UNAUTHORIZED = ApiError(401, "Unauthorized", "Unauthorized")
