"""Tracing: partner agencies' extracts linked against the register (Splink), ranked and explained leads, and the
officer's decision on each. The only package that imports Splink (``linkage``)."""
