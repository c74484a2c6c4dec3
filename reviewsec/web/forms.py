"""The paste form: anything the shopper types becomes a ``ProductRef`` or a readable error."""

from __future__ import annotations

from django import forms

from marketplaces import InvalidProductRef, ProductRef, resolve_product_ref
from reviewsec.catalog.marketplaces import demo_extra_hosts


class ProductRefForm(forms.Form):
    ref = forms.CharField(
        label="Paste an Amazon product link or ASIN",
        max_length=2048,
        strip=True,
        error_messages={
            "required": "Paste an Amazon product link or a 10-character ASIN.",
            "max_length": "That is too long to be an Amazon product link.",
        },
    )

    def clean_ref(self) -> ProductRef:
        try:
            return resolve_product_ref(self.cleaned_data["ref"], extra_hosts=demo_extra_hosts())
        except InvalidProductRef as error:
            raise forms.ValidationError(str(error)) from error


class UploadForm(forms.Form):
    """A review file; its size is checked against ``UPLOAD_MAX_BYTES`` by the view."""

    file = forms.FileField(
        label="Review file (JSON Lines or CSV)",
        error_messages={
            "required": "Choose a review file to upload.",
            "empty": "The file is empty.",
        },
    )
