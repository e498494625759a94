"""Link canonicalisation: one story linked two ways must get one canonical link."""

from __future__ import annotations

import pytest

from watcher.links import canonical_link

BASE = "https://news.example/world/2025/defector"


@pytest.mark.parametrize(
    "link",
    [
        BASE,
        BASE + "/",
        BASE + "#comments",
        BASE + "/#top",
        "http://news.example/world/2025/defector",
        "HTTPS://NEWS.Example/world/2025/defector",
        "https://news.example:443/world/2025/defector",
        "http://news.example:80/world/2025/defector/",
        BASE + "?utm_source=rss&utm_medium=feed&utm_campaign=x",
        BASE + "?UTM_Source=rss",
        BASE + "?fbclid=IwAR0abc",
        BASE + "?gclid=Cj0KCQ",
        BASE + "/?utm_source=rss&fbclid=1&gclid=2#frag",
        "  " + BASE + "  ",
    ],
)
def test_variants_of_one_link_are_one_story(link: str) -> None:
    assert canonical_link(link) == BASE


def test_meaningful_query_parameters_are_kept() -> None:
    assert (
        canonical_link("https://news.example/story?id=42&utm_source=rss&page=2")
        == "https://news.example/story?id=42&page=2"
    )


def test_path_case_and_non_default_ports_are_kept() -> None:
    assert canonical_link("https://news.example/World/A") == "https://news.example/World/A"
    assert canonical_link("http://News.Example:8080/a/") == "https://news.example:8080/a"
    assert canonical_link("https://news.example/a") != canonical_link("https://news.example/b")
    assert canonical_link("https://news.example/a") != canonical_link("https://news.example:8443/a")


def test_a_site_root_with_or_without_slash_is_one_link() -> None:
    assert canonical_link("https://news.example/") == canonical_link("https://news.example")


def test_user_info_is_dropped() -> None:
    assert canonical_link("https://reader:secret@news.example/a") == "https://news.example/a"


@pytest.mark.parametrize(
    "link",
    [
        None,
        "",
        "   ",
        "mailto:desk@news.example",
        "ftp://news.example/a",
        "/relative/path",
        "https://",
        "http://news.example:99999/a",
    ],
)
def test_missing_or_odd_links_have_no_canonical_form(link: str | None) -> None:
    assert canonical_link(link) is None


def test_ipv6_hosts_keep_their_brackets() -> None:
    """An IPv6 literal must stay a valid URL and distinct from other hosts."""
    assert canonical_link("http://[2001:db8::1]:8080/a/") == "https://[2001:db8::1]:8080/a"
    assert canonical_link("https://[2001:db8::1]/a") == "https://[2001:db8::1]/a"
