"""The settings reference documents every key of the WAGTAIL_NETWORK dict."""

from pathlib import Path

from wagtail_network.conf import DEFAULTS

DOC = Path(__file__).resolve().parent.parent / "docs" / "reference" / "settings.md"


def test_every_setting_is_documented_in_the_settings_reference():
    text = DOC.read_text(encoding="utf-8")
    missing = [key for key in DEFAULTS if f"`{key}`" not in text]
    assert missing == [], f"document these keys in {DOC}: {missing}"
