"""Every page of the web application. Views are thin: they check permission through
`accounts.permissions`, read through selectors, write through services."""

from django.urls import path

from homeward.web.correction_forms import CHILD_FORMS as CHILD_GROUPS
from homeward.web.views import (
    account,
    analysis,
    audit,
    cases,
    corrections,
    indicators,
    intake,
    queues,
    returns,
)
from homeward.web.views import arrangements as arrangement_views
from homeward.web.views import care as care_views
from homeward.web.views import childrens_home as childrens_home_views
from homeward.web.views import chronology as chronology_views
from homeward.web.views import exchange as exchange_views
from homeward.web.views import foi as foi_views
from homeward.web.views import intelligence as intelligence_views
from homeward.web.views import national as national_views
from homeward.web.views import panel as panel_views
from homeward.web.views import places as places_views
from homeward.web.views import profiles as profile_views

app_name = "web"

urlpatterns = [
    # Signing in and out (account.py)
    path("sign-in/", account.sign_in, name="sign-in"),
    path("sign-out/", account.sign_out, name="sign-out"),
    path("two-factor/", account.two_factor, name="two-factor"),
    path("two-factor/set-up/", account.two_factor_setup, name="two-factor-setup"),
    path("change-password/", account.change_password, name="change-password"),
    # Daily work (cases.py)
    path("", cases.home, name="home"),
    path("caseload/", cases.caseload, name="caseload"),
    path("children/find/", cases.search, name="search"),
    path("children/new/", cases.child_new, name="child-new"),
    path("children/<int:child_id>/", cases.child, name="child"),
    path("children/<int:child_id>/chronology/", chronology_views.chronology, name="chronology"),
    path(
        "children/<int:child_id>/chronology/pdf/",
        chronology_views.chronology_pdf,
        name="chronology-pdf",
    ),
    path("children/<int:child_id>/episodes/new/", cases.episode_new, name="episode-new"),
    path("episodes/<int:episode_id>/return/", cases.episode_return, name="episode-return"),
    path("children/<int:child_id>/allocate/", cases.allocate, name="allocate"),
    path("interviews/<int:interview_id>/", cases.interview, name="interview"),
    path("interviews/<int:interview_id>/offer/", cases.offer, name="offer"),
    path("interviews/<int:interview_id>/attempt/", cases.attempt, name="attempt"),
    path("interviews/<int:interview_id>/decline/", cases.decline, name="decline"),
    path("interviews/<int:interview_id>/no-contact/", cases.no_contact, name="no-contact"),
    path("interviews/<int:interview_id>/write-up/", cases.write_up, name="write-up"),
    path("interviews/<int:interview_id>/share/", cases.share, name="share"),
    path("interviews/<int:interview_id>/late-reason/", cases.late_reason, name="late-reason"),
    path("interviews/<int:interview_id>/submit/", queues.submit, name="submit"),
    path("interviews/<int:interview_id>/sign-off/", queues.sign_off, name="sign-off"),
    path(
        "interviews/<int:interview_id>/return/",
        queues.return_for_changes,
        name="return-for-changes",
    ),
    path("interviews/<int:interview_id>/places/new/", cases.place_new, name="place-new"),
    path("interviews/<int:interview_id>/adults/new/", cases.adult_new, name="adult-new"),
    path("interviews/<int:interview_id>/vehicles/new/", cases.vehicle_new, name="vehicle-new"),
    path("interviews/<int:interview_id>/referrals/new/", cases.referral_new, name="referral-new"),
    path("referrals/<int:referral_id>/outcome/", cases.referral_outcome, name="referral-outcome"),
    path("children/<int:child_id>/care/", corrections.care_page, name="child-care"),
    path("children/<int:child_id>/risks/new/", cases.risk_new, name="risk-new"),
    path("risks/<int:flag_id>/end/", cases.risk_end, name="risk-end"),
    path("children/<int:child_id>/merge/", intake.merge, name="child-merge"),
    # Correcting saved records (corrections.py)
    *(
        path(
            f"children/<int:child_id>/change/{group}/",
            corrections.child_change,
            {"group": group},
            name=f"child-change-{group}",
        )
        for group in CHILD_GROUPS
    ),
    # Queues and lists (queues.py)
    path("sign-off/", queues.sign_off_queue, name="sign-off-queue"),
    path("team/", queues.workload, name="workload"),
    path("interviews/", queues.interview_list, name="interview-list"),
    path("episodes/", queues.episode_list, name="episode-list"),
    path("allocate/", queues.allocate_many, name="allocate-many"),
    path("episodes/<int:episode_id>/change/", corrections.episode_change, name="episode-change"),
    path(
        "interviews/<int:interview_id>/reallocate/",
        corrections.interview_reallocate,
        name="interview-reallocate",
    ),
    path("interview-parts/<slug:key>/change/", corrections.part_change, name="part-change"),
    path(
        "interview-parts/<slug:key>/entered-in-error/",
        corrections.part_in_error,
        name="part-in-error",
    ),
    path(
        "interviews/<int:interview_id>/reopen/",
        corrections.interview_reopen,
        name="interview-reopen",
    ),
    path(
        "episodes/<int:episode_id>/entered-in-error/",
        corrections.episode_in_error,
        name="episode-in-error",
    ),
    # Police notifications (intake.py)
    path("notifications/", intake.queue, name="intake-queue"),
    path("notifications/upload", intake.upload, name="intake-upload"),
    path("notifications/batches/<str:reference>", intake.batch, name="intake-batch"),
    path("notifications/reports/<str:reference>", intake.report, name="intake-report"),
    path("notifications/reports/<str:reference>/link", intake.link, name="intake-link"),
    path(
        "notifications/reports/<str:reference>/new-child",
        intake.new_child,
        name="intake-new-child",
    ),
    path("notifications/reports/<str:reference>/dismiss", intake.dismiss, name="intake-dismiss"),
    path("notifications/reports/<str:reference>/reopen", intake.reopen, name="intake-reopen"),
    path("notifications/reports/<str:reference>/resolve", intake.resolve, name="intake-resolve"),
    path(
        "notifications/reports/<str:reference>/unlink",
        corrections.report_unlink,
        name="intake-unlink",
    ),
    path("notifications/reconciliation", intake.reconciliation, name="reconciliation"),
    path(
        "notifications/reconciliation/export",
        intake.reconciliation_export,
        name="reconciliation-export",
    ),
    # Performance (indicators.py)
    path("indicators/", indicators.indicators, name="indicators"),
    path("indicators/download.<str:fmt>", indicators.download, name="indicators-download"),
    # Returns and exports (returns.py)
    path("returns/", returns.page, name="returns"),
    path("returns/download", returns.download, name="returns-download"),
    path("returns/ssda903-merge", returns.ssda903_merge, name="returns-ssda903-merge"),
    # Analysis: the pseudonymised episode list (analysis.py)
    path("analysis/episodes/", analysis.episodes, name="analysis"),
    path("analysis/episodes.csv", analysis.episodes_csv, name="analysis-download"),
    # Police intelligence (intelligence.py)
    path(
        "interviews/<int:interview_id>/intelligence/",
        intelligence_views.new,
        name="intelligence-new",
    ),
    path(
        "intelligence/",
        intelligence_views.awaiting_acknowledgement,
        name="intelligence-queue",
    ),
    path(
        "intelligence/<str:reference>",
        intelligence_views.submission,
        name="intelligence-submission",
    ),
    path(
        "intelligence/<str:reference>/download",
        intelligence_views.download,
        name="intelligence-download",
    ),
    path(
        "intelligence/<str:reference>/file",
        intelligence_views.file,
        name="intelligence-file",
    ),
    # Places (places.py)
    path("places/", places_views.hotspots, name="hotspots"),
    path("places/download", places_views.download, name="hotspots-download"),
    # Multi-agency panel (panel.py)
    path("panel/", panel_views.panel, name="panel"),
    path("panel/meetings/new/", panel_views.meeting_new, name="panel-meeting-new"),
    path("panel/meetings/<int:meeting_id>/", panel_views.meeting, name="panel-meeting"),
    path(
        "panel/meetings/<int:meeting_id>/links/",
        panel_views.meeting_links,
        name="panel-meeting-links",
    ),
    path("panel/meetings/<int:meeting_id>/pdf/", panel_views.meeting_pdf, name="panel-meeting-pdf"),
    path("panel/listings/<int:listing_id>/", panel_views.meeting_child, name="panel-meeting-child"),
    path("panel/pdfs/<int:pdf_id>/", panel_views.pdf, name="panel-pdf"),
    path("panel/pdfs/<int:pdf_id>/download/", panel_views.pdf_download, name="panel-pdf-download"),
    path("panel/actions/<int:action_id>/done/", panel_views.action_done, name="panel-action-done"),
    path("panel/triggers/", panel_views.triggers, name="panel-triggers"),
    # Returns (foi.py)
    path("returns/foi-settings/", foi_views.foi_settings, name="foi-settings"),
    path("returns/national-collection/", national_views.send, name="national-send"),
    path("national-collection/", national_views.received, name="national-received"),
    path("national-collection/deadline", national_views.deadline, name="national-deadline"),
    path(
        "national-collection/<str:period>/remind",
        national_views.remind,
        name="national-remind",
    ),
    path(
        "national-collection/<str:period>/returns.csv",
        national_views.received_csv,
        name="national-received-csv",
    ),
    path(
        "national-collection/<str:period>/benchmark.zip",
        national_views.benchmark,
        name="national-benchmark",
    ),
    # Administration (audit.py)
    path("audit/", audit.audit_log, name="audit"),
    # The case system's import and the matches it proposes (care.py)
    path("other-authorities/", exchange_views.partners, name="exchange-partners"),
    path("other-authorities/add", exchange_views.partner_add, name="exchange-partner-add"),
    path("partner-notices/", exchange_views.notices, name="exchange-notices"),
    path("childrens-home/", childrens_home_views.childrens_home, name="childrens-home"),
    path(
        "childrens-home/record",
        childrens_home_views.childrens_home_record,
        name="childrens-home-record",
    ),
    path(
        "childrens-home-movements/<int:movement_id>/which-child",
        childrens_home_views.home_report_link,
        name="exchange-home-report-link",
    ),
    path(
        "childrens-home-movements/<int:movement_id>/recorded-by-mistake",
        exchange_views.home_movement_error,
        name="exchange-home-movement-error",
    ),
    path(
        "partner-notices/<int:notice_id>/wrong-child",
        exchange_views.notice_reopen,
        name="exchange-notice-reopen",
    ),
    path(
        "partner-notices/<int:notice_id>/photo",
        exchange_views.notice_photo,
        name="exchange-notice-photo",
    ),
    path("placed-elsewhere/", exchange_views.placed_elsewhere, name="exchange-placed-elsewhere"),
    path("placed-here/", exchange_views.placed_here, name="exchange-placed-here"),
    path("interviews-asked-of-us/", arrangement_views.asked_of_us, name="exchange-asked-of-us"),
    path("children/<int:child_id>/missing-profile/", profile_views.profile, name="profile"),
    path(
        "children/<int:child_id>/missing-profile/change",
        profile_views.profile_change,
        name="profile-change",
    ),
    path(
        "children/<int:child_id>/missing-profile/photos/<int:photo_id>",
        profile_views.profile_photo,
        name="profile-photo",
    ),
    path(
        "children/<int:child_id>/missing-profile/photos/<int:photo_id>/delete",
        profile_views.photo_delete,
        name="profile-photo-delete",
    ),
    path(
        "children/<int:child_id>/missing-profile/send-to-police",
        profile_views.send_to_police,
        name="profile-send",
    ),
    path(
        "children/<int:child_id>/missing-profile/grab-pack",
        profile_views.grab_pack,
        name="profile-grab-pack",
    ),
    path(
        "interviews-asked-of-us/<int:arrangement_id>/",
        arrangement_views.asked_one,
        name="exchange-asked-one",
    ),
    path(
        "interviews/<int:interview_id>/ask-host-authority/",
        arrangement_views.ask_host,
        name="interview-ask-host",
    ),
    path(
        "children/<int:child_id>/childrens-home",
        exchange_views.home_movement,
        name="exchange-home-movement",
    ),
    path(
        "children/<int:child_id>/placement-notice",
        exchange_views.placement_notice,
        name="exchange-placement-notice",
    ),
    path(
        "partner-notices/<int:notice_id>",
        exchange_views.notice,
        name="exchange-notice",
    ),
    path("other-authorities/<str:code>/", exchange_views.partner, name="exchange-partner"),
    path(
        "other-authorities/<str:code>/test",
        exchange_views.partner_test,
        name="exchange-partner-test",
    ),
    path(
        "other-authorities/<str:code>/keys",
        exchange_views.partner_rotate,
        name="exchange-partner-rotate",
    ),
    path(
        "other-authorities/<str:code>/remove",
        exchange_views.partner_remove,
        name="exchange-partner-remove",
    ),
    path("case-system/import", care_views.import_page, name="case-system-import"),
    path("case-system/matches", care_views.matches, name="case-system-matches"),
    path("case-system/matches/<int:proposal_id>", care_views.match, name="case-system-match"),
]
