"""The exemptions (FOIA) and exceptions (EIR) a response may rely on, as data, in one place.

FOIA: the Part II exemptions of the Freedom of Information Act 2000, as listed in the policy's Appendix A and in
rules.md section 7 (absolute: s.21, 23, 32, 34, 36 for the Houses of Parliament only, 40(1), 41, 44; everything
else qualified by the public interest test). EIR: the exceptions of regulations 12(4), 12(5) and 13 of the
Environmental Information Regulations 2004, all subject to the public interest test and to the presumption in
favour of disclosure (reg 12(1)(b), 12(2)); regulation 13 turns on data protection law.

`lookup("s31")`, `lookup("40(2)")`, `lookup("reg12(4)(b)")` find one; an unknown one raises KeyError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from intake.vocabulary import Regime
from responders.errors import UnknownExemption

__all__ = ["ALL", "EIR", "FOIA", "Exemption", "lookup"]


@dataclass(frozen=True)
class Exemption:
    section: str  # "31", "40(2)", "22A"; for the EIR the regulation: "12(4)(b)", "13"
    title: str
    absolute: bool  # absolute: no public interest test; qualified: the public interest test applies
    summary: str  # what the provision covers, as a noun phrase: "Information whose disclosure would ..."
    regime: str = Regime.FOI  # "foi" (a FOIA section) or "eir" (an EIR regulation)
    data_protection: bool = False  # s.40 / reg 13: engaged by reference to UK GDPR and the DPA 2018

    @property
    def kind(self) -> str:
        return "absolute" if self.absolute else "qualified"

    @property
    def ref(self) -> str:
        """"section 31", "regulation 12(4)(b)"."""
        return f"{'regulation' if self.regime == Regime.EIR else 'section'} {self.section}"

    @property
    def heading(self) -> str:
        """"Section 31: Law enforcement", as in the seed letter."""
        return f"{self.ref[:1].upper()}{self.ref[1:]}: {self.title}"

    def as_dict(self) -> dict[str, Any]:
        """The shape the notice templates receive (extension: section, title, kind)."""
        return {"section": self.section, "title": self.title, "kind": self.kind, "absolute": self.absolute,
                "summary": self.summary, "regime": self.regime, "ref": self.ref, "heading": self.heading,
                "data_protection": self.data_protection}


def _foi(section: str, title: str, absolute: bool, summary: str, *, data_protection: bool = False) -> Exemption:
    return Exemption(section, title, absolute, summary, Regime.FOI, data_protection)


def _eir(regulation: str, title: str, summary: str, *, data_protection: bool = False) -> Exemption:
    return Exemption(regulation, title, False, summary, Regime.EIR, data_protection)


# FOIA Part II; policy Appendix A.
_FOIA = (
    _foi("21", "Information accessible to the applicant by other means", True,
         "Information that is reasonably accessible to the applicant otherwise than under the Act, for example "
         "because it is already published."),
    _foi("22", "Information intended for future publication", False,
         "Information held with a view to its publication at a future date, where it is reasonable to withhold "
         "it until then."),
    _foi("22A", "Research", False,
         "Information obtained in a continuing programme of research intended for publication, where disclosure "
         "would or would be likely to prejudice the programme, the research or its publication."),
    _foi("23", "Information supplied by, or relating to, bodies dealing with security matters", True,
         "Information supplied by, or relating to, the security bodies listed in section 23(3)."),
    _foi("24", "National security", False,
         "Information whose exemption is required for the purpose of safeguarding national security."),
    _foi("26", "Defence", False,
         "Information whose disclosure would or would be likely to prejudice the defence of the British Islands "
         "or the capability, effectiveness or security of the armed forces."),
    _foi("27", "International relations", False,
         "Information whose disclosure would or would be likely to prejudice relations between the United "
         "Kingdom and another state or international organisation, or confidential information from them."),
    _foi("28", "Relations within the United Kingdom", False,
         "Information whose disclosure would or would be likely to prejudice relations between any of the UK "
         "government and the devolved administrations."),
    _foi("29", "The economy", False,
         "Information whose disclosure would or would be likely to prejudice the economic or financial interests "
         "of the United Kingdom or of any administration in it."),
    _foi("30", "Investigations and proceedings conducted by public authorities", False,
         "Information held for the purposes of criminal investigations or proceedings, or relating to civil "
         "proceedings arising from certain investigations."),
    _foi("31", "Law enforcement", False,
         "Information whose disclosure would or would be likely to prejudice law enforcement, for example the "
         "prevention or detection of crime (section 31(1)(a))."),
    _foi("32", "Court records", True,
         "Information held only because it is contained in a document filed with, served on or created by a "
         "court, or for the purposes of an inquiry or arbitration."),
    _foi("33", "Audit functions", False,
         "Information whose disclosure would or would be likely to prejudice the audit of, or the examination of "
         "the economy, efficiency and effectiveness of, other public authorities."),
    _foi("34", "Parliamentary privilege", True,
         "Information whose exemption is required to avoid an infringement of the privileges of either House of "
         "Parliament."),
    _foi("35", "Formulation of government policy", False,
         "Information held by a government department or the Welsh Government relating to the formulation or "
         "development of government policy, ministerial communications or advice from the Law Officers."),
    # s.36 is absolute only for information held by the House of Commons or the House of Lords (s.2(3)(e));
    # for an NHS body it is qualified, and it needs the reasonable opinion of the qualified person.
    _foi("36", "Prejudice to effective conduct of public affairs", False,
         "Information whose disclosure would, in the reasonable opinion of the qualified person, prejudice the "
         "free and frank provision of advice or exchange of views, or the effective conduct of public affairs."),
    # s.37(1)(a)-(ab) (the Sovereign, the heir and second in line) are absolute since 2011; the policy lists
    # s.37 as qualified, which holds for the rest of it (other members of the Royal Household, honours).
    _foi("37", "Communications with His Majesty, etc. and honours", False,
         "Information relating to communications with the Royal Family or the Royal Household, or to the "
         "conferring of honours or dignities."),
    _foi("38", "Health and safety", False,
         "Information whose disclosure would or would be likely to endanger the physical or mental health, or "
         "the safety, of any individual."),
    _foi("39", "Environmental information", False,
         "Environmental information, which must be dealt with under the Environmental Information Regulations "
         "2004 instead."),
    _foi("40(1)", "Personal information (the applicant's own)", True,
         "Personal data of which the applicant is the data subject; it is dealt with as a subject access "
         "request under data protection law.", data_protection=True),
    # Appendix A lists s.40(2) as qualified; in law it is absolute where disclosure would contravene the data
    # protection principles (s.40(3A)(a), s.2(3)(fa)), and the public interest test applies only to the other
    # conditions. The drafts say so to the officer.
    _foi("40(2)", "Personal information (of other people)", False,
         "Personal data of someone other than the applicant, where disclosure would contravene the data "
         "protection principles or another condition in section 40(3A) to (4A) is met.", data_protection=True),
    _foi("41", "Information provided in confidence", True,
         "Information obtained from another person whose disclosure would be an actionable breach of confidence."),
    _foi("42", "Legal professional privilege", False,
         "Information in respect of which a claim to legal professional privilege could be maintained in legal "
         "proceedings."),
    _foi("43", "Commercial interests", False,
         "Trade secrets, and information whose disclosure would or would be likely to prejudice the commercial "
         "interests of any person, including the public authority."),
    _foi("44", "Prohibitions on disclosure", True,
         "Information whose disclosure is prohibited by or under any enactment, is incompatible with retained "
         "EU obligations, or would be a contempt of court."),
)

# EIR regulations 12(4), 12(5) and 13. All are subject to the public interest test (reg 12(1)(b)) with a
# presumption in favour of disclosure (reg 12(2)); reg 13 applies per item of personal data, under data protection
# law (like s.40), so it is marked data_protection rather than absolute.
_EIR = (
    _eir("12(4)(a)", "Information not held",
         "Information that we do not hold when the request is received."),
    _eir("12(4)(b)", "Manifestly unreasonable requests",
         "Requests that are manifestly unreasonable, for example because of the cost or burden of complying or "
         "because they are vexatious."),
    _eir("12(4)(c)", "Requests formulated in too general a manner",
         "Requests formulated in too general a manner, where we have given advice and assistance under "
         "regulation 9."),
    _eir("12(4)(d)", "Material still in the course of completion",
         "Material still in the course of completion, unfinished documents and incomplete data."),
    _eir("12(4)(e)", "Internal communications",
         "Internal communications of the public authority."),
    _eir("12(5)(a)", "International relations, defence, national security or public safety",
         "Information whose disclosure would adversely affect international relations, defence, national "
         "security or public safety."),
    _eir("12(5)(b)", "The course of justice and inquiries",
         "Information whose disclosure would adversely affect the course of justice, the ability of a person to "
         "receive a fair trial, or the ability of a public authority to conduct a criminal or disciplinary "
         "inquiry."),
    _eir("12(5)(c)", "Intellectual property rights",
         "Information whose disclosure would adversely affect intellectual property rights."),
    _eir("12(5)(d)", "Confidentiality of proceedings",
         "Information whose disclosure would adversely affect the confidentiality of the proceedings of a public "
         "authority where that confidentiality is provided by law."),
    _eir("12(5)(e)", "Confidentiality of commercial or industrial information",
         "Information whose disclosure would adversely affect the confidentiality of commercial or industrial "
         "information where that confidentiality is provided by law to protect a legitimate economic interest."),
    _eir("12(5)(f)", "Interests of the person who provided the information",
         "Information whose disclosure would adversely affect the interests of a person who provided it "
         "voluntarily, was not obliged to, and has not consented to its disclosure."),
    _eir("12(5)(g)", "Protection of the environment",
         "Information whose disclosure would adversely affect the protection of the environment to which it "
         "relates, for example the breeding sites of rare species."),
    _eir("13", "Personal data",
         "Personal data of someone other than the applicant, where disclosure would contravene the data "
         "protection principles or another condition in regulation 13 is met.", data_protection=True),
)

FOIA: MappingProxyType[str, Exemption] = MappingProxyType({e.section.lower(): e for e in _FOIA})
EIR: MappingProxyType[str, Exemption] = MappingProxyType({e.section.lower(): e for e in _EIR})
ALL: tuple[Exemption, ...] = (*_FOIA, *_EIR)

_PREFIX = re.compile(r"^(?:(?P<foi>sections?|secs?\.?|ss?\.?)|(?P<eir>regulations?|regs?\.?|r\.?))\s*", re.I)


def lookup(code: str) -> Exemption:
    """The exemption or exception named by `code`.

    FOIA: "s31", "31", "s.31", "section 31", "s40(2)", "40(2)", "s22A", "s31(1)(a)" (a subsection finds its
    section). EIR: "reg12(4)(b)", "12(4)(b)", "r13", "regulation 13". A bare number is looked up in both (they do
    not overlap). Unknown or ambiguous ("s40") codes raise UnknownExemption (a KeyError) with the reason."""
    raw = str(code).strip()
    foi, eir = True, True
    prefix = _PREFIX.match(raw)
    rest = raw
    if prefix and prefix.end() < len(raw):
        foi, eir = bool(prefix.group("foi")), bool(prefix.group("eir"))
        rest = raw[prefix.end():]
    key = re.sub(r"\s+", "", rest).lower()
    if foi and key == "40":
        raise UnknownExemption(f"{raw!r} is ambiguous: say 40(1) (the applicant's own data) or 40(2) (other people's)")
    tables = [t for t, wanted in ((FOIA, foi), (EIR, eir)) if wanted]
    for table in tables:
        candidate = key  # the most specific match first: "31(1)(a)" -> "31"; "12(4)(b)(ii)" -> "12(4)(b)"
        while candidate:
            if candidate in table:
                return table[candidate]
            shorter = re.sub(r"\([^()]*\)$", "", candidate)
            if shorter == candidate or shorter in ("12", "40"):
                break
            candidate = shorter
    known = [f"s.{e.section}" for e in _FOIA if foi] + [f"reg {e.section}" for e in _EIR if eir]
    what = "FOIA Part II exemption" if not eir else "EIR exception" if not foi else "FOIA exemption or EIR exception"
    raise UnknownExemption(f"{raw!r} is not a known {what} (known: {', '.join(known)})")
