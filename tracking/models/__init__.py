from tracking.models.cadence import CadenceRule, Period, Scope, Source
from tracking.models.kept import KeptFigures, TargetFigure
from tracking.models.measures import (
    Measure,
    MeasureFunding,
    MeasureGroup,
    MeasureNote,
    MeasureSpending,
    MeasureStatus,
)
from tracking.models.outputs import OutputCategory, OutputRecord, OutputStatus
from tracking.models.pages import ResultsPage
from tracking.models.scores import EvaluationScore
from tracking.models.semesters import Semester
from tracking.models.targets import Area, Comparison, Target, TargetKind, Unit

__all__ = [
    "Area",
    "CadenceRule",
    "Comparison",
    "EvaluationScore",
    "KeptFigures",
    "Measure",
    "MeasureFunding",
    "MeasureGroup",
    "MeasureNote",
    "MeasureSpending",
    "MeasureStatus",
    "OutputCategory",
    "OutputRecord",
    "OutputStatus",
    "Period",
    "ResultsPage",
    "Scope",
    "Semester",
    "Source",
    "Target",
    "TargetFigure",
    "TargetKind",
    "Unit",
]
