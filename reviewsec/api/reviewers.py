"""``GET /api/v1/reviewers/{marketplace}/{profile_id}``: one reviewer's scores (DESIGN §4).

Scores about a person: only a client with an API key or a signed-in moderator may read them;
anyone else is told so (401 without credentials, 403 signed in without the moderator role).
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplaces import allowed_marketplaces
from reviewsec.analyses.reviewer_graph import reviewer_profile
from reviewsec.api.authentication import ApiKeyAuthentication
from reviewsec.api.errors import UnknownMarketplace
from reviewsec.api.models import ApiKey
from reviewsec.api.serializers import ErrorEnvelopeSerializer
from reviewsec.catalog.marketplaces import demo_extra_hosts
from reviewsec.moderation.services import MODERATORS_GROUP

PROFILE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
NEEDS_CREDENTIALS = (
    "Reviewer scores are about people: send an API key ('Authorization: Api-Key <key>') "
    "or sign in as a moderator."
)


class ApiKeyOrModerator(BasePermission):
    message = "Reviewer scores are shown to moderators and API clients only."

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey):
            return True
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotAuthenticated(NEEDS_CREDENTIALS)
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists())
        )


class ReviewerFitSerializer(serializers.Serializer):
    version = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)
    updated_online_at = serializers.DateTimeField(
        allow_null=True, help_text="When a crawl, submission or upload last updated these scores."
    )


class ReviewerProductSerializer(serializers.Serializer):
    marketplace = serializers.CharField()
    asin = serializers.CharField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    date = serializers.DateField(allow_null=True)
    source = serializers.ChoiceField(
        ["review", "profile"], help_text="A review we hold, or one the reviewer's profile lists."
    )


class ReviewerProfileSerializer(serializers.Serializer):
    marketplace = serializers.CharField()
    profile_id = serializers.CharField()
    fit = ReviewerFitSerializer(allow_null=True, help_text="Null until a graph fit scored them.")
    reviews = serializers.IntegerField(allow_null=True, help_text="Ratings in the review graph.")
    reliability = serializers.FloatField(
        allow_null=True, help_text="Posterior mean of α (star⁻²): 1 ≈ a typical one-star error."
    )
    confidence = serializers.FloatField(
        allow_null=True, help_text="[0, 1): how much of the reliability comes from their ratings."
    )
    suspicion = serializers.FloatField(allow_null=True, help_text="[0, 1].")
    products_total = serializers.IntegerField()
    products = ReviewerProductSerializer(many=True, help_text="Newest first, at most 200.")


def _errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(ErrorEnvelopeSerializer, description="The error envelope.")
        for code in (*statuses, 429, 503)
    }


class ReviewerView(APIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [ApiKeyOrModerator]

    @extend_schema(
        operation_id="reviewers_retrieve",
        summary="A reviewer's reliability, confidence and suspicion (API key or moderator)",
        description="The scores of the active reviewer-graph fit (updated online after every "
        "crawl, submission or upload) and the products behind them. 404 for a reviewer we "
        "never saw.",
        responses={200: ReviewerProfileSerializer, **_errors(401, 403, 404)},
    )
    def get(self, request: Request, marketplace: str, profile_id: str) -> Response:
        if marketplace not in allowed_marketplaces(demo_extra_hosts()):
            raise UnknownMarketplace(f"{marketplace} is not a marketplace we accept.")
        if not PROFILE_ID.fullmatch(profile_id):
            raise exceptions.NotFound("That is not a reviewer profile id.")
        profile = reviewer_profile(marketplace=marketplace, profile_id=profile_id)
        if profile is None:
            raise exceptions.NotFound(f"We hold no reviewer {profile_id} on {marketplace}.")
        return Response(ReviewerProfileSerializer(profile).data)
