from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.enrich.dedup import mark_copies, originals
from newsdesk.models import Article, Source

TESTDATA = Path(__file__).parent / "testdata"
NOON = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


def stored(name: str, text_file: str, minutes: int) -> Article:
    source, _ = Source.objects.get_or_create(slug=name, defaults={"name": name})
    return Article.objects.create(
        id=f"{name:<32}".replace(" ", "0")[:32],
        url=f"https://{name}.example/news",
        canonical_url=f"https://{name}.example/news",
        source=source,
        title="Breakwater to close",
        text=(TESTDATA / text_file).read_text(encoding="utf-8"),
        published_at=NOON + timedelta(minutes=minutes),
    )


@pytest.mark.django_db
def test_copies_point_at_the_earliest_version_and_lists_show_it_once():
    wire = stored("wire", "wire.txt", 0)
    assert mark_copies(wire) is None
    copy = stored("copy", "wire_copy.txt", 30)
    other = stored("other", "same_event_other_text.txt", 40)
    assert mark_copies(copy) == wire
    assert mark_copies(other) is None
    copy.refresh_from_db()
    assert copy.duplicate_of_id == wire.id
    assert copy.simhash is not None
    assert set(originals(Article.objects.all()).values_list("id", flat=True)) == {wire.id, other.id}


@pytest.mark.django_db
def test_an_earlier_version_found_later_becomes_the_original_of_the_group():
    copy = stored("copy", "wire_copy.txt", 30)
    repost = stored("repost", "wire.txt", 60)
    mark_copies(copy)
    mark_copies(repost)
    assert Article.objects.get(id=repost.id).duplicate_of_id == copy.id
    first = stored("first", "wire.txt", -30)
    assert mark_copies(first) is None
    assert set(Article.objects.filter(duplicate_of=first).values_list("id", flat=True)) == {
        copy.id,
        repost.id,
    }
    assert Article.objects.get(id=first.id).duplicate_of_id is None


@pytest.mark.django_db
def test_a_teaser_too_short_to_fingerprint_is_left_alone():
    teaser = stored("teaser", "wire.txt", 0)
    teaser.text = "Breakwater to close for six weeks."
    assert mark_copies(teaser) is None
    assert Article.objects.get(id=teaser.id).simhash is None
