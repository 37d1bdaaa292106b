"""The pods `exec` and `attach` subresources: `kubectl exec` (and `kubectl cp`, which runs `tar` through it) and
`kubectl attach` (and `kubectl run -it`) in a simulated container.

The request names the command (`?command=` once per word), the container, and which of stdin, stdout, stderr
and tty the client wants. Before switching protocols the API server and kubelet check, as they do: the pod exists
(404), the container is one of its own (400 "container x is not valid for pod y"), the pod has not completed
(400 "cannot exec into a container in a completed pod; current phase is Succeeded"), and the container is
running (else the kubelet's plain-text 'container not found ("x")', which kubectl prints after "unable to
upgrade connection:"). Then the connection switches to WebSocket (v5/v4.channel.k8s.io, kubectl's default) or to
SPDY/3.1 (v4.channel.k8s.io, kubectl with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false), see remote_command.py.

The command runs in kubesim's shell (kubesim/nodes/shell.py) with the container's environment (env and envFrom
resolved, HOSTNAME the pod's name), its files (mounted ConfigMaps and Secrets, shared emptyDirs, its own writable
layer: kubesim/nodes/container_fs.py) and the cluster's network from inside the pod (DNS, Services). With a tty the
pod's terminal is modelled as well (kubesim/nodes/terminal.py): echo, line editing, Ctrl-C, Ctrl-D, and the size
kubectl reports when the window changes (`stty size`). The exit code goes back in the final Status, so `kubectl
exec` exits with it. When the client goes away, the command is stopped.

Attaching reaches the container's main process. When it is a shell reading its commands from stdin (a container
with `stdin: true` running `sh`, as `kubectl run -it busybox --image=busybox -- sh` makes), the attached client
talks to a shell of that container (leaving it ends the attachment, not the container: kubesim's main processes
follow their model, not the attached shell). Otherwise the client sees what the process prints from then on (its
log lines) until it stops or the client leaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from kubesim.api.errors import bad_request, not_found
from kubesim.api.pod_logs import container_named, printed_from_now
from kubesim.api.remote_command import (
    RESIZE,
    SPDY_PROTOCOL,
    STDERR,
    STDIN,
    STDOUT,
    SUCCESS,
    WEBSOCKET_PROTOCOLS,
    RemoteStreams,
    SpdyChannels,
    WebSocketChannels,
    exit_code,
    exit_status,
    failure,
)
from kubesim.api.upgrades import switch_protocols
from kubesim.nodes.logs import process_of
from kubesim.nodes.network import Network
from kubesim.nodes.shell import NotFoundInPath, reads_commands, run_command
from kubesim.nodes.terminal import Terminal
from kubesim.server.http import Request, Response, Transport, Upgrade
from kubesim.server.spdy_connection import SpdyConnection
from kubesim.server.websocket import WebSocket
from kubesim.store.store import Store

Obj = dict[str, Any]
Key = tuple[str, str, str, str]  # namespace, pod, container, container ID
Session = Callable[[RemoteStreams], Awaitable[Obj]]


@dataclass(frozen=True)
class ExecOptions:
    command: list[str]
    container: str
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool

    def streams(self) -> set[int]:
        """The streams the client opens besides error (over SPDY, where each is its own)."""
        wanted = {STDIN} if self.stdin else set()
        wanted |= {STDOUT} if self.stdout else set()
        wanted |= {STDERR} if self.stderr and not self.tty else set()
        return wanted | ({RESIZE} if self.tty else set())

    @staticmethod
    def of(request: Request, attach: bool) -> ExecOptions:
        def flag(name: str) -> bool:
            return (request.arg(name) or "").lower() in ("true", "1")

        command = request.query.get("command") or []
        if not command and not attach:
            raise bad_request("you must specify at least one command for the container")
        options = ExecOptions(
            command, request.arg("container") or "", flag("stdin"), flag("stdout"), flag("stderr"), flag("tty")
        )
        if not (options.stdin or options.stdout or options.stderr):
            raise bad_request("you must specify at least 1 of stdin, stdout, stderr")
        return options


class PodExec:
    def __init__(self, store: Store, network: Network) -> None:
        self.store, self.network = store, network

    def handle(self, request: Request, namespace: str, name: str, subresource: str) -> Upgrade | Response:
        """Check an exec (subresource `exec`) or attach (`attach`) request, then switch to its protocol."""
        attach = subresource == "attach"
        options = ExecOptions.of(request, attach)
        pod = self.store.get("/pods", namespace, name)
        if pod is None:
            raise not_found("pods", name)
        container = container_named(pod, options.container)
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            verb = "attach to" if attach else "exec into"
            raise bad_request(f"cannot {verb} a container in a completed pod; current phase is {phase}")
        container_id = _running_id(pod, container["name"])
        if container_id is None:
            return Response(404, f'container not found ("{container["name"]}")'.encode(), "text/plain")
        key = (namespace, name, container["name"], container_id)
        serve = self._attach if attach else self._execute

        async def over_websocket(protocol: str, stream: Transport) -> None:
            await self._serve(WebSocketChannels(WebSocket(stream), protocol), serve(key, options))

        async def over_spdy(stream: Transport) -> None:
            connection = SpdyConnection(stream)
            connection.start()
            channels = SpdyChannels(connection, options.streams())
            if await channels.wait_for_streams():
                await self._serve(channels, serve(key, options))

        return switch_protocols(request, WEBSOCKET_PROTOCOLS, SPDY_PROTOCOL, over_websocket, over_spdy)

    async def _serve(self, streams: RemoteStreams, session: Session) -> None:
        await streams.run(session(streams))

    def _execute(self, key: Key, options: ExecOptions) -> Session:
        async def execute(streams: RemoteStreams) -> Obj:
            return await self._run(streams, key, options, options.command)

        return execute

    def _attach(self, key: Key, options: ExecOptions) -> Session:
        async def attach(streams: RemoteStreams) -> Obj:
            namespace, name, container_name, _ = key
            pod = self.store.get("/pods", namespace, name)
            container = container_named(pod, container_name) if pod is not None else {}
            argv = list(process_of(container).argv) if container else []
            if pod is not None and options.stdin and container.get("stdin") and argv and reads_commands(argv):
                status = await self._run(streams, key, options, argv)
                code = exit_code(status)
                if code is not None and not streams.gone.is_set():  # the shell left (exit, Ctrl-D): PID 1 ended
                    self.network.main_process_exited(pod, key[3], code)
                return SUCCESS if code is not None else status  # the exit code is the container's to report
            if not options.stdin:
                streams.stdin.put_nowait(None)
            if pod is not None and container:
                tools = self.network.tools_for(namespace)
                async for chunk in printed_from_now(self.store, self.network.clock, tools, pod, container):
                    streams.write(STDOUT, chunk)
            return SUCCESS

        return attach

    async def _run(self, streams: RemoteStreams, key: Key, options: ExecOptions, argv: list[str]) -> Obj:
        namespace, name, container_name, container_id = key
        if not options.stdin:
            streams.stdin.put_nowait(None)
        pod = self.store.get("/pods", namespace, name)
        if pod is None or _running_id(pod, container_name) != container_id:
            return failure(f'container not found ("{container_name}")')
        io = ContainerIO(streams, options.tty)
        context = self.network.exec_context(pod, container_named(pod, container_name), container_id)
        try:
            code = await run_command(argv, context, io)
        except NotFoundInPath as missing:
            return failure(
                "error executing command in container: failed to exec in container: failed to start exec "
                f'"{container_id[-64:]}": OCI runtime exec failed: exec failed: unable to start container process: '
                f'exec: "{missing.name}": executable file not found in $PATH: unknown'
            )
        finally:
            io.close()
        return exit_status(argv, code)


class ContainerIO:
    """What the command sees of the client: stdin, stdout and stderr, through the pod's terminal with a tty."""

    def __init__(self, streams: RemoteStreams, tty: bool) -> None:
        self.streams, self.tty = streams, tty
        self.interrupted = asyncio.Event()
        self.terminal = Terminal(lambda data: streams.write(STDOUT, data), self.interrupted.set) if tty else None
        self._keys = asyncio.ensure_future(self._type_keys()) if tty else None

    async def read(self) -> bytes | None:
        if self.terminal is not None:
            return await self.terminal.read()
        return await self.streams.stdin.get()

    def write_out(self, data: bytes) -> None:
        if self.terminal is not None:
            self.terminal.write(data)
        else:
            self.streams.write(STDOUT, data)

    def write_err(self, data: bytes) -> None:
        if self.terminal is not None:
            self.terminal.write(data)  # a tty has one output: stderr goes to it too
        else:
            self.streams.write(STDERR, data)

    def size(self) -> tuple[int, int] | None:
        return self.streams.size

    def close(self) -> None:
        if self._keys is not None:
            self._keys.cancel()

    async def _type_keys(self) -> None:
        assert self.terminal is not None
        while (keys := await self.streams.stdin.get()) is not None:
            self.terminal.feed(keys)
        self.terminal.hang_up()


def _running_id(pod: Obj, name: str) -> str | None:
    """The ID of the container's running instance, None when it is not running."""
    status = pod.get("status") or {}
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for entry in status.get(field) or []:
            if entry.get("name") == name and "running" in (entry.get("state") or {}):
                return str(entry.get("containerID") or "")
    return None
