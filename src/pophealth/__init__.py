"""pophealth: population health intelligence and strategy delivery for an integrated care system."""

__version__ = "0.1.0"
