"""Whom a message may be answered at: its From, or a Reply-To the From's owner could have set (issue 11).

Anyone can write any Reply-To, so answering it would let a stranger make the FOI address mail a third party.
A Reply-To is used only in the From's own domain (or a subdomain of it, which that domain's owner controls),
or where the organisation trusts the domain; never one of the organisation's own addresses or domains."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["domain_of", "in_domains", "reply_to_refusal"]


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower().strip(".") if "@" in address else ""


def in_domains(domain: str, domains: Iterable[str]) -> bool:
    """`domain` is one of `domains` or a subdomain of one."""
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def reply_to_refusal(reply_to: str, from_address: str, *, own_addresses: Iterable[str],
                     own_domains: Iterable[str], trusted: Iterable[str]) -> str | None:
    """Why the Reply-To is not answered, or None when it may be."""
    reply_domain, from_domain = domain_of(reply_to), domain_of(from_address)
    if reply_to.lower() in {a.lower() for a in own_addresses} or in_domains(reply_domain, own_domains):
        return f"Reply-To is the organisation's own ({reply_domain}): answered at From"
    trusted = tuple(trusted)
    if in_domains(reply_domain, (from_domain,)) or in_domains(reply_domain, trusted) or \
            in_domains(from_domain, trusted):
        return None
    return f"Reply-To domain {reply_domain or '(none)'} is not the sender's ({from_domain or 'none'}): answered at From"
