"""Demo data: a fictional English authority with years of children, missing episodes and
return interviews, generated from a seed. No real person, place or authority appears.

`seed_demo` writes the records directly (`bulk_create`), because the services write one row
at a time, but keeps them as the services would have left them: every due point comes from
`homeward.cases.clock` under the authority's own settings (bunched interviews included);
offers come before declines and attempts before "no contact"; an interview held late has its
late reason (bar a few, which the clock job then lists); the reference counters continue
after the last reference used; and the alerts the clock job would already have sent are
recorded, so running it on the demo sends only what is new.

The same seed and `today` give the same children, episodes and interviews. The demo users'
passwords and authenticator keys are not derived from the seed: they are drawn with
`secrets` on every run and returned in the summary, to be printed once.

The shape of the data (sources in `homeward.synth.params` where one exists):

- about a third of the children are looked after (foster, children's home,
  semi-independent, ...), a third of those placed out of the authority's area, and a few
  are placed in the area by a neighbouring authority;
- repeat episodes have a heavy tail: most children go missing once or twice, a few ten
  times or more, in clusters;
- episodes mostly start in the afternoon and evening, last hours to days, and returns fall on
  any day, weekends and bank holidays included;
- most returned episodes get an interview, some bunched with the child's next episode
  (one interview for two or three episodes); of those closed about two thirds are held,
  a fifth declined (by the child or a parent or carer, with the reason) and the rest end
  with no contact made; what is still open is mostly recent, with a few stragglers overdue;
- a handful of episodes in the last days make the coordinator's home lively: children still
  missing, returns awaiting allocation, interviews due within 24 hours and overdue.
"""

from __future__ import annotations

import math
import random
import secrets
from base64 import b32encode
from collections import Counter as Tally
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import Role, User
from homeward.cases import clock, codes
from homeward.cases.models import (
    AdultOfConcern,
    Child,
    ChildAlias,
    ChildMatchKey,
    ChildMerge,
    ClockAlert,
    ContactAttempt,
    Counter,
    Episode,
    InformationShare,
    Offer,
    PlaceOfConcern,
    Referral,
    ReturnInterview,
    RiskFlag,
)
from homeward.cases.services import child_match_keys_rebuild
from homeward.organisations.models import Authority, Organisation
from homeward.standards.rules import AuthoritySettings
from homeward.synth.names import (
    BLACK_FIRST,
    BLACK_SURNAMES,
    CHINESE_SURNAMES,
    EAST_EUROPEAN_FIRST,
    EAST_EUROPEAN_SURNAMES,
    FEMALE,
    MALE,
    NICKNAMES,
    SOUTH_ASIAN_FIRST,
    SOUTH_ASIAN_SURNAMES,
    STAFF_FIRST,
    SURNAMES,
)

T = TypeVar("T")

HOME = ("E10000099", "Fenmoor County Council", "england")
#: Neighbours, for children placed out of area. Codes in a block ONS does not use.
NEIGHBOURS = (
    ("E06099901", "Brackenmouth Council", "england", "BRK"),
    ("W06099901", "Cwmtawel County Borough Council", "wales", "CWM"),
    ("S12099901", "Strathwhin Council", "scotland", "STW"),
)
TEAM = "Fenmoor Missing Children Team"
LEAVING_CARE_TEAM = "Fenmoor Leaving Care Team"
PROVIDER = "Safe Harbour Young People's Service (fictional charity)"
POLICE = "Fenmoor Constabulary"
POLICE_PREFIX = "FEN"
POLICE_CODE = "fenmoor"
CHILDRENS_HOME = "Birchwood Children's Home (fictional)"
CHILDRENS_HOME_URN = "SC900001"  # not a real Ofsted URN
EMAIL_DOMAIN = "fenmoor.example"

#: The demo users: username, role, organisation (team, provider, police or a children's home).
DEMO_USERS = (
    ("coordinator", Role.COORDINATOR, "team"),
    ("worker", Role.WORKER, "team"),
    ("worker2", Role.WORKER, "team"),
    ("provider.worker", Role.WORKER, "provider"),
    ("manager", Role.MANAGER, "team"),
    ("analyst", Role.ANALYST, "team"),
    ("police", Role.POLICE_LIAISON, "police"),
    ("admin", Role.ADMINISTRATOR, "team"),
    ("home.staff", Role.HOME_STAFF, "childrens_home"),
    # A national body's analyst: on this authority's instance the returns received are
    # none (it is no national body); the role is there to be seen signing in.
    ("national", Role.NATIONAL_ANALYST, "team"),
)
#: Colleagues who hold interviews too but do not sign in to the demo.
STAFF = (("team", 2), ("provider", 2))

#: The clock job is taken to have run up to this long before `today`.
ALERTS_SIMULATED_UNTIL = timedelta(hours=12)

# --- places (names of people come from homeward.synth.names) ---------------------------------

STREETS = (
    "Heron Close", "Marsh Lane", "Sedge Road", "Willow Court", "Fen Street", "Bittern Way",
    "Reedbed Avenue", "Dyke End", "Lode Road", "Causeway Gardens", "Mill Drove", "Eel Walk",
    "Drainside", "Washland Road", "Pumping Station Lane", "Osier Close",
)  # fmt: skip
TOWNS = ("Fenmoor", "Fenmoor", "Fenmoor", "Lode St Mary", "Hollowmere", "Sedgeby", "Oxholme")

# --- the shapes of the data --------------------------------------------------------------------

ETHNICITY_WEIGHTS = {
    "WBRI": 62, "WIRI": 1, "WOTH": 6, "WIRT": 0.5, "WROM": 1, "MWBC": 5, "MWBA": 1.5,
    "MWAS": 1.5, "MOTH": 3, "AIND": 2, "APKN": 3, "ABAN": 1.5, "AOTH": 1, "BCRB": 2.5,
    "BAFR": 3.5, "BOTH": 1, "CHNE": 0.3, "OOTH": 1.5, "REFU": 0.5, "NOBT": 2,
}  # fmt: skip
LEGAL_WEIGHTS = {
    codes.LegalStatus.LOOKED_AFTER: 30,
    codes.LegalStatus.CHILD_IN_NEED: 17,
    codes.LegalStatus.CHILD_PROTECTION: 9,
    codes.LegalStatus.CARE_LEAVER: 2,
    codes.LegalStatus.NONE: 42,
}
PLACEMENT_WEIGHTS = {
    codes.PlacementType.FOSTER: 38,
    codes.PlacementType.CHILDRENS_HOME: 34,
    codes.PlacementType.SEMI_INDEPENDENT: 15,
    codes.PlacementType.PLACED_WITH_PARENTS: 5,
    codes.PlacementType.RESIDENTIAL_SCHOOL: 3,
    codes.PlacementType.SECURE: 1,
    codes.PlacementType.OTHER: 4,
}
#: Episodes per child: (low, high, weight). Most once or twice, a tail past ten.
EPISODE_COUNTS = (
    (1, 1, 44), (2, 2, 20), (3, 3, 10), (4, 5, 10), (6, 9, 9), (10, 18, 5), (19, 40, 2),
)  # fmt: skip
AGE_AT_FIRST = {10: 3, 11: 4, 12: 7, 13: 12, 14: 20, 15: 25, 16: 20, 17: 9}
#: Hour of the day an episode starts: mostly afternoon and evening.
START_HOUR_WEIGHTS = (
    2, 2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 5, 7, 8, 9, 9, 9, 8, 7, 5, 3,
)  # fmt: skip
RISK_WEIGHTS = {
    codes.RiskGrade.NO_APPARENT_RISK: 10,
    codes.RiskGrade.LOW: 30,
    codes.RiskGrade.MEDIUM: 45,
    codes.RiskGrade.HIGH: 15,
}
OFFER_METHODS = (
    codes.ContactMethod.PHONE,
    codes.ContactMethod.IN_PERSON,
    codes.ContactMethod.TEXT,
    codes.ContactMethod.VIA_CARER,
)
OUTCOME_WEIGHTS = {"held": 66, "declined": 22, "no_contact": 12}
#: The recent interviews forced closed (each force's outcome), none signed off: left with
#: the worker to submit for sign-off, but "submitted" (held and waiting for sign-off).
FORCED_CLOSED = {
    "held": "held",
    "declined": "declined",
    "no_contact": "no_contact",
    "submitted": "held",
}
HARM_WEIGHTS = {
    codes.Harm.DRUGS_ALCOHOL: 18,
    codes.Harm.UNKNOWN_ADULTS: 12,
    codes.Harm.SLEPT_ROUGH: 10,
    codes.Harm.CRIMINAL_EXPLOITATION: 8,
    codes.Harm.SEXUAL_EXPLOITATION: 7,
    codes.Harm.BULLYING: 7,
    codes.Harm.PHYSICAL_HARM: 6,
    codes.Harm.SELF_HARM: 6,
    codes.Harm.DOMESTIC_ABUSE: 5,
    codes.Harm.SEXUAL_ASSAULT: 2,
    codes.Harm.TRAFFICKING: 1,
    codes.Harm.OTHER: 3,
}

