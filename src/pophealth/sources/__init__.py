"""Importers: one module per outside format, each validating every row before anything is written."""
