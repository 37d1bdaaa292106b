"""The Kubernetes API machinery: resources, discovery, OpenAPI, tables, patches, selectors, errors, handlers."""
