"""Serializers of the public API (read-only).

Translated text is given twice: once in the requested language (``name``, with the
site's fallbacks: French, then Arabic) and once per language (``name_ar``,
``name_fr``, ``name_en``; ``null`` where a translation is missing). Every serializer
reads only columns and annotations provided by :mod:`infitah.api.selectors`, so
serialising a row never runs a query.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.territories.models import Collectivity


def _translated(*names: str) -> list[str]:
    """Return each name followed by its ``_ar``, ``_fr`` and ``_en`` columns."""
    return [f"{name}{suffix}" for name in names for suffix in ("", "_ar", "_fr", "_en")]


@extend_schema_field(OpenApiTypes.URI)
class WebURLField(serializers.Field):
    """The absolute address of the object's public page, in the requested language.

    Reads ``get_absolute_url()`` of the object named by ``source`` (the object itself
    by default); public pages live under ``/<lang>/``, so the address follows the
    language the API answered in.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: models.Model) -> str:
        request = self.context["request"]
        return str(request.build_absolute_uri(value.get_absolute_url()))  # type: ignore[attr-defined]


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice that is ``null`` in the output when the column holds ``""``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


class FieldsOnceMixin:
    """Build a model serializer's fields once per class, then copy them per instance.

    ``ModelSerializer.get_fields`` introspects the model on every instance (about half
    a millisecond per nested serializer); its result depends only on the class, so it
    is kept and deep-copied, as DRF itself does with declared fields.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._fields_built_once = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)


# --- Territories ---------------------------------------------------------------------


class CollectivitySerializer(FieldsOnceMixin, serializers.ModelSerializer[Collectivity]):
    """A territorial unit: region, prefecture, province or commune."""

    name = serializers.CharField(
        read_only=True,
        help_text=_("Name in the requested language (falls back to French, then Arabic)."),
    )
    # The metaclass pops declared fields, so "parent" does not shadow Field.parent.
    parent = serializers.CharField(  # type: ignore[assignment]
        source="parent_code",
        read_only=True,
        allow_null=True,
        help_text=_("Official code of the unit above (null for a region)."),
    )
    region = serializers.CharField(
        source="region_code",
        read_only=True,
        allow_null=True,
        help_text=_("Official code of the unit's region (its own code for a region)."),
    )
    area_type = BlankAsNullChoiceField(
        choices=Collectivity.AreaType.choices, help_text=_("Communes only: urban or rural.")
    )
    is_member = serializers.BooleanField(
        read_only=True,
        help_text=_("Whether the unit is a member of the network (active or suspended)."),
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:collectivity-detail", lookup_field="code"
    )
    web_url = WebURLField(help_text=_("The unit's public page."))

    class Meta:
        model = Collectivity
        fields = [
            "code",
            "kind",
            *_translated("name"),
            "slug",
            "parent",
            "region",
            "area_type",
            "population_2024",
            "households_2024",
            "population_2014",
            "is_member",
            "url",
            "web_url",
        ]
        read_only_fields = fields


# --- Members -------------------------------------------------------------------------


class MemberCollectivitySerializer(serializers.Serializer[Membership]):
    """The member collectivity, read from a membership row (``source="*"``)."""

    code = serializers.CharField(source="collectivity.code", read_only=True)
    kind = serializers.ChoiceField(
        source="collectivity.kind", choices=Collectivity.Kind.choices, read_only=True
    )
    name = serializers.CharField(
        source="collectivity.name",
        read_only=True,
        help_text=_("Name in the requested language (falls back to French, then Arabic)."),
    )
    name_ar = serializers.CharField(source="collectivity.name_ar", read_only=True, allow_null=True)
    name_fr = serializers.CharField(source="collectivity.name_fr", read_only=True, allow_null=True)
    name_en = serializers.CharField(source="collectivity.name_en", read_only=True, allow_null=True)
    region = serializers.CharField(
        source="region_code",
        read_only=True,
        allow_null=True,
        help_text=_("Official code of the collectivity's region."),
    )
    url: serializers.HyperlinkedRelatedField[Collectivity] = serializers.HyperlinkedRelatedField(
        source="collectivity",
        view_name="api:collectivity-detail",
        lookup_field="code",
        read_only=True,
    )
    web_url = WebURLField(source="collectivity", help_text=_("The collectivity's public page."))


class FocalPointSerializer(serializers.Serializer[Membership]):
    """The public contact of a member collectivity for openness matters."""

    name = serializers.CharField(source="focal_point_name", read_only=True)
    title = serializers.CharField(source="focal_point_title", read_only=True)
    email = serializers.CharField(source="focal_point_email", read_only=True)
    phone = serializers.CharField(source="focal_point_phone", read_only=True)


class MembershipSerializer(FieldsOnceMixin, serializers.ModelSerializer[Membership]):
    """A public membership (active or suspended) of a collectivity in a network."""

    network = serializers.CharField(source="network_slug", read_only=True)
    collectivity = MemberCollectivitySerializer(source="*", read_only=True)
    joined_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Null when the date is not documented.")
    )
    cohort = serializers.CharField(
        read_only=True, help_text=_("'founding' or the year of intake; empty when unknown.")
    )
    focal_point = serializers.SerializerMethodField(
        help_text=_("Public contact; null when none is published.")
    )

    class Meta:
        model = Membership
        fields = [
            "network",
            "collectivity",
            "status",
            "joined_on",
            "cohort",
            "is_founding_member",
            "focal_point",
        ]
        read_only_fields = fields

    @extend_schema_field(FocalPointSerializer(allow_null=True))
    def get_focal_point(self, obj: Membership) -> dict[str, str] | None:
        """Return the focal point's public fields, or ``None`` when all are empty."""
        # Built by hand: a FocalPointSerializer per row would deep-copy its fields.
        contact = {
            "name": obj.focal_point_name,
            "title": obj.focal_point_title,
            "email": obj.focal_point_email,
            "phone": obj.focal_point_phone,
        }
        return contact if any(contact.values()) else None


