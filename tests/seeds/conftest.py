"""Shared fixtures for the seeds tests: the seed article (read from ../shared/seeds, never
copied into the repo) and the short articles written for these tests (tests/seeds/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seeds import Profile, seed

REPO = Path(__file__).resolve().parents[2]
SEED_ARTICLE = REPO.parent / "shared" / "seeds" / "000_c9ebabb383c1b6a6.txt"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def seed_article() -> Path:
    if not SEED_ARTICLE.exists():
        # CI always has shared/ beside the clone: there, a missing article is a failure.
        message = f"the seed article is not beside the repo ({SEED_ARTICLE})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SEED_ARTICLE


@pytest.fixture(scope="session")
def seed_profile(seed_article: Path) -> Profile:
    return seed(str(seed_article))


@pytest.fixture(scope="session")
def resignation() -> Profile:
    return seed(str(DATA / "resignation.txt"))


@pytest.fixture(scope="session")
def transfer() -> Profile:
    return seed(str(DATA / "transfer.txt"))


@pytest.fixture(scope="session")
def harbour_freight() -> Profile:
    return seed(str(DATA / "harbour_freight.txt"))


@pytest.fixture(scope="session")
def charity() -> Profile:
    return seed(str(DATA / "charity.txt"))
