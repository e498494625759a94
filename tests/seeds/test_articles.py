"""Other articles, other inputs: a resignation, a football transfer, HTML and a URL.

The two articles under tests/seeds/data were written for these tests (made-up company,
club and people)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from seeds import ArticleError, Profile, load_article, seed
from tests.seeds.conftest import DATA
from tests.servers import FeedServer


def _names(profile: Profile, kind: str) -> set[str]:
    return {e.name for e in profile.of_type(kind)}  # type: ignore[arg-type]


def test_executive_resignation(resignation: Profile) -> None:
    assert resignation.subject == "Anna Ruiz"
    assert _names(resignation, "person") == {"Anna Ruiz", "Marco Bellini", "Peter Lindqvist"}
    assert _names(resignation, "org") == {
        "Veltra Technologies",
        "Nordbank Securities",
        "Nimbus Mobile",
    }
    assert _names(resignation, "place") == {"Denmark", "United Kingdom", "Milan", "Europe"}
    veltra = resignation.entity("Veltra Technologies")
    assert veltra is not None
    assert veltra.mentions == 5
    assert "Veltra" in veltra.aliases
    facts = resignation.facts
    assert (facts.role, facts.affiliation, facts.event) == (
        "executive",
        "Veltra Technologies",
        "resignation",
    )
    assert [r.id for r in resignation.rules] == ["anna-ruiz", "executive-resignation"]


def test_football_transfer(transfer: Profile) -> None:
    assert transfer.subject == "Tomás Ferreira"
    assert _names(transfer, "person") == {"Tomás Ferreira", "Helen Carter", "Rui Santos"}
    assert _names(transfer, "org") == {
        "Lakeside FC",
        "Atletico Porto Azul",
        "Real Sevilla",
        "Riverside Rovers",
    }
    assert _names(transfer, "place") == {"Portugal", "Italy", "Germany"}
    ferreira = transfer.entity("Tomás Ferreira")
    assert ferreira is not None
    assert ferreira.mentions == 5
    assert (transfer.facts.role, transfer.facts.event) == ("footballer", "transfer")
    assert next(r.id for r in transfer.rules) == "tomas-ferreira"


def test_html_file_gives_the_article_without_page_furniture() -> None:
    article = load_article(str(DATA / "resignation.html"))
    assert article.title == "Veltra chief executive Anna Ruiz resigns after smartwatch recall"
    assert article.text.startswith("Anna Ruiz, the chief executive")
    assert "Sign in" not in article.text
    assert "Most read" not in article.text
    assert "Copyright" not in article.text
    assert seed(str(DATA / "resignation.html")).subject == "Anna Ruiz"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def test_url_is_fetched_and_extracted(server: FeedServer) -> None:
    html = (DATA / "resignation.html").read_bytes()
    server.set_body("/business/veltra-ceo", html, content_type="text/html; charset=utf-8")
    url = server.url("/business/veltra-ceo")
    profile = seed(url)
    assert profile.subject == "Anna Ruiz"
    assert profile.source == url
    assert "Veltra Technologies" in _names(profile, "org")


def test_unreachable_or_missing_articles_are_errors_with_their_source(
    server: FeedServer, tmp_path: object
) -> None:
    server.set_status("/gone", 404)
    url = server.url("/gone")
    with pytest.raises(ArticleError) as info:
        load_article(url)
    assert info.value.source == url
    assert "404" in info.value.message
    with pytest.raises(ArticleError):
        load_article("/nonexistent/article.txt")


def test_plain_text_title_is_the_first_short_line() -> None:
    article = load_article(str(DATA / "transfer.txt"))
    assert article.title.startswith("Striker Tomás Ferreira joins Lakeside FC")
    assert article.text.startswith("Lakeside FC have signed")
