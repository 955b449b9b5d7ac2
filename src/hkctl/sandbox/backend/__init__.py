"""Sandbox rules and state transitions shared between handler families."""
