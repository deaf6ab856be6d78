from django import forms
from django.conf import settings

from newsdesk.web.comments.actions import REPORT_REASONS
from newsdesk.web.comments.markup import plain_text

# Hidden from people (CSS and aria-hidden); a bot that fills it gets a quiet "thanks" and no comment.
HONEYPOT_FIELD = "website"

REPORT_DETAILS_MAX_CHARS = 2000


class CommentBodyField(forms.CharField):
    """Line breaks count once, as in the textarea's maxlength (see `plain_text`)."""

    def to_python(self, value) -> str:
        return plain_text(super().to_python(value))


class CommentForm(forms.Form):
    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "That comment cannot be answered."},
    )
    website = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here so that the limit is read at request time; the messages are the actions' own.
        limit = settings.NEWSDESK_COMMENT_MAX_CHARS
        self.fields["body"] = CommentBodyField(
            widget=forms.Textarea,
            strip=True,
            max_length=limit,
            error_messages={
                "required": "Write something first.",
                "max_length": f"Comments are limited to {limit} characters.",
            },
        )

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=list(REPORT_REASONS.items()),
        error_messages={
            "required": "Choose a reason for the report.",
            "invalid_choice": "Choose a reason for the report.",
        },
    )
    details = forms.CharField(
        required=False,
        max_length=REPORT_DETAILS_MAX_CHARS,
        error_messages={
            "max_length": f"Report details are limited to {REPORT_DETAILS_MAX_CHARS} characters."
        },
    )


def problems(form: forms.Form) -> str:
    """Every error of a bound, invalid form as one sentence for the reader, in field order."""
    return " ".join(message for field in form for message in field.errors)
