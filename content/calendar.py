"""iCalendar output for activities, made with the icalendar library."""

import datetime
import functools

from django.http import HttpResponse
from django.utils import timezone

from icalendar import Calendar, Event, Timezone


def build_calendar(activities, request, name):
    calendar = Calendar()
    calendar.add("prodid", "-//红寺堡教育帮扶门户//教研活动//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    host = request.get_host()
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("summary", activity.title)
        # Local times with a VTIMEZONE, so calendars show 09:00, not 01:00Z.
        event.add("dtstart", timezone.localtime(activity.start))
        event.add("dtend", timezone.localtime(activity.end))
        event.add("dtstamp", activity.last_published_at or datetime.datetime.now(datetime.UTC))
        event.add("description", activity.summary)
        event.add("categories", [activity.get_activity_type_display()])
        if activity.location:
            event.add("location", activity.location)
        event.add("url", activity.get_full_url(request))
        calendar.add_component(event)
    # As calendar.add_missing_timezones() does (before the events that use them), from the
    # zones already built.
    for tzid in sorted(calendar.get_missing_tzids()):
        if (vtimezone := _vtimezone(tzid)) is not None:
            calendar.subcomponents.insert(len(calendar.timezones), vtimezone)
    return calendar


@functools.cache
def _vtimezone(tzid):
    """A zone's VTIMEZONE, built once per process: icalendar works it out by walking the
    zone's offsets over 1970-2038, 10 ms of every feed here for what never changes. Shared by
    every calendar, which only serialise it."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:  # a zone icalendar does not know is left out, as it leaves it out
        return None


def calendar_response(activities, request, name, filename="calendar"):
    response = HttpResponse(
        build_calendar(activities, request, name).to_ical(),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response
