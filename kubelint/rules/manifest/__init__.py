"""Rules for Kubernetes manifests: YAML, objects, and what the objects say to one another."""
