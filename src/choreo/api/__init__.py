"""Kestra's REST API v1 (tenant `main`) over a server runtime: flows, executions, logs, KV, namespace files,
triggers, plugins, webhooks, live follows; authentication on every route but an exact allowlist."""
