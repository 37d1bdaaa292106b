"""The pods `log` subresource (GET /api/v1/namespaces/NS/pods/NAME/log), as the API server and kubelet answer it.

The API server picks the container (the only one, or `?container=`; with several and none named it answers 400
"a container name must be specified for pod X, choose one of: [a b]"), then the kubelet picks the instance as
its validateContainerLogStatus does: with `previous`, the last terminated one; else the running one, or the
terminated one, or the last terminated one while the container waits to restart; a container that never ran
answers 400 "container "x" in pod "y" is waiting to start: REASON". A pod not yet bound to a node has no log.

The lines come from kubesim/nodes/logs.py, computed from the instance's startedAt and the simulated clock.
`sinceSeconds`/`sinceTime` keep the lines from that moment on, `tailLines` the last N, `limitBytes` the first
bytes, `timestamps` prefixes each line with its time in the kubelet's fixed RFC 3339 nano format, and `follow`
streams lines as simulated time passes until the instance stops (or the pod goes).
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from kubesim.api.errors import ApiError, bad_request, not_found
from kubesim.clock import Clock, parse_time
from kubesim.nodes.logs import printed, process_of
from kubesim.nodes.processes import Tools
from kubesim.server.http import Request, Response, StreamingResponse
from kubesim.store.store import Store

TEXT = "text/plain"
_NATURAL_ENDS = ("Completed", "Error")
_STATUS_LISTS = ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
_SPEC_LISTS = ("containers", "initContainers", "ephemeralContainers")


@dataclass(frozen=True)
class Instance:
    """One run of a container: when it started and, once it stopped, how many simulated seconds it printed for."""

    container_id: str
    started: float
    ran_for: float | None  # None while it runs


@dataclass(frozen=True)
class Options:
    container: str
    previous: bool
    follow: bool
    timestamps: bool
    since: float | None  # epoch seconds
    tail: int | None
    limit: int | None

    @staticmethod
    def of(request: Request) -> Options:
        since_seconds = _integer(request, "sinceSeconds")
        since_time = request.arg("sinceTime")
        if since_seconds is not None and since_time:
            raise ApiError(422, "Invalid", "PodLogOptions is invalid: at most one of `sinceTime` or `sinceSeconds`")
        since = parse_time(since_time) if since_time else None
        if since_seconds is not None:
            since = datetime.datetime.now(datetime.UTC).timestamp() - since_seconds
        return Options(
            container=request.arg("container") or "",
            previous=request.arg("previous") in ("true", "1"),
            follow=request.arg("follow") in ("true", "1"),
            timestamps=request.arg("timestamps") in ("true", "1"),
            since=since,
            tail=_integer(request, "tailLines"),
            limit=_integer(request, "limitBytes"),
        )


async def pod_log(
    store: Store, clock: Clock, request: Request, namespace: str, name: str, tools: Tools | None = None
) -> Response | StreamingResponse:
    """GET pods/NAME/log: the chosen container instance's lines, or a stream of them with `follow`."""
    options = Options.of(request)
    pod = store.get("/pods", namespace, name)
    if pod is None:
        raise not_found("pods", name)
    spec = container_named(pod, options.container)
    if not (pod.get("spec") or {}).get("nodeName"):
        return Response(200, b"", TEXT)
    instance = instance_for(pod, spec, options.previous, clock, tools)
    lines = everything = _lines(spec, instance, clock, tools)
    if options.since is not None:
        lines = [line for line in lines if line[0] >= options.since]
    if options.tail is not None:
        lines = lines[-options.tail :] if options.tail > 0 else []
    text = b"".join(_format(line, options.timestamps) for line in lines)
    if options.limit is not None:
        text = text[: options.limit]
    if not options.follow or options.previous or instance.ran_for is not None:
        return Response(200, text, TEXT)
    followed = _follow(store, clock, tools, pod, spec, instance, options, text, len(everything))
    return StreamingResponse(200, followed, TEXT)


async def printed_from_now(
    store: Store, clock: Clock, tools: Tools | None, pod: dict[str, Any], spec: dict[str, Any]
) -> AsyncIterator[bytes]:
    """What the container's running instance prints from now on, as `kubectl attach` shows it."""
    instance = instance_for(pod, spec, False, clock, tools)
    options = Options(spec["name"], False, True, False, None, None, None)
    already = len(_lines(spec, instance, clock, tools))
    async for chunk in _follow(store, clock, tools, pod, spec, instance, options, b"", already):
        yield chunk


async def _follow(
    store: Store, clock: Clock, tools: Tools | None, pod: dict[str, Any], spec: dict[str, Any], instance: Instance,
    options: Options, first: bytes, already: int,
) -> AsyncIterator[bytes]:  # fmt: skip
    """The lines so far, then each new line as it is printed, until the instance stops or the pod goes."""
    budget = options.limit
    if first:
        yield first
    if budget is not None:
        budget -= len(first)
    poll = max(0.05, min(0.5, clock.real(0.5)))
    namespace, name, uid = pod["metadata"]["namespace"], pod["metadata"]["name"], pod["metadata"].get("uid")
    while budget is None or budget > 0:
        await asyncio.sleep(poll)
        current = store.get("/pods", namespace, name)
        if current is None or current["metadata"].get("uid") != uid:
            return
        instance = _same_instance(current, spec, instance, clock, tools)
        lines = _lines(spec, instance, clock, tools)
        chunk = b"".join(_format(line, options.timestamps) for line in lines[already:])
        already = len(lines)
        if budget is not None:
            chunk = chunk[:budget]
            budget -= len(chunk)
        if chunk:
            yield chunk
        if instance.ran_for is not None:
            return


