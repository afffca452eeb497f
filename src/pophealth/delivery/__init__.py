"""Delivery plan tracking: actions, reporting periods, updates, RAG roll-ups and governance."""
