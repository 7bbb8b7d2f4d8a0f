"""Plots for the segmentation chapter."""

__all__: list[str] = []
