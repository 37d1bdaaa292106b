"""Simulated machines: the kubelets that run pods, the images they pull and the processes in the containers."""
