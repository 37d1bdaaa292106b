"""API errors as the real server reports them: a `Status` object with code, reason, message and details."""

from __future__ import annotations

from typing import Any

from kubesim.api.goformat import go_quote


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
        if not self.reason:
            del body["reason"]  # errors the server does not classify carry none
        if self.details is not None:
            body["details"] = self.details
        return body


def not_found(plural: str, name: str, group: str = "") -> ApiError:
    what = f"{plural}.{group}" if group else plural
    return ApiError(404, "NotFound", f"{what} {go_quote(name)} not found", _details(name, plural, group))


def already_exists(plural: str, name: str, group: str = "") -> ApiError:
    what = f"{plural}.{group}" if group else plural
    return ApiError(409, "AlreadyExists", f"{what} {go_quote(name)} already exists", _details(name, plural, group))


def conflict(plural: str, name: str, group: str = "") -> ApiError:
    what = f"{plural}.{group}" if group else plural
    message = (
        f"Operation cannot be fulfilled on {what} {go_quote(name)}: the object has been modified; "
        "please apply your changes to the latest version and try again"
    )
    return ApiError(409, "Conflict", message, _details(name, plural, group))


def invalid(kind: str, name: str, group: str, causes: list[tuple[str, str, str]]) -> ApiError:
    """422 as errors.NewInvalid builds it; causes: (field, reason such as FieldValueRequired, message).

    The message names each distinct "field: message" once (several in brackets, none without a colon);
    the details keep every cause. An empty kind gives the server's ` "" is invalid: ...` of patch errors.
    """
    qualified = f"{kind}.{group}" if group else kind
    listed = list(dict.fromkeys(f"{field}: {message}" for field, _, message in causes))
    text = f"{qualified} {go_quote(name)} is invalid"
    if listed:
        text += ": " + (listed[0] if len(listed) == 1 else "[" + ", ".join(listed) + "]")
    details = _details(name, None, group)
    if kind:
        details["kind"] = kind
    if causes:
        details["causes"] = [_cause(field, reason, message) for field, reason, message in causes]
    return ApiError(422, "Invalid", text, details)


def _cause(field: str, reason: str, message: str) -> dict[str, str]:
    # StatusCause leaves out empty members (a cause about the whole object has no field).
    cause = {"reason": reason, "message": message, "field": field}
    return {key: value for key, value in cause.items() if value}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def forbidden(
    user: str,
    verb: str,
    plural: str,
    group: str,
    namespace: str | None,
    name: str | None,
    subresource: str = "",
    reason: str = "",
) -> ApiError:
    """403 for a resource request; `reason` is the authorizer's (e.g. RBAC's role lookup failures)."""
    what = f"{plural}.{group}" if group else plural
    target = f"{what} {go_quote(name)}" if name else what
    resource = f"{plural}/{subresource}" if subresource else plural
    scope = f" in the namespace {go_quote(namespace)}" if namespace else " at the cluster scope"
    denial = f"User {go_quote(user)} cannot {verb} resource {go_quote(resource)} in API group {go_quote(group)}{scope}"
    message = f"{target} is forbidden: {_sanitized(denial)}" + (f": {reason}" if reason else "")
    return ApiError(403, "Forbidden", message, _details(name, plural, group))


def forbidden_path(user: str, verb: str, path: str, reason: str = "") -> ApiError:
    """403 for a non-resource request such as `GET /version`."""
    denial = _sanitized(f"User {go_quote(user)} cannot {verb} path {go_quote(path)}")
    return ApiError(403, "Forbidden", f"forbidden: {denial}" + (f": {reason}" if reason else ""), {})


def _sanitized(text: str) -> str:
    # The server HTML-escapes the part of a refusal built from request data.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
