"""kuard's HTTP API, as the book uses it: one stateful model per running container, keyed by container ID.

It follows kuard's own routes (github.com/kubernetes-up-and-running/kuard): `/` is the app's page (its
version, hence the colour tag of the image, and the pod's hostname); `/healthy` and `/ready` answer "ok",
or 500 while "fail the next N" is set through `PUT /healthy/api` (`/ready/api`) with `{"failNext": N}`
(negative: fail for good); `GET .../api` tells the setting and the recent requests. `/env/api` gives the
command line and the environment (`/env` the page of it), `/mem/api` the memory in use, `POST
/mem/api/alloc?size=BYTES` allocates and `POST /mem/api/clear` frees; `/fs/PATH` serves the container's
files as Go's http.FileServer does (a directory lists its entries): the container's filesystem as `kubectl exec`
and `kubectl cp` see it (container_fs.py), with its ConfigMap and Secret volumes, the service-account token and
emptyDirs. `POST /dns/api` with {"type", "name"} queries the cluster DNS
(network.py) and `/memq/server/...` is the MemQ work queue (memq.py). Anything else is Go's "404 page not
found".

A restarted container has a new ID, so it starts afresh, as a new kuard process does. The kubelet's probes
do not count down this model's "fail the next N": when it is set, the kubelet plans its own next N ticks on
that path to fail (`failing_from`), so requests through the proxy and probes each see N failures. The model does not
know about time: the kubelet asks `Kuards.probe_changes` to learn that "fail the next N" was set (its probes
are planned ahead, see probes.py) and `memory_listeners` to learn what `/mem` allocated, to OOM-kill a
container that goes over its memory limit.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import posixpath
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from typing import Any

from kubesim.nodes.container_fs import (
    ContainerFilesystem,
    Filesystems,
    FsError,
    Volume,
    container_env,
    expand_references,
)
from kubesim.nodes.probes import Schedule
from kubesim.nodes.processes import FOREVER, Answer, Process
from kubesim.store.store import Key, Store

Obj = dict[str, Any]
MAX_HISTORY = 20  # kuard keeps the last 20 probe requests
MAX_INSTANCES = 20_000  # models of containers long gone are dropped first
PROBE_PATHS = ("/healthy", "/ready")
TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
DNS_TYPES = frozenset(("A", "AAAA", "ANY", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"))


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


NOT_FOUND = HttpAnswer(404, b"404 page not found\n")


@dataclass
class ProbeControl:
    """One of kuard's debug probes: fail the next `fail_next` requests (all of them when negative)."""

    path: str
    fail_next: int = 0
    history: list[tuple[int, int]] = field(default_factory=list)  # (request id, status code)
    last_id: int = 0

    def answer(self) -> HttpAnswer:
        status, message = 200, "ok"
        if self.fail_next > 0:
            self.fail_next -= 1
            status, message = 500, f"fail, {self.fail_next} left"
        elif self.fail_next < 0:
            status, message = 500, "fail, permanent"
        self.last_id += 1
        self.history = [*self.history, (self.last_id, status)][-MAX_HISTORY:]
        return HttpAnswer(status, message.encode())

    def status(self) -> Obj:
        history = [{"id": ident, "code": code} for ident, code in reversed(self.history)]
        return {"probePath": self.path, "failNext": self.fail_next, "history": history}


