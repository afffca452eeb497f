"""Public-health indicators: metadata, place profiles, place comparisons and inequality series."""
