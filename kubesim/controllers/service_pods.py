"""Which pods each Service selects, and what a pod gives a Service's endpoints: shared by the endpoint controllers.

The endpoints and EndpointSlice controllers both follow the same facts: a Service with a selector selects the
pods of its namespace whose labels hold every pair of the selector (a Service without one, or with an empty one,
selects nothing: its endpoints are the user's). `ServiceIndex` keeps that membership from the store's events, so
that a pod event costs a look at the Services of its namespace and a Service's reconcile reads only its own pods;
it reports a Service only when a pod that matches it (or matched it) changed in a way its endpoints show.

The pod facts follow k8s.io/endpointslice/util: a pod is an endpoint once it has an IP and until it is finished
(Succeeded or Failed); a terminating one only where the caller includes them; a named targetPort is looked up in
the pod's own container ports (and restartable init containers), so pods may differ in the number it names.

At scale a Service of thousands of pods would be synced again after each of their changes while they start:
`PodCache` keeps what each pod gave until the pod or the Service changes, and the controllers' work queue spaces
a costly Service's syncs by a multiple of what the last one cost (controllers/runtime.py; a batch period, as
kube-controller-manager's --endpoint-updates-batch-period sets one), so that each sync takes in every change since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from kubesim.clock import parse_time
from kubesim.controllers.objects import is_pod_ready, is_terminating
from kubesim.store.store import DELETED, Event, Store

SERVICES, PODS, NODES = "/services", "/pods", "/nodes"
ENDPOINTS, ENDPOINT_SLICES = "/endpoints", "discovery.k8s.io/endpointslices"
LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
HEADLESS_LABEL = "service.kubernetes.io/headless"


Obj = dict[str, Any]
Place = tuple[str, str]  # (namespace, name)
Made = TypeVar("Made")


class ServiceIndex:
    """Services with a selector, the pods each selects, and the pod facts their endpoints are made of."""

    def __init__(self) -> None:
        self.selectors: dict[Place, dict[str, str]] = {}
        self.services_in: defaultdict[str, set[str]] = defaultdict(set)
        self.pods_in: defaultdict[str, set[str]] = defaultdict(set)
        self.pod_labels: dict[Place, dict[str, str]] = {}
        self.pod_facts: dict[Place, tuple[Any, ...]] = {}
        self.members: defaultdict[Place, set[str]] = defaultdict(set)

    def observe(self, event: Event) -> set[Place]:
        """Note a Service or pod event; return the Services whose endpoints it may change."""
        if event.resource == SERVICES:
            return self._observe_service(event)
        if event.resource == PODS:
            return self._observe_pod(event)
        return set()

    def pods(self, store: Store, place: Place) -> list[Obj]:
        """The pods the Service at `place` selects, as stored now, by name."""
        found = (store.get(PODS, place[0], name) for name in sorted(self.members.get(place, ())))
        return [pod for pod in found if pod is not None]

    def _observe_service(self, event: Event) -> set[Place]:
        place = (event.namespace, event.name)
        selector = selector_of(event.object) if event.type != DELETED else None
        if selector != self.selectors.get(place):
            self._forget_service(place)
            if selector is not None:
                self.selectors[place] = selector
                self.services_in[event.namespace].add(event.name)
                self.members[place] = {
                    name
                    for name in self.pods_in.get(event.namespace, ())
                    if _matches(selector, self.pod_labels[(event.namespace, name)])
                }
        return {place}

    def _forget_service(self, place: Place) -> None:
        self.selectors.pop(place, None)
        self.members.pop(place, None)
        names = self.services_in.get(place[0])
        if names is not None:
            names.discard(place[1])
            if not names:
                del self.services_in[place[0]]

    def _observe_pod(self, event: Event) -> set[Place]:
        namespace, name = place = (event.namespace, event.name)
        gone = event.type == DELETED
        facts = endpoint_facts(event.object)
        changed = facts != self.pod_facts.get(place)
        labels = {} if gone else dict(event.object.get("metadata", {}).get("labels") or {})
        if gone:
            self.pod_facts.pop(place, None)
            self.pod_labels.pop(place, None)
            self.pods_in[namespace].discard(name)
        else:
            self.pod_facts[place] = facts
            self.pod_labels[place] = labels
            self.pods_in[namespace].add(name)
        affected: set[Place] = set()
        for service in self.services_in.get(namespace, ()):
            key = (namespace, service)
            members = self.members[key]
            was, now = name in members, not gone and _matches(self.selectors[key], labels)
            if now:
                members.add(name)
            else:
                members.discard(name)
            if was != now or (now and changed):
                affected.add(key)
        return affected


def selector_of(service: Obj) -> dict[str, str] | None:
    """The Service's selector; None when it selects nothing (no selector, or an empty one)."""
    selector = (service.get("spec") or {}).get("selector")
    return dict(selector) if isinstance(selector, dict) and selector else None


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def endpoint_facts(pod: Obj) -> tuple[Any, ...]:
    """What of a pod its endpoints show: a change elsewhere (a container restart count, say) changes none."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    return (
        pod["metadata"].get("uid"),
        tuple(pod_ips(pod)),
        is_pod_ready(pod),
        is_terminating(pod),
        status.get("phase") in ("Succeeded", "Failed"),
        spec.get("nodeName"),
        spec.get("hostname"),
        spec.get("subdomain"),
        _ready_since(pod),
    )


def _ready_since(pod: Obj) -> str | None:
    ready = next((c for c in (pod.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"), None)
    return ready.get("lastTransitionTime") if ready else None


def pod_ips(pod: Obj) -> list[str]:
    """The pod's IPv4 addresses (kubesim's cluster is single-stack IPv4)."""
    status = pod.get("status") or {}
    listed = [entry.get("ip") for entry in status.get("podIPs") or [] if isinstance(entry, dict)]
    addresses = [ip for ip in listed if ip] or ([status["podIP"]] if status.get("podIP") else [])
    return [ip for ip in addresses if ":" not in ip]


def should_be_endpoint(pod: Obj, include_terminating: bool) -> bool:
    """ShouldPodBeInEndpoints: has an IP, is not finished, and is not terminating unless those are included."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    if not pod_ips(pod):
        return False
    return include_terminating or not is_terminating(pod)


