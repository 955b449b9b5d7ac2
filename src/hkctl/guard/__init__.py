"""The spec's permission system: readonly by default, every write confirmed, fail closed without a TTY."""

from hkctl.guard.policy import Guard, PlannedWrite

__all__ = ["Guard", "PlannedWrite"]
