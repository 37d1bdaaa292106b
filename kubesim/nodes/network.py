"""The in-cluster network as seen from inside a pod: cluster DNS and "connect to IP:port", over the store.

DNS answers as CoreDNS does in kind (cluster domain cluster.local): `SERVICE.NAMESPACE.svc.cluster.local` is the
Service's ClusterIP; a headless Service (clusterIP None) answers with the IPs of its ready endpoints (the not-ready
ones too when it publishes them); `HOST.SERVICE.NAMESPACE.svc.cluster.local` is the endpoint whose hostname is HOST
(a StatefulSet pod `mongo-0.mongo`); an ExternalName Service is a CNAME to its external name; anything else is
NXDOMAIN. Short names go through the pod's resolv.conf as the kubelet writes it: search
`NS.svc.cluster.local svc.cluster.local cluster.local` with ndots:5, so `alpaca-prod`, `alpaca-prod.default` and
`kubernetes.default` resolve.

Connecting to a ClusterIP is kube-proxy's job: each connection goes to one of the Service's READY endpoints for
that port, taken in turn, never a not-ready one (none: refused). Connecting to a pod IP reaches that pod; whether
a process listens on the port is the caller's business (the proxy's, the shell's). The API server's service
proxy chooses its endpoint here too, so the spread is the same whichever way a request comes in.

An HTTP request that lands on a pod is answered by the process listening on the port: kuard through its model
(kuard.py), the servers of processes.py with their pages (nginx's welcome page) and 404 elsewhere. The shell's
network tools (`nslookup`, `wget`, `curl`, processes.py) run here, from the pod's namespace, and print what
busybox's and curl's print; the kubelet runs them when the container starts, so a Job's exit code follows the
network as it was then. kuard's `/dns/api` answers with the text of a DNS message as kuard (miekg/dns) prints
it, and a kuard MemQ keygen worker finds its queue's server through its URL here (`start_worker`, memq.py).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from kubesim.clock import Clock
from kubesim.nodes.container_fs import FsError
from kubesim.nodes.images import KUARD, ImagePullError, InvalidImageName, resolve
from kubesim.nodes.kuard import HttpAnswer, Kuards
from kubesim.nodes.memq import WorkQueues
from kubesim.nodes.processes import Process, Tools, command_flags
from kubesim.nodes.shell import ShellContext, exec_context
from kubesim.store.store import Key, Store

Obj = dict[str, Any]
CLUSTER_DOMAIN = "cluster.local"
NDOTS = 5
DNS_SERVER = "10.96.0.10"  # kube-dns's ClusterIP in kind
KUARD_TLS_PORT, KUARD_TLS_DIR = 8443, "/tls"  # kuard's --tls-address and --tls-dir defaults
DNS_TTL = 30  # CoreDNS's kubernetes plugin default
NGINX_WELCOME = (
    b"<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n"
    b"<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n"
    b"working. Further configuration is required.</p>\n</body>\n</html>\n"
)
NOT_FOUND_PAGE = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    b"<center><h1>404 Not Found</h1></center>\r\n</body>\r\n</html>\r\n"
)
REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Unreachable(Exception):
    """A connection that found no HTTP server: refused (nothing listens) or closed at once (not HTTP)."""

    def __init__(self, refused: bool) -> None:
        super().__init__("connection refused" if refused else "EOF")
        self.refused = refused


@dataclass(frozen=True)
class Answer:
    """What the cluster DNS answered for a name: the name that matched, its addresses, or a CNAME."""

    name: str
    addresses: tuple[str, ...] = ()
    cname: str = ""


@dataclass(frozen=True)
class Target:
    """Where a connection lands: a pod and the port on it."""

    pod: Obj
    port: int


def search_path(namespace: str) -> list[str]:
    """The search domains of a pod's resolv.conf in this namespace (dnsPolicy ClusterFirst)."""
    return [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]


def candidates(name: str, namespace: str) -> list[str]:
    """The fully-qualified names a resolver tries for `name`, in order, as glibc and musl do with ndots:5."""
    if name.endswith("."):
        return [name.rstrip(".")]
    searched = [f"{name}.{domain}" for domain in search_path(namespace)]
    return [*searched, name] if name.count(".") < NDOTS else [name, *searched]


