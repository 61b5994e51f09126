"""Offline question answering over government development plans (国民经济和社会发展计划)."""

__version__ = "0.1.0"
