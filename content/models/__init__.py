from content.models.base import BasePage, LibraryPage
from content.models.documents import PortalDocument
from content.models.events import ActivityIndexPage, ActivityPage, ActivityType
from content.models.facets import CountedPage, FacetCount
from content.models.forums import (
    AgendaItem,
    ForumDocument,
    ForumIndexPage,
    ForumRecording,
    ForumSessionPage,
)
from content.models.news import NewsCategory, NewsIndexPage, NewsPage, NewsPageTag
from content.models.observations import (
    ObservationDimension,
    ObservationNote,
    ObservationSummary,
)
from content.models.pages import CollectionPage, SectionIndexPage, StandardPage
from content.models.people import Person
from content.models.previews import DocumentPreview, DocumentPreviewPage
from content.models.recordings import (
    LessonStudyPage,
    LessonStudyRecording,
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
from content.models.videos import VideoProcessing, VideoRendition, VideoStatus
from content.models.workshops import Apprenticeship, WorkshopIndexPage, WorkshopKind, WorkshopPage

__all__ = [
    "ActivityIndexPage",
    "ActivityPage",
    "ActivityType",
    "AgendaItem",
    "Apprenticeship",
    "BasePage",
    "CollectionPage",
    "CountedPage",
    "DocumentPreview",
    "DocumentPreviewPage",
    "FacetCount",
    "ForumDocument",
    "ForumIndexPage",
    "ForumRecording",
    "ForumSessionPage",
    "Grade",
    "LessonStudyPage",
    "LessonStudyRecording",
    "Level",
    "LibraryPage",
    "NewsCategory",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "ObservationDimension",
    "ObservationNote",
    "ObservationSummary",
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
    "VideoProcessing",
    "VideoRendition",
    "VideoStatus",
    "WorkshopIndexPage",
    "WorkshopKind",
    "WorkshopPage",
]
