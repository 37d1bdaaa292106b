"""What every controller is given: the API, the simulated clock, and its own client and event recorder."""

from __future__ import annotations

from dataclasses import dataclass

from kubesim.api.handlers import Api
from kubesim.clock import Clock
from kubesim.controllers.client import LoopbackClient
from kubesim.controllers.events import EventRecorder


@dataclass(frozen=True)
class ControllerContext:
    api: Api
    clock: Clock
    token: str  # the admin's: controllers act with full rights, as kube-controller-manager does

    def client(self, manager: str) -> LoopbackClient:
        """A loopback client whose writes are recorded under `manager` in managedFields."""
        return LoopbackClient(self.api, self.token, manager)

    def recorder(self, component: str, host: str = "") -> EventRecorder:
        return EventRecorder(self.api.store, component, host)
