"""A host's custom user model for the test suite: e-mail login, no ``username``.

Installed only when ``TEST_USER_MODEL=email`` (tests/settings.py); never shipped
in the wheel (pyproject.toml includes only ``wagtail_network`` and ``graphql_schema``).
"""
