"""Multi-step workflows over resources/: health, deploy, rollback, promotion checks, CI build, cost."""
