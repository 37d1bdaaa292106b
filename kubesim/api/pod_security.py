"""Pod Security admission: the Pod Security Standards (privileged, baseline, restricted) a namespace asks for.

A namespace chooses a level per mode with labels: `pod-security.kubernetes.io/enforce: restricted` refuses a pod
that breaks the level (403, `pods "kuard" is forbidden: violates PodSecurity "restricted:latest": ...`), `warn`
lets it in with a warning kubectl prints, `audit` would only annotate the audit log (kubesim keeps none). Workload
resources (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers) get the
warn mode's warning for their pod template; enforcement hits the pods their controllers then create (FailedCreate).
Labelling a namespace with a stricter enforce level warns about the pods already there. The `-version` labels are
read as "latest": kubesim implements the current standards only.

The checks and their wording follow the API server's (k8s.io/pod-security-admission): baseline forbids host
namespaces, privileged containers, added capabilities beyond the default set, hostPath volumes, host ports,
unconfined seccomp, /proc mount types, unsafe sysctls and custom SELinux types; restricted also requires
allowPrivilegeEscalation=false, runAsNonRoot, no runAsUser 0, a RuntimeDefault or Localhost seccomp profile,
capabilities dropping ALL (adding only NET_BIND_SERVICE), and only the volume types a pod needs no host for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kubesim.api.errors import ApiError

Obj = dict[str, Any]
LABEL = "pod-security.kubernetes.io/"
LEVELS = ("privileged", "baseline", "restricted")
WORKLOADS = {
    "apps/deployments": ("spec", "template"),
    "apps/replicasets": ("spec", "template"),
    "apps/statefulsets": ("spec", "template"),
    "apps/daemonsets": ("spec", "template"),
    "batch/jobs": ("spec", "template"),
    "batch/cronjobs": ("spec", "jobTemplate", "spec", "template"),
    "/replicationcontrollers": ("spec", "template"),
}
BASELINE_CAPABILITIES = frozenset(
    ("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
     "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT")
)  # fmt: skip
SAFE_SYSCTLS = frozenset(
    ("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
     "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
     "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
     "net.ipv4.tcp_keepalive_probes")
)  # fmt: skip
RESTRICTED_VOLUMES = frozenset(
    ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret")
)
SELINUX_TYPES = frozenset(("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"))

Violation = tuple[str, str]  # (what is wrong, in detail): ("privileged", 'container "x" must not set ...')
Check = Callable[[Obj], Iterator[Violation]]


def level(namespace: Obj | None, mode: str) -> str:
    """The namespace's level for a mode (enforce, warn, audit); privileged when it sets none or an unknown one."""
    labels = ((namespace or {}).get("metadata") or {}).get("labels") or {}
    chosen = labels.get(LABEL + mode, "privileged")
    return chosen if chosen in LEVELS else "privileged"


def admit_pod(namespace: Obj | None, pod: Obj) -> list[str]:
    """Refuse a pod that breaks the enforce level (403); the warnings the warn level asks for."""
    name = (pod.get("metadata") or {}).get("name", "")
    enforced = level(namespace, "enforce")
    broken = violations(pod.get("spec") or {}, enforced)
    if broken:
        message = f'pods "{name}" is forbidden: violates PodSecurity "{enforced}:latest": {_described(broken)}'
        raise ApiError(403, "Forbidden", message, {"name": name, "kind": "pods"})
    return _warning(namespace, pod.get("spec") or {})


def workload_warnings(namespace: Obj | None, resource_key: str, obj: Obj) -> list[str]:
    """The warn level's warning for a workload resource's pod template."""
    path = WORKLOADS.get(resource_key)
    if path is None:
        return []
    template: Any = obj
    for step in path:
        template = (template or {}).get(step) if isinstance(template, dict) else None
    return _warning(namespace, ((template or {}).get("spec") or {}) if isinstance(template, dict) else {})


def relabel_warnings(old: Obj | None, new: Obj, pods: list[Obj]) -> list[str]:
    """What labelling a namespace with a stricter enforce level tells about the pods already running there."""
    enforced = level(new, "enforce")
    if enforced == "privileged" or (old is not None and level(old, "enforce") == enforced):
        return []
    broken = [(pod, violations(pod.get("spec") or {}, enforced)) for pod in pods]
    broken = [(pod, found) for pod, found in broken if found]
    if not broken:
        return []
    name = new["metadata"]["name"]
    warnings = [f'existing pods in namespace "{name}" violate the new PodSecurity enforce level "{enforced}:latest"']
    for pod, found in broken:
        warnings.append(f"{pod['metadata']['name']}: {', '.join(what for what, _ in found)}")
    return warnings


