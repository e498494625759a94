"""The public surface of `notifier`, and that it stands alone."""

from __future__ import annotations

import subprocess
import sys

import notifier


def test_every_public_name_resolves() -> None:
    missing = [name for name in notifier.__all__ if not hasattr(notifier, name)]
    assert missing == []


def test_notifier_imports_no_other_newswatch_package() -> None:
    probe = (
        "import sys, notifier, notifier.channels, notifier.outbox; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'watcher', 'rules', 'seeds'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
