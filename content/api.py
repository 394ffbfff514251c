"""How page fields appear in the read-only API (/api/v2/): taxonomy by name, not by id,
so other school sites can use the data without a second request."""

from wagtail.api import APIField

from rest_framework import serializers


def name_of(field):
    return APIField(
        field,
        serializer=serializers.CharField(source=f"{field}.name", allow_null=True, read_only=True),
    )


def names_of(field):
    return APIField(field, serializer=serializers.StringRelatedField(many=True, read_only=True))


def label_of(field):
    return APIField(
        f"{field}_label",
        serializer=serializers.CharField(source=f"get_{field}_display", read_only=True),
    )
