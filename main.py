"""Entry point for `flet build apk|ipa` and `flet run`: the app itself is mobile/main.py."""

import flet as ft

from mobile.main import ASSETS_DIR, make_main, resolve_data_dir

if __name__ == "__main__":
    ft.run(make_main(resolve_data_dir()), assets_dir=str(ASSETS_DIR))
