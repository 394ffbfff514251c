from content.models.base import BasePage
from content.models.documents import PortalDocument
from content.models.events import ActivityIndexPage
from content.models.forums import ForumIndexPage
from content.models.news import NewsIndexPage
from content.models.pages import SectionIndexPage, StandardPage
from content.models.people import Person
from content.models.recordings import (
    RecordingDocument,
    RecordingIndexPage,
    RecordingKind,
    RecordingPage,
)
from content.models.resources import (
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
    ResourcePageTag,
)
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
    "PortalDocument",
    "RecordingDocument",
    "RecordingIndexPage",
    "RecordingKind",
    "RecordingPage",
    "ResourceDocument",
    "ResourceIndexPage",
    "ResourcePage",
    "ResourcePageTag",
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
