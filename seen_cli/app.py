"""`seen app`: the practitioner app, on the desktop or (with --web) in a browser, fully offline."""

from __future__ import annotations

import os

import click

__all__ = ["run_app"]


def run_app(*, web: bool, port: int, data_dir: str | None) -> None:
    import flet as ft

    from mobile.main import ASSETS_DIR, make_main, resolve_data_dir

    path = resolve_data_dir(data_dir)
    main = make_main(path)
    if web:
        # Serve the bundled web client (CanvasKit, fonts) ourselves: no CDN, and open no browser.
        os.environ["FLET_WEB_NO_CDN"] = "1"
        os.environ["FLET_FORCE_WEB_SERVER"] = "1"
        click.echo(f"Seen & Heard: open http://127.0.0.1:{port}/ in a browser (Ctrl+C stops it).")
        ft.run(
            main,
            view=ft.AppView.WEB_BROWSER,
            host="127.0.0.1",
            port=port,
            no_cdn=True,
            assets_dir=str(ASSETS_DIR),
        )
    else:
        ft.run(main, assets_dir=str(ASSETS_DIR))
