"""Storing items and matching them (DESIGN "Items, changes, duplicates"), on both backends.

Identity is the feed plus guid → link → hash(title + date); a changed item is reported
once and re-matched; copies of one canonical link are one story; the first poll's
backfill stores old items silently.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from rules import RuleConfig
from tests.watcher.conftest_db import (
    T0,
    WEEK,
    add_feeds,
    entry,
    items,
    make_ruleset,
    poll_entries,
    store,
)
from watcher.matching import RuleSet
from watcher.settings import FeedConfig
from watcher.storage import Database
from watcher.tables import MatchRow

A, B = "https://a.example/feed.xml", "https://b.example/feed.xml"
HOUR = timedelta(hours=1)


def summary(stored) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    return [(s.item.title, s.is_new) for s in stored]


# -- identity ---------------------------------------------------------------------------


def test_the_guid_identifies_an_item_even_when_its_link_changes(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    store(database, fid, [entry("Envoy leaves", guid="g-1", link="https://a.example/1")])
    later = store(
        database, fid, [entry("Envoy leaves", guid="g-1", link="https://a.example/1-moved")], T0
    )
    assert later == []  # same guid, same text: nothing to report
    assert len(items(database)) == 1


def test_without_a_guid_the_link_identifies_an_item(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    store(database, fid, [entry("Envoy leaves", link="https://a.example/1")])
    changed = store(database, fid, [entry("Envoy leaves Rome", link="https://a.example/1")])
    assert summary(changed) == [("Envoy leaves Rome", False)]
    assert [i.title for i in items(database)] == ["Envoy leaves Rome"]


def test_without_guid_or_link_title_and_date_identify_an_item(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    monday = datetime(2025, 1, 6, 9, tzinfo=UTC)
    first = store(database, fid, [entry("Talks resume", published=monday)])
    again = store(database, fid, [entry("Talks resume", published=monday)])
    next_day = store(database, fid, [entry("Talks resume", published=monday + timedelta(days=1))])
    assert summary(first) == [("Talks resume", True)]
    assert again == []
    assert summary(next_day) == [("Talks resume", True)]  # a new date is a new item
    assert len(items(database)) == 2


def test_a_feed_without_guids_polled_three_times_is_one_item(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    feed = [entry("Harbour reopens", link="https://a.example/harbour", summary="Ships return.")]
    polls = [store(database, fid, feed, T0 + n * HOUR) for n in range(3)]
    assert [len(p) for p in polls] == [1, 0, 0]
    assert len(items(database)) == 1


def test_a_guid_repeated_within_one_document_counts_once(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    stored = store(database, fid, [entry("First", guid="dup"), entry("Second", guid="dup")])
    assert summary(stored) == [("First", True)]


def test_a_very_long_guid_is_a_stable_identity(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    guid = "urn:x:" + "k" * 3000
    assert len(store(database, fid, [entry("Long id", guid=guid)])) == 1
    assert store(database, fid, [entry("Long id", guid=guid)]) == []
    assert len(items(database)) == 1


def test_the_same_guid_in_two_feeds_is_two_items(database: Database) -> None:
    fa, fb = add_feeds(database, A, B)
    store(database, fa, [entry("Shared id", guid="1")])
    store(database, fb, [entry("Shared id", guid="1")])
    assert len(items(database)) == 2


def test_publication_times_are_stored_as_utc(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    rome = timezone(timedelta(hours=1))
    store(database, fid, [entry("Dated", guid="d", published=datetime(2025, 1, 6, 9, tzinfo=rome))])
    assert items(database)[0].published_at == datetime(2025, 1, 6, 8, 0)


# -- changes ----------------------------------------------------------------------------


def test_a_changed_title_is_reported_once_as_changed(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    store(database, fid, [entry("Draft headline", guid="g")])
    changed = store(database, fid, [entry("Final headline", guid="g")], T0 + HOUR)
    repeated = store(database, fid, [entry("Final headline", guid="g")], T0 + 2 * HOUR)
    assert summary(changed) == [("Final headline", False)]
    assert repeated == []
    (item,) = items(database)
    assert (item.title, item.first_seen_at, item.updated_at) == ("Final headline", T0, T0 + HOUR)


def test_changed_summary_or_content_is_a_change_but_a_new_date_alone_is_not(
    database: Database,
) -> None:
    (fid,) = add_feeds(database, A)
    day = datetime(2025, 1, 6, tzinfo=UTC)
    store(database, fid, [entry("T", guid="g", summary="one", published=day)])
    assert store(database, fid, [entry("T", guid="g", summary="one", published=day + HOUR)]) == []
    assert len(store(database, fid, [entry("T", guid="g", summary="two")])) == 1
    assert len(store(database, fid, [entry("T", guid="g", summary="two", content="more")])) == 1


# -- stories ----------------------------------------------------------------------------


def test_one_canonical_link_from_two_feeds_is_one_story(database: Database) -> None:
    fa, fb = add_feeds(database, A, B)
    store(database, fa, [entry("Wire story", guid="a1", link="https://wire.example/s/1")])
    store(
        database,
        fb,
        [
            entry("Wire story (copy)", guid="b1", link="http://WIRE.example/s/1/?utm_source=b"),
            entry("Other story", guid="b2", link="https://wire.example/s/2"),
        ],
    )
    first, copy, other = items(database)
    assert first.story_id == copy.story_id == first.id
    assert other.story_id == other.id


def test_items_without_links_are_their_own_stories(database: Database) -> None:
    fa, fb = add_feeds(database, A, B)
    store(database, fa, [entry("No link", guid="x")])
    store(database, fb, [entry("No link", guid="x")])
    assert [i.story_id for i in items(database)] == [i.id for i in items(database)]


# -- matching and backfill --------------------------------------------------------------

RULES = make_ruleset(envoy="envoy", talks="talks")


def test_first_poll_backfill_stores_old_items_silently(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    polled = [
        entry("Envoy old", guid="1", published=(T0 - 10 * 24 * HOUR).replace(tzinfo=UTC)),
        entry("Envoy recent", guid="2", published=(T0 - 24 * HOUR).replace(tzinfo=UTC)),
        entry("Envoy undated", guid="3"),
    ]
    matches = poll_entries(database, fid, polled, RULES, first_poll=True, backfill=WEEK)
    assert sorted(matches) == [
        ("Envoy old", "envoy", False),
        ("Envoy recent", "envoy", True),
        ("Envoy undated", "envoy", True),
    ]


def test_backfill_all_and_none(database: Database) -> None:
    fa, fb = add_feeds(database, A, B)
    old = (T0 - 400 * 24 * HOUR).replace(tzinfo=UTC)
    new = T0.replace(tzinfo=UTC)
    polled = [
        entry("Envoy old", guid="1", published=old),
        entry("Envoy new", guid="2", published=new),
    ]
    all_ = poll_entries(database, fa, polled, RULES, first_poll=True, backfill="all")
    none = poll_entries(database, fb, polled, RULES, first_poll=True, backfill="none")
    assert [n for _, _, n in sorted(all_)] == [True, True]
    assert [n for _, _, n in sorted(none)] == [False, False]


def test_after_the_first_poll_every_new_item_notifies_whatever_its_date(
    database: Database,
) -> None:
    (fid,) = add_feeds(database, A)
    ancient = datetime(2019, 1, 3, tzinfo=UTC)
    matches = poll_entries(
        database, fid, [entry("Envoy archive", guid="9", published=ancient)], RULES
    )
    assert matches == [("Envoy archive", "envoy", True)]


def test_a_changed_item_matching_a_new_rule_gets_one_new_match(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    first = poll_entries(database, fid, [entry("Envoy seen", guid="g")], RULES)
    changed = poll_entries(database, fid, [entry("Envoy seen at talks", guid="g")], RULES)
    reworded = poll_entries(database, fid, [entry("Envoy joins talks", guid="g")], RULES)
    assert first == [("Envoy seen", "envoy", True)]
    assert changed == [("Envoy seen at talks", "talks", True)]  # envoy is not matched again
    assert reworded == []
    with database.transaction() as session:
        assert sorted(session.scalars(select(MatchRow.rule_id))) == ["envoy", "talks"]


def test_an_unchanged_item_is_not_matched_again(database: Database) -> None:
    (fid,) = add_feeds(database, A)
    poll_entries(database, fid, [entry("Envoy seen", guid="g")], RULES)
    assert poll_entries(database, fid, [entry("Envoy seen", guid="g")], RULES) == []


def test_a_rule_scoped_to_a_tag_matches_only_feeds_with_that_tag(database: Database) -> None:
    fa, fb = add_feeds(database, A, B)
    scoped = RuleSet.compile([RuleConfig(id="envoy", query="envoy", feeds=["tag:korea"])])
    korea = FeedConfig(url=A, tags=["korea"])
    other = FeedConfig(url=B, tags=["sport"])
    hit = poll_entries(database, fa, [entry("Envoy", guid="1")], scoped, feed=korea)
    miss = poll_entries(database, fb, [entry("Envoy", guid="1")], scoped, feed=other)
    assert (len(hit), miss) == (1, [])
