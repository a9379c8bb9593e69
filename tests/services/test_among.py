"""``Among`` and ``PageAmong`` (wagtail_network.suggestion_pool): a list of ids as one
condition, on the member table's key and on the page table's own ``id`` — the same
rows for a few ids and for more than SQLite takes inline."""

from __future__ import annotations

import pytest
from django.db import connection

from wagtail_network.models import MemberPage
from wagtail_network.suggestion_pool import Among, PageAmong

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(make_member):
    return [make_member(title=f"m{i}") for i in range(6)]


def test_page_among_selects_by_the_page_tables_own_id(members):
    wanted = [members[1].pk, members[4].pk]
    queryset = MemberPage.objects.filter(PageAmong(wanted)).order_by("pk")
    assert list(queryset.values_list("pk", flat=True)) == sorted(wanted)

    def where(queryset):
        return str(queryset.values("pk").query).split(" WHERE ", 1)[1]

    page_id = f"{connection.ops.quote_name('wagtailcore_page')}.{connection.ops.quote_name('id')}"
    assert page_id in where(queryset)
    # Django writes the inherited key as the member table's own column: Among on
    # "id" never reaches the page table, which is why PageAmong exists.
    assert page_id not in where(MemberPage.objects.filter(Among("id", wanted)))


def test_among_and_page_among_agree_beyond_sqlites_inline_limit(members):
    present = [m.pk for m in members[:3]]
    # Far more ids than Among.SQLITE_INLINE_MAX, most of them nobody's.
    many = present + list(range(10**6, 10**6 + 2 * Among.SQLITE_INLINE_MAX))
    for condition in (Among("pk", many), PageAmong(many)):
        queryset = MemberPage.objects.filter(condition).values_list("pk", flat=True)
        assert sorted(queryset) == sorted(present)
        sql, params = queryset.query.sql_with_params()
        # One parameter for all the ids (a JSON text or an array literal), never one
        # per id; Django may add a boolean of its own for the condition.
        assert not [p for p in params if isinstance(p, int) and not isinstance(p, bool)]
        assert len([p for p in params if isinstance(p, str)]) == 1
        if connection.vendor == "sqlite":
            assert "json_each" in sql


def test_among_nothing_matches_nothing(members):
    assert not MemberPage.objects.filter(Among("pk", [])).exists()
    assert not MemberPage.objects.filter(PageAmong([])).exists()
