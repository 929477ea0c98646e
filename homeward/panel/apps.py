from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "homeward.panel"
    label = "panel"
    verbose_name = "Multi-agency panel"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from homeward.panel import models as m

        masked = {m.PanelDecision: ["text"], m.PanelAction: ["text", "done_note"]}
        for model in (m.PanelTrigger, m.PanelMeeting, m.PanelListing, *masked):
            if not auditlog.contains(model):
                auditlog.register(model, mask_fields=masked.get(model, []))
