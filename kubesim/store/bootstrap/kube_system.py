"""kube-system as kubeadm and kind leave it: the control plane's static pods (seen through their mirror pods),
kube-proxy and kindnet on every node, CoreDNS behind the kube-dns Service, and the controllers' ServiceAccounts."""

from __future__ import annotations

import hashlib
import json
from functools import partial

from kubesim.store.bootstrap.core import ensure_service_account
from kubesim.store.bootstrap.objects import (
    API_SERVER_URL,
    CLUSTER,
    CONTROL_PLANE,
    DNS_DOMAIN,
    KUBERNETES_VERSION,
    POD_SUBNET,
    SERVICE_SUBNET,
    Boot,
    Obj,
)
from kubesim.store.bootstrap.pods import PRIORITY_CLASSES, defaulted_pod_spec, node_ip, running_pod
from kubesim.store.bootstrap.workloads import publish_endpoints, run_daemon_set, run_deployment

NAMESPACE = "kube-system"
ETCD_IMAGE = "registry.k8s.io/etcd:3.6.6-0"
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.13.1"
KINDNET_IMAGE = "docker.io/kindest/kindnetd:v20260820-69b56db7"
DNS_SERVICE_IP = "10.96.0.10"  # kubeadm's choice: the tenth address of the Service range
PKI = "/etc/kubernetes/pki"
# The ServiceAccounts the controller manager creates for its controllers (it runs with
# --use-service-account-credentials), plus those the add-ons bring.
CONTROLLER_SERVICE_ACCOUNTS = (
    "attachdetach-controller",
    "bootstrap-signer",
    "certificate-controller",
    "clusterrole-aggregation-controller",
    "cronjob-controller",
    "daemon-set-controller",
    "deployment-controller",
    "disruption-controller",
    "endpoint-controller",
    "endpointslice-controller",
    "endpointslicemirroring-controller",
    "ephemeral-volume-controller",
    "expand-controller",
    "generic-garbage-collector",
    "horizontal-pod-autoscaler",
    "job-controller",
    "legacy-service-account-token-cleaner",
    "namespace-controller",
    "node-controller",
    "persistent-volume-binder",
    "pod-garbage-collector",
    "pv-protection-controller",
    "pvc-protection-controller",
    "replicaset-controller",
    "replication-controller",
    "resourcequota-controller",
    "root-ca-cert-publisher",
    "service-account-controller",
    "service-cidrs-controller",
    "statefulset-controller",
    "token-cleaner",
    "ttl-after-finished-controller",
    "ttl-controller",
    "validatingadmissionpolicy-status-controller",
)
ADDON_SERVICE_ACCOUNTS = ("coredns", "kindnet", "kube-proxy")

COREFILE = f"""\
.:53 {{
    errors
    health {{
       lameduck 5s
    }}
    ready
    kubernetes {DNS_DOMAIN} in-addr.arpa ip6.arpa {{
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }}
    prometheus :9153
    forward . /etc/resolv.conf {{
       max_concurrent 1000
    }}
    cache 30 {{
       disable success {DNS_DOMAIN}
       disable denial {DNS_DOMAIN}
    }}
    loop
    reload
    loadbalance
}}
"""


def ensure_kube_system(boot: Boot, nodes: list[Obj]) -> None:
    control_plane = nodes[0]
    for account in (*CONTROLLER_SERVICE_ACCOUNTS, *ADDON_SERVICE_ACCOUNTS):
        ensure_service_account(boot, NAMESPACE, account)
    if boot.ca_pem is not None:
        build = partial(_extension_apiserver_authentication, boot, boot.ca_pem)
        boot.ensure("/configmaps", NAMESPACE, "extension-apiserver-authentication", build)
    for component in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        name = f"{component}-{CONTROL_PLANE}"
        boot.ensure("/pods", NAMESPACE, name, partial(_mirror_pod, boot, component, control_plane))
    boot.ensure("/configmaps", NAMESPACE, "kube-proxy", partial(_kube_proxy_config, boot))
    run_daemon_set(boot, _kube_proxy(), nodes)
    run_daemon_set(boot, _kindnet(), nodes)
    boot.ensure("/configmaps", NAMESPACE, "coredns", partial(_coredns_config, boot))
    dns_pods = run_deployment(boot, _coredns(), control_plane)
    service = boot.ensure("/services", NAMESPACE, "kube-dns", partial(_kube_dns_service, boot))
    publish_endpoints(boot, service, dns_pods)


