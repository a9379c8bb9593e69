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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

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
