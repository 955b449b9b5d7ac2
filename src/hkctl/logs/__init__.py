"""Logs: parse Logplex lines, filter them, triage them (fast path for big files), stream sessions."""