class Network:
    def __init__(self, store: Store, kuards: Kuards, clock: Clock) -> None:
        self.store, self.kuards, self.clock = store, kuards, clock
        self.filesystems = kuards.filesystems  # the containers' files, for `kubectl exec` and `cp` (container_fs.py)
        self.work_queues = WorkQueues(clock)
        self.exit_listeners: list[Callable[[Key, str, int], None]] = []  # (pod key, container ID, exit code)
        kuards.dns = self.dig
        kuards.memq = self.work_queues.handle
        self.turns: dict[tuple[str, str, str], itertools.count[int]] = {}  # service port -> its next turn

    # -- DNS ----------------------------------------------------------------------------------------------------

    def lookup(self, name: str, namespace: str) -> Answer | None:
        """The answer to a lookup of `name` from a pod in `namespace`; None is NXDOMAIN."""
        for fqdn in candidates(name.lower(), namespace):
            answer = self.answer(fqdn)
            if answer is not None:
                return answer
        return None

    def answer(self, fqdn: str) -> Answer | None:
        """The cluster DNS's answer for a fully-qualified name, None when it does not exist."""
        suffix = f".svc.{CLUSTER_DOMAIN}"
        if not fqdn.endswith(suffix):
            return None
        labels = fqdn[: -len(suffix)].split(".")
        if len(labels) == 2:
            return self._service_answer(fqdn, labels[1], labels[0])
        if len(labels) == 3:
            return self._host_answer(fqdn, labels[2], labels[1], labels[0])
        return None

    def _service_answer(self, fqdn: str, namespace: str, name: str) -> Answer | None:
        service = self.store.get("/services", namespace, name)
        if service is None:
            return None
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return Answer(fqdn, cname=str(spec.get("externalName") or ""))
        if spec.get("clusterIP") and spec.get("clusterIP") != "None":
            return Answer(fqdn, (str(spec["clusterIP"]),))
        addresses = [address for address, _ in self._addresses(service)]
        return Answer(fqdn, tuple(sorted(set(addresses)))) if addresses else None

    def _host_answer(self, fqdn: str, namespace: str, service_name: str, host: str) -> Answer | None:
        service = self.store.get("/services", namespace, service_name)
        if service is None:
            return None
        addresses = [address for address, hostname in self._addresses(service) if hostname == host]
        return Answer(fqdn, tuple(addresses)) if addresses else None

    def _addresses(self, service: Obj) -> list[tuple[str, str]]:
        """(IP, hostname) of the endpoints DNS publishes for a Service: the ready ones, and the not-ready ones
        when the Service asks for it (publishNotReadyAddresses)."""
        meta = service["metadata"]
        endpoints = self.store.get("/endpoints", meta.get("namespace") or "", meta["name"]) or {}
        kinds = ["addresses"] + (
            ["notReadyAddresses"] if (service.get("spec") or {}).get("publishNotReadyAddresses") else []
        )
        return [
            (str(address.get("ip") or ""), str(address.get("hostname") or ""))
            for subset in endpoints.get("subsets") or []
            for kind in kinds
            for address in subset.get(kind) or []
        ]

    # -- connections --------------------------------------------------------------------------------------------

    def ready_endpoints(self, namespace: str, name: str, port_name: str) -> list[tuple[str, int]]:
        """(pod name, target port) of the Service's ready endpoints for its port of that name, sorted."""
        endpoints = self.store.get("/endpoints", namespace, name) or {}
        choices = []
        for subset in endpoints.get("subsets") or []:
            numbers = [p.get("port") for p in subset.get("ports") or [] if str(p.get("name") or "") == port_name]
            for address in subset.get("addresses") or []:  # notReadyAddresses are never chosen
                ref = address.get("targetRef") or {}
                if ref.get("kind") == "Pod" and numbers:
                    choices.append((str(ref.get("name")), int(numbers[0])))
        return sorted(choices)

    def to_service(self, service: Obj, service_port: Obj) -> Target | None:
        """The endpoint the next connection to this port of the Service goes to, taking them in turn."""
        meta = service["metadata"]
        namespace, name = meta.get("namespace") or "", meta["name"]
        choices = self.ready_endpoints(namespace, name, str(service_port.get("name") or ""))
        if not choices:
            return None
        turn = next(self.turns.setdefault((namespace, name, str(service_port.get("port"))), itertools.count()))
        pod_name, number = choices[turn % len(choices)]
        pod = self.store.get("/pods", namespace, pod_name)
        return Target(pod, number) if pod is not None else None

    def connect(self, ip: str, port: int) -> Target | None:
        """Where a connection to IP:port lands: through kube-proxy for a ClusterIP, straight to a pod's IP;
        None when nothing is there (connection refused)."""
        for service in self.store.list("/services"):
            if (service.get("spec") or {}).get("clusterIP") == ip:
                for service_port in (service.get("spec") or {}).get("ports") or []:
                    if service_port.get("port") == port:
                        return self.to_service(service, service_port)
                return None
        for pod in self.store.list("/pods"):
            if (pod.get("status") or {}).get("podIP") == ip:
                return Target(pod, port)
        return None

    # -- HTTP ---------------------------------------------------------------------------------------------------

    def http(self, target: Target, method: str, path: str, query: dict[str, str], body: bytes) -> HttpAnswer:
        """The answer of the process listening on the target's port to one HTTP request; raises Unreachable."""
        found = self._listener(target.pod, target.port)
        if found is None or not (target.pod.get("status") or {}).get("podIP"):
            raise Unreachable(refused=True)
        container, container_id, process = found
        if process.program == KUARD:
            kuard = self.kuards.of(self.store, target.pod, container, container_id, process)
            return kuard.handle(method, path, query, body)
        pages = process.http_paths.get(target.port)
        if pages is None:
            raise Unreachable(refused=False)
        if path not in pages:
            return HttpAnswer(404, NOT_FOUND_PAGE, "text/html")
        nginx = "nginx" in process.argv[0:1] or "nginx" in str(container.get("image"))
        return HttpAnswer(200, NGINX_WELCOME if nginx else b"ok\n", "text/html")

    def main_process_exited(self, pod: Obj, container_id: str, code: int) -> None:
        """The container's main process ended with this code (an attached shell left with `exit`): the kubelet
        ends the container."""
        key = ("/pods", pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
        for listener in self.exit_listeners:
            listener(key, container_id, code)

    def listens(self, pod: Obj, port: int) -> bool:
        """Whether a running container of the pod listens on the port (a connection to it is accepted)."""
        return bool((pod.get("status") or {}).get("podIP")) and self._listener(pod, port) is not None

    def _listener(self, pod: Obj, port: int) -> tuple[Obj, str, Process] | None:
        """The running container whose process listens on the port, its container ID and its process."""
        statuses = {s.get("name"): s for s in (pod.get("status") or {}).get("containerStatuses") or []}
        for container in (pod.get("spec") or {}).get("containers") or []:
            status = statuses.get(container.get("name")) or {}
            if "running" not in (status.get("state") or {}):
                continue
            try:
                image = resolve(str(container.get("image") or "")).image
            except (InvalidImageName, ImagePullError):
                continue
            process = Process.of(container, image)
            container_id = str(status.get("containerID") or "")
            if port in process.ports or self._kuard_tls(pod, container, container_id, process, port) is not None:
                return container, container_id, process
        return None

    def tls_certificate(self, pod: Obj, port: int) -> tuple[bytes, bytes] | None:
        """The certificate and key the process on the port serves HTTPS with; None when it speaks plain HTTP."""
        found = self._listener(pod, port)
        return self._kuard_tls(pod, *found, port) if found is not None else None

    def _kuard_tls(
        self, pod: Obj, container: Obj, container_id: str, process: Process, port: int
    ) -> tuple[bytes, bytes] | None:
        """kuard serves HTTPS on 8443 when its TLS directory holds kuard.crt and kuard.key (a mounted Secret)."""
        if process.program != KUARD or port != KUARD_TLS_PORT:
            return None
        files = self.filesystems.of(self.store, pod, container, container_id)
        try:
            return files.read(f"{KUARD_TLS_DIR}/kuard.crt"), files.read(f"{KUARD_TLS_DIR}/kuard.key")
        except FsError:
            return None

    def start_worker(self, pod: Obj, container_id: str, process: Process, started_at: float) -> None:
        """A kuard started as a MemQ keygen worker (--keygen-memq-server=URL --keygen-memq-queue=NAME) joins the
        queue of the kuard its URL reaches; when none is reached, its first dequeue fails and it ends at once."""
        if process.program != KUARD:
            return
        flags = command_flags(process.argv[1:])
        url, queue = flags.get("keygen-memq-server"), flags.get("keygen-memq-queue")
        if flags.get("keygen-enable") != "true" or not url or not queue:
            return
        host, port, _, _ = _split_url(url)
        ip = self._address(pod["metadata"].get("namespace") or "", host)
        target = self.connect(ip, port) if ip is not None else None
        found = self._listener(target.pod, target.port) if target is not None else None
        server = found[1] if found is not None and found[2].program == KUARD else ""
        key = ("/pods", pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
        self.work_queues.work(server, queue, key, container_id, started_at)

    # -- what a pod's programs make of it ----------------------------------------------------------------------

    def dig(self, namespace: str, name: str, qtype: str) -> str:
        """kuard's /dns answer: the DNS message for the first search-path name that has an answer, as text."""
        tried = candidates(name.lower(), namespace)
        fqdn, answer = tried[-1], None
        for fqdn in tried:
            answer = self.answer(fqdn)
            if answer is not None:
                break
        records = []
        if answer is not None and answer.cname:
            records = [f"{fqdn}.\t{DNS_TTL}\tIN\tCNAME\t{answer.cname}."]
        elif answer is not None and qtype == "A":
            records = [f"{fqdn}.\t{DNS_TTL}\tIN\tA\t{address}" for address in answer.addresses]
        status = "NXDOMAIN" if answer is None else "NOERROR"
        lines = [
            f";; opcode: QUERY, status: {status}, id: {random.randrange(1, 65536)}",
            f";; flags: qr aa rd; QUERY: 1, ANSWER: {len(records)}, AUTHORITY: 0, ADDITIONAL: 0",
            "",
            ";; QUESTION SECTION:",
            f";{fqdn}.\tIN\t {qtype}",
        ]
        if records:
            lines += ["", ";; ANSWER SECTION:", *records]
        return "\n".join(lines) + "\n"

    def exec_context(self, pod: Obj, container: Obj, container_id: str) -> ShellContext:
        """What a command run by `kubectl exec` in a running container works with (shell.py): its environment,
        its files, and this network as the pod's programs reach it."""
        tools = self.tools_for(pod["metadata"].get("namespace") or "default")
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        states = [s.get("state") or {} for s in statuses if s.get("name") == container.get("name")]
        started = ((states[0] if states else {}).get("running") or {}).get("startedAt")
        elapsed = self.clock.since(started)  # how far its main process got (simulated seconds)
        return exec_context(self.store, self.filesystems, tools, pod, container, container_id, elapsed)

    def tools_for(self, namespace: str) -> Tools:
        """The network tools of processes.py as a pod of the namespace runs them."""
        return functools.partial(self.tool, namespace)

    def tool(self, namespace: str, name: str, args: list[str]) -> tuple[int, list[str]]:
        """Run one of the shell's network tools in a pod of the namespace: (exit status, lines printed)."""
        if name == "nslookup":
            return self._nslookup(namespace, [arg for arg in args if not arg.startswith("-")])
        if name == "wget":
            return self._wget(namespace, args)
        return self._curl(namespace, args)

    def _nslookup(self, namespace: str, args: list[str]) -> tuple[int, list[str]]:
        if not args:
            return 1, ["BusyBox v1.36.1 multi-call binary.", "", "Usage: nslookup [-type=QUERY_TYPE] HOST [DNS_SERVER]"]
        header = ["Server:\t\t" + DNS_SERVER, f"Address:\t{DNS_SERVER}:53", ""]
        answer = self.lookup(args[0], namespace)
        if answer is None:
            return 1, [*header, f"** server can't find {args[0]}: NXDOMAIN", ""]
        if answer.cname:
            return 0, [*header, f"{answer.name}\tcanonical name = {answer.cname}", ""]
        lines = [line for address in answer.addresses for line in (f"Name:\t{answer.name}", f"Address: {address}")]
        return 0, [*header, *lines, ""]

    def _wget(self, namespace: str, args: list[str]) -> tuple[int, list[str]]:
        quiet, to_stdout, url = _wget_options(args)
        if not url:
            return 1, ["BusyBox v1.36.1 multi-call binary.", "", "Usage: wget [-cqS] [-O FILE] URL..."]
        host, port, path, query = _split_url(url)
        ip = self._address(namespace, host)
        if ip is None:
            return 1, [f"wget: bad address '{host}:{port}'"]
        progress = [] if quiet else [f"Connecting to {host}:{port} ({ip}:{port})"]
        try:
            reply = self._request(ip, port, path, query)
        except Unreachable as unreachable:
            if unreachable.refused:
                return 1, [*progress, f"wget: can't connect to remote host ({ip}): Connection refused"]
            return 1, [*progress, "wget: error getting response: Connection reset by peer"]
        if reply.status >= 400:
            return 1, [
                *progress,
                f"wget: server returned error: HTTP/1.1 {reply.status} {REASONS.get(reply.status, '')}".rstrip(),
            ]
        if to_stdout:
            return 0, [*progress, *_lines(reply.body)]
        saved = "index.html" if path.endswith("/") else path.rsplit("/", 1)[-1]
        return 0, [*progress, f"saving to '{saved}'"] + ([] if quiet else [f"'{saved}' saved"])

    def _curl(self, namespace: str, args: list[str]) -> tuple[int, list[str]]:
        words = [arg for arg in args if not arg.startswith("-")]
        fail = any(
            arg in ("-f", "--fail") or (arg.startswith("-") and not arg.startswith("--") and "f" in arg) for arg in args
        )
        if not words:
            return 2, ["curl: try 'curl --help' or 'curl --manual' for more information"]
        host, port, path, query = _split_url(words[-1])
        ip = self._address(namespace, host)
        if ip is None:
            return 6, [f"curl: (6) Could not resolve host: {host}"]
        try:
            reply = self._request(ip, port, path, query)
        except Unreachable as unreachable:
            if unreachable.refused:
                return 7, [f"curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"]
            return 52, ["curl: (52) Empty reply from server"]
        if fail and reply.status >= 400:
            return 22, [f"curl: (22) The requested URL returned error: {reply.status}"]
        return 0, _lines(reply.body)

    def _address(self, namespace: str, host: str) -> str | None:
        """The IP a program connects to for a host: an IP as it is, else the first address DNS gives."""
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            pass
        answer = self.lookup(host, namespace)
        return answer.addresses[0] if answer is not None and answer.addresses else None

    def _request(self, ip: str, port: int, path: str, query: dict[str, str]) -> HttpAnswer:
        target = self.connect(ip, port)
        if target is None:
            raise Unreachable(refused=True)
        return self.http(target, "GET", path, query, b"")


def _split_url(url: str) -> tuple[str, int, str, dict[str, str]]:
    """Host, port, path and query of an http URL (the scheme may be left out, as wget and curl allow)."""
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
    except ValueError:  # no URL at all, such as an unbalanced IPv6 bracket: no host to reach
        return "", 80, "/", {}
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        port = default
    return (parts.hostname or ""), port, parts.path or "/", dict(parse_qsl(parts.query))


def _wget_options(args: list[str]) -> tuple[bool, bool, str]:
    """busybox wget's -q, whether -O sends the page to stdout (-O- or -O -), and the URL."""
    quiet = to_stdout = False
    url = ""
    words = iter(args)
    for word in words:
        if word.startswith("-") and not word.startswith("--") and len(word) > 1:
            quiet = quiet or "q" in word
            if word.endswith("O"):
                to_stdout = next(words, "") == "-"
            elif word.endswith("O-"):
                to_stdout = True
        elif not word.startswith("-"):
            url = word
    return quiet, to_stdout, url


def _lines(body: bytes) -> list[str]:
    return body.decode(errors="replace").splitlines()
