"""Email address checks shared by the config schema and the message builder."""

from __future__ import annotations

import email.policy
from email.headerregistry import Address

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def parse_address(text: str) -> Address:
    """Parse one `addr@example.org` or `Name <addr@example.org>`; ValueError if it is not one."""
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise ValueError(f"{text!r} contains control characters")
    try:
        header = email.policy.SMTP.header_factory("To", text)
        addresses = header.addresses
        defects = header.defects
    except Exception:  # the header parser raises IndexError & co. on some inputs
        raise ValueError(f"{text!r} is not an email address") from None
    if len(addresses) != 1 or defects:
        raise ValueError(f"{text!r} is not one email address")
    address = addresses[0]
    if not address.username or not address.domain:
        raise ValueError(f"{text!r} is not an email address (use name@example.org)")
    if not address.addr_spec.isascii():
        raise ValueError(f"{text!r}: non-ASCII addresses are not supported (use punycode)")
    return address


def bare_address(text: str) -> str:
    """`Name <a@b.org>` → `a@b.org` (for the SMTP envelope)."""
    return parse_address(text).addr_spec


def address_domain(text: str) -> str:
    """The domain of an address, for Message-IDs."""
    return parse_address(text).domain
