"""Explorers for the bias chapter."""

__all__: list[str] = []
