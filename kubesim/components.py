"""The controllers a kubesim cluster runs, in the order they start."""

from __future__ import annotations

from kubesim.controllers.garbage_collector import GarbageCollector
from kubesim.controllers.namespace import NamespaceController
from kubesim.controllers.replicaset import ReplicaSetController

BUILTIN = (
    GarbageCollector,
    NamespaceController,
    ReplicaSetController,
)
