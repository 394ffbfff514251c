from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel


class EvaluationScore(models.Model):
    """赋分评价: an aided school's score for one semester, reported to the sending units.

    Who may see scores is the permission tracking.view_evaluationscore (the office).
    """

    school = models.ForeignKey(
        "content.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="evaluation_scores",
        limit_choices_to={"role": "aided"},
    )
    semester = models.ForeignKey(
        "tracking.Semester",
        verbose_name=_("学期"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    score = models.DecimalField(_("综合考评分"), max_digits=6, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("school"), FieldPanel("semester")]),
        FieldPanel("score"),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("赋分评价")
        verbose_name_plural = _("赋分评价")
        ordering = ["semester__start", "school__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "semester"], name="one_score_per_school_semester"
            )
        ]

    def __str__(self):
        return f"{self.school} {self.semester}：{self.score}"
