"""The Standard Safeguarding Dataset tables `homeward synth ssd` writes: their field names, in
the spec's order, and the code lists their values come from.

Read from Data to Insight's SSD spec (`ssd-data-model`, `data/objects/ssd_<table>.yml`: each
field's name, type and the code set in its guidance) and from the DfE SSDA903 validator
(`csc-validator-be-903`, the 2025-26 rules) where the 903 has moved on from the spec's lists.
Written here from that reading; each list names the table and field it belongs to.

Plain constants: no imports, so tests and the importer can check files against them.
"""

from __future__ import annotations

#: One CSV per table, named `<table>.csv`; the header is the field names below, in this order.
TABLES: dict[str, tuple[str, ...]] = {
    # ssd_person (PERS001A-PERS016A)
    "ssd_person": (
        "pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_gender",
        "pers_ethnicity", "pers_dob", "pers_common_child_id", "pers_legacy_id",
        "pers_upn_unknown", "pers_send_flag", "pers_expected_dob", "pers_death_date",
        "pers_is_mother", "pers_nationality",
    ),
    # ssd_linked_identifiers (LINK001A-LINK006A)
    "ssd_linked_identifiers": (
        "link_table_id", "link_person_id", "link_identifier_type", "link_identifier_value",
        "link_valid_from_date", "link_valid_to_date",
    ),
    # ssd_address (ADDR001A-ADDR007A)
    "ssd_address": (
        "addr_table_id", "addr_address_json", "addr_person_id", "addr_address_type",
        "addr_address_start_date", "addr_address_end_date", "addr_address_postcode",
    ),
    # ssd_legal_status (LEGA001A-LEGA005A)
    "ssd_legal_status": (
        "lega_legal_status_id", "lega_person_id", "lega_legal_status",
        "lega_legal_status_start_date", "lega_legal_status_end_date",
    ),
    # ssd_cla_episodes (CLAE001A-CLAE014A)
    "ssd_cla_episodes": (
        "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date",
        "clae_cla_episode_start_reason", "clae_cla_primary_need_code",
        "clae_cla_episode_ceased_date", "clae_cla_episode_ceased_reason", "clae_cla_id",
        "clae_referral_id", "clae_cla_placement_id", "clae_entered_care_date",
        "clae_cla_last_iro_contact_date",
    ),
    # ssd_cla_placement (CLAP001A-CLAP013A)
    "ssd_cla_placement": (
        "clap_cla_placement_id", "clap_cla_placement_start_date", "clap_cla_placement_type",
        "clap_cla_placement_urn", "clap_cla_placement_distance", "clap_cla_id",
        "clap_cla_placement_provider", "clap_cla_placement_postcode",
        "clap_cla_placement_end_date", "clap_cla_placement_change_reason", "clap_person_id",
    ),
    # ssd_missing (MISS001A-MISS007A)
    "ssd_missing": (
        "miss_table_id", "miss_person_id", "miss_missing_episode_start_date",
        "miss_missing_episode_type", "miss_missing_episode_end_date",
        "miss_missing_rhi_offered", "miss_missing_rhi_accepted",
    ),
    # ssd_professionals (PROF001A-PROF014A)
    "ssd_professionals": (
        "prof_professional_id", "prof_staff_id", "prof_professional_name",
        "prof_social_worker_registration_no", "prof_professional_job_title",
        "prof_professional_caseload", "prof_professional_department",
        "prof_full_time_equivalency", "prof_agency_worker_flag",
    ),
    # ssd_involvements (INVO002A-INVO011A)
    "ssd_involvements": (
        "invo_involvements_id", "invo_professional_id", "invo_professional_role_id",
        "invo_professional_team", "invo_involvement_start_date", "invo_involvement_end_date",
        "invo_worker_change_reason", "invo_person_id", "invo_referral_id",
    ),
}  # fmt: skip

#: The spec's datetime fields, written `YYYY-MM-DD HH:MM:SS` (UK wall-clock time; a date
#: alone at 00:00:00). An empty cell is NULL.
DATETIME_FIELDS: frozenset[str] = frozenset(
    {
        "pers_dob", "pers_expected_dob", "pers_death_date",
        "link_valid_from_date", "link_valid_to_date",
        "addr_address_start_date", "addr_address_end_date",
        "lega_legal_status_start_date", "lega_legal_status_end_date",
        "clae_cla_episode_start_date", "clae_cla_episode_ceased_date",
        "clae_entered_care_date", "clae_cla_last_iro_contact_date",
        "clap_cla_placement_start_date", "clap_cla_placement_end_date",
        "miss_missing_episode_start_date", "miss_missing_episode_end_date",
        "invo_involvement_start_date", "invo_involvement_end_date",
    }
)  # fmt: skip
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# --- code lists --------------------------------------------------------------------------------

