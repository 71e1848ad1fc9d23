"""Infitah: the platform of a network of open local governments."""
