from content.models.base import BasePage
from content.models.events import ActivityIndexPage
from content.models.forums import ForumIndexPage
from content.models.news import NewsIndexPage
from content.models.pages import SectionIndexPage, StandardPage
from content.models.people import Person
from content.models.recordings import RecordingIndexPage
from content.models.resources import ResourceIndexPage
from content.models.taxonomy import (
    Grade,
    Level,
    ResourceType,
    ResponsibleUnit,
    School,
    Stage,
    Subject,
    TextbookEdition,
)
from content.models.workshops import WorkshopIndexPage

__all__ = [
    "ActivityIndexPage",
    "BasePage",
    "ForumIndexPage",
    "Grade",
    "Level",
    "NewsIndexPage",
    "Person",
    "RecordingIndexPage",
    "ResourceIndexPage",
    "ResourceType",
    "ResponsibleUnit",
    "School",
    "SectionIndexPage",
    "Stage",
    "StandardPage",
    "Subject",
    "TextbookEdition",
    "WorkshopIndexPage",
]