def container_named(pod: dict[str, Any], name: str) -> dict[str, Any]:
    """The container the request names, or the pod's only one, as the API server's LogLocation chooses."""
    spec = pod.get("spec") or {}
    pod_name = pod["metadata"]["name"]
    if not name:
        containers = spec.get("containers") or []
        if len(containers) == 1:
            return dict(containers[0])
        if not containers:
            raise bad_request(f"a container name must be specified for pod {pod_name}")
        message = f"a container name must be specified for pod {pod_name}, choose one of: [{_names(containers)}]"
        if spec.get("initContainers"):
            message += f" or one of the init containers: [{_names(spec['initContainers'])}]"
        if spec.get("ephemeralContainers"):
            message += f" or one of the ephemeral containers: [{_names(spec['ephemeralContainers'])}]"
        raise bad_request(message)
    for field in _SPEC_LISTS:
        for container in spec.get(field) or []:
            if container.get("name") == name:
                return dict(container)
    raise bad_request(f"container {name} is not valid for pod {pod_name}")


def _names(containers: list[dict[str, Any]]) -> str:
    return " ".join(str(container.get("name")) for container in containers)


def _status_of(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    status = pod.get("status") or {}
    for field in _STATUS_LISTS:
        for entry in status.get(field) or []:
            if entry.get("name") == name:
                return dict(entry)
    return None


def instance_for(
    pod: dict[str, Any], spec: dict[str, Any], previous: bool, clock: Clock, tools: Tools | None = None
) -> Instance:
    """The container instance whose log the kubelet serves, or its error (validateContainerLogStatus)."""
    name, pod_name = spec["name"], pod["metadata"]["name"]
    entry = _status_of(pod, name)
    if entry is None:
        raise bad_request(f'container "{name}" in pod "{pod_name}" is not available')
    state = entry.get("state") or {}
    last = (entry.get("lastState") or {}).get("terminated")
    running, terminated, waiting = state.get("running"), state.get("terminated"), state.get("waiting")
    if previous:
        if not last or not last.get("containerID"):
            raise bad_request(f'previous terminated container "{name}" in pod "{pod_name}" not found')
        return _ended(spec, last, clock, tools)
    if running is not None:
        started = parse_time(running.get("startedAt")) or 0.0
        return Instance(str(entry.get("containerID") or ""), started, None)
    if terminated is not None and terminated.get("containerID"):
        return _ended(spec, terminated, clock, tools)
    if last and last.get("containerID"):
        return _ended(spec, last, clock, tools)
    if terminated is not None:
        raise bad_request(f'container "{name}" in pod "{pod_name}" is terminated')
    if waiting is not None:
        reason = waiting.get("reason") or ""
        if reason == "ErrImagePull":
            reason = "image can't be pulled"
        elif reason == "ImagePullBackOff":
            reason = "trying and failing to pull image"
        raise bad_request(f'container "{name}" in pod "{pod_name}" is waiting to start: {reason}')
    raise bad_request(f'container "{name}" in pod "{pod_name}" is waiting to start - no logs yet')


def _ended(spec: dict[str, Any], terminated: dict[str, Any], clock: Clock, tools: Tools | None) -> Instance:
    """A stopped instance. One that ended by itself printed all its program prints; one that was killed, what it
    printed until then (its timestamps only tell whole seconds, so this is what they allow)."""
    started = parse_time(terminated.get("startedAt")) or 0.0
    finished = parse_time(terminated.get("finishedAt")) or started
    process = process_of(spec, tools)
    natural = terminated.get("reason") in _NATURAL_ENDS and terminated.get("exitCode") == process.exit_code
    ran_for = process.exits_after if natural and not process.runs_forever else (finished - started) * clock.speed
    return Instance(str(terminated.get("containerID") or ""), started, ran_for)


def _same_instance(
    pod: dict[str, Any], spec: dict[str, Any], followed: Instance, clock: Clock, tools: Tools | None
) -> Instance:
    """The followed instance as the pod's status now tells it: still running, or stopped (also when gone)."""
    entry = _status_of(pod, spec["name"]) or {}
    state = entry.get("state") or {}
    if state.get("running") is not None and entry.get("containerID") == followed.container_id:
        return followed
    for terminated in (state.get("terminated"), (entry.get("lastState") or {}).get("terminated")):
        if terminated and terminated.get("containerID") == followed.container_id:
            return _ended(spec, terminated, clock, tools)
    return Instance(followed.container_id, followed.started, _running_for(followed, clock))


def _lines(spec: dict[str, Any], instance: Instance, clock: Clock, tools: Tools | None) -> list[tuple[float, str]]:
    ran_for = _running_for(instance, clock) if instance.ran_for is None else instance.ran_for
    return printed(spec, instance.started, clock.speed, ran_for, tools)


def _running_for(instance: Instance, clock: Clock) -> float:
    """Simulated seconds since the instance started."""
    return max(0.0, (time.time() - instance.started) * clock.speed)


def _format(line: tuple[float, str], timestamps: bool) -> bytes:
    moment, text = line
    if not timestamps:
        return f"{text}\n".encode()
    return f"{_rfc3339_nano_fixed(moment)} {text}\n".encode()


def _rfc3339_nano_fixed(moment: float) -> str:
    """The kubelet's RFC3339NanoFixed: always nine digits of fraction, e.g. 2026-11-29T09:01:19.123456789Z."""
    nanos = round(moment * 1e9)
    seconds, fraction = divmod(nanos, 1_000_000_000)
    whole = datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{fraction:09d}Z"


def _integer(request: Request, name: str) -> int | None:
    text = request.arg(name)
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise bad_request(f"{name}: Invalid value: {text!r}: must be an integer") from None
