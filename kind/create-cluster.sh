#!/usr/bin/env bash
# Create the book's kind cluster `kuar` with what the chapters need, and load a kuard image into it if given one:
#
#   kind/create-cluster.sh                                     the cluster, ingress-nginx, metrics-server
#   kind/create-cluster.sh gcr.io/kuar-demo/kuard-amd64:blue   the same, then that image from the local Docker
#
# Needs `docker` (with its daemon running), `kind` and `kubectl` on PATH (.venv/bin/kubectl will do). Run again,
# it keeps the cluster and only completes what is missing. Every kubectl call names the context `kind-kuar`, so no
# other cluster is ever touched. Then run the notebooks against it (docs/backend-local-kind.md):
#
#   KUARLAB_BACKEND=kubeconfig KUBECONFIG=~/.kube/config .venv/bin/python -m pytest notebooks/
set -euo pipefail

readonly CLUSTER=kuar
readonly CONTEXT="kind-${CLUSTER}"
# The config beside this script, wherever it is run from (no dirname: nothing runs here but bash, docker, kind and
# kubectl).
CONFIG="${BASH_SOURCE[0]%/*}/kuar-cluster.yaml"
[[ "${BASH_SOURCE[0]}" == */* ]] || CONFIG=kuar-cluster.yaml
readonly CONFIG
# Pinned releases: ingress-nginx's manifest for kind (hostPorts 80/443, tolerating the control plane's taint) and
# metrics-server (0.9 supports Kubernetes 1.34 and later).
readonly INGRESS_NGINX_MANIFEST="https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/kind/deploy.yaml"
readonly METRICS_SERVER_MANIFEST="https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.9.0/components.yaml"
readonly WAIT=180s

say() { printf 'create-cluster: %s\n' "$*"; }
fail() {
    printf 'create-cluster: %s\n' "$*" >&2
    exit 1
}
kube() { kubectl --context "$CONTEXT" "$@"; }

usage() {
    printf '%s\n' "usage: kind/create-cluster.sh [IMAGE ...]" \
        "Creates kind cluster $CLUSTER from kind/kuar-cluster.yaml (kept if it exists), installs ingress-nginx and" \
        "metrics-server, checks the default StorageClass, and loads each IMAGE (pulled first if need be)."
}

require_tools() {
    local tool
    for tool in docker kind kubectl; do
        command -v "$tool" >/dev/null || fail "$tool is not on PATH: see docs/backend-local-kind.md for how to install it"
    done
    docker info >/dev/null 2>&1 || fail "Docker does not answer: start Docker (kind runs each node as a container)"
}

cluster_exists() {
    local name
    while read -r name; do
        [[ "$name" == "$CLUSTER" ]] && return 0
    done < <(kind get clusters 2>/dev/null)
    return 1
}

create_cluster() {
    if cluster_exists; then
        say "cluster $CLUSTER exists already: keeping it"
    else
        say "creating cluster $CLUSTER (1 control plane, 2 workers) from $CONFIG"
        kind create cluster --config "$CONFIG" --wait "$WAIT"
    fi
    kubectl config use-context "$CONTEXT" >/dev/null
    say "kubectl's current context is now $CONTEXT"
}

install_ingress_nginx() {
    say "installing ingress-nginx for kind"
    kube apply -f "$INGRESS_NGINX_MANIFEST"
    # Only the control plane publishes ports 80 and 443 on the host (kuar-cluster.yaml): the controller must run
    # there, on the node labelled ingress-ready, and not on a worker.
    kube --namespace ingress-nginx patch deployment ingress-nginx-controller --type merge \
        --patch '{"spec":{"template":{"spec":{"nodeSelector":{"ingress-ready":"true"}}}}}'
    kube --namespace ingress-nginx rollout status deployment/ingress-nginx-controller --timeout "$WAIT"
    # Until this job has given the admission webhook its CA, creating an Ingress fails on a certificate error.
    kube --namespace ingress-nginx wait job/ingress-nginx-admission-patch --for condition=complete --timeout "$WAIT"
    # The chapters' Ingresses name no class, as the book's do: the default class takes them.
    kube annotate ingressclass nginx ingressclass.kubernetes.io/is-default-class=true --overwrite
    say "ingress-nginx is ready on http://localhost and https://localhost; IngressClass nginx is the default"
}

install_metrics_server() {
    say "installing metrics-server (for kubectl top and the HorizontalPodAutoscaler)"
    kube apply -f "$METRICS_SERVER_MANIFEST"
    # kind's kubelets serve self-signed certificates, which metrics-server refuses unless told not to verify them.
    local arguments
    arguments="$(kube --namespace kube-system get deployment metrics-server \
        --output jsonpath='{.spec.template.spec.containers[0].args}')"
    if [[ "$arguments" != *--kubelet-insecure-tls* ]]; then
        kube --namespace kube-system patch deployment metrics-server --type json \
            --patch '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'
    fi
    kube --namespace kube-system rollout status deployment/metrics-server --timeout "$WAIT"
    say "metrics-server is ready (with --kubelet-insecure-tls)"
}

check_default_storage_class() {
    local default_class
    default_class="$(kube get storageclass \
        --output jsonpath='{.items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")].metadata.name}')"
    [[ -n "$default_class" ]] ||
        fail "no default StorageClass: the chapters' PersistentVolumeClaims would stay Pending (kind installs 'standard')"
    say "default StorageClass: $default_class"
}

load_image() {
    local image="$1"
    if ! docker image inspect "$image" >/dev/null 2>&1; then
        say "pulling $image"
        docker pull "$image"
    fi
    say "loading $image into every node of $CLUSTER"
    kind load docker-image "$image" --name "$CLUSTER"
}

main() {
    if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
        usage
        return 0
    fi
    require_tools
    create_cluster
    install_ingress_nginx
    install_metrics_server
    check_default_storage_class
    local image
    for image in "$@"; do
        load_image "$image"
    done
    say "done: the notebooks choose $CONTEXT on their own; see docs/backend-local-kind.md"
}

main "$@"
