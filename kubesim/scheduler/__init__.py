"""Behaviour: kube-scheduler. A queue of pods without a node (queue), an index of nodes and the pods bound to them
kept from the cluster's events (cache), the filter and score plugins of the default profile (plugins), and the
loop that binds each pod to the best node through the API (scheduler)."""
