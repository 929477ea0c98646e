"""The realism parameters of the generated data, with where each comes from.

"ECRC 2019" is *The delivery of return interviews* (Missing People for the English Coalition
for Runaway Children, FOI returns for 2017-18; `shared/seeds/003_…`). "Assumption" marks a
figure no source gives: a plausible value chosen so the data exercises every rule of the
indicator contract. `docs/synth.md` lists the same values in a table.
"""

from __future__ import annotations

from typing import Final

# --- Volumes ---------------------------------------------------------------------------------

#: ECRC 2019 (NCA 2016-17): about 235,000 incidents a year across Britain, for 86,000 children.
NATIONAL_EPISODES_PER_YEAR: Final = 235_000
#: Authorities with children's services: 152 England + 22 Wales + 32 Scotland.
NATIONAL_AUTHORITIES: Final = 206
#: So an average authority sees about 1,140 episodes a year.
EPISODES_PER_AUTHORITY_YEAR: Final = NATIONAL_EPISODES_PER_YEAR / NATIONAL_AUTHORITIES
#: Default sizing: one authority per 12,000 episodes (about ten years of an average one),
#: so 2.35 million episodes (ten national years) give about 196 authorities and 10 years.
EPISODES_PER_AUTHORITY: Final = 12_000
MIN_DEFAULT_AUTHORITIES: Final = 6
MAX_DEFAULT_AUTHORITIES: Final = 200
MAX_DEFAULT_YEARS: Final = 10
#: The most authorities the fictional name lists can name uniquely.
MAX_AUTHORITIES: Final = 500

# --- Authorities -----------------------------------------------------------------------------

#: Share of authorities per nation (152 : 22 : 32). One Northern Ireland authority is added
#: once there are at least `NI_FROM_AUTHORITIES` (Assumption: exercises the NIR holidays).
WALES_SHARE: Final = 22 / 206
SCOTLAND_SHARE: Final = 32 / 206
NI_FROM_AUTHORITIES: Final = 50
#: English authority types with children's services: unitary E06 (63), metropolitan E08 (36),
#: London borough E09 (33), county E10 (21). E07 (shire districts) run no children's services.
ENGLISH_TYPE_CYCLE: Final = ("E06", "E08", "E09", "E06", "E10", "E08", "E06", "E09")
#: Relative size of an authority by type and nation, times a log-normal spread. ECRC 2019:
#: 11 of 107 English authorities reported fewer than 250 incidents, 14 more than 2,000; Wales
#: 26 to 1,552 (7,229 over 14 authorities); Scotland about 360-460 per authority.
TYPE_SIZE: Final = {"E06": 1.0, "E08": 1.3, "E09": 0.8, "E10": 2.2, "W06": 0.5, "S12": 0.45}
NI_SIZE: Final = 0.6
SIZE_LOG_SD: Final = 0.6

#: ECRC 2019, 96 responses: clock from the return 68%, from the police referral 28%, 4% silent.
CLOCK_START_P: Final = {"return": 68 / 96, "referral": 28 / 96}
#: ECRC 2019: hours 15%, calendar days 50%, working days 30%, 5% silent (14 : 48 : 29).
CLOCK_UNIT_P: Final = {"hours": 14 / 91, "calendar_days": 48 / 91, "working_days": 29 / 91}
#: The All Wales Protocol asks for the debrief "within 3 working days" (Assumption: most
#: Welsh authorities count working days).
WALES_CLOCK_UNIT_P: Final = {"hours": 0.1, "calendar_days": 0.2, "working_days": 0.7}
#: ECRC 2019: "some" measure a bunched interview from the latest return, "a small number"
#: do not bunch at all (Assumption: 35% latest; 20% of the `each` authorities never bunch).
BUNCHING_LATEST_P: Final = 0.35
NEVER_BUNCH_P: Final = 0.20
#: How often a bunching authority does bunch when a child goes missing again before being
#: seen: Beta(a, b) per authority (Assumption).
BUNCH_PRACTICE_BETA: Final = (8.0, 2.0)
#: ECRC 2019, 2017-18, England: in house 59%, mixed 20%, independent 20%, not known 1%.
#: Wales: local authority 46%, mixed 23%, independent 23%, police 8% (no code: not_known).
#: Scotland: police or council staff 84% (in house), Barnardo's alone or with police 10%.
PROVIDER_P: Final = {
    "england": {"in_house": 0.59, "mixed": 0.20, "independent": 0.20, "not_known": 0.01},
    "wales": {"in_house": 0.46, "mixed": 0.23, "independent": 0.23, "not_known": 0.08},
    "scotland": {"in_house": 0.84, "mixed": 0.05, "independent": 0.05, "not_known": 0.06},
    "northern_ireland": {"in_house": 0.6, "mixed": 0.2, "independent": 0.2, "not_known": 0.0},
}
#: ECRC 2019, 113 responses: follow-up support yes 96, sometimes 9, no 8.
FOLLOW_UP_P: Final = {"yes": 96 / 113, "sometimes": 9 / 113, "no": 8 / 113}

