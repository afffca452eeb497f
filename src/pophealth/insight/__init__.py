"""Engagement and insight: what local people told the system, linked to the priorities and actions it shaped.

``models`` holds the record, ``csv_import`` reads the documented CSV layout, ``store`` keeps records in the
warehouse, ``gaps`` maps priorities without insight, and ``public`` applies disclosure control before a record
reaches the public "You said, we did" pages.
"""
