"""allauth's sign-up form, with its spam trap hidden from screen readers too.

A module of its own: allauth builds its SignupForm on `forms.DisplayNameSignupForm`, so the
subclass cannot live beside it without a circular import.
"""

from allauth.account.forms import SignupForm
from django.conf import settings


class ReaderSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trap = self.fields.get(settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD)
        if trap is not None:
            # Moved off screen by allauth, but still announced without a label: say nothing.
            trap.widget.attrs["aria-hidden"] = "true"
