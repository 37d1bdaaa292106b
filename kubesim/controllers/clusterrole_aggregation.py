"""The ClusterRole aggregation controller (kube-controller-manager's clusterrole-aggregation).

A ClusterRole with an `aggregationRule` holds the union of the rules of the ClusterRoles its selectors match: when
a role labelled `rbac.authorization.k8s.io/aggregate-to-view: "true"` appears, `view` (and through it `edit` and
`admin`) gain its rules, so that `kubectl get clusterrole view -o yaml` shows them. Any change to any ClusterRole
may change what an aggregated one gathers, so every aggregated role is looked at again; the union itself is
computed where the authorizer computes it (api/rbac.py), and written through the API.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubesim.api.rbac import CLUSTER_ROLES, effective_cluster_role_rules
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path
from kubesim.controllers.runtime import Controller
from kubesim.store.store import Event, Key


class ClusterRoleAggregationController(Controller):
    name = "clusterrole-aggregation-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api = context.api
        self.client = context.client("kube-controller-manager")

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource != CLUSTER_ROLES:
            return []
        return [
            (CLUSTER_ROLES, "", role["metadata"]["name"])
            for role in self.api.store.list(CLUSTER_ROLES)
            if role.get("aggregationRule")
        ]

    async def reconcile(self, key: Key) -> float | None:
        role = self.api.store.get(*key)
        if role is None or not role.get("aggregationRule"):
            return None
        rules = effective_cluster_role_rules(role, self.api.store.list(CLUSTER_ROLES))
        if list(role.get("rules") or []) == rules:
            return None
        path = api_path("rbac.authorization.k8s.io", "v1", "clusterroles", "", role["metadata"]["name"])
        try:
            await self.client.patch_merge(path, {"rules": rules})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise
        return None
