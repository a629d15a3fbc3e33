"""Synthetic FOI requests of a chosen length, for throughput benchmarks (never for quality figures)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from bench.corpora import FOI_ADDRESS

_FIRST = ("Priya", "Tom", "Aisha", "Gareth", "Siobhan", "Kwame", "Eleanor", "Rhys", "Fatima", "Liam",
          "Mei", "Declan", "Harriet", "Oluwaseun", "Bethan", "Marek", "Imogen", "Yusuf", "Niamh", "Callum")
_LAST = ("Natarajan", "Whitfield", "Begum", "Pritchard", "O'Connell", "Mensah", "Hargreaves", "Llewellyn",
         "Rahman", "Doherty", "Zhang", "McBride", "Ashworth", "Adeyemi", "Morgan", "Nowak", "Fairbairn",
         "Hussain", "Gallagher", "Sutherland")
_DOMAINS = ("gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk", "protonmail.com", "hotmail.co.uk")
_GREETINGS = ("Dear FOI team,", "Dear Sir or Madam,", "To the Freedom of Information Officer,",
              "Hello,", "Dear Information Governance team,")
_INTROS = (
    "I am writing to make a request under the Freedom of Information Act 2000 for information held by "
    "the Integrated Care Board.",
    "Under the Freedom of Information Act 2000, I would be grateful if you could provide the following "
    "information held by your organisation.",
    "Please treat this email as a request for information under the Freedom of Information Act 2000.",
    "I would like to request some information under the Freedom of Information Act. I have looked "
    "through your disclosure log and publication scheme but could not find it there.",
)
_PERIODS = ("for each financial year from 2021/22 to 2025/26", "for each of the last three calendar years",
            "for the period 1 April 2024 to 31 March 2026", "broken down by quarter since April 2023")
# (subject, background, questions)
_TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Children's mental health waiting times",
     "My daughter waited almost a year for an assessment with the local child and adolescent mental "
     "health service, and I would like to understand whether her experience is typical across the area.",
     ("the number of children and young people referred to CAMHS {period}",
      "the median and longest wait from referral to first appointment {period}",
      "the number of referrals rejected or redirected to other services, with the reasons recorded",
      "the total budget allocated to children's mental health services {period}")),
    ("Agency and locum staffing spend",
     "There has been considerable local press coverage of agency staffing costs, and I am trying to "
     "build an accurate picture of spending on temporary staff in the health services you commission.",
     ("the total spend on agency and locum staff {period}",
      "the ten highest hourly rates paid to an agency for a single shift, with the staff group",
      "the number of shifts filled through framework and off-framework agencies",
      "any internal reports or board papers reviewing agency spend since 2023")),
    ("Ambulance handover delays",
     "I am researching delays in handing patients over from ambulance crews to emergency departments "
     "and how commissioners monitor and respond to them.",
     ("the number of ambulance handovers that took longer than 60 minutes at each hospital {period}",
      "the longest recorded handover delay at each hospital {period}",
      "any penalties or contract sanctions applied in relation to handover delays",
      "copies of any improvement plans agreed with providers to reduce handover times")),
    ("NHS Continuing Healthcare assessments",
     "A relative of mine went through the Continuing Healthcare process last year and the family found "
     "it very difficult to understand how decisions were reached.",
     ("the number of Continuing Healthcare checklists completed {period}",
      "the number of full assessments carried out and the number found eligible",
      "the number of appeals received and how many were upheld",
      "the average time from checklist to eligibility decision {period}")),
    ("IVF and fertility treatment commissioning",
     "I understand that access to fertility treatment varies a great deal between areas and I would "
     "like to compare the policy here with national guidance.",
     ("the number of NHS-funded IVF cycles offered to eligible patients",
      "the number of patients funded for IVF treatment {period}",
      "the eligibility criteria currently applied, including any age or BMI thresholds",
      "the annual spend on assisted conception services {period}")),
    ("GP practice closures and list dispersals",
     "Several practices near where I live have merged or closed and patients have been told to register "
     "elsewhere, sometimes several miles away.",
     ("the names of any GP practices that closed or merged {period}",
      "the number of patients affected by each closure or list dispersal",
      "the number of patients per full-time equivalent GP for each practice in the area",
      "any equality or quality impact assessments completed before those closures")),
    ("Cyber security incidents",
     "Following recent ransomware attacks on NHS suppliers, I am interested in how well prepared local "
     "health organisations are and what incidents have been recorded.",
     ("the number of cyber security incidents reported to NHS England {period}",
      "whether any incident led to the cancellation of clinical activity",
      "the amount spent on cyber security training and software {period}",
      "whether the organisation currently meets the Data Security and Protection Toolkit standards")),
    ("Interpreting and translation services",
     "I volunteer with a local refugee support group and we often hear from patients who were not "
     "offered an interpreter for their appointments.",
     ("the total spend on face-to-face, telephone and video interpreting {period}",
      "the twenty most frequently requested languages",
      "the name of each interpreting provider and the contract value and end date",
      "the number of complaints received about interpreting services {period}")),
    ("Patient transport eligibility",
     "My father needs regular dialysis and has been refused non-emergency patient transport, so I "
     "would like to understand the criteria and how often they are applied.",
     ("the number of applications for non-emergency patient transport {period}",
      "the number of applications refused and the most common reasons recorded",
      "the eligibility criteria and any local policy documents currently in use",
      "the contract value for the patient transport service and the provider's name")),
    ("Prescribing of weight management medicines",
     "There has been a lot of public interest in new weight management injections and I would like "
     "to understand how they are being made available locally.",
     ("the number of patients prescribed semaglutide or tirzepatide for weight management {period}",
      "the total cost of those prescriptions {period}",
      "the criteria used to decide who can access the specialist weight management service",
      "the current waiting list for the specialist weight management service")),
)
_FORMAT = ("I would prefer to receive the information electronically, ideally as a spreadsheet in CSV or "
           "Excel format rather than as a PDF.",
           "If possible, please send the information by email in a machine-readable format.",
           "An electronic copy sent to this email address would be ideal.")
_EXTRAS = (
    "If any part of this request would exceed the appropriate cost limit, please let me know how I "
    "could narrow it, in line with your duty to advise and assist under section 16 of the Act, before "
    "refusing it.",
    "If some of the information is exempt, please release the rest and tell me which exemption applies "
    "to the part you withhold, so that I can consider whether to ask for an internal review.",
    "If the information is held by another body, such as a provider trust or NHS England, I would be "
    "grateful if you could tell me which body holds it so that I can redirect my request.",
    "Where figures are small, I understand that you may need to suppress them to protect patient "
    "confidentiality; please indicate where this has been done rather than omitting the rows.",
    "I am not asking for any information that would identify individual patients or members of staff, "
    "and aggregated figures are entirely acceptable for my purposes.",
    "Please could you also confirm the date on which the figures were extracted and the system they "
    "came from, so that I can compare them properly with published national statistics.",
)
_CLOSINGS = ("I look forward to hearing from you within the statutory time limit of twenty working days.",
             "Thank you in advance for your help with this request.",
             "Many thanks for your time, and I look forward to your response.")
_SIGNOFFS = ("Kind regards,", "Yours faithfully,", "Best wishes,", "Many thanks,", "Regards,")
_STREETS = ("Station Road", "Victoria Street", "Church Lane", "Park Avenue", "Mill Road", "High Street")
_TOWNS = (("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QT"), ("Cardiff", "CF24 4HQ"), ("Preston", "PR1 3JT"),
          ("Norwich", "NR2 4PD"), ("Sheffield", "S10 2TN"))


def synthetic_request(i: int, seed: int = 0, words: int = 300) -> bytes:
    """The `i`th synthetic FOI request: an NHS topic, numbered questions, caveats and a sign-off,
    about `words` words; the same (i, seed) always gives the same bytes."""
    rng = random.Random(seed * 1_000_003 + i)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    subject, background, questions = _TOPICS[i % len(_TOPICS)]
    period = rng.choice(_PERIODS)
    asked = [q.format(period=period) for q in questions]
    rng.shuffle(asked)
    body = [rng.choice(_GREETINGS), rng.choice(_INTROS) + " " + background,
            "Please provide:\n" + "\n".join(f"{n}. {q[0].upper()}{q[1:]}." for n, q in enumerate(asked, 1))]
    extras = list(_EXTRAS)
    rng.shuffle(extras)
    tail = [rng.choice(_FORMAT), rng.choice(_CLOSINGS)]
    while extras and len(" ".join(body + tail).split()) < words - 15:
        body.append(extras.pop())
    street, (town, postcode) = rng.choice(_STREETS), rng.choice(_TOWNS)
    sign = [rng.choice(_SIGNOFFS), f"{first} {last}"]
    if rng.random() < 0.5:
        sign.append(f"{rng.randint(2, 180)} {street}\n{town}\n{postcode}")
    text = "\n\n".join([*body, *tail]) + "\n\n" + "\n".join(sign) + "\n"

    msg = EmailMessage()
    local = f"{first}.{last}".lower().replace("'", "")
    # One sender in four gives no display name, as many webmail users don't: the name is then
    # sought in the sign-off (and by the statistical model when the rules find none).
    display = f"{first} {last}" if rng.random() >= 0.25 else ""
    msg["From"] = Address(display_name=display, addr_spec=f"{local}{i}@{rng.choice(_DOMAINS)}")
    msg["To"] = Address(display_name="FOI Requests", addr_spec=FOI_ADDRESS)
    msg["Subject"] = rng.choice(("", "FOI request: ", "Freedom of Information request - ")) + subject
    msg["Date"] = format_datetime(datetime(2026, 11, 2, 8, 0, tzinfo=UTC).replace(minute=i % 60))
    msg["Message-ID"] = f"<synthetic-{seed}-{i}@example.org>"
    msg.set_content(text)
    return msg.as_bytes(policy=SMTP)


def synthetic_requests(n: int, seed: int = 0, words: int = 300) -> list[bytes]:
    return [synthetic_request(i, seed, words) for i in range(n)]
