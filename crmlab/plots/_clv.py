"""Plots for the clv chapter."""

__all__: list[str] = []
