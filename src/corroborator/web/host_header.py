"""A strict reading of the HTTP ``Host`` header: a host and an optional port, nothing else.

The allow-list that keeps DNS-rebinding pages away from the data compares names, so
the name must be exactly what the header holds. A lenient split let
``[::1]evil.example`` and ``[::1]:80@evil.example`` pass as ``[::1]``; here anything
but ``name``, ``IPv4``, ``[IPv6]``, each with an optional ``:port``, is no host at all.
"""

from __future__ import annotations

import ipaddress
import re

#: A DNS name or IPv4 address (letters, digits, hyphens, underscores, dots), then a port.
_NAME_AND_PORT = re.compile(r"([a-z0-9_](?:[a-z0-9._-]{0,252}))(?::([0-9]{1,5}))?")
#: A bracketed IPv6 literal, then a port.
_IPV6_AND_PORT = re.compile(r"\[([0-9a-f:.]{2,45})\](?::([0-9]{1,5}))?")
MAX_PORT = 65535


def parse_host(value: str) -> str | None:
    """The host a ``Host`` header names, lower case (IPv6 in brackets); None if malformed.

    Example:
        >>> parse_host("LocalHost:8000"), parse_host("[::1]:80"), parse_host("[::1]evil.example")
        ('localhost', '[::1]', None)
    """
    value = value.strip(" \t").lower()
    if match := _IPV6_AND_PORT.fullmatch(value):
        host = _ipv6(match.group(1))
    elif match := _NAME_AND_PORT.fullmatch(value):
        host = match.group(1)
    else:
        return None
    port = match.group(2)
    if host is None or (port is not None and int(port) > MAX_PORT):
        return None
    return host


def _ipv6(text: str) -> str | None:
    """``[text]`` when `text` is an IPv6 address as written, else None."""
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return None
    return f"[{text}]"
