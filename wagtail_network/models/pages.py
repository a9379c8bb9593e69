"""The page types: directories, company pages and member profile pages."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..conf import get_setting
from ..limits import ControlCharactersMixin
from .choices import CompanySize, FieldVisibility, OpenTo, ProfileVisibility

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


def default_profile_visibility() -> str:
    return get_setting("DEFAULT_PROFILE_VISIBILITY")


def default_email_visibility() -> str:
    return get_setting("DEFAULT_FIELD_VISIBILITY").get("email", FieldVisibility.MEMBERS)


def default_phone_visibility() -> str:
    return get_setting("DEFAULT_FIELD_VISIBILITY").get("phone", FieldVisibility.CONNECTIONS)


def default_connections_visibility() -> str:
    return get_setting("DEFAULT_FIELD_VISIBILITY").get("connections", FieldVisibility.MEMBERS)


def default_positions_visibility() -> str:
    return get_setting("DEFAULT_FIELD_VISIBILITY").get("positions", FieldVisibility.PUBLIC)


def _reindex_with_relations(page: Page) -> None:
    """Index ``page`` again once its many-to-many relations are saved.

    Wagtail indexes a page on ``post_save``, which modelcluster sends before it
    commits ``ParentalManyToManyField`` values and cluster tags: with an immediate
    task backend, a skill added in the admin and published would not be searchable
    until the next save. Enqueued like Wagtail's own signal handler, so a deferred
    task backend is honoured.
    """
    if not getattr(page, "search_auto_update", True) or page.pk is None:
        return
    from wagtail.search.tasks import insert_or_update_object_task

    insert_or_update_object_task.enqueue(page._meta.app_label, page._meta.model_name, str(page.pk))


class CompanyIndexPage(Page):
    """The company directory: search, filters and pagination over visible companies."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["wagtail_network.CompanyPage"]
    template = "wagtail_network/company_index_page.html"

    class Meta:
        verbose_name = _("company directory")
        verbose_name_plural = _("company directories")

    def get_context(self, request, *args, **kwargs):
        from ..directory import company_directory_context

        context = super().get_context(request, *args, **kwargs)
        context.update(company_directory_context(request, self))
        return context


class MemberIndexPage(Page):
    """The member directory: search, filters and pagination over visible members."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["wagtail_network.MemberPage"]
    template = "wagtail_network/member_index_page.html"

    class Meta:
        verbose_name = _("member directory")
        verbose_name_plural = _("member directories")

    def get_context(self, request, *args, **kwargs):
        from ..directory import member_directory_context

        context = super().get_context(request, *args, **kwargs)
        context.update(member_directory_context(request, self))
        return context


class CompanySpeciality(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_network.CompanyPage",
        verbose_name=_("company page"),
        on_delete=models.CASCADE,
        related_name="tagged_specialities",
    )

    class Meta:
        verbose_name = _("company speciality")
        verbose_name_plural = _("company specialities")


class CompanyPage(ControlCharactersMixin, Page):
    """A company's profile. Company admins hold guardian grants on the page."""

    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    industry = models.ForeignKey(
        "wagtail_network.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companies",
    )
    size_range = models.CharField(_("size"), max_length=20, choices=CompanySize.choices, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(2100)],
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    specialities = ClusterTaggableManager(
        through=CompanySpeciality, blank=True, verbose_name=_("specialities")
    )

    search_fields = Page.search_fields + [
        index.SearchField("tagline"),
        index.SearchField("description"),
        index.SearchField("city"),
        index.SearchField("country"),
        index.RelatedFields("industry", [index.SearchField("name")]),
        index.RelatedFields("specialities", [index.SearchField("name")]),
        index.AutocompleteField("title"),
        index.FilterField("industry_id"),
        index.FilterField("country"),
        index.FilterField("city"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("tagline"),
        FieldRowPanel([FieldPanel("logo"), FieldPanel("cover")], heading=_("Images")),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("industry"),
                FieldPanel("size_range"),
                FieldPanel("founded_year"),
                FieldPanel("specialities"),
            ],
            heading=_("About"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("website"),
                FieldPanel("contact_email"),
            ],
            heading=_("Location and contact"),
        ),
    ]

    parent_page_types = ["wagtail_network.CompanyIndexPage"]
    subpage_types: list[str] = []
    template = "wagtail_network/company_page.html"

    class Meta:
        verbose_name = _("company page")
        verbose_name_plural = _("company pages")

    def get_context(self, request, *args, **kwargs):
        from ..directory import company_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(company_page_context(request, self))
        return context

    @classmethod
    def get_indexed_objects(cls):
        # Wagtail's shared page index is read by the host site's own search view,
        # which applies no visibility rule: only companies every visitor may see
        # go in (live, outside private sections). The plugin's searches read its
        # own index (ProfileSearchEntry), which holds every company.
        from ..search import publicly_visible

        return publicly_visible(super().get_indexed_objects())

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        _reindex_with_relations(self)  # specialities are committed after post_save
        return result

    def serve(self, request, *args, **kwargs):
        # A company the viewer may not see answers 404, like a missing page.
        from ..directory import check_page_visible

        check_page_visible(request, self)
        return super().serve(request, *args, **kwargs)


