"""Every page of the web application: its URL name, what its URL needs, and who may see it.

Shared by the role walk (`test_url_roles.py`) and the accessibility walk
(`test_browser_pages.py`), so a new page is checked by both once it has a row here.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from homeward.cases import services
from tests.factories import World, make_child, make_episode, make_interview

ROLES = (
    "coordinator",
    "worker",
    "worker2",
    "manager",
    "analyst",
    "police",
    "admin",
    "provider_worker",
    "provider_manager",
)
OK, DENIED, REDIRECT, NOT_ALLOWED = 200, 403, 302, 405

# Who may: each set lists the roles with 200; every other role gets 403 unless stated.
AUTHORITY_WIDE = {"coordinator", "manager"}
CASE_WORKERS = {"coordinator", "worker"}  # the allocated worker ("worker") and coordinators
DISCLOSURES = {"coordinator", "manager", "worker"}
CHILD_RECORD = {"coordinator", "manager", "worker", "police"}
CASELOAD = {"coordinator", "manager", "worker", "worker2", "provider_worker", "provider_manager"}
SEARCH = CASELOAD | {"police"}
INDICATORS = {"coordinator", "manager", "analyst"}
PSEUDONYMISED = {"coordinator", "manager", "analyst"}
SIGN_OFF = {"manager"}
AUDIT = {"admin"}


def _expect(allowed: set[str], otherwise: int = DENIED) -> dict[str, int]:
    return {role: OK if role in allowed else otherwise for role in ROLES}


#: URL name -> (how to build its arguments, expected status per role) for GET requests.
MATRIX: dict[str, tuple[str, dict[str, int]]] = {
    "home": ("", {r: OK if r in AUTHORITY_WIDE else REDIRECT for r in ROLES}),
    "caseload": ("", _expect(CASELOAD)),
    "search": ("", _expect(SEARCH)),
    "child-new": ("", _expect(AUTHORITY_WIDE)),
    "child": ("child", _expect(CHILD_RECORD)),
    "episode-new": ("child", _expect(AUTHORITY_WIDE)),
    "episode-return": ("open_episode", _expect(AUTHORITY_WIDE)),
    "allocate": ("child", _expect(AUTHORITY_WIDE)),
    "interview": ("interview", _expect(DISCLOSURES)),
    "offer": ("interview", _expect(CASE_WORKERS)),
    "attempt": ("interview", _expect(CASE_WORKERS)),
    "decline": ("interview", _expect(CASE_WORKERS)),
    "no-contact": ("interview", _expect(CASE_WORKERS)),
    "write-up": ("interview", _expect(CASE_WORKERS)),
    "share": ("interview", _expect(CASE_WORKERS)),
    "late-reason": ("interview", _expect(CASE_WORKERS)),
    "sign-off": ("held_interview", _expect(SIGN_OFF)),
    "place-new": ("interview", _expect(CASE_WORKERS)),
    "adult-new": ("interview", _expect(CASE_WORKERS)),
    "referral-new": ("interview", _expect(CASE_WORKERS)),
    "referral-outcome": ("referral", _expect(CASE_WORKERS)),
    "risk-new": ("child", _expect(AUTHORITY_WIDE)),
    "risk-end": ("risk_flag", _expect(AUTHORITY_WIDE)),
    "indicators": ("", _expect(INDICATORS)),
    "indicators-download": ("csv", _expect(INDICATORS)),
    "analysis": ("", _expect(PSEUDONYMISED)),
    # The download is a POST: a GET is refused, 405 for those who may download, 403 otherwise.
    "analysis-download": (
        "",
        {r: NOT_ALLOWED if r in PSEUDONYMISED else DENIED for r in ROLES},
    ),
    "audit": ("", _expect(AUDIT)),
}
#: Pages for signing in and out, which every visitor reaches: not part of the role matrix.
ACCOUNT_PAGES = {"sign-in", "sign-out", "two-factor", "two-factor-setup"}


def build_objects(world: World) -> dict[str, object]:
    """One of each record the URLs need, by the name MATRIX uses for it."""
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    held = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=held,
        write_up=services.WriteUp(held_at=timezone.now()),
        expected_version=held.version,
    )
    open_episode = make_episode(world, child, returned_after=None)
    referral = services.interview_add_referral(
        by=world.user("worker"),
        interview=interview,
        service="Exploitation team",
        made_on=timezone.localdate(),
    )
    flag = services.child_flag_risk(
        by=world.user("coordinator"),
        child=child,
        kind="cce",
        noted_on=timezone.localdate(),
        source="Police",
    )
    return {
        "child": child.pk,
        "interview": interview.pk,
        "held_interview": held.pk,
        "open_episode": open_episode.pk,
        "referral": referral.pk,
        "risk_flag": flag.pk,
        "csv": "csv",
    }


def url_for(name: str, argument: str, objects: dict[str, object]) -> str:
    if not argument:
        return reverse(f"web:{name}")
    return reverse(f"web:{name}", args=[objects[argument]])
