"""The HTML report: triage counts per minute (timeline), drawn as static SVG charts in one self-contained page."""