#: ssd_person.pers_sex (PERS002A): F, M, U.
SEX = ("F", "M", "U")
#: ssd_person.pers_gender (PERS003A): 00 not known, 01 man/boy, 02 woman/girl, 09 self-describe.
GENDER = ("00", "01", "02", "09")
#: ssd_person.pers_ethnicity (PERS004A): the DfE census codes. The spec's text spells Chinese
#: "CNHE"; the DfE code (903 ETHNIC, CIN census) is CHNE, which is what case systems hold.
ETHNICITY = (
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "CHNE", "AOTH", "BCRB", "BAFR", "BOTH", "OOTH", "REFU", "NOBT",
)  # fmt: skip
#: ssd_person.pers_upn_unknown (PERS007A).
UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN4", "UN5")
#: ssd_person.pers_send_flag (PERS008A) and pers_is_mother (PERS011A): Y or N.
YES_NO = ("Y", "N")
#: ssd_linked_identifiers.link_identifier_type (LINK003A): the spec's example list.
IDENTIFIER_TYPES = (
    "Case Number", "Unique Pupil Number", "NHS Number", "Home Office Registration",
    "National Insurance Number", "YOT Number", "Court Case Number", "RAA ID", "Incident ID",
)  # fmt: skip
#: ssd_address.addr_address_type (ADDR003A): the spec's examples (Home, Placement, Primary).
ADDRESS_TYPES = ("Home", "Placement", "Primary")
#: ssd_address.addr_address_json (ADDR001A): every key, always present.
ADDRESS_JSON_KEYS = (
    "ROOM", "FLOOR", "FLAT", "BUILDING", "HOUSE", "STREET", "TOWN", "UPRN", "EASTING",
    "NORTHING",
)  # fmt: skip
#: ssd_legal_status.lega_legal_status (LEGA003A): the looked-after statuses (the spec's
#: category list, the 903 LS codes). The spec allows other, non-care statuses too.
LEGAL_STATUS = (
    "C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3",
)  # fmt: skip
#: ssd_cla_episodes.clae_cla_episode_start_reason (CLAE004A): the 903 RNE.
EPISODE_START_REASON = ("S", "L", "P", "T", "B", "U")
#: ssd_cla_episodes.clae_cla_primary_need_code (CLAE009A): the 903 CIN.
PRIMARY_NEED = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
#: ssd_cla_episodes.clae_cla_episode_ceased_reason (CLAE006A): the 903 REC.
EPISODE_CEASED_REASON = (
    "X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48",
    "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8",
)  # fmt: skip
#: ssd_cla_placement.clap_cla_placement_type (CLAP004A). The spec's text still has H5 and Z1;
#: the 2025-26 903 PLACE list (validator rule 146) replaced H5 with K3 (supported
#: accommodation) and split Z1 into Z11-Z14, and dropped P2. The generator uses this list,
#: the same codes the case system's 903 writes.
PLACEMENT_TYPE = (
    "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13",
    "Z14",
)  # fmt: skip
#: ssd_cla_placement.clap_cla_placement_provider (CLAP007A): the 903 PLACE_PROVIDER.
PLACEMENT_PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
#: ssd_cla_placement.clap_cla_placement_change_reason (CLAP010A): the 903 REASON_PLACE_CHANGE.
PLACEMENT_CHANGE_REASON = (
    "CARPL", "CLOSE", "ALLEG", "STAND", "CUSTOD", "APPRR", "CREQB", "CREQO", "CHILD",
    "LAREQ", "PLACE", "OTHER",
)  # fmt: skip
#: ssd_missing.miss_missing_episode_type (MISS004A): M missing, A away without authorisation.
MISSING_TYPE = ("M", "A")
#: ssd_missing.miss_missing_rhi_offered / _accepted (MISS006A, MISS007A): Y, N, NA or NULL.
RHI_ANSWER = ("Y", "N", "NA", "")
#: ssd_involvements.invo_worker_change_reason (INVO004A).
WORKER_CHANGE_REASON = (
    "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
    "OTHERS",
)  # fmt: skip
#: ssd_involvements.invo_professional_role_id (INVO007A): the spec gives "Allocated Case
#: Worker" as its example; the generator writes these roles, the first for the allocated
#: social worker.
PROFESSIONAL_ROLES = ("Allocated Case Worker", "Independent Reviewing Officer")
