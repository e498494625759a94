"""What one delivery attempt came to: a value, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["sent", "retry", "gone", "failed"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """`sent`: done. `retry`: try again later (after `retry_after` seconds if the server
    asked). `gone`: the endpoint asked to be disabled (HTTP 410). `failed`: permanent
    (e.g. SMTP 5xx), do not retry. `detail` is a short, secret-free explanation."""

    outcome: Outcome
    detail: str
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "sent"
