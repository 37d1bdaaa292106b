"""kubesim's API side by side with kmock's Kubernetes emulator: GET latency, LIST, creates, a CRUD mix, watch fan-out.

bench/.venv/bin/python bench/kubesim_api.py [--python .venv/bin/python] [--gets N] [--objects N] [--kmock-tls]

Each server runs in its own process on 127.0.0.1 and this process is the one client of both, with aiohttp over
keep-alive connections: HTTPS with the kubeconfig's CA and bearer token for kubesim, plain HTTP for kmock (HTTPS with
kubesim's own certificate with --kmock-tls). Every measured loop stops at its count or at --time-limit seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import importlib.util
import json
import math
import os
import resource
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0
WARM_UP = 100
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

try:
    import aiohttp
except ImportError:  # the client lives in bench/.venv
    aiohttp = None  # type: ignore[assignment]


# -- the servers -------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    context: ssl.SSLContext | None
    headers: dict[str, str]
    log: Path
    namespaces: bool = True  # whether to create the namespaces first (kmock can't, and needs none)
    problems: list[str] = field(default_factory=list)

    def cpu(self) -> float:
        """User and system seconds the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def session(self, streaming: bool = False) -> aiohttp.ClientSession:
        """One keep-alive connection: a client that sends its requests one after the other."""
        timeout = aiohttp.ClientTimeout(total=None if streaming else REQUEST_TIMEOUT)
        connector = aiohttp.TCPConnector(limit=1, ssl=self.context if self.context is not None else False)
        return aiohttp.ClientSession(self.base, connector=connector, headers=self.headers, timeout=timeout)

    def problem(self, text: str) -> None:
        if text not in self.problems and len(self.problems) < 20:
            self.problems.append(text)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def _wait_for(path: Path, process: subprocess.Popen[bytes], log: Path, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.05)


def start_kubesim(python: str, folder: Path) -> Server:
    import yaml

    data_dir, log = folder / "kubesim", folder / "kubesim.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [python, "-m", "kubesim", "serve", "--data-dir", str(data_dir)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _wait_for(data_dir / "kubeconfig", process, log, "kubesim")
    config = yaml.safe_load((data_dir / "kubeconfig").read_text())
    cluster, user = config["clusters"][0]["cluster"], config["users"][0]["user"]
    context = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    headers = {"Authorization": f"Bearer {user['token']}", "Accept": JSON}
    return Server("kubesim", process, cluster["server"], context, headers, log)


def start_kmock(folder: Path, tls_like: Server | None, keep_log: bool = True) -> Server:
    """kmock in a process of its own, served as its pytest fixture serves it (Server around KubernetesEmulator).

    kmock keeps every request it served, for a test's assertions, and matches each new request against that whole
    log: a request costs more the more came before it. keep_log=False forgets each request once answered, which
    shows what the rest of kmock costs (a change made here, for the benchmark only).
    """
    name = "kmock" if keep_log else "kmock-nolog"
    port_file, log = folder / f"{name}.port", folder / f"{name}.log"
    command = [sys.executable, __file__, "--serve-kmock", str(port_file)]
    if not keep_log:
        command.append("--kmock-forget")
    if tls_like is not None:
        data_dir = folder / "kubesim"
        command += ["--kmock-cert", str(data_dir / "server.crt"), "--kmock-key", str(data_dir / "server.key")]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    _wait_for(port_file, process, log, "kmock")
    port = int(port_file.read_text())
    scheme = "https" if tls_like is not None else "http"
    context = tls_like.context if tls_like is not None else None
    return Server(name, process, f"{scheme}://{HOST}:{port}", context, {"Accept": JSON}, log, namespaces=False)


async def serve_kmock(port_file: Path, cert: str | None, key: str | None, forget: bool) -> None:
    """The child process: kmock's stateful Kubernetes emulator on a free port until SIGTERM."""
    import aiohttp.test_utils
    import kmock

    class Forgetful(kmock.KubernetesEmulator):
        async def _handle(self, request: Any) -> Any:
            try:
                return await super()._handle(request)
            finally:  # out of the root's log and of each reaction's, by identity
                self._requests[:] = [seen for seen in self._requests if seen is not request]
                for reaction in self._payloads:
                    reaction._requests[:] = [seen for seen in reaction._requests if seen is not request]

    server_cls: type[aiohttp.test_utils.RawTestServer] = aiohttp.test_utils.RawTestServer
    if cert and key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        class TlsServer(aiohttp.test_utils.RawTestServer):
            async def start_server(self, **kwargs: Any) -> None:  # type: ignore[override]
                await super().start_server(ssl=context, **kwargs)

        server_cls = TlsServer
    emulator = Forgetful() if forget else kmock.KubernetesEmulator()
    async with emulator as handler, kmock.Server(handler, host=HOST, server_cls=server_cls) as server:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        temporary = port_file.with_suffix(".tmp")
        temporary.write_text(str(server.port))
        os.replace(temporary, port_file)
        await stop.wait()


