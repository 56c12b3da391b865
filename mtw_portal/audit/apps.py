from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The models whose every change goes to django-auditlog's history (one LogEntry table, before and
# after values, the actor and the client's address from mtw_portal.audit.middleware). Named by
# label, so this lower layer imports no domain app. A case note's text is masked: the history says
# that a note was written, changed or deleted, by whom and when, never what it says.
MASK = "mtw_portal.audit.services.mask_note"
TRACKED = {
    "accounts.User": {
        "include_fields": ["email", "first_name", "last_name", "role", "is_active", "is_staff"],
    },
    "participants.Participant": {},
    "participants.CaseNote": {"mask_fields": ["body"], "mask_callable": MASK},
    "participants.SupportItem": {},
    "participants.SupportRequest": {},
    "programs.Program": {},
    "programs.Cohort": {},
    "programs.Enrollment": {},
    "programs.Credential": {},
    "programs.CompletionFollowUp": {},
    "employers.Opportunity": {},
    "employers.Application": {},
    "placements.Placement": {},
    "placements.RetentionCheck": {},
}


class AuditConfig(AppConfig):
    name = "mtw_portal.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        for label, options in TRACKED.items():
            model = self.apps.get_model(label)
            # Only the model's own columns: django-auditlog would otherwise read each reverse
            # relation on every save (a query each, and a cached "none" on the instance).
            reverse = [f.name for f in model._meta.get_fields() if not f.concrete]
            auditlog.register(model, **{"exclude_fields": reverse, **options})
