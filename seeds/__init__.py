"""seeds: from one article to watch rules, with every spelling of every name.

    from seeds import seed
    profile = seed("article.txt")          # or an .html file, or an http(s) URL
    profile.subject                        # "Jo Song Gil"
    print(profile.to_json())               # {"subject", "entities", "rules"}
    print(profile.to_yaml())               # the commented seed profile
    print(render_rules_yaml(profile))      # the rules block for newswatch.yaml
    merge_rules(profile, "newswatch.yaml") # add/replace the rules, comments kept

Extraction is rule-based (capitalisation, titles, appositions, reporting verbs, acronym
definitions, a shipped gazetteer); nothing is downloaded. `seeds` imports only `rules`
among the newswatch packages.
"""

from seeds.article import Article, load_article
from seeds.errors import ArticleError, MergeError, SeedError
from seeds.extract import extract
from seeds.profile import Entity, Facts, Profile, Rule
from seeds.propose import propose_rules
from seeds.render import merge_rules, render_rules_yaml, write_rules
from seeds.shipped import load_profile

__all__ = [
    "Article",
    "ArticleError",
    "Entity",
    "Facts",
    "MergeError",
    "Profile",
    "Rule",
    "SeedError",
    "extract",
    "load_article",
    "load_profile",
    "merge_rules",
    "propose_rules",
    "render_rules_yaml",
    "seed",
    "write_rules",
]


def seed(source: str) -> Profile:
    """Read the article at `source` (.txt, .html or http(s) URL), extract its entities and
    subject, and propose rules. Raises ArticleError when the article cannot be read."""
    article = load_article(source)
    profile = extract(article)
    profile.source = article.url or source
    profile.rules = propose_rules(profile)
    return profile
