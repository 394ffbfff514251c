"""The 成效 figures kept up to date (tracking.kept), so the page reads them instead of
recounting records and pages on the first request after every change."""

from django.db import models


class TargetFigure(models.Model):
    """A target's figure (tracking.progress.target_progress) as of `as_of`, and the verified
    records dated after that day, which count from their day on: the figure is right on any
    later day without being recomputed. The status is read from it and the day."""

    target = models.OneToOneField(
        "tracking.Target", on_delete=models.CASCADE, primary_key=True, related_name="kept_figure"
    )
    current = models.DecimalField(max_digits=14, decimal_places=2)
    # [[ISO day, amount]] in date order: a quantity to add (counts), or a measured value that
    # replaces the current one (percentages).
    upcoming = models.JSONField(default=list)
    as_of = models.DateField()

    class Meta:
        verbose_name = "目标进度（缓存）"

    def __str__(self):
        return f"{self.target_id}: {self.current}（{self.as_of}）"


class KeptFigures(models.Model):
    """One part of the 成效 page's other figures (headline counts, the charts' semester
    totals, the current semester's cadence), made on `as_of`: a part made on another day is
    made again when read (the publish timer does it first, see refresh_progress)."""

    name = models.CharField(max_length=20, primary_key=True)
    data = models.JSONField(default=dict)
    as_of = models.DateField()

    class Meta:
        verbose_name = "成效数据（缓存）"

    def __str__(self):
        return f"{self.name}（{self.as_of}）"