def violations(spec: Obj, at: str) -> list[Violation]:
    """What of a pod spec breaks the level, in the API server's order (by check ID); at restricted, its stricter
    checks stand in for the baseline ones they override."""
    if at == "privileged":
        return []
    chosen = [
        check
        for identifier, added_at, check in CHECKS
        if (added_at == "baseline" or at == "restricted")
        and not (at == "restricted" and identifier in OVERRIDDEN_BY_RESTRICTED)
    ]
    return [violation for check in chosen for violation in check(spec)]


def _warning(namespace: Obj | None, spec: Obj) -> list[str]:
    warned = level(namespace, "warn")
    broken = violations(spec, warned)
    return [f'would violate PodSecurity "{warned}:latest": {_described(broken)}'] if broken else []


def _described(broken: list[Violation]) -> str:
    return ", ".join(f"{what} ({detail})" for what, detail in broken)


# -- the checks ------------------------------------------------------------------------------------------------


def _containers(spec: Obj) -> list[Obj]:
    return [
        container
        for field in ("initContainers", "containers", "ephemeralContainers")
        for container in spec.get(field) or []
        if isinstance(container, dict)
    ]


def _context(container: Obj) -> Obj:
    return container.get("securityContext") or {}


def _names(containers: list[Obj]) -> str:
    quoted = ", ".join(f'"{container.get("name", "")}"' for container in containers)
    return ("container " if len(containers) == 1 else "containers ") + quoted


def _must(containers: list[Obj], what: str) -> str:
    return f"{_names(containers)} must {what}"


def _host_namespaces(spec: Obj) -> Iterator[Violation]:
    set_ = [f"{field}=true" for field in ("hostNetwork", "hostPID", "hostIPC") if spec.get(field)]
    if set_:
        yield "host namespaces", ", ".join(set_)


def _privileged(spec: Obj) -> Iterator[Violation]:
    found = [c for c in _containers(spec) if _context(c).get("privileged")]
    if found:
        yield "privileged", _must(found, "not set securityContext.privileged=true")


def _added_capabilities(spec: Obj) -> Iterator[Violation]:
    for container in _containers(spec):
        extra = [c for c in (_context(container).get("capabilities") or {}).get("add") or []]
        beyond = [c for c in extra if c not in BASELINE_CAPABILITIES]
        if beyond:
            listed = ", ".join(f'"{c}"' for c in beyond)
            yield (
                "non-default capabilities",
                _must([container], f"not include {listed} in securityContext.capabilities.add"),
            )


def _host_path(spec: Obj) -> Iterator[Violation]:
    found = [str(v.get("name", "")) for v in spec.get("volumes") or [] if isinstance(v, dict) and "hostPath" in v]
    if found:
        yield "hostPath volumes", ("volume " if len(found) == 1 else "volumes ") + ", ".join(f'"{n}"' for n in found)


def _host_ports(spec: Obj) -> Iterator[Violation]:
    for container in _containers(spec):
        ports = [str(p.get("hostPort")) for p in container.get("ports") or [] if p.get("hostPort")]
        if ports:
            yield "hostPort", f"{_names([container])} uses hostPort{'s' if len(ports) > 1 else ''} {', '.join(ports)}"


def _seccomp_unconfined(spec: Obj) -> Iterator[Violation]:
    pod_type = ((spec.get("securityContext") or {}).get("seccompProfile") or {}).get("type")
    if pod_type == "Unconfined":
        yield "seccompProfile", 'pod must not set securityContext.seccompProfile.type to "Unconfined"'
    found = [c for c in _containers(spec) if (_context(c).get("seccompProfile") or {}).get("type") == "Unconfined"]
    if found:
        yield "seccompProfile", _must(found, 'not set securityContext.seccompProfile.type to "Unconfined"')


def _proc_mount(spec: Obj) -> Iterator[Violation]:
    found = [c for c in _containers(spec) if _context(c).get("procMount") not in (None, "Default")]
    if found:
        yield "procMount", _must(found, "not set securityContext.procMount")


def _sysctls(spec: Obj) -> Iterator[Violation]:
    unsafe = [s.get("name") for s in (spec.get("securityContext") or {}).get("sysctls") or []]
    unsafe = [name for name in unsafe if name not in SAFE_SYSCTLS]
    if unsafe:
        yield "forbidden sysctls", ", ".join(str(name) for name in unsafe)


