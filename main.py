"""Entry point for `flet build apk|ipa` and `flet run`: the app itself is mobile/main.py."""

from mobile.main import run

if __name__ == "__main__":
    run()
