from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """The test suite's host app: its only model is :class:`~tests.testapp.models.EmailUser`."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Test host app"
