"""Editor-managed vocabularies: skills and industries."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from ..limits import ControlCharactersMixin


class VocabularyTerm(ControlCharactersMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:100]
        super().save(*args, **kwargs)


class Skill(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Industry(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class SkillSuggestion(models.Model):
    """A skill a member listed that the vocabulary does not hold yet, waiting for
    an editor (setting ``NEW_SKILLS = "suggest"``): accepted, it becomes a skill
    on the member's profile; rejected, it goes."""

    name = models.CharField(_("name"), max_length=100)
    member = models.ForeignKey(
        "wagtail_network.MemberPage",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="skill_suggestions",
    )
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill suggestion")
        verbose_name_plural = _("skill suggestions")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "member", models.functions.Lower("name"), name="wn_skill_suggestion_once"
            )
        ]

    def __str__(self) -> str:
        return self.name
