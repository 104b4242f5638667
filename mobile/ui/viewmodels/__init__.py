"""View-models: screen state and actions that call the services; plain Python, never flet."""
