"""kubesim: an embedded Kubernetes API server for learning, that real kubectl and the official client accept."""
