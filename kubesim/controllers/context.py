"""What every controller is given: the API, the simulated clock, and its own client and event recorder."""

from __future__ import annotations

from dataclasses import dataclass

from kubesim.api.handlers import Api
from kubesim.clock import Clock
from kubesim.controllers.client import LoopbackClient
from kubesim.controllers.events import EventRecorder
from kubesim.nodes.network import Network

CONTROLLER_MANAGER = "kube-controller-manager"
# Components that are programs of their own on a real cluster; any other is a controller of kube-controller-manager.
PROGRAMS = {
    "kube-scheduler": "kube-scheduler",
    "kubelet": "kubelet",
    "cloud-provider-kind": "cloud-provider-kind",
    "local-path-provisioner": "local-path-provisioner",
}


@dataclass(frozen=True)
class ControllerContext:
    api: Api
    clock: Clock
    token: str  # the admin's: controllers act with full rights, as kube-controller-manager does
    network: Network  # what runs in the pods (the kubelets start and stop it)

    def client(self, component: str) -> LoopbackClient:
        """A loopback client for a component; its writes are recorded in managedFields under the name of the
        program that runs it on a real cluster (every controller of kube-controller-manager shares one)."""
        return LoopbackClient(self.api, self.token, PROGRAMS.get(component, CONTROLLER_MANAGER))

    def recorder(self, component: str, host: str = "") -> EventRecorder:
        return EventRecorder(self.api.store, component, host)
