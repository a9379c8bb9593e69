from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "example_site.home"
    label = "home"
    verbose_name = _("Example site: home")
    default_auto_field = "django.db.models.BigAutoField"