# -- requests and figures ----------------------------------------------------------------------------


async def call(
    server: Server,
    session: aiohttp.ClientSession,
    method: str,
    path: str,
    body: Any = None,
    expect: tuple[int, ...] = (200,),
    content_type: str = JSON,
    accept: str | None = None,
) -> tuple[int, bytes]:
    headers = {"Content-Type": content_type} if body is not None else {}
    if accept:
        headers["Accept"] = accept
    data = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
    async with session.request(method, path, data=data, headers=headers) as response:
        payload = await response.read()
    if response.status not in expect:
        text = payload[:300].decode(errors="replace").replace("\n", " ")
        server.problem(f"{method} {path} -> {response.status}: {text}")
    return response.status, payload


def configmap(name: str, namespace: str, index: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": "bench", "index": str(index)}},
        "data": {"index": str(index), "greeting": "hello from the benchmark", "settings.json": '{"replicas": 3}'},
    }


def pod(name: str, namespace: str, index: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": "kuard", "index": str(index)}},
        "spec": {
            "containers": [
                {
                    "name": "kuard",
                    "image": "gcr.io/kuar-demo/kuard-amd64:blue",
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": "500m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                    "livenessProbe": {"httpGet": {"path": "/healthy", "port": 8080}, "periodSeconds": 10},
                }
            ],
            "restartPolicy": "Always",
        },
    }


def collection(kind: str, namespace: str) -> str:
    return f"/api/v1/namespaces/{namespace}/{kind}"


async def ensure_namespace(server: Server, session: aiohttp.ClientSession, name: str) -> None:
    if not server.namespaces:
        return
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    await call(server, session, "POST", "/api/v1/namespaces", body, expect=(200, 201, 409))


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least share of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * share)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


@dataclass
class Figures:
    """What one measurement gave for one server: named numbers, and a line to print."""

    values: dict[str, float] = field(default_factory=dict)
    note: str = ""


