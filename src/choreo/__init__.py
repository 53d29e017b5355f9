"""Choreo: a declarative data orchestrator that runs Kestra-compatible YAML flows."""

__version__ = "0.1.0"