# --- Children and repeat episodes ------------------------------------------------------------

#: ECRC 2019: 63% nationally (235,000 incidents, 86,000 children) and 65% in 107 authorities
#: of incidents "attributable to children going missing more than once", computed as
#: (incidents - individuals) / incidents per authority and year; authorities ranged from
#: under 20% to 80% (10% of them at 0-50%, 34% above 70%). Target per authority and year:
REPEAT_MEAN: Final = 0.645
REPEAT_SD: Final = 0.09
REPEAT_RANGE: Final = (0.30, 0.85)
#: Episodes per child are 1 + negative binomial (gamma-Poisson): heavy-tailed, a few children
#: with dozens of episodes. Shape (Assumption) and the factor from the per-year ratio to the
#: whole-career mean (careers cross financial years; calibrated on generated data).
EPISODES_PER_CHILD_SHAPE: Final = 0.45
CAREER_MEAN_FACTOR: Final = 1.30
MAX_EPISODES_PER_CHILD: Final = 250
#: A repeat child's episodes spread over a "missing career" of median
#: CAREER_MEDIAN_DAYS * k ** CAREER_K_EXPONENT days for k episodes; the gaps between episodes
#: are log-normal shares of it, so repeat episodes cluster (Assumption).
CAREER_MEDIAN_DAYS: Final = 45.0
CAREER_K_EXPONENT: Final = 0.5
CAREER_LOG_SD: Final = 0.8
GAP_LOG_SD: Final = 1.3
#: Shortest time between a return and the next episode, minutes (Assumption).
MIN_GAP_MINUTES: Final = 15

#: Looked-after children are a minority of missing children but go missing far more often
#: (DfE SSDA903: about 12,000 children with about 80,000 episodes a year, six or more each).
#: P(child in care) = min(CARE_MAX, CARE_BASE + CARE_SLOPE * (k - 1)) for k episodes,
#: giving about 40% of episodes missing from care; CARE_SWITCH of episodes differ.
CARE_BASE: Final = 0.10
CARE_SLOPE: Final = 0.05
CARE_MAX: Final = 0.80
CARE_SWITCH: Final = 0.03

# --- Episodes --------------------------------------------------------------------------------

#: Share of episodes in the police/DfE "absent" (away) category (brief: about 10%).
ABSENT_SHARE: Final = 0.10
ABSENT_LOGIT_SD: Final = 0.5
#: Hour-of-day weights for the time a child goes missing (Assumption: afternoons and evenings,
#: few at night); returns follow from the durations and fall at all hours.
START_HOUR_WEIGHTS: Final = (
    3.0, 2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.5, 3.5, 3.5, 3.5, 4.0,
    4.5, 5.0, 6.0, 7.5, 8.5, 9.0, 9.5, 9.5, 9.0, 8.0, 6.5, 4.5,
)  # fmt: skip
#: Durations, log-normal: NCA bulletins report most children found within a day and few
#: missing over a week (median 6 hours for missing, 2.5 for absent; 2.5% long episodes with a
#: median of 5 days; capped at 180 days).
MISSING_MEDIAN_HOURS: Final = 6.0
ABSENT_MEDIAN_HOURS: Final = 2.5
DURATION_LOG_SD: Final = 1.3
LONG_EPISODE_SHARE: Final = 0.025
LONG_MEDIAN_DAYS: Final = 5.0
LONG_LOG_SD: Final = 0.9
MAX_DURATION_DAYS: Final = 180
#: Children still missing long after the end of their episode's period (their last episode
#: stays open), besides those still out when the data is extracted (Assumption).
LONG_TERM_OPEN_SHARE: Final = 0.0002

