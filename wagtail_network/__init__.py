"""wagtail-network: turn a Wagtail site into a professional network."""

__version__ = "0.1.0"
