"""factory_boy factories for the network's models.

Pages go through wagtail_factories (``parent=`` places them in the tree); relation
rows are plain Django factories. Connections are made with :func:`connect`, which
goes through the service layer's own edge-writing so tests see the same rows as
production code.
"""

from __future__ import annotations

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from wagtail.models import Page, Site

from wagtail_network import models as m

User = get_user_model()

#: Whether the active user model has a ``username`` column (Django's default
#: does; the e-mail login model of ``TEST_USER_MODEL=email`` does not).
HAS_USERNAME = any(field.name == "username" for field in User._meta.get_fields())


def login_of(handle: str) -> str:
    """What ``get_username()`` returns for ``UserFactory(username=handle)``: the
    handle itself on a model with a username, ``handle@example.com`` on one that
    signs in by e-mail."""
    return handle if HAS_USERNAME else f"{handle}@example.com"


class UserFactory(factory.django.DjangoModelFactory):
    """A site account named by a short handle: ``UserFactory(username="alice")``.

    On a model with a ``username`` the handle is the username; on an e-mail login
    model (no ``username``) it is only a parameter, and the account signs in as
    ``alice@example.com``. Either way the same handle gives the same account
    (get-or-create on the model's ``USERNAME_FIELD``).
    """

    class Meta:
        model = User
        django_get_or_create = (User.USERNAME_FIELD,)

    if HAS_USERNAME:
        username = factory.Sequence(lambda n: f"user{n}")
    else:

        class Params:
            username = factory.Sequence(lambda n: f"user{n}")

    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("password")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


def site_root() -> Page:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    return Page.objects.get(depth=1).get_children().first() or Page.objects.get(depth=1)


class CompanyIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = m.CompanyIndexPage

    title = "Companies"
    slug = "companies"
    parent = factory.LazyFunction(site_root)


class MemberIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = m.MemberIndexPage

    title = "Members"
    slug = "members"
    parent = factory.LazyFunction(site_root)


class CompanyPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = m.CompanyPage

    title = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    tagline = "We make things"
    city = "Utrecht"
    country = "Netherlands"


class MemberPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = m.MemberPage

    title = factory.Sequence(lambda n: f"Member {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    headline = "Professional"
    city = "Amsterdam"
    country = "Netherlands"
    contact_email = factory.LazyAttribute(lambda o: f"{o.slug}@example.com")
    contact_phone = "+31 20 123 4567"


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Position

    title = "Engineer"
    is_current = True


def connect(a: m.MemberPage, b: m.MemberPage) -> m.Connection:
    """An accepted connection between ``a`` and ``b``, with both adjacency rows."""
    low, high = sorted([a, b], key=lambda p: p.pk)
    connection = m.Connection.objects.create(
        member_low=low,
        member_high=high,
        requester=a,
        recipient=b,
        state=m.ConnectionState.ACCEPTED,
    )
    m.ConnectionEdge.objects.bulk_create(
        [
            m.ConnectionEdge(member=a, other=b, connection=connection),
            m.ConnectionEdge(member=b, other=a, connection=connection),
        ]
    )
    return connection


def invite(a: m.MemberPage, b: m.MemberPage, message: str = "", **kwargs) -> m.Connection:
    """An open invitation from ``a`` to ``b`` (``state=m.ConnectionState.IGNORED`` for
    one that ``b`` ignored), as the service writes it."""
    low, high = sorted([a, b], key=lambda p: p.pk)
    return m.Connection.objects.create(
        member_low=low,
        member_high=high,
        requester=a,
        recipient=b,
        state=kwargs.pop("state", m.ConnectionState.PENDING),
        message=message,
        **kwargs,
    )