@dataclass
class Kuard:
    """What one kuard process knows: its hostname, argv, environment and files, and what it was told."""

    hostname: str
    version: str
    argv: list[str]
    env: dict[str, str]
    # a kuard made by hand (tests) is given its files (absolute path -> content) and its empty directories
    files: InitVar[dict[str, bytes] | None] = None
    dirs: InitVar[set[str] | None] = None
    filesystem: ContainerFilesystem = field(default_factory=lambda: ContainerFilesystem(Volume()))
    base_memory: int = 0  # what the process holds with nothing allocated (processes.py)
    allocated: int = 0
    probes: dict[str, ProbeControl] = field(default_factory=dict)
    on_probe_change: Callable[[str, int], None] | None = None
    on_alloc: Callable[[int], None] | None = None
    dns: Callable[[str, str], str] | None = None  # (name, type) -> the DNS message as text (network.py)
    memq: Callable[[str, str, bytes], HttpAnswer | None] | None = None  # its MemQ broker's API (memq.py)

    def __post_init__(self, files: dict[str, bytes] | None, dirs: set[str] | None) -> None:
        self.probes = {path: ProbeControl(path) for path in PROBE_PATHS}
        if files is not None or dirs is not None:
            self.filesystem = ContainerFilesystem(Volume.of_files(files or {}))
            for directory in dirs or ():
                self.filesystem.mkdir(directory, parents=True)

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes) -> HttpAnswer:
        """Answer one HTTP request as kuard would."""
        path = "/" + path.lstrip("/")
        if path.startswith("/memq/server/") and self.memq is not None:
            answer = self.memq(method, path, body)
            if answer is not None:
                return answer
        if path.startswith("/fs/") or path == "/fs":
            return self._fs(method, path[len("/fs") :] or "/")
        for probe_path, probe in self.probes.items():
            if path == probe_path and method in ("GET", "HEAD"):
                return probe.answer()
            if path == probe_path + "/api":
                return self._probe_api(method, probe, body)
        route = (method, path.rstrip("/") or "/")
        if route == ("GET", "/"):
            return self._page("")
        if route in (("GET", "/env"), ("GET", "/mem"), ("GET", "/keygen"), ("GET", "/memq"), ("GET", "/dns")):
            return self._page(path.rstrip("/"))
        if route == ("GET", "/env/api"):
            return _json({"commandLine": self.argv, "env": self.env})
        if route == ("GET", "/mem/api"):
            return _json({"memStats": {"Alloc": self.memory, "Sys": self.memory}})
        if route == ("POST", "/mem/api/alloc"):
            return self._alloc(query.get("size", ""))
        if route == ("POST", "/mem/api/clear"):
            self.allocated = 0
            return HttpAnswer(200, b"")
        if route == ("POST", "/dns/api") and self.dns is not None:
            return _dns_query(self.dns, body)
        return NOT_FOUND

    @property
    def memory(self) -> int:
        return self.base_memory + self.allocated

    def _probe_api(self, method: str, probe: ProbeControl, body: bytes) -> HttpAnswer:
        if method == "PUT":
            try:
                config = json.loads(body or b"{}")
                fail_next = int(config.get("failNext", 0)) if isinstance(config, dict) else 0
            except (ValueError, TypeError) as error:
                return HttpAnswer(400, f"{error}\n".encode())
            probe.fail_next = fail_next
            if self.on_probe_change is not None:
                self.on_probe_change(probe.path, fail_next)
        elif method != "GET":
            return HttpAnswer(405, b"Method Not Allowed\n")
        return _json(probe.status())

    def _alloc(self, size: str) -> HttpAnswer:
        if not size:
            return HttpAnswer(400, b"size not specified\n")
        try:
            self.allocated += max(0, int(size))
        except ValueError:
            return HttpAnswer(400, b"bad size param\n")
        if self.on_alloc is not None:
            self.on_alloc(self.allocated)
        return HttpAnswer(200, b"")

    def _fs(self, method: str, path: str) -> HttpAnswer:
        if method not in ("GET", "HEAD"):
            return HttpAnswer(405, b"Method Not Allowed\n")
        clean = posixpath.normpath(path)
        try:
            if not self.filesystem.is_dir(clean):
                return HttpAnswer(200, self.filesystem.read(clean), "application/octet-stream")
            names = self.filesystem.listdir(clean)
        except FsError:
            return NOT_FOUND
        entries = [name + "/" if self.filesystem.is_dir(posixpath.join(clean, name)) else name for name in names]
        links = "".join(f'<a href="{html.escape(e)}">{html.escape(e)}</a>\n' for e in entries)
        return HttpAnswer(200, f"<pre>\n{links}</pre>\n".encode(), "text/html; charset=utf-8")

    def _page(self, section: str) -> HttpAnswer:
        title = f"KUAR Demo {section.lstrip('/')}".strip()
        details = ""
        if section == "/env":
            rows = "".join(
                f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>\n" for k, v in sorted(self.env.items())
            )
            details = f"<h2>Command line</h2><pre>{html.escape(' '.join(self.argv))}</pre>\n<table>\n{rows}</table>\n"
        page = (
            f'<!doctype html>\n<html lang="en">\n<head><title>{html.escape(title)}</title></head>\n<body>\n'
            f"<h1>{html.escape(title)}</h1>\n<p>Demo application version <b>{html.escape(self.version)}</b></p>\n"
            f"<p>Serving on {html.escape(self.hostname)}</p>\n{details}</body>\n</html>\n"
        )
        return HttpAnswer(200, page.encode(), "text/html; charset=utf-8")