# --- Network -------------------------------------------------------------------------


class PrincipleSerializer(FieldsOnceMixin, serializers.ModelSerializer[Principle]):
    """One of the network's openness principles."""

    class Meta:
        model = Principle
        fields = ["code", "order", *_translated("name", "description")]
        read_only_fields = fields


class PartnerSerializer(FieldsOnceMixin, serializers.ModelSerializer[Partner]):
    """An organisation that supports the network."""

    class Meta:
        model = Partner
        fields = [
            "code",
            "order",
            "kind",
            "acronym",
            *_translated("name", "role"),
            "website",
        ]
        read_only_fields = fields


class FoundingCompositionSerializer(serializers.Serializer[Network]):
    """What the network was founded with, as published (counts of units)."""

    regions = serializers.IntegerField(source="founding_regions", read_only=True)
    provincial_councils = serializers.IntegerField(
        source="founding_provincial_councils",
        read_only=True,
        help_text=_("Provincial and prefectural councils."),
    )
    communes = serializers.IntegerField(source="founding_communes", read_only=True)
    total = serializers.IntegerField(source="founding_total", read_only=True)


class MemberCountsSerializer(serializers.Serializer[Network]):
    """Today's public members (active or suspended) by kind of collectivity."""

    region = serializers.IntegerField(source="members_region", read_only=True)
    prefecture = serializers.IntegerField(source="members_prefecture", read_only=True)
    province = serializers.IntegerField(source="members_province", read_only=True)
    commune = serializers.IntegerField(source="members_commune", read_only=True)
    total = serializers.IntegerField(source="members_total", read_only=True)


class NetworkSerializer(FieldsOnceMixin, serializers.ModelSerializer[Network]):
    """A network of open territorial collectivities."""

    founding_composition = FoundingCompositionSerializer(source="*", read_only=True)
    member_counts = MemberCountsSerializer(source="*", read_only=True)
    principles = PrincipleSerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:network-detail", lookup_field="slug")
    web_url = WebURLField(help_text=_("The network's public page."))

    class Meta:
        model = Network
        fields = [
            "slug",
            *_translated("name", "short_name", "description"),
            "country_code",
            "founded_on",
            "founding_composition",
            "is_member_list_complete",
            "member_counts",
            "principles",
            "partners",
            "url",
            "web_url",
        ]
        read_only_fields = fields


# --- Charter -------------------------------------------------------------------------


class CharterSectionSerializer(FieldsOnceMixin, serializers.ModelSerializer[CharterSection]):
    """One section of a charter version, in order."""

    class Meta:
        model = CharterSection
        fields = ["kind", "order", *_translated("title", "body")]
        read_only_fields = fields


class CharterVersionSerializer(FieldsOnceMixin, serializers.ModelSerializer[CharterVersion]):
    """A version of the network's charter and its sections."""

    network = serializers.CharField(source="network_slug", read_only=True)
    is_in_force = serializers.SerializerMethodField(
        help_text=_(
            "Whether this is the version in force today (the latest that has taken effect)."
        )
    )
    sections = CharterSectionSerializer(many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:charter-detail", lookup_field="version", lookup_url_kwarg="charter_version"
    )
    web_url = WebURLField(help_text=_("The version's public page."))

    class Meta:
        model = CharterVersion
        fields = [
            "network",
            "version",
            "effective_on",
            "is_in_force",
            *_translated("adopted_by", "summary", "change_note"),
            "sections",
            "url",
            "web_url",
        ]
        read_only_fields = fields

    def get_is_in_force(self, obj: CharterVersion) -> bool:
        """Compare with the ``in_force_pk`` annotation of :func:`charter_version_list`."""
        return bool(obj.pk == getattr(obj, "in_force_pk", None))
