"""What a container's process prints, and when: its log, computed rather than stored.

A log is a deterministic function of the process model (processes.py: image, command, args), of when the
container instance started (real time, as its status' `startedAt` says) and of how many simulated seconds it has
run. `printed(container, started, speed, until)` gives the (real time, line) pairs printed in the first `until`
simulated seconds; the API's `log` subresource (kubesim/api/pod_logs.py) filters and formats them.

What each program prints:

- kuard: its start-up banner as the real kuard prints it through Go's `log` package ("Starting kuard version:
  v0.10.0-blue", the warning box, its "Config:" JSON with the keygen flags, "Serving on HTTP on :8080"); with
  `--keygen-enable`, a "(ID 0) Workload starting" line, one "(ID 0 i/N) Item done: SHA256:..." line per key (a
  key a simulated second) and "(ID 0) Workload exiting" when it has made them all.
- shells: the `echo`/`printf` output of their script (and `cat`'s complaints), at the moment the script prints
  it; a `while true` loop that sleeps prints its lines again every round.
- servers (nginx, redis, mongo, mysql, postgres, httpd, fluentd, ...) and kube-system's CoreDNS: their usual
  start-up lines, at once.
- anything else prints nothing.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

from kubesim.nodes.images import (
    ALREADY_RUNNING,
    KUARD,
    SERVER,
    SHELL,
    SYSTEM,
    ImagePullError,
    InvalidImageName,
    resolve,
)
from kubesim.nodes.processes import KEY_SECONDS, Process, Tools, command_flags, number

KUARD_VERSION = "v0.10.0"
GO_LOG_TIME = "%Y/%m/%d %H:%M:%S"


def process_of(container: dict[str, Any], tools: Tools | None = None) -> Process:
    """The process the kubelet runs for a container spec (what runs when the image is not one we know), with the
    network tools of its pod's namespace so that a script's `wget` prints what it fetched."""
    try:
        image = resolve(str(container.get("image") or "")).image
    except (ImagePullError, InvalidImageName):
        image = ALREADY_RUNNING
    return Process.of(container, image, tools)


def printed(
    container: dict[str, Any], started: float, speed: float, until: float, tools: Tools | None = None
) -> list[tuple[float, str]]:
    """The lines printed in the first `until` simulated seconds of a container started at `started` (epoch)."""
    process = process_of(container, tools)
    until = min(until, process.exits_after)
    lines = []
    for offset, text in _timeline(process, str(container.get("image") or ""), lambda at: started + at / speed):
        if offset > until:
            break
        lines.append((started + offset / speed, text))
    return lines


def _timeline(process: Process, image: str, moment: Callable[[float], float]) -> Iterator[tuple[float, str]]:
    """(simulated seconds since start, line) in time order; endless for a program that prints forever."""
    if process.program == KUARD:
        yield from _kuard(process, image, moment)
    elif process.program == SHELL:
        yield from _shell(process)
    elif process.program == SERVER:
        yield from ((0.0, line) for line in _server(process, image, moment(0.0)))
    elif process.program == SYSTEM and "/coredns:" in image:
        yield from ((0.0, line) for line in _coredns(image))


def _shell(process: Process) -> Iterator[tuple[float, str]]:
    """A script's output; a script that ends in an endless loop prints its body's lines again every round."""
    script = process.script
    yield from script.output
    period, first = script.loop
    if not process.runs_forever or period <= 0 or first >= len(script.output):
        return
    body = script.output[first:]
    for round_ in itertools.count(1):
        yield from ((at + round_ * period, text) for at, text in body)


# -- kuard --------------------------------------------------------------------------------------------------------


def _kuard(process: Process, image: str, moment: Callable[[float], float]) -> Iterator[tuple[float, str]]:
    flags = command_flags(process.argv[1:])
    tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else "latest"
    colour = tag if tag in ("blue", "green", "purple") else "blue"
    keygen = flags.get("keygen-enable") == "true"
    keys = int(number(flags.get("keygen-num-to-gen")))
    config = {
        "address": ":8080",
        "debug": False,
        "debug-sitedata-dir": "./sitedata",
        "keygen": {
            "enable": keygen,
            "exit-code": int(number(flags.get("keygen-exit-code"))),
            "exit-on-complete": flags.get("keygen-exit-on-complete") == "true",
            "memq-queue": flags.get("keygen-memq-queue", ""),
            "memq-server": flags.get("keygen-memq-server", ""),
            "num-to-gen": keys,
            "time-to-run": int(number(flags.get("keygen-time-to-run"))),
        },
        "liveness": {"fail-next": 0},
        "readiness": {"fail-next": 0},
        "tls-address": ":8443",
        "tls-dir": "/tls",
    }
    start = _go_time(moment(0.0))
    banner = "*" * 70
    yield 0.0, f"{start} Starting kuard version: {KUARD_VERSION}-{colour}"
    yield 0.0, f"{start} {banner}"
    yield 0.0, f"{start} * WARNING: This server may expose sensitive"
    yield 0.0, f"{start} * and secret information. Be careful."
    yield 0.0, f"{start} {banner}"
    config_lines = json.dumps(config, indent=2).splitlines()
    yield 0.0, f"{start} Config: "
    yield from ((0.0, line) for line in config_lines)
    yield 0.0, f"{start} Could not find certificates to serve TLS"
    yield 0.0, f"{start} Serving on HTTP on :8080"
    if not keygen:
        return
    yield 0.0, f"{start} (ID 0) Workload starting"
    done = 0
    while keys <= 0 or done < keys:  # no number to generate: kuard goes on until stopped
        done += 1
        at = done * KEY_SECONDS
        total = keys if keys > 0 else 0
        yield at, f"{_go_time(moment(at))} (ID 0 {done}/{total}) Item done: {_fingerprint(process, done)}"
    yield keys * KEY_SECONDS, f"{_go_time(moment(keys * KEY_SECONDS))} (ID 0) Workload exiting"


def _fingerprint(process: Process, index: int) -> str:
    """An SSH key fingerprint as kuard prints it for each key: SHA256: and 43 base64 characters."""
    digest = hashlib.sha256(f"{' '.join(process.argv)}#{index}".encode()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


# -- servers ------------------------------------------------------------------------------------------------------


def _server(process: Process, image: str, at: float) -> list[str]:
    name = image.rpartition("/")[2].partition(":")[0].partition("@")[0]
    lines = _SERVER_LINES.get(name)
    return lines(at) if lines is not None else []


def _nginx(at: float) -> list[str]:
    scripts = "/docker-entrypoint.sh"
    stamp = _go_time(at)
    return [
        f"{scripts}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        f"{scripts}: Looking for shell scripts in /docker-entrypoint.d/",
        f"{scripts}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        f"{scripts}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        f"{scripts}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        f"{scripts}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        f"{scripts}: Configuration complete; ready for start up",
        f'{stamp} [notice] 1#1: using the "epoll" event method',
        f"{stamp} [notice] 1#1: nginx/1.27.3",
        f"{stamp} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)",
        f"{stamp} [notice] 1#1: OS: Linux 6.8.0-kubesim",
        f"{stamp} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        f"{stamp} [notice] 1#1: start worker processes",
        f"{stamp} [notice] 1#1: start worker process 29",
    ]


def _redis(at: float) -> list[str]:
    stamp = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%d %b %Y %H:%M:%S.%f")[:-3]
    return [
        f"1:C {stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        f"1:C {stamp} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started",
        f"1:M {stamp} * Running mode=standalone, port=6379.",
        f"1:M {stamp} * Server initialized",
        f"1:M {stamp} * Ready to accept connections tcp",
    ]


def _mongo(at: float) -> list[str]:
    stamp = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+00:00"

    def entry(component: str, code: int, context: str, message: str, attributes: dict[str, Any]) -> str:
        record = {"t": {"$date": stamp}, "s": "I", "c": component, "id": code, "ctx": context, "msg": message}
        return json.dumps({**record, "attr": attributes}, separators=(",", ":"))

    return [
        entry("CONTROL", 4615611, "initandlisten", "MongoDB starting", {"pid": 1, "port": 27017, "dbPath": "/data/db"}),
        entry("NETWORK", 23015, "listener", "Listening on", {"address": "0.0.0.0"}),
        entry("NETWORK", 23016, "listener", "Waiting for connections", {"port": 27017, "ssl": "off"}),
    ]


def _postgres(at: float) -> list[str]:
    stamp = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"
    return [
        f"{stamp} [1] LOG:  starting PostgreSQL 17.2 on x86_64-pc-linux-gnu",
        f'{stamp} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
        f'{stamp} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
        f"{stamp} [1] LOG:  database system is ready to accept connections",
    ]


def _mysql(at: float) -> list[str]:
    stamp = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return [
        f"{stamp} 0 [System] [MY-015015] [Server] MySQL Server - start.",
        f"{stamp} 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.4.3) starting as process 1",
        f"{stamp} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.3'  "
        "socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
    ]


def _httpd(at: float) -> list[str]:
    stamp = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%a %b %d %H:%M:%S.%f %Y")
    return [
        f"[{stamp}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal "
        "operations",
        f"[{stamp}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'",
    ]


def _fluentd(at: float) -> list[str]:
    stamp = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    return [
        f"{stamp} [info]: init supervisor logger path=nil rotate_age=nil rotate_size=nil",
        f'{stamp} [info]: starting fluentd-1.17.1 pid=7 ruby="3.2.6"',
        f"{stamp} [info]: #0 fluentd worker is now running worker=0",
    ]


_SERVER_LINES: dict[str, Callable[[float], list[str]]] = {
    "nginx": _nginx,
    "redis": _redis,
    "mongo": _mongo,
    "postgres": _postgres,
    "mysql": _mysql,
    "httpd": _httpd,
    "fluentd": _fluentd,
    "fluentd-kubernetes-daemonset": _fluentd,
}


def _coredns(image: str) -> list[str]:
    version = image.rpartition(":")[2].lstrip("v")
    configuration = hashlib.sha512(image.encode()).hexdigest()
    return [".:53", f"[INFO] plugin/reload: Running configuration SHA512 = {configuration}", f"CoreDNS-{version}",
            "linux/amd64, go1.24.6, 7f5b8a1"]  # fmt: skip


def _go_time(at: float) -> str:
    """The prefix Go's log package writes: 2006/01/02 15:04:05 (UTC in a container)."""
    return datetime.datetime.fromtimestamp(at, datetime.UTC).strftime(GO_LOG_TIME)