def hostname_for(pod: Obj, service: Obj) -> str | None:
    """A pod's hostname is published when its subdomain names this Service (a headless one, for DNS)."""
    spec = pod.get("spec") or {}
    same_namespace = pod["metadata"].get("namespace") == service["metadata"].get("namespace")
    if spec.get("hostname") and spec.get("subdomain") == service["metadata"]["name"] and same_namespace:
        return str(spec["hostname"])
    return None


def find_port(pod: Obj, service_port: Obj) -> int | None:
    """The pod's port for a Service port: a number as it is, a name looked up in the pod's container ports."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    protocol = service_port.get("protocol") or "TCP"
    spec = pod.get("spec") or {}
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    for container in [*(spec.get("containers") or []), *sidecars]:
        for port in container.get("ports") or []:
            if port.get("name") == target and (port.get("protocol") or "TCP") == protocol:
                return int(port["containerPort"])
    return None


def target_ref(pod: Obj) -> Obj:
    metadata = pod["metadata"]
    return {"kind": "Pod", "namespace": metadata["namespace"], "name": metadata["name"], "uid": metadata["uid"]}


def is_headless(service: Obj) -> bool:
    """No cluster IP to proxy: "None", or none at all."""
    return (service.get("spec") or {}).get("clusterIP") in ("None", "", None)


class TriggerTimeTracker:
    """The endpoints.kubernetes.io/last-change-trigger-time of a Service's endpoints (TriggerTimeTracker).

    The earliest of the changes since the last sync: a pod's readiness moving, or the Service being created;
    a Service met for the first time (a new one, or after a restart) takes its creation time. None when nothing
    changed that has a time of its own, and then the annotation goes."""

    def __init__(self) -> None:
        self._pods: dict[Place, dict[str, tuple[str, str | None]]] = {}  # pod -> (resourceVersion, ready since)

    def compute(self, service: Obj, pods: list[Obj]) -> str | None:
        metadata = service["metadata"]
        place = (metadata["namespace"], metadata["name"])
        known = self._pods.get(place)
        now: dict[str, tuple[str, str | None]] = {}
        changed: list[str] = []
        for pod in pods:
            name, version = pod["metadata"]["name"], str(pod["metadata"].get("resourceVersion", ""))
            before = (known or {}).get(name)
            stamp = before[1] if before is not None and before[0] == version else _ready_since(pod)
            now[name] = (version, stamp)
            if known is not None and stamp is not None and (before is None or stamp != before[1]):
                changed.append(stamp)
        self._pods[place] = now
        if known is None:
            return str(metadata.get("creationTimestamp") or "") or None
        moments = [(moment, stamp) for stamp in changed if (moment := parse_time(stamp)) is not None]
        return min(moments)[1] if moments else None

    def forget(self, place: Place) -> None:
        self._pods.pop(place, None)


class PodCache(Generic[Made]):
    """What a controller made of each pod for a Service, kept while neither the pod nor the Service changes.

    A Service of thousands of pods is synced again whenever one of them changes; only that one is looked at again.
    """

    def __init__(self) -> None:
        self._made: dict[Place, tuple[str, dict[str, tuple[str, Made]]]] = {}

    def made(self, service: Obj, pods: list[Obj], make: Callable[[Obj], Made]) -> list[tuple[Obj, Made]]:
        metadata = service["metadata"]
        place = (metadata["namespace"], metadata["name"])
        version, known = self._made.get(place, ("", {}))
        if version != metadata.get("resourceVersion"):
            known = {}
        fresh: dict[str, tuple[str, Made]] = {}
        for pod in pods:
            name, pod_version = pod["metadata"]["name"], pod["metadata"].get("resourceVersion", "")
            entry = known.get(name)
            fresh[name] = entry if entry is not None and entry[0] == pod_version else (pod_version, make(pod))
        self._made[place] = (str(metadata.get("resourceVersion", "")), fresh)
        return [(pod, fresh[pod["metadata"]["name"]][1]) for pod in pods]

    def forget(self, place: Place) -> None:
        self._made.pop(place, None)
