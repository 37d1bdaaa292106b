"""Deprecated APIs: the `Warning` header the API server adds to every request about them.

kubectl prints it on stderr, e.g. `Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1
EndpointSlice` for `kubectl get endpoints` (KEP-4974). The deprecated ComponentStatuses are answered apart, in
`virtual`.
"""

from __future__ import annotations

import re

_DEPRECATED = (
    (
        re.compile(r"^/api/v1/(?:watch/)?(?:namespaces/[^/]+/)?endpoints(?:/|$)"),
        '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
    ),
)


def warnings(path: str) -> list[tuple[str, str]]:
    """The Warning headers of a request to `path`: one per deprecated API it names."""
    return [("Warning", warning) for pattern, warning in _DEPRECATED if pattern.match(path)]
