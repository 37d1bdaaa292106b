"""The shared, watchable store: objects by resource, namespace and name, with resource versions."""