class MemberInterest(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_network.MemberPage",
        verbose_name=_("member page"),
        on_delete=models.CASCADE,
        related_name="tagged_interests",
    )

    class Meta:
        verbose_name = _("member interest")
        verbose_name_plural = _("member interests")


class MemberPage(ControlCharactersMixin, Page):
    """A member's profile page, optionally linked to a site user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_member",
        help_text=_("The site account this profile belongs to. Can be linked later."),
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bio = RichTextField(_("about"), blank=True, features=RICH_TEXT_FEATURES)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    industry = models.ForeignKey(
        "wagtail_network.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    skills = ParentalManyToManyField(
        "wagtail_network.Skill", verbose_name=_("skills"), blank=True, related_name="members"
    )
    interests = ClusterTaggableManager(
        through=MemberInterest, blank=True, verbose_name=_("interests")
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    open_to_hiring = models.BooleanField(_("hiring"), default=False)
    open_to_new_job = models.BooleanField(_("a new job"), default=False)
    open_to_partnerships = models.BooleanField(_("partnerships"), default=False)
    open_to_mentoring = models.BooleanField(_("mentoring"), default=False)
    open_to_advice = models.BooleanField(_("giving advice"), default=False)

    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    profile_visibility = models.CharField(
        _("who can see this profile"),
        max_length=20,
        choices=ProfileVisibility.choices,
        default=default_profile_visibility,
    )
    email_visibility = models.CharField(
        _("who can see the e-mail address"),
        max_length=20,
        choices=FieldVisibility.choices,
        default=default_email_visibility,
    )
    phone_visibility = models.CharField(
        _("who can see the phone number"),
        max_length=20,
        choices=FieldVisibility.choices,
        default=default_phone_visibility,
    )
    connections_visibility = models.CharField(
        _("who can see the connection list"),
        max_length=20,
        choices=FieldVisibility.choices,
        default=default_connections_visibility,
    )
    positions_visibility = models.CharField(
        _("who can see positions"),
        max_length=20,
        choices=FieldVisibility.choices,
        default=default_positions_visibility,
    )
    #: Set by ``manage.py repair_profile_names`` when the profile's name and slug
    #: came from the account's username or e-mail address and were replaced by a
    #: neutral name; cleared when the member (or an editor, through the service
    #: layer) gives the name.
    name_needs_review = models.BooleanField(
        _("name needs review"),
        default=False,
        help_text=_(
            "The name shown is a neutral placeholder: the original came from the "
            "account's username or e-mail address. Cleared when the member sets their name."
        ),
    )

    # Only fields every viewer of the profile may see are indexed: a hidden field
    # (e-mail, phone, positions, connections) must never make a member match a
    # search. The plugin's own index (models/search.py) holds the same fields.
    search_fields = Page.search_fields + [
        index.SearchField("headline"),
        index.SearchField("bio"),
        index.SearchField("city"),
        index.SearchField("country"),
        index.RelatedFields("skills", [index.SearchField("name")]),
        index.RelatedFields("interests", [index.SearchField("name")]),
        index.RelatedFields("industry", [index.SearchField("name")]),
        index.AutocompleteField("title"),
        index.FilterField("industry_id"),
        index.FilterField("profile_visibility"),
        index.FilterField("country"),
        index.FilterField("city"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("name_needs_review"),
        FieldPanel("headline"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("industry"),
                FieldPanel("languages"),
            ],
            heading=_("Background"),
        ),
        MultiFieldPanel(
            [FieldPanel("skills"), FieldPanel("interests")],
            heading=_("Skills and interests"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("open_to_hiring"),
                FieldPanel("open_to_new_job"),
                FieldPanel("open_to_partnerships"),
                FieldPanel("open_to_mentoring"),
                FieldPanel("open_to_advice"),
            ],
            heading=_("Open to"),
        ),
        InlinePanel("positions", heading=_("Positions"), label=pgettext_lazy("job", "Position")),
        InlinePanel("education", heading=_("Education"), label=_("Education")),
        InlinePanel("links", heading=_("Links"), label=_("Link")),
    ]
    privacy_panels = [
        FieldPanel("user"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone")], heading=_("Contact")
        ),
        MultiFieldPanel(
            [
                FieldPanel("profile_visibility"),
                FieldPanel("email_visibility"),
                FieldPanel("phone_visibility"),
                FieldPanel("connections_visibility"),
                FieldPanel("positions_visibility"),
            ],
            heading=_("Visibility"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Profile")),
            ObjectList(privacy_panels, heading=_("Account and privacy")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    parent_page_types = ["wagtail_network.MemberIndexPage"]
    subpage_types: list[str] = []
    template = "wagtail_network/member_page.html"

    class Meta:
        verbose_name = _("member page")
        verbose_name_plural = _("member pages")
        permissions = [
            ("view_private_profiles", _("Can see every profile and field")),
        ]

    OPEN_TO_FIELDS = {
        OpenTo.HIRING: "open_to_hiring",
        OpenTo.NEW_JOB: "open_to_new_job",
        OpenTo.PARTNERSHIPS: "open_to_partnerships",
        OpenTo.MENTORING: "open_to_mentoring",
        OpenTo.ADVICE: "open_to_advice",
    }

    @property
    def open_to(self) -> list[str]:
        """The "open to" choices this member has switched on."""
        return [value for value, field in self.OPEN_TO_FIELDS.items() if getattr(self, field)]

    @property
    def name(self) -> str:
        return self.title

    def get_context(self, request, *args, **kwargs):
        from ..directory import member_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(member_page_context(request, self))
        return context

    @classmethod
    def get_indexed_objects(cls):
        # Wagtail's shared page index is read by the host site's own search view
        # (``Page.objects.live().search(q)``), which applies no visibility rule:
        # only profiles every visitor may see go in — live, outside private
        # sections, with a public profile visibility (the site's lock included).
        # The plugin's searches read its own index (ProfileSearchEntry), which
        # holds every profile, and apply the viewer's rules in SQL.
        from ..search import publicly_visible

        return publicly_visible(super().get_indexed_objects())

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        _reindex_with_relations(self)  # skills and interests are committed after post_save
        return result

    def serve(self, request, *args, **kwargs):
        # A profile the viewer may not see (visibility choice, block) answers 404,
        # exactly like a missing page.
        from ..directory import check_page_visible

        check_page_visible(request, self)
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        # Sitemaps are read by anonymous crawlers: list only profiles an anonymous
        # visitor may see.
        from django.contrib.auth.models import AnonymousUser

        from ..visibility import members_visible_to

        if not members_visible_to(AnonymousUser()).filter(pk=self.pk).exists():
            return []
        return super().get_sitemap_urls(request)


class Position(ControlCharactersMixin, Orderable):
    """A role a member holds or held, at a company page or a free-text company."""

    member = ParentalKey(
        MemberPage, verbose_name=_("member"), on_delete=models.CASCADE, related_name="positions"
    )
    company = models.ForeignKey(
        CompanyPage,
        verbose_name=_("company page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
    )
    company_name = models.CharField(
        _("company name"),
        max_length=200,
        blank=True,
        help_text=_("For companies without a page in the network."),
    )
    # In context: a page's "title" (Wagtail's own msgid) is not a job title.
    title = models.CharField(pgettext_lazy("job", "title"), max_length=200)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("company"),
        FieldPanel("company_name"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("is_current"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        indexes = [models.Index(fields=["company", "is_current"], name="wn_position_company")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="wn_position_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(title)s at %(company)s") % {
            "title": self.title,
            "company": self.display_company,
        }

    @property
    def display_company(self) -> str:
        return self.company.title if self.company is not None else self.company_name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Education(ControlCharactersMixin, Orderable):
    member = ParentalKey(
        MemberPage, verbose_name=_("member"), on_delete=models.CASCADE, related_name="education"
    )
    school = models.CharField(_("school"), max_length=200)
    degree = models.CharField(_("degree"), max_length=200, blank=True)
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    # Bounded on every database alike (SQLite has no smallint range of its own).
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    panels = [
        FieldPanel("school"),
        FieldPanel("degree"),
        FieldPanel("field_of_study"),
        FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return self.school


class MemberLink(ControlCharactersMixin, Orderable):
    member = ParentalKey(
        MemberPage, verbose_name=_("member"), on_delete=models.CASCADE, related_name="links"
    )
    label = models.CharField(_("label"), max_length=100)
    url = models.URLField(_("URL"))

    panels = [FieldPanel("label"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.label
