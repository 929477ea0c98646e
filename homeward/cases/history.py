"""Change history of the case records (django-auditlog): who changed what, and when.

Encrypted fields are recorded as changed but their values are masked, so the history never
holds a disclosure in clear.
"""

from __future__ import annotations

from auditlog.registry import auditlog


def register_models() -> None:
    from homeward.cases import models as m

    masked = {
        m.Child: ["address"],
        m.Episode: ["circumstances"],
        m.ReturnInterview: [
            "decline_reason",
            "push_factors",
            "pull_factors",
            "whereabouts",
            "child_words",
            "child_wishes",
            "sign_off_note",
            "late_reason",
            "return_comments",
        ],
        m.ContactAttempt: ["note"],
        m.AdultOfConcern: ["description"],
        m.VehicleOfConcern: ["description", "registration"],
        m.InformationShare: ["detail"],
    }
    for model in m.EnteredInError.__subclasses__():
        masked.setdefault(model, []).append("entered_in_error_reason")
    for model in (
        m.Child,
        m.ChildAlias,
        m.RiskFlag,
        m.Episode,
        m.ReturnInterview,
        m.Offer,
        m.ContactAttempt,
        m.PlaceOfConcern,
        m.AdultOfConcern,
        m.VehicleOfConcern,
        m.Referral,
        m.InformationShare,
    ):
        if not auditlog.contains(model):
            auditlog.register(model, mask_fields=masked.get(model, []))
    from homeward.accounts.models import User
    from homeward.organisations.models import Authority, Organisation

    for model in (Authority, Organisation):
        if not auditlog.contains(model):
            auditlog.register(model)
    if not auditlog.contains(User):
        auditlog.register(User, exclude_fields=["password", "last_login"])
