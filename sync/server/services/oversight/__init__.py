"""Oversight at the central record: what it works out for itself from the record."""
