"""Explorers for the satisfaction chapter."""

__all__: list[str] = []
