"""What the public URLs' parameters may say, read one way by every listing, the search and
the API.

A value typed, cut short or pasted wrong is not an error for the reader: a parameter that
does not parse is treated as absent (listings) or answered with 400 (the API), never passed
on to the database, where a year of 99999 or an id of 10^20 ends in a server error.
"""

import re

# Years a date field can hold (Python's datetime and both databases): four digits.
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_INTEGER = re.compile(r"[0-9]{1,18}")
# The largest id or offset a 64-bit integer column can be compared with.
MAX_INTEGER = 2**63 - 1


def integer(value, maximum=MAX_INTEGER):
    """A non-negative whole number of ASCII digits up to `maximum`, else None."""
    if not isinstance(value, str) or not _INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if number <= maximum else None


def year(value):
    """A year such as "2024", else None."""
    if not isinstance(value, str) or not _YEAR.fullmatch(value):
        return None
    number = int(value)
    return number if number >= 1 else None


def month(value):
    """(year, month) from "2024-03", else None."""
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    number_year, number_month = int(match[1]), int(match[2])
    if number_year < 1 or not 1 <= number_month <= 12:
        return None
    return number_year, number_month
