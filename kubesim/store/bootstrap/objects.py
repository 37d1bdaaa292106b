"""What every bootstrap module shares: the cluster's constants, the boot context and object metadata."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubesim.store.store import Store

Obj = dict[str, Any]

CLUSTER = "kuar"
KUBERNETES_VERSION = "v1.37.0"
CONTROL_PLANE = f"{CLUSTER}-control-plane"
API_SERVER_URL = f"https://{CONTROL_PLANE}:6443"  # kind's controlPlaneEndpoint, as the nodes reach it
POD_SUBNET = "10.244.0.0/16"
SERVICE_SUBNET = "10.96.0.0/16"
DNS_DOMAIN = "cluster.local"

# The alphabet of Kubernetes' generated names and hashes: no vowels, no look-alike characters.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@dataclass
class Boot:
    """One run of the bootstrap: the store it fills, the cluster CA and the moment everything new was created."""

    store: Store
    ca_pem: str | None
    at: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))

    @property
    def time(self) -> str:
        return self.at.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def micro_time(self) -> str:
        """metav1.MicroTime, as Lease renew and acquire times carry it."""
        return self.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    @property
    def nano_time(self) -> str:
        """Go's RFC3339Nano, which drops trailing zeros of the fraction."""
        fraction = f"{self.at.microsecond:06d}000".rstrip("0")
        return self.at.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"

    def ensure(self, resource: str, namespace: str, name: str, build: Callable[[], Obj]) -> Obj:
        """The stored object, created from build() only when missing: a restarted cluster keeps what it has."""
        existing = self.store.get(resource, namespace, name)
        if existing is not None:
            return existing
        return self.store.create(resource, namespace, name, build())

    def metadata(
        self,
        name: str,
        namespace: str | None = None,
        *,
        labels: dict[str, str] | None = None,
        annotations: dict[str, str] | None = None,
        owners: list[Obj] | None = None,
        generate_name: str | None = None,
        generation: int | None = None,
    ) -> Obj:
        metadata: Obj = {"name": name}
        if generate_name:
            metadata["generateName"] = generate_name
        if namespace:
            metadata["namespace"] = namespace
        metadata["uid"] = str(uuid.uuid4())
        if generation is not None:
            metadata["generation"] = generation
        metadata["creationTimestamp"] = self.time
        if labels:
            metadata["labels"] = labels
        if annotations:
            metadata["annotations"] = annotations
        if owners:
            metadata["ownerReferences"] = owners
        return metadata


def controller_reference(owner: Obj) -> Obj:
    """The ownerReference a controller puts on what it creates."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def fnv32a(data: bytes) -> int:
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def template_hash(template: Obj) -> str:
    """A pod-template-hash or controller-revision-hash: FNV-32a of the template, its decimal digits spelled in the
    name alphabet as Kubernetes' SafeEncodeString does (so only ten letters ever appear)."""
    digits = str(fnv32a(json.dumps(template, sort_keys=True, separators=(",", ":")).encode()))
    return "".join(NAME_ALPHABET[ord(digit) % len(NAME_ALPHABET)] for digit in digits)


def stable_suffix(seed: str, length: int = 5) -> str:
    """A generateName-style suffix that the same seed always gives, so a restarted bootstrap finds what it made."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(NAME_ALPHABET[byte % len(NAME_ALPHABET)] for byte in digest[:length])


def hex_digest(seed: str, length: int = 64) -> str:
    """Hex identifiers (container IDs, image digests, config hashes) that look real and stay stable per seed."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]
