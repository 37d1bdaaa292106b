"""The ingress add-on's IngressClass: `kubesim`, the default class, as installing ingress-nginx into kind creates
`nginx`. Ingresses created without a class get it (the DefaultIngressClass admission, api/admission.py); the add-on
itself is controllers/ingress.py with nodes/ingress_proxy.py."""

from __future__ import annotations

from kubesim.nodes.ingress_routes import CLASS_NAME, CONTROLLER, INGRESS_CLASSES
from kubesim.store.bootstrap.objects import Boot, Obj

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


def ensure_ingress_class(boot: Boot) -> None:
    boot.ensure(INGRESS_CLASSES, "", CLASS_NAME, lambda: _ingress_class(boot))


def _ingress_class(boot: Boot) -> Obj:
    labels = {"app.kubernetes.io/name": "kubesim-ingress", "app.kubernetes.io/component": "controller"}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "IngressClass",
        "metadata": boot.metadata(CLASS_NAME, labels=labels, annotations={DEFAULT_CLASS_ANNOTATION: "true"}),
        "spec": {"controller": CONTROLLER},
    }