#: Police notification of the return (domain.md: "usually by a daily automated report"):
#: direct within the hour or so, the next morning's daily report (07:00-10:00; a return
#: before 06:00 makes the same morning's), or late by days (Assumption for the mix).
NOTIFY_DIRECT_P: Final = 0.35
NOTIFY_LATE_P: Final = 0.15
NOTIFY_DIRECT_MEDIAN_MINUTES: Final = 45.0
NOTIFY_LATE_MEDIAN_DAYS: Final = 2.0
#: Data-quality cases: no notification recorded; recorded before the episode began.
NOTIFY_EMPTY_P: Final = 0.03
NOTIFY_BEFORE_START_P: Final = 0.001
#: Episode rows whose `nation` cell is left empty (the engine takes it from the code).
NATION_BLANK_P: Final = 0.10

# --- Return interviews -----------------------------------------------------------------------

#: ECRC 2019 (England, episode-level, pooled): offered 79%, declined 18%, completed 53%,
#: within 72 hours 61% of completed. Authorities ranged widely: offers 16% to 100% (21% of
#: authorities at 100%), completions from under 30% to over 90%, within-72h 0-100%.
OFFERED: Final = 0.79
DECLINED: Final = 0.18
COMPLETED: Final = 0.53
WITHIN_OF_COMPLETED: Final = 0.61
#: Drawn a little above it, because late notifications, bunched episodes an `each`
#: authority times from their own return, and missing clock starts make some planned
#: within-timescale completions late on the authority's own counting (calibrated).
WITHIN_DRAW_ALLOWANCE: Final = 0.03
#: Completed with no offer recorded ("completed may exceed offered", authority-returns.md).
COMPLETED_WITHOUT_OFFER: Final = 0.02
#: Offered, not completed: declined (0.18), no response (0.06), accepted but not yet held
#: (0.02), outcome not recorded (0.02) — shares of all episodes (Assumption apart from 0.18).
NOT_COMPLETED_SPLIT: Final = {"declined": 0.18, "no_response": 0.06, "accepted": 0.02, "": 0.02}
SPLIT_CONCENTRATION: Final = 12.0
#: Authority spread of the declined share (logit scale). ECRC 2019: 37% of authorities had
#: 0-10% of episodes declined, 24% 11-20%, 24% 21-30%, 16% over 30%.
DECLINE_LOGIT_SD: Final = 0.8
#: Authority spread (logit scale) and nation shifts. Police Scotland: offered 95%, carried out
#: 93% of episodes; Wales: offered 74%, carried out 46% (5-6 authorities).
OFFER_LOGIT_SD: Final = 1.0
ALWAYS_OFFER_P: Final = 0.20
COMPLETION_LOGIT_SD: Final = 0.8
WITHIN_LOGIT_SD: Final = 1.1
NATION_OFFER_SHIFT: Final = {"england": 0.0, "wales": -0.3, "scotland": 2.0, "northern_ireland": 0}
NATION_COMPLETION_SHIFT: Final = {
    "england": 0.0,
    "wales": -0.4,
    "scotland": 2.5,
    "northern_ireland": 0.0,
}
#: Who declines (Assumption): the parent or carer more often for children missing from home.
PARENT_CARER_DECLINE_P: Final = {"home": 0.30, "care": 0.10}
#: The child goes missing again before the intended contact, this long after the clock
#: start (median hours, log-sd): the next episode then joins the same interview.
CONTACT_MEDIAN_HOURS: Final = 40.0
CONTACT_LOG_SD: Final = 0.9
#: An authority counting from the return still mostly learns of it from the police
#: notification and cannot see the child before that; the rest hear at once from carers or
#: the officer (Assumption).
KNOWN_AT_NOTIFICATION_P: Final = 0.8
#: Offer made this long after the authority can act (median hours, log-sd) (Assumption).
OFFER_MEDIAN_HOURS: Final = 8.0
OFFER_LOG_SD: Final = 1.1
#: Late completions: this long after the due point (median days, log-sd; capped), so they
#: spread out to weeks (Assumption).
LATE_MEDIAN_DAYS: Final = 2.5
LATE_LOG_SD: Final = 1.0
MAX_LATE_DAYS: Final = 120
#: Interviews are held in the day: a time before 09:00 or from 20:00 moves to 09:00-12:00.
WORK_DAY_START_MINUTES: Final = 9 * 60
WORK_DAY_END_MINUTES: Final = 20 * 60
#: Data-quality cases: completions recorded before the clock start; interviews no episode
#: refers to.
COMPLETED_BEFORE_CLOCK_P: Final = 0.002
ORPHAN_INTERVIEW_P: Final = 0.0005
