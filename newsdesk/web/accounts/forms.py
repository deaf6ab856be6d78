from django import forms

from newsdesk.web.accounts.actions import set_display_name
from newsdesk.web.accounts.lib import (
    DISPLAY_NAME_MAX,
    UNKNOWN_TIME_ZONE,
    clean_display_name,
    clean_time_zone,
    time_zone_names,
)


class DisplayNameField(forms.CharField):
    """Cleaned as `set_display_name` will store it, so a refused name is an error on the form."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=DISPLAY_NAME_MAX, required=False, **kwargs)

    def clean(self, value) -> str:
        return clean_display_name(super().clean(value))


def time_zone_choices() -> list[tuple[str, str]]:
    return [("", "UTC (the default)")] + [(name, name.replace("_", " ")) for name in time_zone_names()]


class TimeZoneField(forms.ChoiceField):
    """Cleaned as `set_time_zone` will store it, so an unknown zone is an error on the form."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=time_zone_choices,
            required=False,
            error_messages={"invalid_choice": UNKNOWN_TIME_ZONE},
            **kwargs,
        )

    def clean(self, value) -> str:
        return clean_time_zone(super().clean(value))


class DisplayNameSignupForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = DisplayNameField(
        help_text="Shown beside your comments. Leave empty to appear as “Reader N”."
    )

    def signup(self, request, user) -> None:
        set_display_name(user, self.cleaned_data.get("display_name", ""))


class ProfileForm(forms.Form):
    display_name = DisplayNameField(help_text="Shown beside your comments; your email address never is.")
    time_zone = TimeZoneField(help_text="Dates and times on the pages you see signed in are shown in it.")


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label="Type DELETE to confirm",
        help_text="Deleting cannot be undone.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError("Type DELETE, in capitals, to delete your account.")
        return "DELETE"
