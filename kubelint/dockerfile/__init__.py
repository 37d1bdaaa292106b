"""Dockerfile support: a position-keeping parser that reads files the way BuildKit does."""
