"""Organisations named without a suffix (Inc, Group, Party …) are found from the words
around them, and nothing else is taken for one. The sentences are written for these tests."""

from __future__ import annotations

import pytest

from seeds import Article, extract


def _kinds(text: str) -> dict[str, str]:
    return {e.name: e.type for e in extract(Article(title="", text=text)).entities}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Harbour Freight chief executive Marta Lindqvist resigned.", "Harbour Freight"),
        ("A Harbour Freight spokesperson declined to comment on Monday.", "Harbour Freight"),
        ("Investors doubt Harbour Freight's board will back the sale.", "Harbour Freight"),
        ("The board of Harbour Freight met on Friday.", "Harbour Freight"),
        ("Shares in Orion Data fell 6% on Tuesday.", "Orion Data"),
        ("Anna Ruiz joined Open Larder in 2016 as a volunteer.", "Open Larder"),
        ("The striker signed for Castleford Athletico on a free transfer.", "Castleford Athletico"),
        ("Analysts at Fjord Markets expect another rate cut.", "Fjord Markets"),
        ("She ran the kitchens of the homelessness charity Safe Harbour.", "Safe Harbour"),
        ("Kettleby beat Northbridge Town 3-1 at home.", "Northbridge Town"),
        ("Prices at Fresh Basket, the supermarket chain, will rise.", "Fresh Basket"),
        (
            "Chairman Piet Vos will lead Harbour Freight until a successor is found, "
            "the company said in Oslo.",
            "Harbour Freight",
        ),
        (
            "Staff at Baltic Ferries were told on Monday. Baltic Ferries has 900 staff.",
            "Baltic Ferries",
        ),
    ],
)
def test_an_organisation_is_found_from_the_words_around_it(text: str, name: str) -> None:
    assert _kinds(text).get(name) == "org"


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        # a person, whatever the organisation-like cues
        (
            "Piet Vos left Harbour Freight in June. Piet Vos joined in 2001. He is 60.",
            "Piet Vos",
            "person",
        ),
        ("Nadia Okonjo runs the pantry. Okonjo, 41, joined it in 2016.", "Nadia Okonjo", "person"),
        ("Chairman Piet Vos will lead the company until June.", "Piet Vos", "person"),
        # titles, places, venues and events are never organisations
        ("Prime Minister Jonas Berg met the Prime Minister of Sweden.", "Prime Minister", None),
        (
            "Silicon Valley investors are wary. Rents in Silicon Valley fell.",
            "Silicon Valley",
            None,
        ),
        (
            "The final is at Kingsmead Stadium. Kingsmead Stadium seats 40,000.",
            "Kingsmead Stadium",
            None,
        ),
        ("Kultaranta Palace, the summer residence, was closed.", "Kultaranta Palace", None),
        ("Tickets for the World Cup sold out. World Cup fans queued.", "World Cup", None),
        # one mention and no cue: left out rather than guessed
        ("Prices rose after Piet Vos spoke.", "Piet Vos", None),
    ],
)
def test_other_names_are_not_taken_for_organisations(
    text: str, name: str, kind: str | None
) -> None:
    assert _kinds(text).get(name) == kind
