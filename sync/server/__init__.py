"""The central-record API (FastAPI): `create_app(Settings(...))`."""

from sync.server.app import create_app
from sync.server.settings import Settings

__all__ = ["Settings", "create_app"]
