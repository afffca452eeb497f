"""The web app: NHS.UK-styled pages over the warehouse, each with a JSON twin under ``/api``."""
