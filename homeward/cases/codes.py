"""Coded lists of the case records. Values are stored; labels are shown."""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """The DfE census ethnicity codes used by children's social care returns."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class LegalStatus(models.TextChoices):
    NONE = "none", "None"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection_plan", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"


class PlacementType(models.TextChoices):
    FOSTER = "foster", "Foster care"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SEMI_INDEPENDENT = "semi_independent", "Semi-independent or supported accommodation"
    RESIDENTIAL_SCHOOL = "residential_school", "Residential school"
    PLACED_WITH_PARENTS = "placed_with_parents", "Placed with parents"
    SECURE = "secure", "Secure unit"
    OTHER = "other", "Other placement"


class RiskKind(models.TextChoices):
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    TRAFFICKING = "trafficking", "Trafficking"
    OTHER = "other", "Other risk"


class Category(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    CARE = "care", "Care"


class RiskGrade(models.TextChoices):
    """The police risk grades (`homeward.police.format.RiskGrade`): the current scale, then
    the earlier grades some forces still send."""

    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk (an earlier grade)"
    ABSENT = "absent", "Absent (an earlier grade)"


class OfferedTo(models.TextChoices):
    CHILD = "child", "The child"
    PARENT_CARER = "parent_carer", "Parent or carer"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    VIA_CARER = "via_carer", "Through a carer or social worker"


class Outcome(models.TextChoices):
    PENDING = "pending", "Not yet known"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NO_CONTACT = "no_contact", "No contact made"


class DeclinedBy(models.TextChoices):
    CHILD = "child", "The child"
    PARENT_CARER = "parent_carer", "Parent or carer"


class DeclineReason(models.TextChoices):
    """Why an interview was declined, coded so the performance pack can count it (the
    words stay in the free-text reason)."""

    NOT_WANTED = "not_wanted", "The child did not want to talk about it"
    ALREADY_SUPPORTED = "already_supported", "Already talking to someone they trust"
    NOT_A_PROBLEM = "not_a_problem", "Did not see the episode as a problem"
    DISTRUST = "distrust", "Does not trust professionals or services"
    TOO_MANY = "too_many", "Too many professionals involved already"
    CARER_REFUSED = "carer_refused", "Parent or carer refused on the child's behalf"
    OTHER = "other", "Another reason"


class LateReason(models.TextChoices):
    """Why an interview was held after it was due, coded for the performance pack."""

    LATE_NOTIFICATION = "late_notification", "Told of the return late"
    CHILD_UNAVAILABLE = "child_unavailable", "The child could not be reached or seen"
    CHILD_CHOSE_LATER = "child_chose_later", "The child chose a later time"
    MISSING_AGAIN = "missing_again", "The child went missing again"
    CARER_DELAY = "carer_delay", "A parent or carer put it off"
    NO_WORKER = "no_worker", "No worker was free in time"
    OUT_OF_AREA = "out_of_area", "The child is placed out of area"
    OTHER = "other", "Another reason"


class Harm(models.TextChoices):
    """Harms a child disclosed, as a coded list (several may apply)."""

    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    CRIMINAL_EXPLOITATION = (
        "criminal_exploitation",
        "Criminal exploitation (including county lines)",
    )
    TRAFFICKING = "trafficking", "Trafficking"
    PHYSICAL_HARM = "physical_harm", "Physical harm or violence"
    SEXUAL_ASSAULT = "sexual_assault", "Sexual assault"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drug or alcohol use"
    SELF_HARM = "self_harm", "Self-harm"
    SLEPT_ROUGH = "slept_rough", "Slept rough or somewhere unsafe"
    UNKNOWN_ADULTS = "unknown_adults", "With adults not known to the family"
    BULLYING = "bullying", "Bullying, including online"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse at home"
    OTHER = "other", "Other harm"


class PushPull(models.TextChoices):
    PUSH = "push", "Push: something at home or in care"
    PULL = "pull", "Pull: someone or something drawing the child away"


class ShareRecipient(models.TextChoices):
    POLICE = "police", "Police (intelligence)"
    SOCIAL_WORKER = "social_worker", "Social worker"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class ShareBasis(models.TextChoices):
    CONSENT = "consent", "The child's consent"
    SAFEGUARDING = "safeguarding", "Safeguarding: to protect the child or others"
    CRIME = "crime", "Prevention or detection of crime"
    LEGAL_DUTY = "legal_duty", "A legal duty"


class AlertThreshold(models.TextChoices):
    DUE_SOON = "due_soon", "Due within 24 hours"
    OVERDUE = "overdue", "Overdue"