# -- the control plane's static pods -------------------------------------------------------------------------------


def _mirror_pod(boot: Boot, component: str, node: Obj) -> Obj:
    """The kubelet runs the control plane from manifest files and mirrors each as a pod owned by its node."""
    address = node_ip(node)
    container = _STATIC_CONTAINERS[component](address)
    volumes = _STATIC_VOLUMES[component]
    container["volumeMounts"] = [
        {"name": name, "mountPath": path, **({"readOnly": True} if read_only else {})}
        for name, path, _, read_only in volumes
    ]
    spec = defaulted_pod_spec(
        {
            "containers": [container],
            "hostNetwork": True,
            "priorityClassName": "system-node-critical",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "volumes": [{"name": name, "hostPath": {"path": path, "type": kind}} for name, path, kind, _ in volumes],
        }
    )
    spec.update(
        nodeName=node["metadata"]["name"],
        priority=PRIORITY_CLASSES["system-node-critical"],
        preemptionPolicy="PreemptLowerPriority",
        tolerations=[{"operator": "Exists", "effect": "NoExecute"}],
    )
    manifest_hash = hashlib.md5(json.dumps(spec, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
    annotations = {
        **_kubeadm_annotations(component, address),
        "kubernetes.io/config.hash": manifest_hash,
        "kubernetes.io/config.mirror": manifest_hash,
        "kubernetes.io/config.seen": boot.nano_time,
        "kubernetes.io/config.source": "file",
    }
    owner = {
        "apiVersion": "v1",
        "kind": "Node",
        "name": node["metadata"]["name"],
        "uid": node["metadata"]["uid"],
        "controller": True,
    }
    metadata = boot.metadata(
        f"{component}-{node['metadata']['name']}",
        NAMESPACE,
        labels={"component": component, "tier": "control-plane"},
        annotations=annotations,
        owners=[owner],
        generation=1,
    )
    return running_pod(boot, metadata, spec, node)


def _kubeadm_annotations(component: str, address: str) -> dict[str, str]:
    """Where kubeadm finds etcd and the API server again when a control-plane node joins or upgrades."""
    if component == "etcd":
        return {"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{address}:2379"}
    if component == "kube-apiserver":
        return {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{address}:6443"}
    return {}


def _flags(**values: object) -> list[str]:
    """kubeadm's flags: --name=value, sorted by name, underscores spelled as dashes."""
    return [f"--{name.replace('_', '-')}={value}" for name, value in sorted(values.items())]


def _probe(path: str, port: int, host: str, scheme: str, **timing: int) -> Obj:
    return {"httpGet": {"host": host, "path": path, "port": port, "scheme": scheme}, "timeoutSeconds": 15, **timing}


def _probes(host: str, port: int, scheme: str, live: str, ready: str | None, start: str) -> Obj:
    """kubeadm's probes: 4 minutes to start, 8 failed liveness checks to restart, readiness every second."""
    probes = {
        "livenessProbe": _probe(live, port, host, scheme, initialDelaySeconds=10, periodSeconds=10, failureThreshold=8),
        "startupProbe": _probe(
            start, port, host, scheme, initialDelaySeconds=10, periodSeconds=10, failureThreshold=24
        ),
    }
    if ready:
        probes["readinessProbe"] = _probe(ready, port, host, scheme, periodSeconds=1, failureThreshold=3)
    return probes


def _etcd(address: str) -> Obj:
    command = _flags(
        advertise_client_urls=f"https://{address}:2379",
        cert_file=f"{PKI}/etcd/server.crt",
        client_cert_auth="true",
        data_dir="/var/lib/etcd",
        feature_gates="InitialCorruptCheck=true",
        initial_advertise_peer_urls=f"https://{address}:2380",
        initial_cluster=f"{CONTROL_PLANE}=https://{address}:2380",
        key_file=f"{PKI}/etcd/server.key",
        listen_client_urls=f"https://127.0.0.1:2379,https://{address}:2379",
        listen_metrics_urls="http://127.0.0.1:2381",
        listen_peer_urls=f"https://{address}:2380",
        name=CONTROL_PLANE,
        peer_cert_file=f"{PKI}/etcd/peer.crt",
        peer_client_cert_auth="true",
        peer_key_file=f"{PKI}/etcd/peer.key",
        peer_trusted_ca_file=f"{PKI}/etcd/ca.crt",
        snapshot_count=10000,
        trusted_ca_file=f"{PKI}/etcd/ca.crt",
        watch_progress_notify_interval="5s",
    )
    return {
        "name": "etcd",
        "image": ETCD_IMAGE,
        "command": ["etcd", *command],
        "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}},
        **_probes("127.0.0.1", 2381, "HTTP", live="/livez", ready="/readyz", start="/readyz"),
    }


def _kube_apiserver(address: str) -> Obj:
    command = _flags(
        advertise_address=address,
        allow_privileged="true",
        authorization_mode="Node,RBAC",
        client_ca_file=f"{PKI}/ca.crt",
        enable_admission_plugins="NodeRestriction",
        enable_bootstrap_token_auth="true",
        etcd_cafile=f"{PKI}/etcd/ca.crt",
        etcd_certfile=f"{PKI}/apiserver-etcd-client.crt",
        etcd_keyfile=f"{PKI}/apiserver-etcd-client.key",
        etcd_servers="https://127.0.0.1:2379",
        kubelet_client_certificate=f"{PKI}/apiserver-kubelet-client.crt",
        kubelet_client_key=f"{PKI}/apiserver-kubelet-client.key",
        kubelet_preferred_address_types="InternalIP,ExternalIP,Hostname",
        proxy_client_cert_file=f"{PKI}/front-proxy-client.crt",
        proxy_client_key_file=f"{PKI}/front-proxy-client.key",
        requestheader_allowed_names="front-proxy-client",
        requestheader_client_ca_file=f"{PKI}/front-proxy-ca.crt",
        requestheader_extra_headers_prefix="X-Remote-Extra-",
        requestheader_group_headers="X-Remote-Group",
        requestheader_username_headers="X-Remote-User",
        secure_port=6443,
        service_account_issuer=f"https://kubernetes.default.svc.{DNS_DOMAIN}",
        service_account_key_file=f"{PKI}/sa.pub",
        service_account_signing_key_file=f"{PKI}/sa.key",
        service_cluster_ip_range=SERVICE_SUBNET,
        tls_cert_file=f"{PKI}/apiserver.crt",
        tls_private_key_file=f"{PKI}/apiserver.key",
    )
    return {
        "name": "kube-apiserver",
        "image": f"registry.k8s.io/kube-apiserver:{KUBERNETES_VERSION}",
        "command": ["kube-apiserver", *command],
        "resources": {"requests": {"cpu": "250m"}},
        **_probes(address, 6443, "HTTPS", live="/livez", ready="/readyz", start="/livez"),
    }


def _kube_controller_manager(_: str) -> Obj:
    kubeconfig = "/etc/kubernetes/controller-manager.conf"
    command = _flags(
        allocate_node_cidrs="true",
        authentication_kubeconfig=kubeconfig,
        authorization_kubeconfig=kubeconfig,
        bind_address="127.0.0.1",
        client_ca_file=f"{PKI}/ca.crt",
        cluster_cidr=POD_SUBNET,
        cluster_name=CLUSTER,
        cluster_signing_cert_file=f"{PKI}/ca.crt",
        cluster_signing_key_file=f"{PKI}/ca.key",
        controllers="*,bootstrapsigner,tokencleaner",
        enable_hostpath_provisioner="true",
        kubeconfig=kubeconfig,
        leader_elect="true",
        requestheader_client_ca_file=f"{PKI}/front-proxy-ca.crt",
        root_ca_file=f"{PKI}/ca.crt",
        service_account_private_key_file=f"{PKI}/sa.key",
        service_cluster_ip_range=SERVICE_SUBNET,
        use_service_account_credentials="true",
    )
    return {
        "name": "kube-controller-manager",
        "image": f"registry.k8s.io/kube-controller-manager:{KUBERNETES_VERSION}",
        "command": ["kube-controller-manager", *command],
        "resources": {"requests": {"cpu": "200m"}},
        **_probes("127.0.0.1", 10257, "HTTPS", live="/healthz", ready=None, start="/healthz"),
    }


def _kube_scheduler(_: str) -> Obj:
    kubeconfig = "/etc/kubernetes/scheduler.conf"
    command = _flags(
        authentication_kubeconfig=kubeconfig,
        authorization_kubeconfig=kubeconfig,
        bind_address="127.0.0.1",
        kubeconfig=kubeconfig,
        leader_elect="true",
    )
    return {
        "name": "kube-scheduler",
        "image": f"registry.k8s.io/kube-scheduler:{KUBERNETES_VERSION}",
        "command": ["kube-scheduler", *command],
        "resources": {"requests": {"cpu": "100m"}},
        **_probes("127.0.0.1", 10259, "HTTPS", live="/livez", ready="/readyz", start="/livez"),
    }


_STATIC_CONTAINERS = {
    "etcd": _etcd,
    "kube-apiserver": _kube_apiserver,
    "kube-controller-manager": _kube_controller_manager,
    "kube-scheduler": _kube_scheduler,
}
# (volume, host path, hostPath type, mounted read-only), sorted by volume name as kubeadm writes them.
_CA_CERTIFICATES = (
    ("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate", True),
    ("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate", True),
    ("k8s-certs", PKI, "DirectoryOrCreate", True),
    ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate", True),
    ("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate", True),
)
_STATIC_VOLUMES = {
    "etcd": (
        ("etcd-certs", f"{PKI}/etcd", "DirectoryOrCreate", False),
        ("etcd-data", "/var/lib/etcd", "DirectoryOrCreate", False),
    ),
    "kube-apiserver": _CA_CERTIFICATES,
    "kube-controller-manager": tuple(
        sorted(
            (
                *_CA_CERTIFICATES,
                ("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "DirectoryOrCreate", False),
                ("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate", True),
            )
        )
    ),
    "kube-scheduler": (("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate", True),),
}


def _extension_apiserver_authentication(boot: Boot, ca_pem: str) -> Obj:
    """How aggregated API servers authenticate callers: the client CA and the front proxy's request headers.

    kubesim has one CA, so it stands for the front-proxy CA as well."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": boot.metadata("extension-apiserver-authentication", NAMESPACE),
        "data": {
            "client-ca-file": ca_pem,
            "requestheader-allowed-names": '["front-proxy-client"]',
            "requestheader-client-ca-file": ca_pem,
            "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
            "requestheader-group-headers": '["X-Remote-Group"]',
            "requestheader-username-headers": '["X-Remote-User"]',
        },
    }


# -- kube-proxy ----------------------------------------------------------------------------------------------------

_KUBE_PROXY_CONFIG = f"""\
apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: {POD_SUBNET}
configSyncPeriod: 0s
conntrack:
  maxPerCore: 0
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 1s
  syncPeriod: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: iptables
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
"""

_KUBE_PROXY_KUBECONFIG = f"""\
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: {API_SERVER_URL}
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"""


def _kube_proxy_config(boot: Boot) -> Obj:
    # kubeadm hashes the component config it wrote, to tell later whether someone edited it.
    config_hash = f"sha256:{hashlib.sha256(_KUBE_PROXY_CONFIG.encode()).hexdigest()}"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": boot.metadata(
            "kube-proxy",
            NAMESPACE,
            labels={"app": "kube-proxy"},
            annotations={"kubeadm.kubernetes.io/component-config.hash": config_hash},
        ),
        "data": {"config.conf": _KUBE_PROXY_CONFIG, "kubeconfig.conf": _KUBE_PROXY_KUBECONFIG},
    }


def _kube_proxy() -> Obj:
    labels = {"k8s-app": "kube-proxy"}
    container = {
        "name": "kube-proxy",
        "image": f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}",
        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                    "--hostname-override=$(NODE_NAME)"],
        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
        "securityContext": {"privileged": True},
        "volumeMounts": [
            {"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"},
            {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
            {"name": "lib-modules", "readOnly": True, "mountPath": "/lib/modules"},
        ],
    }  # fmt: skip
    return {
        "metadata": {"name": "kube-proxy", "namespace": NAMESPACE, "labels": labels},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [container],
                    "hostNetwork": True,
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-node-critical",
                    "serviceAccountName": "kube-proxy",
                    "tolerations": [{"operator": "Exists"}],
                    "volumes": [
                        {"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                        {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
                        {"name": "lib-modules", "hostPath": {"path": "/lib/modules"}},
                    ],
                },
            },
        },
    }


# -- kindnet, kind's CNI -------------------------------------------------------------------------------------------


def _kindnet() -> Obj:
    labels = {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"}
    host_paths: tuple[tuple[str, str, dict[str, str]], ...] = (
        ("cni-cfg", "/etc/cni/net.d", {}),
        ("xtables-lock", "/run/xtables.lock", {"type": "FileOrCreate"}),
        ("lib-modules", "/lib/modules", {}),
        ("nri-plugin", "/var/run/nri", {}),
    )
    container = {
        "name": "kindnet-cni",
        "image": KINDNET_IMAGE,
        "env": [
            {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "POD_SUBNET", "value": POD_SUBNET},
        ],
        "resources": {"requests": {"cpu": "100m", "memory": "50Mi"}},
        "securityContext": {"privileged": False, "capabilities": {"add": ["NET_RAW", "NET_ADMIN"]}},
        "volumeMounts": [
            {"name": name, "mountPath": path, **({"readOnly": True} if name == "lib-modules" else {})}
            for name, path, _ in host_paths
        ],
    }
    return {
        "metadata": {"name": "kindnet", "namespace": NAMESPACE, "labels": labels},
        "spec": {
            "selector": {"matchLabels": {"app": "kindnet"}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [container],
                    "hostNetwork": True,
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-node-critical",
                    "serviceAccountName": "kindnet",
                    "tolerations": [{"operator": "Exists"}],
                    "volumes": [
                        {"name": name, "hostPath": {"path": path, **extra}} for name, path, extra in host_paths
                    ],
                },
            },
        },
    }


# -- CoreDNS -------------------------------------------------------------------------------------------------------

_DNS_LABELS = {"k8s-app": "kube-dns"}
_DNS_PORTS = (("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP"))


def _coredns_config(boot: Boot) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": boot.metadata("coredns", NAMESPACE),
        "data": {"Corefile": COREFILE},
    }


def _coredns() -> Obj:
    container = {
        "name": "coredns",
        "image": COREDNS_IMAGE,
        "args": ["-conf", "/etc/coredns/Corefile"],
        "ports": [
            *({"name": name, "containerPort": port, "protocol": protocol} for name, port, protocol in _DNS_PORTS),
            {"name": "liveness-probe", "containerPort": 8080, "protocol": "TCP"},
            {"name": "readiness-probe", "containerPort": 8181, "protocol": "TCP"},
        ],
        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
        "volumeMounts": [{"name": "config-volume", "readOnly": True, "mountPath": "/etc/coredns"}],
        "livenessProbe": {
            "httpGet": {"path": "/health", "port": "liveness-probe", "scheme": "HTTP"},
            "initialDelaySeconds": 60,
            "timeoutSeconds": 5,
            "successThreshold": 1,
            "failureThreshold": 5,
        },
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "readiness-probe", "scheme": "HTTP"}},
        "securityContext": {
            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
        },
    }
    # Two replicas that prefer different nodes, so that DNS survives losing one.
    spread = {
        "weight": 100,
        "podAffinityTerm": {
            "labelSelector": {"matchExpressions": [{"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
            "topologyKey": "kubernetes.io/hostname",
        },
    }
    return {
        "metadata": {"name": "coredns", "namespace": NAMESPACE, "labels": _DNS_LABELS},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": _DNS_LABELS},
            "strategy": {"rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": _DNS_LABELS},
                "spec": {
                    "containers": [container],
                    # CoreDNS forwards what it does not serve to the node's resolver, not to itself.
                    "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [spread]}},
                    "tolerations": [
                        {"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
                    ],
                    "volumes": [
                        {
                            "name": "config-volume",
                            "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]},
                        }
                    ],
                },
            },
        },
    }


def _kube_dns_service(boot: Boot) -> Obj:
    labels = {**_DNS_LABELS, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}
    annotations = {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": boot.metadata("kube-dns", NAMESPACE, labels=labels, annotations=annotations),
        "spec": {
            "type": "ClusterIP",
            "clusterIP": DNS_SERVICE_IP,
            "clusterIPs": [DNS_SERVICE_IP],
            "ports": [
                {"name": name, "port": port, "protocol": protocol, "targetPort": port}
                for name, port, protocol in _DNS_PORTS
            ],
            "selector": _DNS_LABELS,
            "sessionAffinity": "None",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {}},
    }
