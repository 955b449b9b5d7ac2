"""The report's colours: the Okabe–Ito colour-blind-safe palette, and the page's own text colour."""

from __future__ import annotations

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, SKY, GREEN, YELLOW, VERMILLION, PURPLE = (
    "#0072B2",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#D55E00",
    "#CC79A7",
)
FG = "var(--fg)"
STATUS_COLOURS = {"2xx": GREEN, "3xx": SKY, "4xx": ORANGE, "5xx": VERMILLION}
CODE_COLOURS = [VERMILLION, ORANGE, BLUE, PURPLE, SKY, GREEN, YELLOW]
DYNO_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION]
DASHES = ["", "6,3", "2,3", "8,3,2,3"]
STATE_COLOURS = {"crashed": VERMILLION, "down": PURPLE, "starting": SKY, "restarting": ORANGE, "up": GREEN}