def _selinux(spec: Obj) -> Iterator[Violation]:
    contexts = [spec.get("securityContext") or {}] + [_context(c) for c in _containers(spec)]
    if any(str((c.get("seLinuxOptions") or {}).get("type") or "") not in SELINUX_TYPES for c in contexts):
        yield "seLinuxOptions", "pod or containers must not set securityContext.seLinuxOptions.type"


def _volume_types(spec: Obj) -> Iterator[Violation]:
    for volume in spec.get("volumes") or []:
        kinds = [key for key in volume if key != "name"]
        bad = [kind for kind in kinds if kind not in RESTRICTED_VOLUMES]
        if bad:
            yield "restricted volume types", f'volume "{volume.get("name", "")}" uses restricted volume type "{bad[0]}"'


def _privilege_escalation(spec: Obj) -> Iterator[Violation]:
    found = [c for c in _containers(spec) if _context(c).get("allowPrivilegeEscalation") is not False]
    if found:
        yield "allowPrivilegeEscalation != false", _must(found, "set securityContext.allowPrivilegeEscalation=false")


def _run_as_non_root(spec: Obj) -> Iterator[Violation]:
    pod_says = (spec.get("securityContext") or {}).get("runAsNonRoot")
    explicit_false = [c for c in _containers(spec) if _context(c).get("runAsNonRoot") is False]
    if pod_says is False or explicit_false:
        yield "runAsNonRoot != true", "pod or containers must not set securityContext.runAsNonRoot=false"
        return
    unset = [c for c in _containers(spec) if _context(c).get("runAsNonRoot") is None]
    if pod_says is not True and unset:
        yield "runAsNonRoot != true", f"pod or {_must(unset, 'set securityContext.runAsNonRoot=true')}"


def _run_as_root_user(spec: Obj) -> Iterator[Violation]:
    found = [c for c in _containers(spec) if _context(c).get("runAsUser") == 0]
    if (spec.get("securityContext") or {}).get("runAsUser") == 0:
        yield "runAsUser=0", "pod must not set runAsUser=0"
    if found:
        yield "runAsUser=0", _must(found, "not set runAsUser=0")


def _seccomp_required(spec: Obj) -> Iterator[Violation]:
    allowed = ("RuntimeDefault", "Localhost")
    if ((spec.get("securityContext") or {}).get("seccompProfile") or {}).get("type") in allowed:
        return
    unset = [c for c in _containers(spec) if (_context(c).get("seccompProfile") or {}).get("type") not in allowed]
    if unset:
        what = 'set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"'
        yield "seccompProfile", f"pod or {_must(unset, what)}"


def _capabilities_dropped(spec: Obj) -> Iterator[Violation]:
    not_dropping = [
        c for c in _containers(spec) if "ALL" not in ((_context(c).get("capabilities") or {}).get("drop") or [])
    ]
    adding = [
        (c, [cap for cap in (_context(c).get("capabilities") or {}).get("add") or [] if cap != "NET_BIND_SERVICE"])
        for c in _containers(spec)
    ]
    details = []
    if not_dropping:
        details.append(_must(not_dropping, 'set securityContext.capabilities.drop=["ALL"]'))
    for container, extra in adding:
        if extra:
            listed = ", ".join(f'"{cap}"' for cap in extra)
            details.append(_must([container], f"not include {listed} in securityContext.capabilities.add"))
    if details:
        yield "unrestricted capabilities", "; ".join(details)


# (check ID, the level that adds it, the check), in the order of their IDs, which is the order of the messages
CHECKS: tuple[tuple[str, str, Check], ...] = (
    ("allowPrivilegeEscalation", "restricted", _privilege_escalation),
    ("capabilities_baseline", "baseline", _added_capabilities),
    ("capabilities_restricted", "restricted", _capabilities_dropped),
    ("hostNamespaces", "baseline", _host_namespaces),
    ("hostPathVolumes", "baseline", _host_path),
    ("hostPorts", "baseline", _host_ports),
    ("privileged", "baseline", _privileged),
    ("procMount", "baseline", _proc_mount),
    ("restrictedVolumes", "restricted", _volume_types),
    ("runAsNonRoot", "restricted", _run_as_non_root),
    ("runAsUser", "restricted", _run_as_root_user),
    ("seLinuxOptions", "baseline", _selinux),
    ("seccompProfile_baseline", "baseline", _seccomp_unconfined),
    ("seccompProfile_restricted", "restricted", _seccomp_required),
    ("sysctls", "baseline", _sysctls),
)
OVERRIDDEN_BY_RESTRICTED = frozenset(("capabilities_baseline", "hostPathVolumes", "seccompProfile_baseline"))
