"""Word lists that tell people, organisations and other capitalised words apart.

Names are capitalised (Department, Party); cue words are lower case, as compared with the
lower-cased text around a name. `seeds.candidates` reads a run of capitalised words with
the first lists; `seeds.bodies` reads the words around a name with the `BODY_` lists.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ORG_HEADS = _words(
    """Academy Agency Airlines Airways Albion Army Assembly Association Athletic Bank Bureau
    Capital Center Centre Church Club College Commission Committee Company Congress
    Consulate Corp Corporation Council Courier Court Daily Department Electronics Embassy
    Energy FC Federation Force Forces Foundation Fund Gazette Group Guard Herald Holdings
    Hospital Ilbo Inc Industries Institute Institution Insurance Journal Labs Ltd Media
    Ministry Mobile Motors Museum Navy Network News Newswire Office Organisation
    Organization Parliament Partners Party Pharma Pharmaceuticals Police Post Press Program
    Programme Quarterly Radio Research Review Rovers SC School Securities Senate Service
    Shimbun Society Studios Systems Technologies Technology Television Times Tribune TV
    Union United University Ventures Wanderers"""
)
"""Last words that make a run of capitalised words an organisation: Veltra Technologies."""

ORG_PREFIXES = _words("AC AS Atletico Atlético Dynamo FC Inter Olympique Real Sporting SS")
"""First words that make a run an organisation (a club): Real Sevilla."""

NOT_NAMES = _words(
    """AM April August CEO CFO COO December Dr February Friday GMT God January July June
    March May Monday Mr Mrs Ms November October OK PhD PM Prof Saturday September Sir Sunday
    Thursday Tuesday TV UTC Wednesday"""
)
"""Capitalised words that are never part of a name (a run ends before them)."""

PERSON_TITLES = _words(
    """actor ambassador analyst author boss candidate captain ceo chairman chairwoman charge
    chargé chief coach colonel consul counsellor counselor d'affaires defender diplomat
    director dr d’affaires editor envoy executive forward founder general goalkeeper governor
    journalist judge lawmaker leader manager mayor midfielder minister mr mrs ms officer
    official player president professor reporter researcher scholar secretary senator singer
    spokesman spokesperson spokeswoman striker winger writer"""
)
"""Words just before a name that make it a person: ambassador Jo Song Gil."""

TITLE_MODIFIERS = _words("prime vice deputy acting interim former foreign finance")
"""Capitalised words that open a title inside a run: Prime Minister, Vice President."""

REPORTING = _words("added argued explained insisted noted recalled said says told warned wrote")
"""Reporting verbs: a name just before or after one is a person (unless a body speaks)."""

BODY_NOUNS = _words(
    """airline alliance agency association band bank brand broadcaster business campaign
    carmaker carrier chain charity club coalition college company conglomerate consortium
    cooperative co-operative council department firm foundation fund giant group grocer
    hospital insurer institute label lender maker manufacturer ministry museum network
    newspaper operator orchestra organisation organization outlet party platform provider
    regulator retailer school shipper side startup start-up studio subsidiary supermarket
    supplier team theatre trust union university watchdog"""
)
"""Common nouns for bodies: "the homelessness charity Safe Harbour", "Harbour Freight,
the shipping group", "…, the company said"."""

BODY_STAFF = (
    "chief executive|chief financial officer|chief|ceo|cfo|coo|chairman|chairwoman|chair"
    "|president|director|directors|executives?|boss|bosses|founder|co-founder|board"
    "|shareholders|investors|shares|stock|staff|employees|workers|headquarters|trustees"
    "|spokesperson|spokesman|spokeswoman|manager|coach|squad|fans|supporters|volunteers"
    "|members|leader|leadership|officials?|mps?|councillors?|owners?"
)
"""Words just after a body's name: "Harbour Freight chief executive", "Lakeside fans"."""

BODY_OWNED = (
    "chief executive|chief financial officer|ceo|cfo|chairman|chairwoman|board|directors"
    "|executives|shareholders|investors|shares|stock|employees|workers|headquarters"
    "|trustees|subsidiary|parent|profits?|revenues?|sales|earnings|factory|factories|plant"
    "|stores|branches|offices|squad|members|manifesto"
)
"""Words after a body's name and 's ("Harbour Freight's board"); a person's spokesman or
fans are not in it."""

BODY_BEFORE = (
    "(?:board|chairman|chairwoman|chief executive|ceo|president|head|director|founder"
    "|co-founder|owner|owners|subsidiary|takeover|trustees) of"
    "|spokes(?:person|man|woman) for|(?:shares|stake) in|shares of"
    "|(?:re)?joined|joins|joining|left|leaves|leaving|quit|quits"
    "|(?:signed|signs|signing|sign|plays|played|playing|works|worked|working) for"
    "|(?:employed|acquired) by|acquired|bought|founded|co-founded"
    "|merger with|merge with|donations? to|donated to|grants? to|contract with"
    "|(?:analysts?|economists?|strategists?|researchers?|engineers?|staff|workers?|employees?"
    "|executives?|colleagues|years|months|decade|worked|works|working|career|job|stint|spell"
    ") at"
    r"|(?:joined|joins|joining|signed|signs|signing|moved|moves|arrived|arrives)\s[^.;]{1,40}?"
    r"\bfrom"
)
"""Words just before a body's name: "the board of Harbour Freight", "joined Open Larder",
"analysts at Fjord Markets", "joined Lakeside from Porto Azul" (a regular expression)."""

NOT_BODY_HEADS = _words(
    """Street Road Avenue Lane Square Bridge Park Gardens Valley Sea Ocean River Lake
    Mountain Mountains Island Islands Bay Gulf Coast Peninsula Desert Forest Strait Canal
    Channel Airport Station Stadium Arena Hall Palace Castle Cathedral Tower Beach Hill
    Hills Heights Cup Games Olympics Championship Championships Prize Award Awards Festival
    Day Eve Week Year War Act Bill Treaty Agreement Accord"""
)
"""Last words of places, venues, events and laws: Silicon Valley, the World Cup and Boxing
Day are not bodies, whatever words surround them."""

NOT_BODY_FIRSTS = _words("Mount Lake Cape")
"""First words of places: Mount Everest, Lake Como."""
