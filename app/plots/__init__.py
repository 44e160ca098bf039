"""Plots and diagrams drawn by the window."""
