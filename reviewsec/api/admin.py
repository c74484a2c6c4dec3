"""API keys in the admin: create one by name, copy the raw key from the page shown once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from reviewsec.api.keys import api_key_create, api_key_revoke
from reviewsec.api.models import ApiKey

RAW_KEY_ATTRIBUTE = "_reviewsec_raw_api_key"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "active", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    @admin.display(boolean=True, description="active")
    def active(self, key: ApiKey) -> bool:
        return key.is_active

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        key, raw_key = api_key_create(name=obj.name)
        # The admin goes on with ``obj`` (log entry, redirect): make it the row just created.
        obj.pk, obj.prefix, obj.hashed_key, obj.created_at = (
            key.pk,
            key.prefix,
            key.hashed_key,
            key.created_at,
        )
        obj._state.adding = False
        # Kept on the request, not in messages: the message store can be a browser cookie.
        setattr(request, RAW_KEY_ATTRIBUTE, raw_key)

    def response_add(self, request: HttpRequest, obj: ApiKey, *args: Any) -> HttpResponse:
        raw_key = getattr(request, RAW_KEY_ATTRIBUTE, None)
        if raw_key is None:
            return super().response_add(request, obj, *args)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "raw_key": raw_key,
            "title": "API key created",
        }
        return TemplateResponse(request, "api/apikey_created.html", context)

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)
