import json
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.web.templatetags.newsdesk_web import json_ld, relative_time_text

NOW = datetime(2025, 6, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(seconds=-30), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=15, seconds=40), "15 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=5, hours=3), "5 days ago"),
        (timedelta(days=15), "11-06-2025"),
    ],
)
def test_relative_time_text(ago, text):
    assert relative_time_text(NOW - ago, NOW) == text


def test_json_ld_cannot_close_its_script_element():
    encoded = json_ld({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "</script>" not in encoded and "<!--" not in encoded
    assert json.loads(encoded) == {"headline": "</script><script>alert(1)</script> & <!--"}
