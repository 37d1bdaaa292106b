"""Reading Kubernetes manifests: YAML with positions, objects, schema."""
