"""The `seen` command."""
