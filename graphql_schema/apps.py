from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraphQLSchemaConfig(AppConfig):
    """The GraphQL API app: the schema, its commands and the trusted documents."""

    name = "graphql_schema"
    label = "graphql_schema"
    verbose_name = _("Network GraphQL API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # System checks register on import; they read the URLconf when run, not now.
        from . import checks  # noqa: F401
        from .response_cache import install

        # Every write Django sends is watched for the response cache's generation.
        install()
