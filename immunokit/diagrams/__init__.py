"""Mechanism diagrams (placeholder while being built)."""