class Meter:
    """Wall time, and the CPU time of the server process and of this client process, from start to stop."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.server_cpu, self.client_cpu, self.start = server.cpu(), _own_cpu(), time.perf_counter()

    def stop(self) -> Meter:
        self.wall = time.perf_counter() - self.start
        self.server_cpu, self.client_cpu = self.server.cpu() - self.server_cpu, _own_cpu() - self.client_cpu
        return self

    def per(self, count: int, unit: str) -> str:
        count = max(count, 1)
        return (
            f"cpu per {unit}: server {self.server_cpu / count * 1000:.2f} ms, "
            f"client {self.client_cpu / count * 1000:.2f} ms"
        )


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.perf_counter() + seconds

    def __bool__(self) -> bool:
        return time.perf_counter() < self.end


# -- the measurements --------------------------------------------------------------------------------


async def get_latency(server: Server, count: int, limit: float, namespace: str = "bench-get") -> Figures:
    async with server.session() as session:
        await ensure_namespace(server, session, namespace)
        await call(
            server,
            session,
            "POST",
            collection("configmaps", namespace),
            configmap("probe", namespace, 0),
            (200, 201, 409),
        )
        path = f"{collection('configmaps', namespace)}/probe"
        for _ in range(min(WARM_UP, count)):
            await call(server, session, "GET", path)
        samples: list[float] = []
        meter, deadline = Meter(server), Deadline(limit)
        while len(samples) < count and deadline:
            start = time.perf_counter()
            await call(server, session, "GET", path)
            samples.append(time.perf_counter() - start)
        meter.stop()
    p50, p95, p99 = (percentile(samples, share) for share in (0.50, 0.95, 0.99))
    return Figures(
        {"p50": p50, "p95": p95, "p99": p99, "max": max(samples), "n": len(samples)},
        f"p50 {ms(p50)}  p95 {ms(p95)}  p99 {ms(p99)}  max {ms(max(samples))}  "
        f"n={len(samples)}  {meter.per(len(samples), 'request')}",
    )


async def create_many(
    server: Server, kind: str, namespace: str, count: int, clients: int, limit: float, prefix: str
) -> Figures:
    make = pod if kind == "pods" else configmap
    async with server.session() as session:
        await ensure_namespace(server, session, namespace)
    names: Iterator[int] = iter(range(count))
    done = 0
    deadline = Deadline(limit)

    async def client() -> None:
        nonlocal done
        async with server.session() as session:
            for index in names:
                if not deadline:
                    return
                await call(
                    server,
                    session,
                    "POST",
                    collection(kind, namespace),
                    make(f"{prefix}-{index:05d}", namespace, index),
                    (200, 201),
                )
                done += 1

    meter = Meter(server)
    await asyncio.gather(*(client() for _ in range(clients)))
    meter.stop()
    rate = done / meter.wall
    return Figures(
        {"rate": rate, "n": done},
        f"{rate:8.0f} objects/s  ({done} in {meter.wall:.2f} s; {meter.per(done, 'object')})",
    )


async def list_latency(
    server: Server, namespace: str, expected: int, count: int, limit: float, accept: str | None = None
) -> Figures:
    async with server.session() as session:
        status, body = await call(server, session, "GET", collection("pods", namespace), accept=accept)
        if status != 200:
            return Figures(note=f"cannot list: HTTP {status}")
        document = json.loads(body)
        rows = len(document.get("rows" if accept == TABLE else "items") or [])
        if rows != expected:
            server.problem(f"GET {collection('pods', namespace)} gave {rows} items, {expected} had been created")
        samples: list[float] = []
        meter, deadline = Meter(server), Deadline(limit)
        while len(samples) < count and deadline:
            start = time.perf_counter()
            await call(server, session, "GET", collection("pods", namespace), accept=accept)
            samples.append(time.perf_counter() - start)
        meter.stop()
    p50, p99 = percentile(samples, 0.50), percentile(samples, 0.99)
    return Figures(
        {"p50": p50, "p99": p99, "n": len(samples)},
        f"p50 {ms(p50)}  p99 {ms(p99)}  {rows} items, {len(body) / 1024:.0f} KiB  n={len(samples)}  "
        f"{meter.per(len(samples), 'list')}",
    )


async def crud_mix(server: Server, cycles: int, clients: int, limit: float, namespace: str) -> Figures:
    """Each cycle: create a ConfigMap, get it, update it (merge patch: kmock has no PUT), delete it."""
    async with server.session() as session:
        await ensure_namespace(server, session, namespace)
    indexes: Iterator[int] = iter(range(cycles))
    done = 0
    deadline = Deadline(limit)

    async def client() -> None:
        nonlocal done
        async with server.session() as session:
            for index in indexes:
                if not deadline:
                    return
                name = f"crud-{index:05d}"
                path = f"{collection('configmaps', namespace)}/{name}"
                await call(
                    server,
                    session,
                    "POST",
                    collection("configmaps", namespace),
                    configmap(name, namespace, index),
                    (200, 201),
                )
                await call(server, session, "GET", path)
                await call(server, session, "PATCH", path, {"data": {"step": "updated"}}, content_type=MERGE_PATCH)
                await call(server, session, "DELETE", path)
                done += 4

    meter = Meter(server)
    await asyncio.gather(*(client() for _ in range(clients)))
    meter.stop()
    rate = done / meter.wall
    return Figures(
        {"rate": rate, "n": done},
        f"{rate:8.0f} ops/s      ({done} ops in {meter.wall:.2f} s; {meter.per(done, 'op')})",
    )


async def probes(server: Server, namespace: str = "bench-get") -> list[str]:
    """What else a client meets: whole-object updates, namespaces, server-set metadata, tables."""
    lines = []
    async with server.session() as session:
        path = f"{collection('configmaps', namespace)}/probe"
        status, body = await call(server, session, "GET", path)
        obj = json.loads(body) if status == 200 else {}
        owned = [key for key in ("uid", "resourceVersion", "creationTimestamp") if key in obj.get("metadata", {})]
        lines.append(f"server-set metadata on a created object: {', '.join(owned) or 'none'}")
        obj["data"] = {"replaced": "yes"}
        status, body = await call(server, session, "PUT", path, obj, expect=(200, 404, 405))
        served = status == 200 and json.loads(body).get("data") == {"replaced": "yes"}
        lines.append(f"PUT {path}: {'served' if served else f'not served (HTTP {status})'}")
        status, body = await call(server, session, "GET", collection("pods", namespace), accept=TABLE, expect=(200,))
        kind = json.loads(body).get("kind") if status == 200 else None
        table = "a Table" if kind == "Table" else f"no Table (HTTP {status}, kind {kind})"
        lines.append(f"GET {collection('pods', namespace)} as Table: {table}")
        body_ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench-probe"}}
        status, body = await call(server, session, "POST", "/api/v1/namespaces", body_ns, expect=(200, 201, 500))
        reason = json.loads(body).get("message", "")[:120] if status >= 400 else ""
        lines.append(f"POST /api/v1/namespaces: HTTP {status} {reason}".rstrip())
    return lines


async def watch_fanout(
    server: Server, watchers: int, events: int, limit: float, namespace: str, interval: float = 0.0
) -> Figures:
    """watchers watch ConfigMaps in one namespace; events creates follow; when has every watcher every event?

    The creates go back to back, or one every interval seconds.
    """
    async with server.session() as session:
        await ensure_namespace(server, session, namespace)
    seen: list[dict[str, float]] = [{} for _ in range(watchers)]
    connected = [asyncio.Event() for _ in range(watchers)]
    sent: dict[str, float] = {}
    expected = watchers * events
    delivered = 0
    all_delivered = asyncio.Event()
    failures: list[str] = []
    path = collection("configmaps", namespace)
    params = {"watch": "true", "timeoutSeconds": str(int(limit) + 60)}

    async def watch(index: int) -> None:
        nonlocal delivered
        async with server.session(streaming=True) as session, session.get(path, params=params) as response:
            connected[index].set()
            if response.status != 200:
                failures.append(f"GET {path}?watch=true -> {response.status}: {(await response.read())[:200]!r}")
                return
            mine = seen[index]
            async for line in response.content:
                arrived = time.perf_counter()
                if not line.strip():
                    continue
                event = json.loads(line)
                name = ((event.get("object") or {}).get("metadata") or {}).get("name", "")
                if event.get("type") != "ADDED" or name in mine:
                    continue
                mine[name] = arrived
                if name.startswith("fan-"):
                    delivered += 1
                    if delivered == expected:
                        all_delivered.set()

    tasks = [asyncio.ensure_future(watch(index)) for index in range(watchers)]
    try:
        deadline = Deadline(limit)
        try:
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in connected)), limit)
        except TimeoutError:
            return Figures(note=f"the {watchers} watches were not all answered within {limit:.0f} s")
        if failures:
            server.problem(failures[0])
            return Figures(note=f"watch not served: {failures[0]}")
        # The watchers answered; the last of them may still be subscribing. A sentinel each has seen says it is.
        async with server.session() as session:
            ready = False
            for attempt in range(20):
                sentinel = f"sync-{attempt}"
                await call(server, session, "POST", path, configmap(sentinel, namespace, attempt), (200, 201))
                wait_until = Deadline(1.0)
                while wait_until and not (ready := all(sentinel in mine for mine in seen)):
                    await asyncio.sleep(0.005)
                if ready:
                    break
            if not ready:
                return Figures(note="the watchers never all saw a sentinel object: watch fan-out not measured")
            meter = Meter(server)
            start = meter.start
            for index in range(events):
                if interval:
                    await asyncio.sleep(max(start + index * interval - time.perf_counter(), 0))
                name = f"fan-{index:04d}"
                sent[name] = time.perf_counter()
                await call(server, session, "POST", path, configmap(name, namespace, index), (200, 201))
                if not deadline:
                    break
            creates_done = time.perf_counter()
        left = max(deadline.end - time.perf_counter(), 0.1)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_delivered.wait(), left)
        meter.stop()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [mine[name] - sent[name] for mine in seen for name in sent if name in mine]
    last = max((mine[name] for mine in seen for name in sent if name in mine), default=start)
    wanted = watchers * len(sent)
    if len(latencies) < wanted:
        server.problem(f"watch fan-out: {len(latencies)} of {wanted} events delivered within {limit:.0f} s")
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    return Figures(
        {"all": last - start, "p50": p50, "p99": p99, "delivered": len(latencies) / max(wanted, 1)},
        f"all delivered after {last - start:6.2f} s  delivery p50 {ms(p50)}  p99 {ms(p99)}  "
        f"({len(latencies)}/{wanted} events, {len(sent)} creates in {creates_done - start:.2f} s; "
        f"{meter.per(len(sent), 'create')})",
    )


# -- the run -----------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    key: tuple[str, str]
    unit: str  # "ms" (lower is better), "/s" or "s"
    goal: str = ""


async def measure(args: argparse.Namespace, servers: list[Server]) -> dict[str, dict[str, Figures]]:
    results: dict[str, dict[str, Figures]] = {}
    limit = args.time_limit

    async def each(
        key: str, title: str, run: Callable[[Server], Awaitable[Figures]], only: tuple[str, ...] = ()
    ) -> None:
        print(title)
        results[key] = {}
        for server in servers:
            if only and server.name not in only:
                continue
            try:
                figures = await run(server)
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:  # said, and the run goes on
                figures = Figures(note=f"failed: {type(error).__name__}: {error}")
                server.problem(f"{title}: {figures.note}")
            results[key][server.name] = figures
            print(f"  {server.name:<11} {figures.note}", flush=True)

    n, objects = args.gets, args.objects

    def created(server: Server) -> int:  # the Pods the one client created in bench-list before its time was up
        return int(results["create1"][server.name].values.get("n", 0))

    await each(
        "get",
        f"GET one ConfigMap, {n} sequential requests, one keep-alive connection",
        lambda s: get_latency(s, n, limit),
    )
    await each(
        "create1",
        f"create {objects} Pods, one client",
        lambda s: create_many(s, "pods", "bench-list", objects, 1, limit, "pod"),
    )
    await each(
        "create8",
        f"create {objects} Pods, {args.clients} concurrent clients",
        lambda s: create_many(s, "pods", "bench-burst", objects, args.clients, limit, "burst"),
    )
    await each(
        "list",
        f"LIST the {objects} Pods of a namespace, {args.lists} sequential requests",
        lambda s: list_latency(s, "bench-list", created(s), args.lists, limit),
    )
    await each(
        "table",
        "LIST them as a Table (what `kubectl get pods` asks for); kmock has no Table output",
        lambda s: list_latency(s, "bench-list", created(s), args.lists, limit, TABLE),
        only=("kubesim",),
    )
    await each(
        "get-full",
        f"GET one ConfigMap again, with {2 * objects} Pods stored, {n // 4} requests",
        lambda s: get_latency(s, n // 4, limit),
    )
    await each(
        "crud1",
        f"CRUD mix (create, get, merge-patch, delete a ConfigMap), {args.cycles} cycles, one client",
        lambda s: crud_mix(s, args.cycles, 1, limit, "bench-crud"),
    )
    await each(
        "crud8",
        f"CRUD mix, {args.cycles} cycles, {args.clients} concurrent clients",
        lambda s: crud_mix(s, args.cycles, args.clients, limit, "bench-crud8"),
    )
    await each(
        "watch",
        f"watch fan-out: {args.watchers} watchers on ConfigMaps of a namespace, {args.events} creates "
        + (f"one every {args.watch_interval:g} ms" if args.watch_interval else "back to back"),
        lambda s: watch_fanout(s, args.watchers, args.events, limit, "bench-watch", args.watch_interval / 1000),
    )
    print("what else a client meets")
    for server in servers:
        try:
            lines = await probes(server)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            lines = [f"failed: {type(error).__name__}: {error}"]
        for line in lines:
            print(f"  {server.name:<11} {line}")
    return results


ROWS = [
    Row("GET p50", ("get", "p50"), "ms"),
    Row("GET p95", ("get", "p95"), "ms"),
    Row("GET p99", ("get", "p99"), "ms", "kubesim < 10 ms"),
    Row("GET p99, {pods} Pods stored", ("get-full", "p99"), "ms", "kubesim < 10 ms"),
    Row("LIST {objects} Pods p50", ("list", "p50"), "ms"),
    Row("LIST {objects} Pods p99", ("list", "p99"), "ms"),
    Row("LIST {objects} Pods as Table p50", ("table", "p50"), "ms"),
    Row("create {objects} Pods, one client", ("create1", "rate"), "/s"),
    Row("create {objects} Pods, {clients} clients", ("create8", "rate"), "/s"),
    Row("CRUD mix, one client", ("crud1", "rate"), "/s", ">= 1x kmock"),
    Row("CRUD mix, {clients} clients", ("crud8", "rate"), "/s", ">= 1x kmock"),
    Row("watch: all {deliveries} events delivered", ("watch", "all"), "s"),
    Row("watch delivery p50", ("watch", "p50"), "ms"),
    Row("watch delivery p99", ("watch", "p99"), "ms"),
]


def summary(results: dict[str, dict[str, Figures]], names: list[str], args: argparse.Namespace) -> None:
    def shown(value: float | None, unit: str) -> str:
        if value is None:
            return "n/a"
        if unit == "ms":
            return f"{value * 1000:.2f} ms"
        if unit == "s":
            return f"{value:.2f} s"
        return f"{value:.0f} /s"

    peers = names[1:]
    print()
    header = f"{'measure':<38}" + "".join(f"{name:>13}" for name in names)
    header += "".join(f"{'kubesim/' + name:>21}" for name in peers)
    print(f"{header}   goal")
    for row in ROWS:
        phase, key = row.key
        values = [results.get(phase, {}).get(name, Figures()).values.get(key) for name in names]
        label = row.label.format(
            objects=args.objects, pods=2 * args.objects, clients=args.clients, deliveries=args.watchers * args.events
        )
        text = f"{label:<38}" + "".join(f"{shown(value, row.unit):>13}" for value in values)
        ours = values[0]
        for theirs in values[1:]:
            text += f"{ours / theirs:20.2f}x" if ours is not None and theirs else f"{'':>21}"
        print(f"{text}   {row.goal}".rstrip())
    print("ms and s: time, lower is better, so is a ratio below 1; /s: objects or operations per second, higher is")
    print("better, so is a ratio above 1. kmock-nolog: kmock forgetting each request once answered (see --help).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_python = ROOT / ".venv" / "bin" / "python"
    parser.add_argument(
        "--python",
        default=str(default_python) if default_python.exists() else sys.executable,
        help="the interpreter kuar-lab (kubesim) is installed in (default: .venv/bin/python)",
    )
    parser.add_argument("--gets", type=int, default=2000, help="sequential GETs for the latency (default: 2000)")
    parser.add_argument("--objects", type=int, default=1000, help="Pods created, then listed (default: 1000)")
    parser.add_argument("--lists", type=int, default=50, help="LIST requests (default: 50)")
    parser.add_argument("--cycles", type=int, default=500, help="CRUD cycles of 4 requests (default: 500)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    parser.add_argument("--watchers", type=int, default=50, help="concurrent watchers (default: 50)")
    parser.add_argument("--events", type=int, default=200, help="creates the watchers receive (default: 200)")
    parser.add_argument("--watch-interval", type=float, default=0.0, help="ms between the watched creates (default: 0)")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per measured loop (default: 30)")
    parser.add_argument("--kmock-tls", action="store_true", help="serve kmock over HTTPS too, with kubesim's cert")
    parser.add_argument("--no-kmock", action="store_true", help="measure kubesim alone")
    parser.add_argument("--serve-kmock", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kmock-cert", help=argparse.SUPPRESS)
    parser.add_argument("--kmock-key", help=argparse.SUPPRESS)
    parser.add_argument("--kmock-forget", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_kmock:
        asyncio.run(serve_kmock(args.serve_kmock, args.kmock_cert, args.kmock_key, args.kmock_forget))
        return 0
    if aiohttp is None:
        print("aiohttp is not installed: run this with bench/.venv/bin/python (see bench/README.md)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kubesim-bench-") as folder:
        servers: list[Server] = []
        try:
            kubesim = start_kubesim(args.python, Path(folder))
            servers.append(kubesim)
            if args.no_kmock:
                print("kmock: not measured (--no-kmock)")
            elif importlib.util.find_spec("kmock") is None:
                print("kmock: not installed, skipped (see bench/README.md)")
            else:
                tls_like = kubesim if args.kmock_tls else None
                servers.append(start_kmock(Path(folder), tls_like))
                servers.append(start_kmock(Path(folder), tls_like, keep_log=False))
            for server in servers:
                print(f"{server.name}: {server.base} (pid {server.process.pid})")
            results = asyncio.run(measure(args, servers))
        except RuntimeError as error:  # a server that did not start, with the end of its log
            print(error, file=sys.stderr)
            return 1
        finally:
            for server in servers:
                server.stop()
        summary(results, [server.name for server in servers], args)
        for server in servers:
            for text in server.problems:
                print(f"{server.name} problem: {text}")
            log = server.log.read_text(errors="replace")
            if "Traceback" in log:
                print(f"{server.name} log has tracebacks; the last lines:\n{log[-2000:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
