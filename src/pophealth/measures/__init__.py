"""Measure tracking: each catalogue measure's series from the warehouse, its SPC status and narrative.

Flow: ``series.read_series`` (warehouse → ``MeasureSeries``), ``status.assess`` (series → SPC
icons and RAG as at a reporting period), ``narrative`` (versioned key issue and mitigations).
Products (web pages, board pack) only render what these return.
"""
