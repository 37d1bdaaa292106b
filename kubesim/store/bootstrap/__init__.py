"""What a new cluster holds, shaped like the kind cluster named `kuar` that readers of *Kubernetes: Up and Running*
create: namespaces, nodes and their leases, the control plane and add-ons of kube-system, local-path storage, and the
IngressClass of kubesim's ingress add-on.

Objects that users or installers create (Deployments, DaemonSets, Services, ConfigMaps, ...) are made in every
namespace; what controllers would make from them (ReplicaSets, ControllerRevisions, Running pods, endpoints) is made
only for kube-system and local-path-storage, so that `kubectl get pods -A` looks like kind's from the first second.

Bootstrapping only creates what is missing: a restarted cluster keeps what it has, and a missing object comes back
under the name it had (generated suffixes are derived from the owner's uid, not drawn at random).
"""

from __future__ import annotations

from kubesim.api.rbac import CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, bootstrap_rbac_objects
from kubesim.store.bootstrap.core import SYSTEM_NAMESPACES, ensure_api_server_objects, ensure_namespace
from kubesim.store.bootstrap.ingress import ensure_ingress_class
from kubesim.store.bootstrap.kube_system import ensure_kube_system
from kubesim.store.bootstrap.nodes import ensure_nodes, node_names
from kubesim.store.bootstrap.objects import CLUSTER, KUBERNETES_VERSION, Boot
from kubesim.store.bootstrap.storage import ensure_local_path_storage
from kubesim.store.store import Store

__all__ = ["CLUSTER", "KUBERNETES_VERSION", "NAMESPACES", "bootstrap", "node_names"]

NAMESPACES = (*SYSTEM_NAMESPACES, "local-path-storage")


def ensure_rbac(store: Store) -> None:
    """The default roles and bindings the API server creates for itself, kubeadm's admin binding among them."""
    for obj in bootstrap_rbac_objects():
        key = CLUSTER_ROLES if obj["kind"] == "ClusterRole" else CLUSTER_ROLE_BINDINGS
        if store.get(key, "", obj["metadata"]["name"]) is None:
            store.create(key, "", obj["metadata"]["name"], obj)


def bootstrap(store: Store, workers: int = 2, ca_pem: str | None = None) -> None:
    """Fill the store with a kind cluster of one control plane and `workers` workers; ca_pem is the cluster CA
    that kube-root-ca.crt, cluster-info and extension-apiserver-authentication publish (without it, they are not
    created)."""
    boot = Boot(store, ca_pem)
    for name in SYSTEM_NAMESPACES:
        ensure_namespace(boot, name)
    nodes = ensure_nodes(boot, workers)
    ensure_api_server_objects(boot, nodes[0])
    ensure_kube_system(boot, nodes)
    ensure_local_path_storage(boot, nodes[0])
    ensure_ingress_class(boot)
    ensure_rbac(store)
