"""Printed and downloadable products: the board pack (HTML, PDF, Excel)."""
