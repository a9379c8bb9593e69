from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from wagtail_network.models.pages import HistoryFollowsEditMixin


def first_live_page(model_name: str) -> Page | None:
    """The first live page of a wagtail_network index model, or None.

    Looked up by name so that the home page keeps rendering while the plugin's
    models are absent (for example during a partial migration).
    """
    try:
        model = apps.get_model("wagtail_network", model_name)
    except LookupError:
        return None
    return model.objects.live().public().order_by("path").first()


class HomePage(HistoryFollowsEditMixin, Page):
    """The example site's root page: an introduction and links to the directories.

    The directory links come from the `site_nav` context processor, which the
    header shares.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")
