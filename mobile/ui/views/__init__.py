"""Flet views: each renders a view-model and forwards events; no data is held here."""
