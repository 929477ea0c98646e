"""Template context: the navigation a user's role allows."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from homeward.accounts import permissions
from homeward.accounts.signin import fully_signed_in
from homeward.care import selectors as care_selectors
from homeward.exchange import selectors as exchange_selectors
from homeward.intake import selectors as intake_selectors
from homeward.intelligence import selectors as intelligence_selectors
from homeward.returns import national


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not fully_signed_in(request):
        return {"navigation": []}
    items = []
    if permissions.can_view_coordinator_home(user):
        items.append(("Home", reverse("web:home")))
    if permissions.can_view_caseload(user):
        items.append(("Caseload", reverse("web:caseload")))
    if permissions.can_view_sign_off_queue(user):
        items.append(("Sign-off queue", reverse("web:sign-off-queue")))
    if permissions.can_view_team_work(user):
        items.append(("Team workload", reverse("web:workload")))
        items.append(("Interviews", reverse("web:interview-list")))
    if permissions.can_search_children(user):
        items.append(("Find a child", reverse("web:search")))
    if permissions.can_view_indicators(user):
        items.append(("Indicators", reverse("web:indicators")))
    if permissions.can_take_in_notifications(user):
        waiting = intake_selectors.queue_counts()["waiting"]
        text = f"Police notifications ({waiting})" if waiting else "Police notifications"
        items.append((text, reverse("web:intake-queue")))
    elif permissions.can_view_reconciliation(user):
        items.append(("Reconciliation", reverse("web:reconciliation")))
    if permissions.force_of(user) is not None:
        # The figure is the count of the very list the page shows.
        waiting = intelligence_selectors.awaiting_acknowledgement(user=user).count()
        text = f"Intelligence ({waiting})" if waiting else "Intelligence"
        items.append((text, reverse("web:intelligence-queue")))
    if permissions.can_view_pseudonymised(user):
        items.append(("Pseudonymised episodes (for analysis)", reverse("web:analysis")))
    if permissions.can_view_panel(user):
        items.append(("Panel", reverse("web:panel")))
    if permissions.can_view_hotspots(user):
        items.append(("Places", reverse("web:hotspots")))
    if permissions.can_export_aggregate(user) or permissions.can_export_personal(user):
        items.append(("Returns", reverse("web:returns")))
    if permissions.can_decide_case_system_match(user):
        # Shown only while some wait, as the figure of the very list the page shows.
        waiting = care_selectors.proposals_waiting(user=user).count()
        if waiting:
            items.append((f"Case system matches ({waiting})", reverse("web:case-system-matches")))
    if permissions.home_of(user) is not None:
        items.append(("Admissions and discharges", reverse("web:childrens-home")))
    if permissions.can_read_national_returns(user) and national.collects_returns():
        items.append(("Returns received", reverse("web:national-received")))
    if permissions.can_view_audit(user):
        items.append(("Audit log", reverse("web:audit")))
    if permissions.can_import_case_system(user):
        items.append(("Import from the case system", reverse("web:case-system-import")))
    if permissions.can_record_episode(user):
        items.append(("Across the boundary", reverse("web:exchange-placed-elsewhere")))
        # Shown only while some wait, as the figure of the very list the page shows.
        waiting_notices = exchange_selectors.notices_waiting().count()
        if waiting_notices:
            items.append(
                (
                    f"Notices from other authorities ({waiting_notices})",
                    reverse("web:exchange-notices"),
                )
            )
    if permissions.can_manage_exchange(user):
        items.append(("Other authorities", reverse("web:exchange-partners")))
    elif permissions.can_view_exchange(user):
        # Coordinators and managers: shown only while messages are not delivered, as the
        # figure of the very list the page shows.
        late = exchange_selectors.not_delivered().count()
        if late:
            items.append((f"Other authorities ({late})", reverse("web:exchange-partners")))
    path = request.path
    return {
        "navigation": [
            {
                "text": text,
                "href": href,
                "active": (path.startswith(href) and href != "/") or path == href,
            }
            for text, href in items
        ]
    }
