"""Other articles, other inputs: a resignation, a football transfer, HTML and a URL.

The articles under tests/seeds/data were written for these tests (made-up companies,
clubs, charities and people); harbour_freight.txt is hard-wrapped, as a user may save it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


def test_organisation_without_a_suffix_is_found(harbour_freight: Profile) -> None:
    assert harbour_freight.subject == "Marta Lindqvist"
    assert _names(harbour_freight, "person") == {"Marta Lindqvist", "Piet Vos"}
    assert _names(harbour_freight, "org") == {"Harbour Freight"}
    assert _names(harbour_freight, "place") == {"Norway"}
    company = harbour_freight.entity("Harbour Freight")
    assert company is not None
    assert company.mentions == 3
    facts = harbour_freight.facts
    assert (facts.role, facts.affiliation, facts.event) == (
        "executive",
        "Harbour Freight",
        "resignation",
    )
    assert [r.id for r in harbour_freight.rules] == ["marta-lindqvist", "executive-resignation"]
    assert "Harbour Freight" in harbour_freight.rules[0].query


def test_charity_and_companies_named_without_suffixes(charity: Profile) -> None:
    assert charity.subject == "Open Larder"
    assert _names(charity, "person") == {"Grace Okafor"}
    assert _names(charity, "org") == {
        "Open Larder",
        "Brightside Catering",
        "Safe Harbour",
        "Better Plates",
        "Fresh Basket",
    }
    assert _names(charity, "place") == {"Manchester", "United Kingdom"}
    mentions = {e.name: e.mentions for e in charity.entities}
    assert mentions["Open Larder"] == 4
    assert mentions["Brightside Catering"] == 3
    assert mentions["Grace Okafor"] == 2  # "Okafor, 44," counts for her
    assert [r.id for r in charity.rules] == ["open-larder"]


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
    server: FeedServer, tmp_path: Path
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


def test_hard_wrapped_text_is_read_as_whole_paragraphs(tmp_path: Path) -> None:
    wrapped = (DATA / "harbour_freight.txt").read_text(encoding="utf-8")
    assert len(wrapped.splitlines()) == 4
    article = load_article(str(DATA / "harbour_freight.txt"))
    assert article.title == ""  # the first line breaks mid-sentence: no title
    assert article.text == " ".join(line.strip() for line in wrapped.splitlines())
    titled = tmp_path / "titled.txt"
    titled.write_text("Harbour Freight boss quits\n\n" + wrapped, encoding="utf-8")
    article = load_article(str(titled))
    assert article.title == "Harbour Freight boss quits"
    assert article.text.count("\n") == 0
