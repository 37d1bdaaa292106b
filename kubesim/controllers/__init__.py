"""Behaviour: controllers are level-triggered reconcile loops that observe the store and act through the API.

Each controller is one module. They never call each other: like the real ones, they read objects and
write them back through the API (a loopback client), so validation, defaulting and managed fields apply.
"""