# --- free text, from templates -----------------------------------------------------------------

CIRCUMSTANCES = (
    "Left {place} after an argument about {topic} and did not come back by the agreed time.",
    "Did not return from school; last seen at the bus station with a group of older young people.",
    "Went out to meet friends and stopped answering {their} phone after {hour}pm.",
    "Climbed out of a window at {place} during the night; noticed at the morning check.",
    "Failed to return from contact with family. Phone switched off.",
    "Left after being told not to go to a party. Believed to be with a friend.",
    "Got into a car near {place}; registration not known.",
    "Walked out after a disagreement with {carers} about {topic}.",
    "Not back by the curfew in {their} safety plan; social media posts suggest another town.",
)
TOPICS = ("phone use", "a curfew", "money", "school", "a boyfriend", "a girlfriend", "contact")
LAST_SEEN = (
    "Fenmoor bus station", "Town centre, near the market", "Outside school", "Sedgeby retail "
    "park", "Home address", "Placement address", "Hollowmere skate park", "Fenmoor railway "
    "station", "A friend's house in Oxholme", "The leisure centre",
)  # fmt: skip
FOUND_WHERE = (
    "Returned home on own accord", "Returned to placement on own accord", "Found at a friend's "
    "address", "Found in Fenmoor town centre", "Found at a railway station in another county",
    "Found at an address in Brackenmouth", "Collected by carer from a park",
    "Found by police at a flat in Sedgeby", "Walked into a police station",
)  # fmt: skip
FOUND_BY = ("Self", "Self", "Self", "Police", "Parent", "Carer", "Placement staff", "Friend")
HELD_WHERE = (
    "Home", "Placement", "School", "Café in Fenmoor town centre", "Safe Harbour office",
    "Youth centre", "Walk in the park", "Family centre", "Car, parked outside home",
)  # fmt: skip
PUSH = (
    "Arguments at home about {topic}; does not feel listened to.",
    "Falling out with another young person at school.",
    "Finds the house rules stricter than before.",
    "Finds school hard and is worried about exams.",
    "A parent's new partner has moved in; feels pushed out.",
    "Misses {their} brothers and sisters.",
    "Feels bored and lonely in the evenings.",
)
PULL = (
    "Wanted to be with friends from {their} old area.",
    "An older friend offers lifts, food and somewhere to stay.",
    "Goes to parties where there is alcohol and cannabis.",
    "Wanted to meet someone first met online.",
    "Was asked to 'help out' by people not named, and paid in cash.",
    "Wanted to see a parent, which is allowed only when supervised.",
)
WHEREABOUTS = (
    "With a friend at the friend's house; the friend's parent was home.",
    "Moving between the town centre and a park with a group; slept on a friend's sofa.",
    "At a flat in Sedgeby with people met that night; would not say more.",
    "Travelled by train to another town with an older friend.",
    "Stayed in a car with two older young people.",
    "Walking around, then at the bus station until found.",
)
CHILD_WORDS = (
    '"I just needed space. Nobody listens when I\'m at home."',
    '"It\'s not a big deal, everyone does it."',
    '"I didn\'t want to go back there."',
    '"They look after me. They\'re my friends."',
    '"I was scared to come back because I knew I\'d be in trouble."',
    '"I don\'t want to talk about it."',
    '"I wanted to see my brother."',
)
CHILD_WISHES = (
    "More say about contact with family.",
    "To move to a placement nearer friends.",
    "For staff to stop taking {their} phone.",
    "To go back to {their} old school.",
    "To be allowed out later at weekends.",
    "The same worker next time.",
)
#: (coded reason, the words) of a decline and of a late interview.
DECLINE_REASONS = {
    codes.DeclinedBy.CHILD: (
        (codes.DeclineReason.ALREADY_SUPPORTED,
         "Has already talked to the police and does not want to talk again."),
        (codes.DeclineReason.NOT_A_PROBLEM, "Does not see the point; says nothing happened."),
        (codes.DeclineReason.DISTRUST, "Would only talk to the previous worker, who has left."),
        (codes.DeclineReason.NOT_WANTED, "Too tired; did not want to be 'interviewed'."),
    ),
    codes.DeclinedBy.PARENT_CARER: (
        (codes.DeclineReason.CARER_REFUSED,
         "Parent said the family will deal with it themselves."),
        (codes.DeclineReason.CARER_REFUSED,
         "Carer felt another conversation would unsettle the young person."),
        (codes.DeclineReason.OTHER, "Parent did not want a worker to visit the house."),
    ),
}  # fmt: skip
LATE_REASONS = (
    (codes.LateReason.CHILD_UNAVAILABLE, "Child not available until after the weekend."),
    (codes.LateReason.CHILD_CHOSE_LATER, "Child asked to meet after school, outside the 72 hours."),
    (codes.LateReason.LATE_NOTIFICATION, "Notification of the return reached the team late."),
    (codes.LateReason.NO_WORKER, "Worker capacity: two workers on leave."),
    (codes.LateReason.CHILD_CHOSE_LATER,
     "First visit: the child was asleep and asked to rearrange."),
    (codes.LateReason.MISSING_AGAIN,
     "Child had gone missing again; interview held after the later return."),
)  # fmt: skip
ATTEMPT_NOTES = (
    "No answer; voicemail left.", "Text sent, no reply.", "Carer said the child was out.",
    "Visited: no one home.", "Phone switched off.", "Spoke to the child, arranged to meet.",
)  # fmt: skip
SIGN_OFF_NOTES = (
    "", "", "Good analysis of push and pull factors.", "Please chase the CAMHS referral.",
    "Safety plan to be reviewed at the next meeting.", "Share with the exploitation panel.",
)  # fmt: skip
PLACES = (
    "Flat above the takeaway, Sedgeby high street", "Hollowmere skate park",
    "Car park behind the Fenmoor retail park", "A house party address in Oxholme",
    "Underpass near Fenmoor railway station", "Chicken shop on Market Street",
)  # fmt: skip
ADULTS = (
    "Older male known as 'T', drives a black car", "Woman in her twenties known as 'Jay'",
    "Two older males who 'give lifts'", "Man called 'Uncle' by the group",
    "Older friend known as 'Mo', about 19",
)  # fmt: skip
REFERRALS = (
    ("CAMHS", ("Accepted", "On the waiting list", "Not accepted", "")),
    ("Early help", ("Accepted", "Family declined", "")),
    ("Exploitation team", ("Accepted", "Discussed at the exploitation panel", "")),
    ("Young people's drug and alcohol service", ("Accepted", "Child declined", "")),
    ("Youth service", ("Attending", "Did not attend", "")),
    ("School nurse", ("Seen", "")),
)
SHARE_DETAILS = {
    codes.ShareRecipient.POLICE: "Names of places and adults of concern passed as intelligence.",
    codes.ShareRecipient.SOCIAL_WORKER: "Summary of the interview and the child's wishes.",
    codes.ShareRecipient.SCHOOL: "Concerns about peers at school, shared with the DSL.",
    codes.ShareRecipient.HEALTH: "Sexual health concerns, shared with the school nurse.",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation: str
    password: str
    totp_key: str
    otpauth_uri: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass(frozen=True)
class DemoSummary:
    authority: str
    start: date
    today: datetime
    children: int
    episodes: int
    interviews: int
    outcomes: dict[str, int]
    overdue: int
    due_soon: int
    still_missing: int
    awaiting_allocation: int
    users: list[DemoUser] = field(default_factory=list)


# --- helpers -----------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def _hours(value: float) -> timedelta:
    return timedelta(hours=value)


def _at(moment: date | datetime | None) -> datetime:
    if moment is None:
        return timezone.now()
    if isinstance(moment, datetime):
        return moment if timezone.is_aware(moment) else clock.aware(moment)
    return clock.aware(datetime.combine(moment, time(12, 0)))


def _their(sex: str) -> str:
    return {"female": "her", "male": "his"}.get(sex, "their")


def _eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return date(born.year + 18, 3, 1)


def _password() -> str:
    """Four groups of four letters and digits, none easily misread (about 78 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Let `created_at`/`updated_at`/`sent_at` keep the times the generator gives them."""
    fields: list[Any] = [
        model._meta.get_field(name)
        for model in (Child, Episode, ReturnInterview, ClockAlert)
        for name in ("created_at", "updated_at", "sent_at")
        if any(f.name == name for f in model._meta.get_fields())
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- the generator -----------------------------------------------------------------------------


@dataclass
class _World:
    home: Authority
    neighbours: list[tuple[Authority, str]]
    team: Organisation
    provider: Organisation
    police: Organisation
    users: dict[str, User]
    team_workers: list[User]
    provider_workers: list[User]
    settings: AuthoritySettings


@dataclass
class _ChildPlan:
    child: Child
    starts: list[datetime]
    flags: set[str] = field(default_factory=set)
    recent: bool = False
    last_worker: User | None = None


@dataclass
class _Case:
    """One interview being generated, with its episodes and what happened."""

    interview: ReturnInterview
    episodes: list[Episode]
    plan: _ChildPlan
    force: str = ""  # "", "open", "offered", or one of FORCED_CLOSED


class _Generator:
    def __init__(self, rng: random.Random, now: datetime, years: int, world: _World) -> None:
        self.rng = rng
        self.now = now
        self.start = now - timedelta(days=round(365.25 * years))
        self.world = world
        self.police_serial = 0
        self.care_serial = 0
        self.children: list[_ChildPlan] = []
        self.episodes: list[Episode] = []
        self.cases: list[_Case] = []
        self.rows: dict[type[models.Model], list[models.Model]] = {
            model: []
            for model in (
                ChildAlias,
                RiskFlag,
                Offer,
                ContactAttempt,
                PlaceOfConcern,
                AdultOfConcern,
                Referral,
                InformationShare,
                ClockAlert,
            )
        }

    # children ------------------------------------------------------------------------------

    def child(self, *, first_at: datetime, age: int | None = None) -> _ChildPlan:
        rng = self.rng
        sex = rng.choices(["female", "male", "unknown"], [54, 45, 1])[0]
        ethnicity = _pick(rng, ETHNICITY_WEIGHTS)
        first, last = self._name(sex, ethnicity)
        age = age if age is not None else _pick(rng, AGE_AT_FIRST)
        born = first_at.date() - timedelta(days=round(365.25 * age) + rng.randrange(365))
        legal = _pick(rng, LEGAL_WEIGHTS)
        responsible, host = self.world.home, None
        placement = ""
        if legal == codes.LegalStatus.LOOKED_AFTER:
            placement = _pick(rng, PLACEMENT_WEIGHTS)
            roll = rng.random()
            if roll < 0.3:
                host = rng.choice(self.world.neighbours)[0]
            elif roll < 0.42:
                responsible, host = rng.choice(self.world.neighbours)[0], self.world.home
        since, upn = (None, "")
        if legal == codes.LegalStatus.LOOKED_AFTER:
            since, upn = self._care(born, first_at.date())
        social_worker = ""
        if legal != codes.LegalStatus.NONE:
            social_worker = f"{rng.choice(STAFF_FIRST)} {rng.choice(SURNAMES)}"
        district, sector = rng.randint(1, 9), rng.randint(1, 9)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"ZZ{district} {sector}{rng.choice(letters)}{rng.choice(letters)}"
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"
        child = Child(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            sex=sex,
            ethnicity=ethnicity,
            address=address,
            postcode=postcode,
            legal_status=legal,
            placement_type=placement,
            responsible_authority=responsible,
            host_authority=host,
            social_worker=social_worker,
            looked_after_since=since,
            upn=upn,
        )
        plan = _ChildPlan(child=child, starts=[])
        self.children.append(plan)
        if rng.random() < 0.1:
            nickname = NICKNAMES.get(first)
            alias = f"{nickname} {last}" if nickname else f"{first} {rng.choice(SURNAMES)}"
            self.rows[ChildAlias].append(ChildAlias(child=child, name=alias))
        return plan

    def _care(self, born: date, first_day: date) -> tuple[date, str]:
        """When a looked-after child's period of care began (after birth, up to four years
        before their first episode) and a generated UPN (SSDA903). Drawn from a stream of
        their own, so the rest of the demo is what the seed always gave."""
        self.care_serial += 1
        serial = self.care_serial
        own = random.Random(f"care-{serial}-{born}-{first_day}")  # noqa: S311 (generated data)
        since = first_day - timedelta(
            days=own.randint(1, max(1, min(1460, (first_day - born).days - 1)))
        )
        # A UPN: check letter, a fictional LA number (999), school and year, serial number.
        digits = f"999{2000 + serial // 1000:04d}{born.year % 100:02d}{serial % 1000:03d}"
        total = sum(int(d) * weight for weight, d in enumerate(digits, start=2))
        return since, "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + digits

    def _name(self, sex: str, ethnicity: str) -> tuple[str, str]:
        rng = self.rng
        gender = sex if sex in ("female", "male") else rng.choice(["female", "male"])
        general = FEMALE if gender == "female" else MALE
        if ethnicity in ("AIND", "APKN", "ABAN", "AOTH"):
            return rng.choice(SOUTH_ASIAN_FIRST[gender]), rng.choice(SOUTH_ASIAN_SURNAMES)
        if ethnicity in ("BCRB", "BAFR", "BOTH"):
            firsts = (*BLACK_FIRST[gender], *general)
            return rng.choice(firsts), rng.choice(BLACK_SURNAMES)
        if ethnicity in ("MWBC", "MWBA") and rng.random() < 0.4:
            return rng.choice(general), rng.choice(BLACK_SURNAMES)
        if ethnicity in ("WOTH", "WROM") and rng.random() < 0.7:
            return rng.choice(EAST_EUROPEAN_FIRST[gender]), rng.choice(EAST_EUROPEAN_SURNAMES)
        if ethnicity == "CHNE":
            return rng.choice(general), rng.choice(CHINESE_SURNAMES)
        return rng.choice(general), rng.choice(SURNAMES)

    def episode_starts(self, plan: _ChildPlan, first_at: datetime, until: datetime) -> None:
        """The child's episodes: a count from the heavy tail, in clusters, before 18."""
        rng = self.rng
        low, high, _ = rng.choices(EPISODE_COUNTS, [w for *_, w in EPISODE_COUNTS])[0]
        count = rng.randint(low, high)
        mean_gap_days = 45.0 if count <= 3 else max(4.0, 120.0 / math.sqrt(count))
        born = plan.child.date_of_birth
        assert born is not None
        adult = clock.aware(datetime.combine(_eighteenth_birthday(born), time(0)))
        at = first_at
        for _ in range(count):
            if at >= until or at >= adult:
                break
            plan.starts.append(at)
            at = at + timedelta(days=0.6 + rng.expovariate(1 / mean_gap_days))
            at = self._start_time(at.date())

    def _start_time(self, day: date) -> datetime:
        hour = self.rng.choices(range(24), START_HOUR_WEIGHTS)[0]
        return clock.aware(datetime.combine(day, time(hour, self.rng.randrange(60))))

    def risk_flags(self, plan: _ChildPlan) -> None:
        rng = self.rng
        episodes = len(plan.starts)
        if not episodes:
            return
        weight = min(1.0, 0.08 + 0.03 * episodes)
        first = plan.starts[0].date()
        for kind, p in ((codes.RiskKind.CSE, 1.0), (codes.RiskKind.CCE, 1.0)):
            if rng.random() < weight * p:
                plan.flags.add(kind)
        if plan.flags and rng.random() < 0.05:
            plan.flags.add(codes.RiskKind.TRAFFICKING)
        for kind in sorted(plan.flags):
            noted = first + timedelta(days=rng.randrange(0, 200))
            noted = min(noted, self.now.date())
            ended = None
            if rng.random() < 0.2 and noted + timedelta(days=180) < self.now.date():
                ended = noted + timedelta(days=rng.randrange(90, 180))
            self.rows[RiskFlag].append(
                RiskFlag(
                    child=plan.child,
                    kind=kind,
                    noted_on=noted,
                    source=rng.choice(
                        ("Police", "School", "Social worker", "Return interview", "Health")
                    ),
                    ended_on=ended,
                )
            )

    # episodes ------------------------------------------------------------------------------

    def episode(
        self,
        plan: _ChildPlan,
        started: datetime,
        *,
        returned: datetime | bool | None = True,
        notified_after: float | None = None,
    ) -> Episode:
        """One episode; `returned` True draws the return, a datetime fixes it, None: missing."""
        rng = self.rng
        child = plan.child
        looked_after = child.legal_status == codes.LegalStatus.LOOKED_AFTER
        category = codes.Category.ABSENT if rng.random() < (0.15 if looked_after else 0.05) else ""
        category = category or codes.Category.MISSING
        if returned is True:
            hours = min(24 * 14, max(0.5, rng.lognormvariate(math.log(9), 1.1)))
            if category == codes.Category.ABSENT:
                hours = min(hours, rng.uniform(1, 10))
            returned = started + _hours(hours)
        if isinstance(returned, datetime) and returned > self.now:
            returned = None
        reported = None
        if category == codes.Category.MISSING or rng.random() < 0.5:
            reported = started + _hours(rng.uniform(0.3, 5))
            if returned is not None and isinstance(returned, datetime):
                reported = min(reported, returned)
            reported = min(reported, self.now)
        notified = None
        if isinstance(returned, datetime):
            delay = notified_after if notified_after is not None else rng.uniform(0.3, 20)
            notified = returned + _hours(delay)
            if notified > self.now:
                notified = None
        host = child.host_authority if child.host_authority_id is not None else None
        out_of_area = host is not None and not host.is_home
        self.police_serial += 1
        year = f"{started:%y}"
        force = None if out_of_area else self.world.police
        if reported is None:
            police_reference = ""
            force = None
        elif out_of_area:
            prefix = next(p for a, p in self.world.neighbours if a == host)
            police_reference = f"{prefix}/{year}/{self.police_serial:05d}"
        else:
            police_reference = f"{POLICE_PREFIX}/{year}/{self.police_serial:05d}"
        risk = _pick(self.rng, RISK_WEIGHTS)
        if plan.flags and risk in (codes.RiskGrade.NO_APPARENT_RISK, codes.RiskGrade.LOW):
            risk = codes.RiskGrade.MEDIUM if rng.random() < 0.6 else risk
        circumstances = rng.choice(CIRCUMSTANCES).format(
            place="the placement" if looked_after else "home",
            carers="placement staff" if looked_after else "parents",
            topic=rng.choice(TOPICS),
            their=_their(child.sex),
            hour=rng.randint(6, 11),
        )
        recorded = min(self.now, (reported or started) + _hours(rng.uniform(0.2, 4)))
        if isinstance(returned, datetime):
            last_change = max(recorded, notified or returned)
        else:
            last_change = recorded
        episode = Episode(
            child=child,
            category=category,
            missing_from=codes.MissingFrom.CARE if looked_after else codes.MissingFrom.HOME,
            started_at=started,
            reported_to_police_at=reported,
            returned_at=returned if isinstance(returned, datetime) else None,
            notified_at=notified,
            police_force=force,
            police_reference=police_reference,
            risk_grade=risk,
            circumstances=circumstances,
            last_seen_where=rng.choice(LAST_SEEN),
            found_where=rng.choice(FOUND_WHERE) if isinstance(returned, datetime) else "",
            found_by=rng.choice(FOUND_BY) if isinstance(returned, datetime) else "",
            created_by=self.world.users["coordinator"],
            created_at=recorded,
            updated_at=min(self.now, last_change),
        )
        settings = self.world.settings
        start = clock.clock_start(settings, episode.returned_at, episode.notified_at)
        episode.due_at = clock.due_point(settings, start) if start is not None else None
        episode.due_rule = clock.rule_text(settings) if start is not None else ""
        self.episodes.append(episode)
        return episode

    # interviews ----------------------------------------------------------------------------

    def groups(self, episodes: list[Episode]) -> list[list[Episode]]:
        """Episodes to interview together: the next episode starting within three days of a
        return is often bunched into the same interview (at most three)."""
        groups: list[list[Episode]] = []
        for episode in episodes:
            if episode.returned_at is None:
                continue
            last = groups[-1] if groups else None
            if (
                last is not None
                and len(last) < 3
                and last[-1].returned_at is not None
                and episode.started_at - last[-1].returned_at < timedelta(days=3)
                and self.rng.random() < 0.7
            ):
                last.append(episode)
            else:
                groups.append([episode])
        return groups

    def allocate(
        self,
        plan: _ChildPlan,
        episodes: list[Episode],
        *,
        worker: User | None = None,
        force: str = "",
        after: float | None = None,
    ) -> _Case | None:
        rng = self.rng
        ready = max((e.notified_at or e.returned_at or e.started_at) for e in episodes)
        allocated = ready + _hours(after if after is not None else rng.uniform(0.3, 12))
        if allocated > self.now:
            return None
        if worker is None:
            worker = self._worker_for(plan)
        settings = self.world.settings
        starts = [clock.clock_start(settings, e.returned_at, e.notified_at) for e in episodes]
        due = clock.interview_due(settings, starts)
        organisation = worker.organisation
        assert organisation is not None
        interview = ReturnInterview(
            child=plan.child,
            allocated_organisation=organisation,
            allocated_worker=worker,
            allocated_at=allocated,
            allocated_by=self.world.users["coordinator"],
            interviewer_independent=(
                True if organisation.kind == Organisation.Kind.PROVIDER else rng.random() < 0.8
            ),
            chosen_by_child=True if rng.random() < 0.05 else None,
            due_at=due,
            due_rule=clock.rule_text(settings) if due is not None else "",
            created_at=allocated,
            updated_at=allocated,
        )
        if settings.bunching.value == "latest" and due is not None:
            for episode in episodes:
                episode.due_at = due
        for episode in episodes:
            episode.interview = interview
        case = _Case(interview, episodes, plan, force)
        self.cases.append(case)
        plan.last_worker = worker
        return case

    def _worker_for(self, plan: _ChildPlan) -> User:
        rng = self.rng
        previous = plan.last_worker
        if previous is not None and rng.random() < 0.8:
            return previous
        host = plan.child.host_authority
        out_of_area = host is not None and not host.is_home
        to_provider = rng.random() < (0.6 if out_of_area else 0.35)
        return rng.choice(self.world.provider_workers if to_provider else self.world.team_workers)

    def live(self, case: _Case) -> None:
        """What happened to the interview, up to now."""
        rng = self.rng
        interview = case.interview
        allocated = interview.allocated_at
        assert allocated is not None
        worker = interview.allocated_worker
        kind = FORCED_CLOSED.get(case.force) or _pick(rng, OUTCOME_WEIGHTS)
        straggler = (
            not case.force and self.now - allocated < timedelta(days=90) and rng.random() < 0.06
        )
        offers: list[Offer] = []
        attempts: list[ContactAttempt] = []
        first_offer = allocated + _hours(rng.uniform(0.5, 20))
        if case.force in ("open", "offered"):
            first_offer = allocated + _hours(rng.uniform(0.2, 2))
        offer_to = codes.OfferedTo.PARENT_CARER if rng.random() < 0.2 else codes.OfferedTo.CHILD
        offers.append(
            Offer(
                interview=interview,
                offered_at=first_offer,
                offered_to=offer_to,
                method=rng.choice(OFFER_METHODS),
                recorded_by=worker,
            )
        )
        closed_at: datetime | None
        if kind == "held":
            tries = rng.choices([0, 1, 2], [60, 28, 12])[0]
            at = first_offer
            for _ in range(tries):
                at += _hours(rng.uniform(3, 20))
                attempts.append(self._attempt(interview, at, worker, successful=False))
            held = max(
                at + _hours(rng.uniform(1, 30)),
                allocated + _hours(rng.lognormvariate(math.log(40), 0.8)),
            )
            if case.force in FORCED_CLOSED:
                held = min(held, self.now - _hours(rng.uniform(1, 5)))
                held = max(held, first_offer + _hours(0.5))
            reached = max(allocated + _hours(0.2), held - _hours(rng.uniform(2, 24)))
            attempts.append(self._attempt(interview, min(reached, held), worker, True))
            closed_at = held
        elif kind == "declined":
            closed_at = first_offer + _hours(rng.uniform(0.1, 48))
        else:
            offers.pop()  # no one was reached to be offered it
            at = allocated
            for _ in range(rng.randint(2, 4)):
                at += _hours(rng.uniform(6, 40))
                attempts.append(self._attempt(interview, at, worker, successful=False))
            closed_at = at + _hours(rng.uniform(12, 72))
        if case.force in ("declined", "no_contact"):  # closed within the hour, not later
            closed_at = min(closed_at, self.now - _hours(rng.uniform(1, 5)))
            attempts = [a for a in attempts if a.attempted_at <= closed_at]
        is_open = case.force in ("open", "offered") or straggler or closed_at > self.now
        if case.force == "open":
            offers = []
            attempts = [a for a in attempts if not a.successful][:1]
        offers = [o for o in offers if o.offered_at <= self.now]
        attempts = [a for a in attempts if a.attempted_at <= self.now]
        if is_open:
            attempts = [a for a in attempts if not a.successful]
            if straggler:
                cutoff = allocated + _hours(rng.uniform(1, 72))
                offers = [o for o in offers if o.offered_at <= cutoff]
                attempts = [a for a in attempts if a.attempted_at <= cutoff]
            closed_at = None
        self.rows[Offer].extend(offers)
        self.rows[ContactAttempt].extend(attempts)
        changes = len(offers) + len(attempts)
        last_change = max([allocated] + [o.offered_at for o in offers]
                          + [a.attempted_at for a in attempts])  # fmt: skip
        if closed_at is not None and kind == "held":
            self._write_up(case, closed_at)
            last_change = interview.written_up_at or closed_at
            changes += 1
        elif closed_at is not None and kind == "declined":
            declined_by = (
                codes.DeclinedBy.PARENT_CARER
                if offer_to == codes.OfferedTo.PARENT_CARER or rng.random() < 0.15
                else codes.DeclinedBy.CHILD
            )
            interview.outcome = codes.Outcome.DECLINED
            interview.declined_by = declined_by
            interview.decline_reason_code, interview.decline_reason = rng.choice(
                DECLINE_REASONS[declined_by]
            )
            interview.outcome_recorded_at = closed_at
            last_change = closed_at
            changes += 1
        elif closed_at is not None:
            interview.outcome = codes.Outcome.NO_CONTACT
            interview.outcome_recorded_at = closed_at
            last_change = closed_at
            changes += 1
        closed_change = last_change
        if closed_at is not None and rng.random() < 0.92 and case.force not in FORCED_CLOSED:
            signed = last_change + timedelta(days=rng.uniform(0.5, 12))
            if signed < self.now:
                interview.signed_off_at = signed
                interview.signed_off_by = self.world.users["manager"]
                interview.sign_off_note = rng.choice(SIGN_OFF_NOTES)
                last_change = signed
                changes += 1
        if closed_at is not None and case.force in ("", "submitted"):
            # Submitted for sign-off within the hour of closing it (no random draw: the
            # rest of the generated data stays as it was). The few never signed off wait
            # in the managers' sign-off queue.
            submitted = closed_change + timedelta(hours=1)
            if case.force == "submitted":
                submitted = min(submitted, self.now)
            if interview.signed_off_at is not None:
                submitted = min(submitted, interview.signed_off_at)
            if submitted <= self.now:
                interview.submitted_for_sign_off_at = submitted
                interview.submitted_for_sign_off_by = worker
                changes += 1
        interview.version = 1 + changes
        interview.updated_at = min(self.now, last_change)

    def _attempt(
        self, interview: ReturnInterview, at: datetime, worker: User | None, successful: bool
    ) -> ContactAttempt:
        note = ATTEMPT_NOTES[-1] if successful else self.rng.choice(ATTEMPT_NOTES[:-1])
        return ContactAttempt(
            interview=interview,
            attempted_at=at,
            method=self.rng.choice(
                (codes.ContactMethod.PHONE, codes.ContactMethod.TEXT, codes.ContactMethod.IN_PERSON)
            ),
            successful=successful,
            note=note,
            recorded_by=worker,
        )

    def _write_up(self, case: _Case, held: datetime) -> None:
        rng = self.rng
        interview = case.interview
        plan = case.plan
        looked_after = plan.child.legal_status == codes.LegalStatus.LOOKED_AFTER
        their = _their(plan.child.sex)
        harms: set[str] = set()
        if rng.random() < 0.6:
            for _ in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
                harms.add(_pick(rng, HARM_WEIGHTS))
        if codes.RiskKind.CSE in plan.flags and rng.random() < 0.5:
            harms.add(codes.Harm.SEXUAL_EXPLOITATION)
        if codes.RiskKind.CCE in plan.flags and rng.random() < 0.5:
            harms.add(codes.Harm.CRIMINAL_EXPLOITATION)
        written = min(self.now, held + _hours(rng.uniform(1, 48)))
        interview.held_at = held
        interview.held_where = rng.choice(HELD_WHERE)
        interview.push_factors = rng.choice(PUSH).format(topic=rng.choice(TOPICS), their=their)
        interview.pull_factors = rng.choice(PULL).format(their=their)
        interview.whereabouts = rng.choice(WHEREABOUTS)
        interview.harms = sorted(str(harm) for harm in harms)
        interview.child_words = rng.choice(CHILD_WORDS)
        interview.child_wishes = rng.choice(CHILD_WISHES).format(their=their)
        interview.follow_up_offered = rng.random() < 0.85
        interview.follow_up_taken_up = interview.follow_up_offered and rng.random() < 0.6
        interview.safety_plan_updated = (rng.random() < 0.7) if looked_after else None
        interview.outcome = codes.Outcome.ACCEPTED
        interview.outcome_recorded_at = written
        interview.written_up_at = written
        interview.written_up_by = interview.allocated_worker
        if interview.due_at is not None and held > interview.due_at and rng.random() < 0.97:
            interview.late_reason_code, interview.late_reason = rng.choice(LATE_REASONS)
        exploited = harms & {
            codes.Harm.SEXUAL_EXPLOITATION,
            codes.Harm.CRIMINAL_EXPLOITATION,
            codes.Harm.UNKNOWN_ADULTS,
            codes.Harm.TRAFFICKING,
        }
        if exploited:
            for place in rng.sample(PLACES, rng.randint(1, 2)):
                self.rows[PlaceOfConcern].append(
                    PlaceOfConcern(
                        interview=interview,
                        description=place,
                        postcode=f"ZZ{rng.randint(1, 9)} {rng.randint(1, 9)}"
                        f"{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                        # Every other place is marked shareable with the police (no random
                        # draw, so the rest of the demo data stays as it was).
                        shareable=len(self.rows[PlaceOfConcern]) % 2 == 0,
                    )
                )
            if rng.random() < 0.6:
                self.rows[AdultOfConcern].append(
                    AdultOfConcern(
                        interview=interview,
                        description=rng.choice(ADULTS),
                        shareable=len(self.rows[AdultOfConcern]) % 2 == 0,
                    )
                )
        if rng.random() < 0.3 or (exploited and rng.random() < 0.6):
            service, outcomes = rng.choice(REFERRALS)
            if exploited and rng.random() < 0.5:
                service, outcomes = REFERRALS[2]
            made_on = (written + timedelta(days=rng.randint(0, 5))).date()
            made_on = min(self.now.date(), made_on)
            self.rows[Referral].append(
                Referral(
                    interview=interview,
                    service=service,
                    made_on=made_on,
                    outcome=rng.choice(outcomes),
                )
            )
        recipients: list[tuple[str, str]] = []
        if exploited and rng.random() < 0.7:
            recipients.append((codes.ShareRecipient.POLICE, codes.ShareBasis.SAFEGUARDING))
        if looked_after and rng.random() < 0.5:
            recipients.append((codes.ShareRecipient.SOCIAL_WORKER, codes.ShareBasis.CONSENT))
        if rng.random() < 0.08:
            recipients.append((codes.ShareRecipient.SCHOOL, codes.ShareBasis.SAFEGUARDING))
        for recipient, basis in recipients:
            self.rows[InformationShare].append(
                InformationShare(
                    interview=interview,
                    recipient=recipient,
                    shared_at=min(self.now, written + _hours(rng.uniform(0.5, 30))),
                    basis=basis,
                    detail=SHARE_DETAILS[recipient],
                    shared_by=interview.allocated_worker,
                )
            )

    # the alerts the clock job would have sent --------------------------------------------

    def alerts(self, recipients: dict[int, str]) -> None:
        until = self.now - ALERTS_SIMULATED_UNTIL
        for case in self.cases:
            interview = case.interview
            due, allocated = interview.due_at, interview.allocated_at
            if due is None or allocated is None:
                continue
            closed = interview.held_at or (
                interview.outcome_recorded_at
                if interview.outcome in (codes.Outcome.DECLINED, codes.Outcome.NO_CONTACT)
                else None
            )
            worker = interview.allocated_worker
            to = recipients.get(worker.pk if worker else 0, recipients[0])
            soon = max(due - timedelta(hours=24), allocated)
            overdue = max(due, allocated)
            if soon < due and soon <= until and (closed is None or closed > soon):
                self.rows[ClockAlert].append(
                    ClockAlert(
                        interview=interview,
                        threshold=codes.AlertThreshold.DUE_SOON,
                        due_at=due,
                        sent_at=_next_quarter(soon),
                        recipients=to,
                    )
                )
            if overdue <= until and (closed is None or closed > overdue):
                self.rows[ClockAlert].append(
                    ClockAlert(
                        interview=interview,
                        threshold=codes.AlertThreshold.OVERDUE,
                        due_at=due,
                        sent_at=_next_quarter(overdue),
                        recipients=to,
                    )
                )


def _next_quarter(moment: datetime) -> datetime:
    """The next run of a job scheduled every 15 minutes."""
    past = moment.minute % 15 * 60 + moment.second + moment.microsecond / 1e6
    return moment + timedelta(seconds=(900 - past) % 900)


# --- the world: authorities, organisations, users ----------------------------------------------


def _world(rng: random.Random, start: datetime) -> tuple[_World, list[DemoUser]]:
    code, name, nation = HOME
    home = Authority(
        gss_code=code,
        name=name,
        nation=nation,
        is_home=True,
        clock_basis="return",
        clock_unit="hours",
        clock_length=72,
        clock_bunching="each",
    )
    home.full_clean()
    home.save()
    neighbours = []
    for code, name, nation, prefix in NEIGHBOURS:
        authority = Authority(gss_code=code, name=name, nation=nation)
        authority.full_clean()
        authority.save()
        neighbours.append((authority, prefix))
    kinds = Organisation.Kind
    organisations = {
        "team": Organisation.objects.create(name=TEAM, kind=kinds.AUTHORITY_TEAM, authority=home),
        "provider": Organisation.objects.create(name=PROVIDER, kind=kinds.PROVIDER, authority=home),
        "police": Organisation.objects.create(
            name=POLICE, kind=kinds.POLICE_FORCE, authority=home, code=POLICE_CODE
        ),
        "childrens_home": Organisation.objects.create(
            name=CHILDRENS_HOME, kind=kinds.CHILDRENS_HOME, authority=home, code=CHILDRENS_HOME_URN
        ),
    }
    users: dict[str, User] = {}
    demo_users: list[DemoUser] = []
    for username, role, where in DEMO_USERS:
        password = _password()
        user = User.objects.create_user(
            username=username,
            password=password,
            email=f"{username}@{EMAIL_DOMAIN}",
            first_name=rng.choice(STAFF_FIRST),
            last_name=rng.choice(SURNAMES),
            role=role,
            organisation=organisations[where],
            date_joined=start,
        )
        device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        users[username] = user
        demo_users.append(
            DemoUser(
                username=username,
                role=role,
                organisation=organisations[where].name,
                password=password,
                totp_key=b32encode(device.bin_key).decode(),
                otpauth_uri=device.config_url,
            )
        )
    # The leaving-care team, told of police reports about the authority's care leavers.
    leaving_care = Organisation.objects.create(
        name=LEAVING_CARE_TEAM, kind=kinds.AUTHORITY_TEAM, authority=home, leaving_care=True
    )
    adviser = User(
        username="leaving_care.adviser",
        email=f"leaving_care.adviser@{EMAIL_DOMAIN}",
        first_name=rng.choice(STAFF_FIRST),
        last_name=rng.choice(SURNAMES),
        role=Role.WORKER,
        organisation=leaving_care,
        date_joined=start,
    )
    adviser.set_unusable_password()
    adviser.save()
    staff: dict[str, list[User]] = {"team": [], "provider": []}
    for where, count in STAFF:
        for number in range(1, count + 1):
            username = f"{where}.colleague{number}"
            user = User(
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                first_name=rng.choice(STAFF_FIRST),
                last_name=rng.choice(SURNAMES),
                role=Role.WORKER,
                organisation=organisations[where],
                date_joined=start,
            )
            user.set_unusable_password()
            user.save()
            staff[where].append(user)
    world = _World(
        home=home,
        neighbours=neighbours,
        team=organisations["team"],
        provider=organisations["provider"],
        police=organisations["police"],
        users=users,
        team_workers=[users["worker"], users["worker2"], *staff["team"]],
        provider_workers=[users["provider.worker"], *staff["provider"]],
        settings=home.settings,
    )
    return world, demo_users


# --- the entry point ---------------------------------------------------------------------------


def has_case_data() -> bool:
    return Child.objects.exists() or Authority.objects.exists() or User.objects.exists()


def flush() -> None:
    """Delete every case record, user, organisation and authority (the demo starts afresh)."""
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django.contrib.sessions.models import Session

    from homeward.audit.models import AccessEvent

    with transaction.atomic(), disable_auditlog():
        # Messages with other authorities point at children, episodes and users (the
        # instance's own keys go too: a new demo makes new ones).
        # The national collection's records point at the exchange's messages: they go first.
        if apps.is_installed("homeward.returns"):
            for model in reversed(list(apps.get_app_config("returns").get_models())):
                model.objects.all().delete()
        if apps.is_installed("homeward.exchange"):
            for model in reversed(list(apps.get_app_config("exchange").get_models())):
                model.objects.all().delete()
        # Police notifications point at children, organisations and users: they go first.
        if apps.is_installed("homeward.intake"):
            for model in reversed(list(apps.get_app_config("intake").get_models())):
                model.objects.all().delete()
        # Intelligence submissions protect their interviews, panel listings their children,
        # and the returns' settings and the case system's import their users: every record
        # of those apps goes before what it points at.
        for label in ("intelligence", "panel", "returns", "care", "profiles"):
            if apps.is_installed(f"homeward.{label}"):
                for model in reversed(list(apps.get_app_config(label).get_models())):
                    model.objects.all().delete()
        for model in (
            ChildMerge,
            ChildMatchKey,
            ClockAlert,
            InformationShare,
            Referral,
            AdultOfConcern,
            PlaceOfConcern,
            ContactAttempt,
            Offer,
            Episode,
            ReturnInterview,
            RiskFlag,
            ChildAlias,
            Child,
            Counter,
        ):
            model.objects.all().delete()
        AccessEvent.objects.all()._raw_delete(AccessEvent.objects.db)  # append-only elsewhere
        for other in (LogEntry, AccessAttempt, AccessFailureLog, AccessLog, Session):
            other.objects.all().delete()
        TOTPDevice.objects.all().delete()
        User.objects.all().delete()
        Organisation.objects.all().delete()
        Authority.objects.all().delete()


def seed_demo(
    *,
    seed: int = 1,
    years: int = 3,
    children: int = 450,
    episodes: int | None = None,
    today: date | datetime | None = None,
) -> DemoSummary:
    """Write the demo authority, its organisations and users, and `years` of records for
    about `children` children, relative to `today` (default: now). See the module's text.

    `episodes`, when given, tops the episodes up to about that many (see `_top_up`): the
    children drawn give about 3.2 episodes each over ten years, fewer over fewer years."""
    from auditlog.context import disable_auditlog

    if years < 1 or children < 1:
        raise ValueError("years and children must be at least 1")
    if episodes is not None and episodes < 1:
        raise ValueError("episodes must be at least 1")
    now = _at(today)
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    with transaction.atomic(), disable_auditlog(), _timestamps_as_given():
        start = now - timedelta(days=round(365.25 * years))
        world, demo_users = _world(rng, start)
        generator = _Generator(rng, now, years, world)
        _plan(generator, children, episodes)
        summary = _write(generator, demo_users)
    return summary


def _plan(g: _Generator, children: int, episodes: int | None = None) -> None:
    rng, now = g.rng, g.now
    span = (now - timedelta(days=7) - g.start).total_seconds()
    for _ in range(children):
        first_at = g._start_time((g.start + timedelta(seconds=rng.random() * span)).date())
        plan = g.child(first_at=first_at)
        g.episode_starts(plan, first_at, until=now - timedelta(days=6))
        g.risk_flags(plan)
    if episodes is not None:
        _top_up(g, episodes, until=now - timedelta(days=6))
    recent = _recent_children(g, 17)
    for plan in g.children:
        cutoff = now - timedelta(days=14) if plan in recent else now
        plan.starts = [s for s in plan.starts if s < cutoff]
        episodes = [g.episode(plan, started) for started in plan.starts]
        for group in g.groups(episodes):
            ready = max((e.notified_at or e.returned_at or e.started_at) for e in group)
            if timedelta(days=7) < now - ready < timedelta(days=120) and rng.random() < 0.04:
                continue  # missed, never allocated: the clock job reports these
            g.allocate(plan, group)
    _recent(g, recent)
    for case in g.cases:
        g.live(case)


def _top_up(g: _Generator, target: int, until: datetime) -> None:
    """More episodes until the plan holds about `target`: each goes to a child who already
    has some, chosen in proportion to how many (repeat episodes cluster in a few children,
    so the heavy tail stays heavy), after that child's last one with the same gaps as
    `episode_starts`, before `until` and before the child turns 18. Gives up after many
    draws that fit nowhere (short spans, few children)."""
    rng = g.rng
    total = sum(len(plan.starts) for plan in g.children)
    # One entry per planned episode: a uniform draw from it is a draw weighted by count.
    draws = [plan for plan in g.children for _ in plan.starts]
    misses = 0
    while total < target and draws and misses < 20 * target:
        plan = rng.choice(draws)
        count = len(plan.starts)
        mean_gap_days = 45.0 if count <= 3 else max(4.0, 120.0 / math.sqrt(count))
        at = plan.starts[-1] + timedelta(days=0.6 + rng.expovariate(1 / mean_gap_days))
        at = g._start_time(at.date())
        born = plan.child.date_of_birth
        assert born is not None
        adult = clock.aware(datetime.combine(_eighteenth_birthday(born), time(0)))
        if at >= until or at >= adult:
            misses += 1
            continue
        plan.starts.append(at)
        draws.append(plan)
        total += 1


def _recent_children(g: _Generator, count: int) -> list[_ChildPlan]:
    """Children (aged 11 to 17 today) for the episodes of the last days."""
    today = g.now.date()

    def age(plan: _ChildPlan) -> float:
        born = plan.child.date_of_birth
        return (today - born).days / 365.25 if born else 0.0

    candidates = [p for p in g.children if 11 <= age(p) < 17.5]
    g.rng.shuffle(candidates)
    chosen = candidates[:count]
    while len(chosen) < count:
        plan = g.child(first_at=g.now - timedelta(days=3), age=g.rng.randint(12, 16))
        chosen.append(plan)
    for plan in chosen:
        plan.recent = True
    return chosen


def _recent(g: _Generator, plans: list[_ChildPlan]) -> None:
    """The last few days, relative to now: what the coordinator's home shows today."""
    now, users = g.now, g.world.users
    it = iter(plans)

    def episode(returned_hours_ago: float | None, length: float = 6) -> tuple[_ChildPlan, Episode]:
        plan = next(it)
        if returned_hours_ago is None:
            started = now - _hours(length)
            return plan, g.episode(plan, started, returned=None)
        returned = now - _hours(returned_hours_ago)
        started = returned - _hours(length)
        return plan, g.episode(plan, started, returned=returned, notified_after=0.5)

    episode(None, 30)  # still missing
    episode(None, 9)
    for hours in (20, 8, 3):  # back, awaiting allocation
        episode(hours)
    episode(90)  # back four days ago and never allocated: overdue, unallocated
    for hours, who, force in (
        (60, "worker", "offered"),
        (54, "worker2", "open"),
        (66, "provider.worker", "open"),
    ):  # due within 24 hours
        plan, e = episode(hours)
        g.allocate(plan, [e], worker=users[who], force=force, after=1)
    for hours, who in ((80, "worker"), (100, "provider.worker"), (130, "worker2")):  # overdue
        plan, e = episode(hours)
        g.allocate(plan, [e], worker=users[who], force="offered", after=2)
    # One interview for two episodes of one child: due at the first's due point.
    plan = next(it)
    first = g.episode(plan, now - _hours(72), returned=now - _hours(68), notified_after=0.5)
    second = g.episode(plan, now - _hours(50), returned=now - _hours(40), notified_after=0.5)
    g.allocate(plan, [first, second], worker=users["worker"], force="offered", after=1)
    # Held today, within the timescale, not yet submitted for sign-off (the worker's next step).
    plan, e = episode(42)
    g.allocate(plan, [e], worker=users["worker"], force="held", after=1)
    # Declined, and no contact made, recorded in the last hours: also the worker's to submit;
    # and one held and submitted, waiting for sign-off (seed_returned_for_changes returns it).
    for force in ("declined", "no_contact", "submitted"):
        plan, e = episode(60)
        g.allocate(plan, [e], worker=users["worker"], force=force, after=1)


def _write(g: _Generator, demo_users: list[DemoUser]) -> DemoSummary:
    now = g.now
    # References in the order the records were made, as the services would have given them.
    episode_created = {id(e): e.created_at for e in g.episodes}
    firsts: dict[int, datetime] = {}
    for episode in g.episodes:
        key = id(episode.child)
        firsts[key] = min(firsts.get(key, episode.created_at), episode.created_at)
    ordered = sorted(
        enumerate(g.children), key=lambda pair: (firsts.get(id(pair[1].child), now), pair[0])
    )
    plans = [plan for _, plan in ordered]
    for number, plan in enumerate(plans, start=1):
        child = plan.child
        child.reference = f"C-{number:06d}"
        made = firsts.get(id(child), now) - timedelta(minutes=5)
        child.created_at = made
        child.updated_at = made
    Child.objects.bulk_create([p.child for p in plans])
    for model in (ChildAlias, RiskFlag):
        model.objects.bulk_create(g.rows[model])  # type: ignore[attr-defined]
    order = {id(c): n for n, c in enumerate(g.cases)}  # ties: the order generated
    cases = sorted(g.cases, key=lambda c: (c.interview.allocated_at, order[id(c)]))
    for number, case in enumerate(cases, start=1):
        case.interview.reference = f"RI-{number:06d}"
    ReturnInterview.objects.bulk_create([c.interview for c in cases], batch_size=500)
    made = {id(e): n for n, e in enumerate(g.episodes)}
    episodes = sorted(g.episodes, key=lambda e: (episode_created[id(e)], made[id(e)]))
    for number, episode in enumerate(episodes, start=1):
        episode.reference = f"E-{number:06d}"
    Episode.objects.bulk_create(episodes, batch_size=500)
    recipients = _alert_recipients(g)
    g.alerts(recipients)
    for model in (
        Offer,
        ContactAttempt,
        PlaceOfConcern,
        AdultOfConcern,
        Referral,
        InformationShare,
        ClockAlert,
    ):
        model.objects.bulk_create(g.rows[model], batch_size=500)  # type: ignore[attr-defined]
    for name, value in (("C", len(plans)), ("E", len(episodes)), ("RI", len(cases))):
        Counter.objects.update_or_create(name=name, defaults={"value": value})
    child_match_keys_rebuild()
    outcomes = Tally(
        "held"
        if c.interview.held_at
        else str(c.interview.outcome)
        if c.interview.outcome in (codes.Outcome.DECLINED, codes.Outcome.NO_CONTACT)
        else "open"
        for c in cases
    )
    open_cases = [c.interview for c in cases if not c.interview.is_closed]
    return DemoSummary(
        authority=str(g.world.home),
        start=g.start.date(),
        today=now,
        children=len(plans),
        episodes=len(episodes),
        interviews=len(cases),
        outcomes=dict(sorted(outcomes.items())),
        overdue=sum(1 for i in open_cases if i.due_at and i.due_at <= now),
        due_soon=sum(
            1 for i in open_cases if i.due_at and now < i.due_at <= now + timedelta(hours=24)
        ),
        still_missing=sum(1 for e in episodes if e.returned_at is None),
        awaiting_allocation=sum(
            1 for e in episodes if e.returned_at is not None and e.interview is None
        ),
        users=demo_users,
    )


def _alert_recipients(g: _Generator) -> dict[int, str]:
    """Who the clock job would email, per worker (0: an interview with no worker)."""
    leads = [
        u.email
        for u in g.world.users.values()
        if u.role in (Role.COORDINATOR, Role.MANAGER) and u.organisation == g.world.team
    ]
    recipients = {0: ", ".join(leads)}
    for worker in (*g.world.team_workers, *g.world.provider_workers):
        recipients[worker.pk] = ", ".join([worker.email, *leads])
    return recipients


def seed_returned_for_changes() -> ReturnInterview | None:
    """The demo worker's latest interview awaiting sign-off, returned to them by the
    manager with comments (through the services, as on the sign-off page), so the
    worker's caseload shows "Returned to you for changes"."""
    from homeward.cases import services, status

    latest = (
        ReturnInterview.objects.filter(
            status.AWAITING_SIGN_OFF, allocated_worker__username="worker"
        )
        .order_by("-submitted_for_sign_off_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    return services.interview_return(
        by=User.objects.get(username="manager"),
        interview=latest,
        comments="Made up for the demo: say what the child wants to happen next, and whether "
        "the safety plan was updated.",
    )