def _dns_query(dns: Callable[[str, str], str], body: bytes) -> HttpAnswer:
    """kuard's DNS query: {"type": "A", "name": NAME} answered with {"result": the message as dig prints it}."""
    try:
        question = json.loads(body or b"null")
        qtype, name = str(question.get("type") or "").upper(), str(question.get("name") or "")
    except (ValueError, AttributeError) as error:
        return HttpAnswer(400, f"{error}\n".encode())
    if qtype not in DNS_TYPES:
        return HttpAnswer(400, f"Unknown DNS type: {question.get('type')}\n".encode())
    return _json({"result": dns(name or ".", qtype)})


def _json(value: Any) -> HttpAnswer:
    return HttpAnswer(200, json.dumps(value, indent=2).encode(), "application/json")


class Kuards:
    """The kuard processes running in the cluster, by container ID; made on first use from the pod spec."""

    def __init__(self) -> None:
        self.instances: dict[str, Kuard] = {}
        self.filesystems = Filesystems()  # what each container's files are, shared with `kubectl exec` and `cp`
        # told (pod key, container ID, probe path, failNext) when "fail the next N" is set
        self.probe_listeners: list[Callable[[Key, str, str, int], None]] = []
        # told (pod key, container ID, bytes allocated through /mem) after each allocation
        self.memory_listeners: list[Callable[[Key, str, int], None]] = []
        # the cluster DNS as kuard's /dns queries it: (namespace, name, type) -> the answer as text (network.py)
        self.dns: Callable[[str, str, str], str] | None = None
        # the MemQ brokers: (container ID, method, path, body) -> the answer, None for no such route (memq.py)
        self.memq: Callable[[str, str, str, bytes], HttpAnswer | None] | None = None

    def of(self, store: Store, pod: Obj, container: Obj, container_id: str, process: Process) -> Kuard:
        kuard = self.instances.get(container_id)
        if kuard is None:
            kuard = build(store, pod, container, process, self.filesystems.of(store, pod, container, container_id))
            key = ("/pods", pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
            kuard.on_probe_change = lambda path, fail_next: self._changed(key, container_id, path, fail_next)
            kuard.on_alloc = lambda allocated: self._allocated(key, container_id, allocated)
            kuard.dns = self._dns_from(key[1])
            kuard.memq = self._memq_of(container_id)
            if len(self.instances) >= MAX_INSTANCES:
                del self.instances[next(iter(self.instances))]
            self.instances[container_id] = kuard
        return kuard

    def _dns_from(self, namespace: str) -> Callable[[str, str], str] | None:
        dns = self.dns
        return None if dns is None else lambda name, qtype: dns(namespace, name, qtype)

    def _memq_of(self, container_id: str) -> Callable[[str, str, bytes], HttpAnswer | None] | None:
        memq = self.memq
        return None if memq is None else lambda method, path, body: memq(container_id, method, path, body)

    def _changed(self, key: Key, container_id: str, path: str, fail_next: int) -> None:
        for listener in self.probe_listeners:
            listener(key, container_id, path, fail_next)

    def _allocated(self, key: Key, container_id: str, allocated: int) -> None:
        for listener in self.memory_listeners:
            listener(key, container_id, allocated)


def failing_from(schedule: Schedule, natural: Schedule, elapsed: float, fail_next: int) -> Schedule:
    """A probe's schedule once kuard was told, `elapsed` seconds after it started, to fail the next `fail_next`
    requests (all of them when negative; none, so stop failing, when 0): what was planned before stays, the probe's
    next ticks answer 500, then it answers as the process naturally would (`natural`: a new setting replaces the
    last one, so an earlier "fail for good" ends too)."""
    ticks_before = max(0, math.ceil((elapsed - schedule.start) / schedule.period))
    next_tick = schedule.start + ticks_before * schedule.period
    until = elapsed if fail_next == 0 else FOREVER if fail_next < 0 else next_tick + (fail_next - 0.5) * schedule.period
    answers = [answer for answer in schedule.answers if answer.since < elapsed]
    if fail_next != 0:
        answers.append(Answer(elapsed, False, "HTTP probe failed with statuscode: 500"))
    if until != FOREVER:
        resumed = [answer for answer in natural.answers if answer.since <= until][-1:]
        answers += [dataclasses.replace(answer, since=until) for answer in resumed]
        answers += [answer for answer in natural.answers if answer.since > until]
    return dataclasses.replace(schedule, answers=tuple(answers))


def build(store: Store, pod: Obj, container: Obj, process: Process, filesystem: ContainerFilesystem) -> Kuard:
    """A fresh kuard process for a container of a pod, with its environment from the store, over its files."""
    image = str(container.get("image") or "")
    tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else "latest"
    env = container_env(store, pod, container)
    argv = expand_references(process.argv, env)
    return Kuard(pod["metadata"]["name"], tag, argv, env, filesystem=filesystem, base_memory=process.memory)
