"""Words and colours for the Making Data Count icons, for charts and text alternatives."""

from __future__ import annotations

# NHSRplotthedots default colours (R/ptd_spc_colours.R), which follow the MDC convention.
COLOURS = {
    "common": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
    "target": "#de1b1b",
}

POINT_COLOURS = {
    "common_cause": COLOURS["common"],
    "special_cause_improvement": COLOURS["improvement"],
    "special_cause_concern": COLOURS["concern"],
    "special_cause_neutral_high": COLOURS["neutral"],
    "special_cause_neutral_low": COLOURS["neutral"],
}

VARIATION_TEXT = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation of an improving nature: higher values",
    "improvement_low": "Special cause variation of an improving nature: lower values",
    "concern_high": "Special cause variation of a concerning nature: higher values",
    "concern_low": "Special cause variation of a concerning nature: lower values",
    "neutral_high": "Special cause variation, neither improvement nor concern: higher values",
    "neutral_low": "Special cause variation, neither improvement nor concern: lower values",
}

ASSURANCE_TEXT = {
    "pass": "The process will consistently pass the target",
    "fail": "The process will consistently fail the target",
    "inconsistent": "The process will not consistently hit or miss the target (hit and miss)",
}


def variation_colour(icon: str) -> str:
    family = icon.split("_")[0]
    return COLOURS.get(family, COLOURS["common"])


def assurance_colour(icon: str) -> str:
    return {"pass": COLOURS["improvement"], "fail": COLOURS["concern"]}.get(icon, COLOURS["common"])
