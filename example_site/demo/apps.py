from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Holds the example site's demo-data command (`load_demo_network`); no models."""

    name = "example_site.demo"
    label = "demo"
    verbose_name = _("Example site: demo data")
    default_auto_field = "django.db.models.BigAutoField"
