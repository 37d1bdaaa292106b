"""One kubesim process: the store in the data dir, the API, HTTPS on 127.0.0.1, the kubeconfig."""

from __future__ import annotations

import asyncio
import json
import secrets
import signal
from pathlib import Path
from typing import Any

from kubesim.api.errors import ApiError
from kubesim.api.handlers import Api
from kubesim.api.openapi import OpenAPI
from kubesim.api.resources import ResourceRegistry
from kubesim.clock import Clock, anchor_in
from kubesim.components import COMPONENTS, HOST_ACCESS
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.ingress import open_ingress
from kubesim.controllers.runtime import Controller, ControllerManager
from kubesim.nodes.host_listeners import HostListeners
from kubesim.nodes.ingress_proxy import IngressProxy
from kubesim.nodes.kuard import Kuards
from kubesim.nodes.network import Network
from kubesim.server.auth import signing_key_at
from kubesim.server.http import Answer, Request, Response, start_server
from kubesim.server.kubeconfig import write_kubeconfig
from kubesim.server.tls import ensure_certificates
from kubesim.store.bootstrap import bootstrap
from kubesim.store.store import Store

HOST = "127.0.0.1"


def _admin_token(data_dir: Path) -> str:
    path = data_dir / "admin-token"
    if path.exists():
        return path.read_text().strip()
    token = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(token)
    return token


def _too_large(size: int) -> Response:
    error = ApiError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728")
    return Response(413, json.dumps(error.status()).encode())


async def serve(
    data_dir: Path,
    port: int = 0,
    nodes: int = 2,
    speed: float = 1.0,
    ready: asyncio.Event | None = None,
    ingress_ports: tuple[int, int] = (0, 0),
) -> None:
    """Run until SIGTERM or SIGINT; the kubeconfig appears once requests are accepted. ingress_ports are the
    ingress add-on's HTTP and HTTPS ports on the host (0: last run's if free, else any)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    certificates = ensure_certificates(data_dir)
    token = _admin_token(data_dir)
    store = Store(data_dir / "kubesim.db")
    registry = ResourceRegistry()
    bootstrap(store, workers=nodes, ca_pem=certificates.ca_cert.read_text())
    clock = Clock(speed, anchor_in(data_dir))
    network = Network(store, Kuards(), clock)  # what runs in the pods: shared by the kubelets, the proxy, metrics
    api = Api(store, registry, OpenAPI(registry), token, signing_key_at(data_dir / "sa-signing.key"), clock, network)
    context = ControllerContext(api, clock, token, network)
    listeners = HostListeners()  # the cluster's ports on the host: Services' node ports, the ingress add-on
    await open_ingress(listeners, IngressProxy(store, network), store, *ingress_ports)
    components: list[Controller] = [
        *(component(context) for component in COMPONENTS),
        *(component(context, listeners) for component in HOST_ACCESS),
    ]
    controllers = ControllerManager(store, clock, components)
    controllers.start()

    async def handle(request: Request) -> Answer:
        response = await api.handle(request)
        store.commit()  # what the server acknowledges is durable
        return response

    server = await start_server(handle, _too_large, HOST, port, certificates.server_context())
    bound: Any = server.sockets[0].getsockname()
    write_kubeconfig(data_dir / "kubeconfig", f"https://{HOST}:{bound[1]}", certificates.ca_cert, token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        server.close()
        await controllers.stop()
        await listeners.close_all()
        store.close()
        (data_dir / "kubeconfig").unlink(missing_ok=True)
