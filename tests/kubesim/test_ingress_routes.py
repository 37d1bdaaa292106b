"""The ingress controller's routing (kubesim/nodes/ingress_routes.py) on its own: hosts, paths, precedence, TLS."""

from __future__ import annotations

from typing import Any

from kubesim.nodes.ingress_routes import Backend, RoutingTable, SecretRef, class_names, request_host, serves

Obj = dict[str, Any]


def _backend(service: str, port: int | str = 8080) -> Obj:
    return {"service": {"name": service, "port": {"number": port} if isinstance(port, int) else {"name": port}}}


def _ingress(name: str, rules: list[Obj], created: str = "2026-01-01T00:00:00Z", **spec: Any) -> Obj:
    return {
        "metadata": {"name": name, "namespace": "web", "creationTimestamp": created},
        "spec": {"ingressClassName": "kubesim", "rules": rules, **spec},
    }


def _rule(host: str, *paths: tuple[str, str, str]) -> Obj:
    return {
        "host": host,
        "http": {"paths": [{"path": path, "pathType": kind, "backend": _backend(to)} for path, kind, to in paths]},
    }


def _service(table: RoutingTable, host: str, path: str) -> str | None:
    backend = table.backend(host, path)
    return backend.service if backend is not None else None


def test_exact_hosts_come_before_wildcards_which_match_one_label_and_before_rules_without_host() -> None:
    table = RoutingTable(
        [
            _ingress(
                "hosts",
                [
                    _rule("a.example.com", ("/", "Prefix", "exact")),
                    _rule("*.example.com", ("/", "Prefix", "wildcard")),
                    _rule("", ("/", "Prefix", "any")),
                ],
            )
        ]
    )
    assert _service(table, "a.example.com", "/") == "exact"
    assert _service(table, "b.example.com", "/") == "wildcard"
    assert _service(table, "b.c.example.com", "/") == "any"
    assert _service(table, "example.com", "/") == "any"


def test_prefix_paths_match_whole_elements_and_the_longest_wins() -> None:
    table = RoutingTable(
        [
            _ingress(
                "paths", [_rule("h", ("/", "Prefix", "root"), ("/foo", "Prefix", "foo"), ("/aaa/bbb/", "Prefix", "ab"))]
            )
        ]
    )
    assert _service(table, "h", "/foo") == "foo"
    assert _service(table, "h", "/foo/") == "foo"
    assert _service(table, "h", "/foo/bar") == "foo"
    assert _service(table, "h", "/foobar") == "root"
    assert _service(table, "h", "/aaa/bbb") == "ab"  # a trailing slash on the prefix makes no difference
    assert _service(table, "h", "/aaa/bbbxyz") == "root"


def test_exact_beats_prefix_of_the_same_length_and_matches_only_itself() -> None:
    table = RoutingTable(
        [
            _ingress(
                "paths",
                [
                    _rule(
                        "h",
                        ("/foo", "Prefix", "prefix"),
                        ("/foo", "Exact", "exact"),
                        ("/x", "ImplementationSpecific", "x"),
                    )
                ],
            )
        ]
    )
    assert _service(table, "h", "/foo") == "exact"
    assert _service(table, "h", "/foo/") == "prefix"
    assert _service(table, "h", "/x/y") == "x"  # ImplementationSpecific is taken as Prefix


def test_rules_merge_across_ingresses_and_the_oldest_wins_a_tie() -> None:
    newer = _ingress("newer", [_rule("h", ("/", "Prefix", "newer"), ("/new", "Prefix", "new"))], "2026-02-01T00:00:00Z")
    older = _ingress("older", [_rule("h", ("/", "Prefix", "older"))], "2026-01-01T00:00:00Z")
    table = RoutingTable([newer, older])
    assert _service(table, "h", "/") == "older"
    assert _service(table, "h", "/new/thing") == "new"


def test_default_backends_take_what_no_path_matches() -> None:
    catch_all = _ingress("catch-all", [], "2026-01-01T00:00:00Z", defaultBackend=_backend("fallback", "http"))
    own = _ingress(
        "own", [_rule("h", ("/api", "Prefix", "api"))], "2026-02-01T00:00:00Z", defaultBackend=_backend("own")
    )
    table = RoutingTable([catch_all, own])
    assert table.backend("h", "/other") == Backend("web", "own", 8080, "web/own")
    assert table.backend("elsewhere", "/") == Backend("web", "fallback", "http", "web/catch-all")
    assert RoutingTable([_ingress("no-default", [_rule("h", ("/api", "Prefix", "api"))])]).backend("h", "/") is None


def test_tls_hosts_have_their_secret_and_are_redirected() -> None:
    tls = [{"hosts": ["secure.example.com"], "secretName": "secure"}, {"hosts": ["*.wild.example.com"]}]
    table = RoutingTable([_ingress("tls", [_rule("secure.example.com", ("/", "Prefix", "s"))], tls=tls)])
    assert table.secret_for("secure.example.com") == SecretRef("web", "secure")
    assert table.is_tls_host("secure.example.com")
    assert table.is_tls_host("a.wild.example.com") and table.secret_for("a.wild.example.com") is None
    assert not table.is_tls_host("plain.example.com")
    assert table.secrets() == {SecretRef("web", "secure")}


def test_class_membership_by_spec_or_legacy_annotation() -> None:
    ours = {"metadata": {"name": "kubesim"}, "spec": {"controller": "kubesim.io/ingress"}}
    classes = class_names([ours, {"metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}])
    assert classes == {"kubesim"}
    legacy = {"metadata": {"annotations": {"kubernetes.io/ingress.class": "kubesim"}}, "spec": {}}
    assert serves(_ingress("mine", []), classes) and serves(legacy, classes)
    assert not serves({"metadata": {}, "spec": {"ingressClassName": "nginx"}}, classes)


def test_request_hosts_lose_their_port_and_case() -> None:
    assert request_host("Alpaca.Example.com:8080") == "alpaca.example.com"
    assert request_host("[::1]:80") == "[::1]"


def test_malformed_ingresses_route_nothing_rather_than_fail() -> None:
    bad: list[Obj] = [
        {"metadata": {"name": "bad"}, "spec": "nonsense"},
        {"metadata": {"name": "worse"}, "spec": {"rules": [1, {"http": "no"}, {"http": {"paths": ["x", {}]}}]}},
        {"metadata": {"name": "bucket"}, "spec": {"tls": [{"hosts": "x"}], "defaultBackend": {"resource": {}}}},
    ]
    table = RoutingTable(bad)
    unservable = table.backend("h", "/")  # a resource backend: answered as unavailable (503)
    assert unservable is not None and unservable.service == ""
    assert not table.is_tls_host("x")
