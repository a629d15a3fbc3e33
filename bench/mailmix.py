"""A day's mail as an FOI mailbox receives it, for the pipeline benchmark: mostly requests (~300 words), with
replies on open cases, internal reviews, out-of-office replies, bounces and general enquiries mixed in.

The proportions follow the labelled corpus's shape (70% requests there; 75% here, as the issue measures); the
words come from templates written for this file (never the corpora's messages), varied by topic, structure,
greeting, sign-off, plain text or HTML alternative. The same (i, seed) always gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from html import escape

from bench.corpora import FOI_ADDRESS

# Intended kind → weight (per 100 messages).
MIX: dict[str, int] = {"foi_request": 72, "reuse_request": 1, "internal_review": 4, "reply": 7,
                       "auto_reply": 6, "bounce": 2, "general_enquiry": 8}

_FIRST = ("Priya", "Tom", "Aisha", "Gareth", "Siobhan", "Kwame", "Eleanor", "Rhys", "Fatima", "Liam", "Mei",
          "Declan", "Harriet", "Oluwaseun", "Bethan", "Marek", "Imogen", "Yusuf", "Niamh", "Callum", "Ruth", "Dev")
_LAST = ("Natarajan", "Whitfield", "Begum", "Pritchard", "O'Connell", "Mensah", "Hargreaves", "Llewellyn",
         "Rahman", "Doherty", "Zhang", "McBride", "Ashworth", "Adeyemi", "Morgan", "Nowak", "Fairbairn", "Kerr")
_DOMAINS = ("gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk", "protonmail.com", "hotmail.co.uk",
            "icloud.com", "sky.com")
_GREET = ("Dear FOI team,", "Dear Sir or Madam,", "To the Freedom of Information Officer,", "Hello,",
          "Dear Information Governance team,", "Good morning,", "Dear NHS Example ICB,")
_OPEN = ("I am writing to request information under the Freedom of Information Act 2000.",
         "Please treat this email as a request under the Freedom of Information Act 2000.",
         "Under the Freedom of Information Act, I would like to ask for the following information.",
         "I would be grateful if you could send me some information that I believe the ICB holds.",
         "I have searched your website and disclosure log without finding the following, so I am asking for it "
         "under the Freedom of Information Act.")
_PERIOD = ("for each of the last three financial years", "since 1 April 2023", "for 2024/25 and 2025/26",
           "for each month of the last two years", "broken down by quarter since January 2024")
# (subject, context, asks); EIR topics are about the environment, and say so.
_TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Wheelchair service waiting times",
     "Several families in my area have waited many months for a wheelchair assessment for their children.",
     ("the number of referrals to the wheelchair service {p}", "the median wait from referral to assessment {p}",
      "the number of people waiting longer than 18 weeks at the end of each period",
      "the name of the provider and the value of the current contract")),
    ("Autism assessment pathway for adults",
     "I was told the waiting list for an adult autism assessment locally is over three years long.",
     ("how many adults are on the waiting list for an autism assessment today",
      "the longest current wait in weeks", "the number of assessments completed {p}",
      "any plans or business cases to reduce the waiting list")),
    ("Out-of-area mental health placements",
     "Local news reported that patients are still being sent hundreds of miles for a mental health bed.",
     ("the number of out-of-area placements for adult acute mental health care {p}",
      "the total cost of those placements {p}", "the furthest distance a patient was placed",
      "the average length of an out-of-area placement in days")),
    ("Hospital discharge delays",
     "My grandmother stayed in hospital for six weeks after she was ready to leave while a care package was found.",
     ("the number of patients whose discharge was delayed by more than seven days {p}",
      "the main reasons recorded for those delays", "the spending on discharge-to-assess beds {p}",
      "the number of care home beds commissioned for discharge each winter")),
    ("Dental access commissioning",
     "It is almost impossible to find an NHS dentist taking on adult patients near where I live.",
     ("the number of units of dental activity commissioned and delivered {p}",
      "the number of dental contracts handed back {p}", "the value of any clawback from underdelivery",
      "the practices currently accepting new adult NHS patients, if that is recorded")),
    ("Use of management consultants",
     "I am researching public spending on external consultancy across the health service.",
     ("the total amount paid to management consultancy firms {p}",
      "the name of each firm, the value of each contract and a short description of the work",
      "whether any of the work was awarded without competition", "copies of any final reports produced")),
    ("Translation of patient letters",
     "I volunteer with a community group and many of our members cannot read letters sent in English.",
     ("whether the ICB has a policy on translating patient letters, and a copy of it",
      "the spend on written translation {p}", "the ten most requested languages",
      "the number of complaints about the lack of translated information {p}")),
    ("Musculoskeletal physiotherapy self-referral",
     "I understand patients can now refer themselves to physiotherapy, but the local web page is unclear.",
     ("the number of self-referrals to musculoskeletal physiotherapy {p}",
      "the waiting time from referral to first appointment", "the number of physiotherapists employed or "
      "commissioned, as full-time equivalents", "any evaluation of the self-referral scheme")),
    ("Prescribing of antidepressants to children",
     "I am a journalist at the Exampleton Gazette looking at prescribing trends for a feature article.",
     ("the number of prescriptions of antidepressants for patients aged under 18 {p}",
      "the cost of those prescriptions {p}", "the number of GP practices with the highest prescribing rates",
      "any guidance issued to practices on prescribing to children")),
    ("Complaints about GP receptionists",
     "I run a patient participation group and we want to understand the volume and nature of complaints.",
     ("the number of complaints received about GP practices {p}", "how many of these concerned access to "
      "appointments", "how many were upheld", "the average time taken to respond to a complaint")),
)
_EIR_TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Air pollution near the hospital site",
     "This is a request for environmental information under the Environmental Information Regulations 2004.",
     ("any air quality monitoring data for the hospital site {p}", "the number of diesel vehicles in the fleet",
      "any assessment of the impact of the new car park on local air quality", "plans to reduce emissions")),
    ("Clinical waste and incineration",
     "I am asking for environmental information under the Environmental Information Regulations.",
     ("the tonnage of clinical waste produced {p}", "the share of it incinerated, and where",
      "the carbon emissions attributed to waste disposal {p}", "any targets for reducing clinical waste")),
)
_CAVEATS = (
    "If answering all of this would exceed the cost limit, please tell me which parts you can answer and how "
    "I might narrow the rest.",
    "Where numbers are small, I understand they may need to be suppressed; please show where that is done.",
    "I do not want any information that would identify a patient or a member of staff.",
    "If another body holds some of this, such as a provider trust, please tell me which one.",
    "A spreadsheet would be ideal, but any electronic format is fine.",
    "Please confirm the date the figures were extracted so that I can compare them with national statistics.",
    "If some of the information is already published, a link to it would be enough for that part.",
    "Where a figure is not recorded in exactly the way I have asked, the nearest figure you do record would be "
    "very helpful, with a note of the difference.",
    "If the information is held in a report or board paper, a copy of that document would answer the question.",
    "For the avoidance of doubt, I am asking about services the ICB commissions, not only those it provides.",
)
# A second paragraph of background: why the requester asks (most requests say so, at some length).
_WHY = (
    "I have raised this with my local councillor and my MP, and both suggested that I ask the ICB directly for the "
    "figures so that the discussion can be based on facts rather than anecdote.",
    "The figures will be used in a report for our residents' association, which meets monthly and has been "
    "asked by members to look into the issue before the next consultation closes.",
    "I have read the annual report and the most recent board papers, but they give only headline numbers and "
    "do not show how things have changed over time or how the area compares with others.",
    "I am aware that national statistics are published, but they are not broken down to the level of the ICB, "
    "which is what I need to understand the local picture.",
)
_CLOSE = ("Thank you in advance for your help.", "I look forward to your reply within twenty working days.",
          "Many thanks for your time.", "I appreciate your help with this.")
_SIGN = ("Kind regards,", "Yours faithfully,", "Best wishes,", "Many thanks,", "Regards,", "Thanks,")
_TOWNS = (("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QT"), ("Cardiff", "CF24 4HQ"), ("Preston", "PR1 3JT"))
_ENQUIRIES = (
    ("GP registration", "Hello, I have just moved to the area and none of the practices near me will register me. "
     "Who should I speak to? I have tried three practices this week and each one says its list is closed."),
    ("Complaint", "I want to complain about how my father was treated at the walk-in centre on Saturday. He waited "
     "five hours and nobody explained why. I am very unhappy and would like someone to call me back."),
    ("Board meeting", "I would like to come to the next public board meeting and ask a question about the hospice "
     "funding. Do I need to register beforehand? The website has changed and I am lost."),
    ("Prescription problem", "My repeat prescription has been stopped and the pharmacy says it is an ICB decision. "
     "Is that right? I have taken this medicine for eight years."),
    ("Job application", "I applied for the analyst post advertised last month and have not heard back. Could you "
     "let me know if the post has been filled?"),
)
_AUTO = ("Thank you for your email. I am out of the office until {d} with no access to email. For anything urgent "
         "please contact the main office.", "I am currently on annual leave and will respond when I return on {d}.",
         "This is an automatic reply. Your message has been received and will be dealt with in due course.")


@dataclass(frozen=True)
class Mail:
    """One generated message: its bytes and the kind it was written to be."""

    raw: bytes
    kind: str
    sender: tuple[str, str] = ("", "")  # (name, address)


def _person(rng: random.Random, i: int) -> tuple[str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return f"{first} {last}", f"{first}.{last}".lower().replace("'", "") + f"{i}@{rng.choice(_DOMAINS)}"


def _message(name: str, address: str, subject: str, text: str, at: datetime, mid: str, rng: random.Random,
             html: bool = False, headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = Address(display_name=name, addr_spec=address) if name else address
    msg["To"] = Address(display_name="FOI Requests", addr_spec=FOI_ADDRESS)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = mid
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(text)
    if html:  # as Outlook and webmail send it: the same words as an HTML alternative
        paras = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
        msg.add_alternative(f"<html><body style=\"font-family:Calibri\">{paras}</body></html>", subtype="html")
    return msg.as_bytes(policy=SMTP)


def _request(rng: random.Random, i: int, name: str, words: int) -> tuple[str, str]:
    eir = rng.random() < 0.12
    subject, context, asks = rng.choice(_EIR_TOPICS if eir else _TOPICS)
    period = rng.choice(_PERIOD)
    items = [a.format(p=period) for a in asks]
    rng.shuffle(items)
    style = rng.randrange(3)
    if style == 0:
        listed = "Please provide:\n" + "\n".join(f"{n}. {a[0].upper()}{a[1:]}." for n, a in enumerate(items, 1))
    elif style == 1:
        listed = "In particular, I would like to know:\n" + "\n".join(f"- {a}" for a in items)
    else:
        listed = " ".join(f"Please could you tell me {a}." for a in items)
    opening = rng.choice(_OPEN) if not eir else context
    parts = [rng.choice(_GREET), f"{opening} {context if not eir else ''}".strip(), rng.choice(_WHY), listed]
    caveats = list(_CAVEATS)
    rng.shuffle(caveats)
    tail = [rng.choice(_CLOSE)]
    while caveats and len(" ".join(parts + tail).split()) < words - 20:
        parts.append(caveats.pop())
    sign = [rng.choice(_SIGN), name]
    if rng.random() < 0.4:
        town, postcode = rng.choice(_TOWNS)
        sign.append(f"{rng.randint(2, 200)} Station Road\n{town}\n{postcode}")
    prefix = rng.choice(("", "FOI request: ", "Freedom of Information request - ", "Request for information: "))
    return prefix + subject, "\n\n".join([*parts, *tail]) + "\n\n" + "\n".join(sign) + "\n"


def mail(i: int, seed: int, at: datetime, openers: Sequence[tuple[str, str]] = (), words: int = 300) -> Mail:
    """The `i`th message. `openers` are the (name, address) of the earlier messages that should have opened cases,
    in order: a reply or a review comes from one of them and quotes its case's reference (the year of `at`)."""
    rng = random.Random(seed * 1_000_003 + i)
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    if kind in ("reply", "internal_review") and len(openers) < 3:
        kind = "foi_request"
    name, address = _person(rng, i)
    ref = ""
    if openers:
        number = rng.randint(1, len(openers))
        ref = f"FOI-{at.year}-{number:05d}"
        if kind in ("reply", "internal_review"):  # the requester writes again about their own case
            name, address = openers[number - 1]
    sender = (name, address)
    mid = f"<mix-{seed}-{i}.{rng.getrandbits(32):08x}@{address.split('@')[1]}>"
    html = rng.random() < 0.3
    if kind == "foi_request":
        subject, text = _request(rng, i, name, words)
        return Mail(_message(name, address, subject, text, at, mid, rng, html), kind, sender)
    if kind == "reuse_request":
        text = (f"{rng.choice(_GREET)}\n\nI run a small charity website and would like to republish the figures in "
                "your published response on community mental health spending, with attribution, under the "
                "Re-use of Public Sector Information Regulations 2015. Please could you confirm the licence terms "
                f"and whether any charge applies.\n\nRegards,\n{name}\n")
        subject = "Permission to re-use published data"
        return Mail(_message(name, address, subject, text, at, mid, rng, html), kind, sender)
    if kind == "internal_review":
        text = (f"Dear FOI team,\n\nI am writing to request an internal review of your handling of my Freedom of "
                f"Information request {ref}. Your response withheld the contract values under section 43, but "
                "the public interest in how money is spent outweighs any commercial harm, and similar figures "
                "are published by neighbouring ICBs. I also believe that some of the information I asked for was "
                "simply not addressed in the response.\n\nPlease review the decision and let me know the outcome."
                f"\n\nYours faithfully,\n{name}\n")
        return Mail(_message(name, address, f"Internal review of {ref}", text, at, mid, rng, html), kind, sender)
    if kind == "reply":
        text = rng.choice((
            f"Thank you. To clarify, I only need the figures for the main hospital site, and the last two years "
            f"would be fine.\n\n{name.split()[0]}\n\n> Please could you clarify which sites you mean?",
            f"Many thanks for your acknowledgement. I look forward to the response.\n\n{name}",
        ))
        return Mail(_message(name, address, f"Re: [{ref}] Your request", text, at, mid, rng), kind, sender)
    if kind == "auto_reply":
        text = rng.choice(_AUTO).format(d=f"{rng.randint(1, 28)} {rng.choice(('March', 'April', 'May'))}")
        return Mail(_message(name, address, f"Automatic reply: [{ref}] Acknowledgement", text, at, mid, rng,
                             headers={"Auto-Submitted": "auto-replied"}), kind, sender)
    if kind == "bounce":
        text = (f"This message was created automatically by mail delivery software.\n\nA message that you sent "
                f"could not be delivered to one or more of its recipients. This is a permanent error.\n\n  {address}"
                f"\n    550 5.1.1 User unknown\n\n------ This is a copy of the message ------\n\nFrom: "
                f"{FOI_ADDRESS}\nSubject: [{ref}] Acknowledgement of your request\n\nDear {name},\n\nThank you "
                "for your request, which we received today.\n")
        return Mail(_message("Mail Delivery System", f"mailer-daemon@mx{i}.example.net",
                             "Mail delivery failed: returning message to sender", text, at, mid, rng,
                             headers={"Auto-Submitted": "auto-replied"}), kind, sender)
    subject, text = rng.choice(_ENQUIRIES)
    return Mail(_message(name, address, subject, f"{text}\n\nThanks,\n{name}\n", at, mid, rng, html), kind, sender)


def mails(n: int, seed: int, at: datetime, words: int = 300) -> Iterator[Mail]:
    """`n` messages, one at a time (a 50,000-message backlog never sits in memory)."""
    openers: list[tuple[str, str]] = []
    for i in range(n):
        m = mail(i, seed, at, openers, words)
        if m.kind in ("foi_request", "reuse_request", "internal_review"):
            openers.append(m.sender)
        yield m
