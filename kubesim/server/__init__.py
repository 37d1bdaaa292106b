"""Serving the API: HTTPS on 127.0.0.1, authentication, the kubeconfig that points clients at it."""
