from django import forms
from django.conf import settings

from newsdesk.web.comments.actions import REPORT_REASONS

# Hidden from people (CSS and aria-hidden); a bot that fills it gets a quiet "thanks" and no comment.
HONEYPOT_FIELD = "website"


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea, strip=True)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = settings.NEWSDESK_COMMENT_MAX_CHARS

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=list(REPORT_REASONS.items()))
    details = forms.CharField(required=False, max_length=2000)
