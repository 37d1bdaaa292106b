"""Rules for Dockerfiles (and Containerfiles): base images, secrets, layers, users."""
