"""The one module that decides who may see or change what.

Views never test roles or memberships themselves: they call these helpers, and
selectors scope their querysets with them. Conventions (the README's "Accounts, roles and
access" states them too):

- not signed in: the LoginRequiredMiddleware sends the visitor to log in;
- signed in with the wrong role for a page: 403 (``PermissionDenied``);
- no link to the object asked for: 404, so its existence is not revealed;
- linked, but read-only, asking to change: 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from coalition.models import WorkingGroup
from employers.models import (
    Application,
    EmployerMember,
    MentorMatch,
    MentorOffer,
    Opportunity,
)
from mtw_portal.accounts.models import Role
from mtw_portal.imports.models import ImportBatch
from participants.models import Navigator, Participant
from placements.models import Placement, RetentionCheck
from programs.models import Cohort, Enrollment, Program, ProviderStaff

# Each role's landing page after log-in.
ROLE_HOME = {
    Role.PARTICIPANT: "participants:home",
    Role.NAVIGATOR: "participants:caseload",
    Role.PROVIDER: "programs:provider_home",
    Role.EMPLOYER: "employers:home",
    Role.STAFF: "core:staff_home",
}

# Roles that must use two-factor authentication when MTW_REQUIRE_MFA is on.
MFA_ROLES = frozenset({Role.NAVIGATOR, Role.PROVIDER, Role.EMPLOYER, Role.STAFF})


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def is_grant_staff(user) -> bool:
    return has_role(user, Role.STAFF)


def home_url(user) -> str:
    if not (user and user.is_authenticated):
        return reverse("core:landing")
    return reverse(ROLE_HOME.get(user.role, "core:landing"))


def must_use_mfa(user) -> bool:
    return has_role(user, *MFA_ROLES)


def role_required(*roles: Role) -> Callable:
    """Let only signed-in holders of one of ``roles`` through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


# Organization memberships. Each returns the membership of a user who holds the role,
# or raises PermissionDenied (a role without its membership is a broken account,
# never a reason to show someone else's data).
#
# A page asks for the viewer's membership many times (each scope, each check), so it is read
# once and kept on the user object. Django builds ``request.user`` afresh for every request,
# so the cache lives as long as the request and belongs to that one user. Code that keeps a
# User across a change of membership (services, tests, the shell) is covered by the services
# that change memberships (``navigator_set``, ``provider_staff_set``, ``employer_member_set``,
# their ``*_remove`` and ``user_role_grant``): they call ``memberships_forget`` on the user they
# were given. The role is still checked on every call; only the membership row is kept.

_MEMBERSHIPS = "_access_memberships"  # User.refresh_from_db() drops it too


def _membership(user, model, related: str):
    """``user``'s row of ``model`` (with ``related``), or None; read at most once per user object."""
    cache = getattr(user, _MEMBERSHIPS, None)
    if cache is None:
        cache = {}
        setattr(user, _MEMBERSHIPS, cache)
    if model not in cache:
        try:
            cache[model] = model.objects.select_related(related).get(user=user)
        except model.DoesNotExist:
            cache[model] = None
    return cache[model]


def memberships_forget(user) -> None:
    """Drop the memberships kept on ``user`` (its navigator, provider staff or employer member row)."""
    if user is not None and getattr(user, _MEMBERSHIPS, None) is not None:
        setattr(user, _MEMBERSHIPS, None)


def organization_name_of(user) -> str:
    """The name of the organization ``user`` works for as a navigator, provider staff or employer
    member ("" for other roles or without a membership): from the membership already read for this
    request, so the audit trail's label costs no query on a page that checked access."""
    for role, model, related in (
        (Role.NAVIGATOR, Navigator, "organization"),
        (Role.PROVIDER, ProviderStaff, "provider"),
        (Role.EMPLOYER, EmployerMember, "employer"),
    ):
        if user.role == role:
            membership = _membership(user, model, related)
            return getattr(membership, related).name if membership is not None else ""
    return ""


def navigator_for(user) -> Navigator:
    if not has_role(user, Role.NAVIGATOR):
        raise PermissionDenied
    navigator = _membership(user, Navigator, "organization")
    if navigator is None:
        raise PermissionDenied
    return navigator


def provider_staff_for(user, *, edit: bool = False) -> ProviderStaff:
    if not has_role(user, Role.PROVIDER):
        raise PermissionDenied
    staff = _membership(user, ProviderStaff, "provider")
    if staff is None or (edit and not staff.can_edit):
        raise PermissionDenied
    return staff


def employer_member_for(user) -> EmployerMember:
    if not has_role(user, Role.EMPLOYER):
        raise PermissionDenied
    member = _membership(user, EmployerMember, "employer")
    if member is None:
        raise PermissionDenied
    return member


# ---------------------------------------------------------------------------------------
# Participants' records, and what their consent allows (README, "Accounts, roles and access").
#
# Always, whatever the consent: the person themself; grant staff; the navigators of the person's
# own community organization. Navigators of other organizations: never.
# Training provider staff: only people with a CONFIRMED enrollment at their provider (one the
# person made by applying, a navigator or grant staff made, or the person or their navigator
# confirmed after a roster import or a provider's action). They see the name, email and the
# enrollments at their provider; with consent to share, also phone, ZIP code, preferred
# language and the navigator's name and organization. Never demographics, barriers, support,
# case notes or other providers' enrollments.
# Employer members: only people who applied to one of their opportunities, and only what the
# application carries (name, email, résumé, the application's fields); with consent, also the
# person's training and credentials at coalition providers.
# No partner (provider or employer) ever sees demographics or barriers of a person.


def confirmed_enrollments_at(provider_id):
    """Enrollments at ``provider_id`` that are relationships the participant made or confirmed."""
    return Enrollment.objects.filter(
        cohort__program__provider_id=provider_id, partner_confirmed_at__isnull=False
    )


def participants_visible_to(user):
    everyone = Participant.objects.all()
    if has_role(user, Role.STAFF):
        return everyone
    if has_role(user, Role.NAVIGATOR):
        return everyone.filter(organization_id=navigator_for(user).organization_id)
    # Partners lose a deactivated person altogether (README, "The participant's lifecycle"); their
    # organization's navigators and grant staff keep the record.
    if has_role(user, Role.PROVIDER):
        provider_id = provider_staff_for(user).provider_id
        return everyone.filter(
            deactivated_at__isnull=True,
            pk__in=confirmed_enrollments_at(provider_id).values("participant_id"),
        )
    if has_role(user, Role.EMPLOYER):
        employer_id = employer_member_for(user).employer_id
        return everyone.filter(
            deactivated_at__isnull=True,
            pk__in=Participant.objects.filter(applications__opportunity__employer_id=employer_id).values(
                "pk"
            ),
        )
    if has_role(user, Role.PARTICIPANT):
        return everyone.filter(user=user)
    return everyone.none()


def is_own_organization_navigator(user, participant) -> bool:
    return (
        has_role(user, Role.NAVIGATOR)
        and participant.organization_id is not None
        and participant.organization_id == navigator_for(user).organization_id
    )


def is_partner_of(user, participant) -> bool:
    """A provider or employer that sees ``participant`` at all (a confirmed link, an application)."""
    return (
        has_role(user, Role.PROVIDER, Role.EMPLOYER)
        and participants_visible_to(user).filter(pk=participant.pk).exists()
    )


def can_see_contact(user, participant) -> bool:
    """Phone, ZIP code, preferred language, and the navigator's name and organization.

    The person, grant staff and their organization's navigators always; a provider with a
    confirmed link only while the person consents to share (read on every request, so a
    withdrawal takes effect at once); an employer never (it has what the application carries).
    """
    if can_edit_participant(user, participant):
        return True
    if has_role(user, Role.PROVIDER):
        return bool(participant.consent_to_share) and is_partner_of(user, participant)
    return False


def can_see_training_elsewhere(user, participant) -> bool:
    """Training and credentials at every coalition provider: always for the person, grant staff
    and their navigators; for an employer the person applied to, only with consent."""
    if can_edit_participant(user, participant):
        return True
    if has_role(user, Role.EMPLOYER):
        return bool(participant.consent_to_share) and is_partner_of(user, participant)
    return False


def participants_training_visible_to(user):
    """The participants whose training and credentials at every coalition provider ``user`` may
    read: ``can_see_training_elsewhere`` for a whole list in one query (an employer: the people
    who applied to it and consent to share)."""
    if has_role(user, Role.EMPLOYER):
        return participants_visible_to(user).filter(consent_to_share=True)
    if has_role(user, Role.STAFF, Role.NAVIGATOR, Role.PARTICIPANT):
        return participants_visible_to(user)
    return Participant.objects.none()


def participant_fields_visible_to(user, participant) -> frozenset[str]:
    """The parts of ``participant``'s record ``user`` may read, by name (for views and downloads)."""
    fields = set()
    if participants_visible_to(user).filter(pk=participant.pk).exists():
        fields |= {"name", "email"}
    if can_see_contact(user, participant):
        fields |= {"phone", "zip_code", "preferred_language", "navigator", "organization"}
    if can_see_training_elsewhere(user, participant):
        fields |= {"training_elsewhere"}
    if can_see_sensitive(user, participant):
        fields |= {"demographics", "barriers", "support", "date_of_birth"}
    if can_see_case_notes(user, participant):
        fields |= {"case_notes"}
    return frozenset(fields)


def can_confirm_enrollment(user, enrollment) -> bool:
    """The participant, or a navigator of their organization, may confirm or decline a link a
    provider made (an import, a provider's action)."""
    participant = enrollment.participant
    if has_role(user, Role.PARTICIPANT):
        return participant.user_id == user.pk
    return is_own_organization_navigator(user, participant)


def participant_for(user, pk: int, *, edit: bool = False):
    """Participant ``pk`` if visible to ``user`` (else 404); with ``edit``, if they may change it (403)."""
    participant = get_object_or_404(participants_visible_to(user).select_related("user"), pk=pk)
    if edit and not can_edit_participant(user, participant):
        raise PermissionDenied
    return participant


def own_participant(user) -> Participant:
    """The signed-in participant's own record. Only read: every way a participant account comes
    to be (sign-up, an invitation, a role granted, a roster import) creates the record with it,
    so a participant without one is a broken account (403), like a role without its membership."""
    if not has_role(user, Role.PARTICIPANT):
        raise PermissionDenied
    try:
        return Participant.objects.select_related("user", "navigator__user", "organization").get(user=user)
    except Participant.DoesNotExist:
        raise PermissionDenied from None


def can_edit_participant(user, participant) -> bool:
    if has_role(user, Role.STAFF):
        return True
    if has_role(user, Role.PARTICIPANT):
        return participant.user_id == user.pk
    if has_role(user, Role.NAVIGATOR):
        return is_own_organization_navigator(user, participant)
    return False


def can_see_sensitive(user, participant) -> bool:
    """Demographics, barriers and support: the person, their organization's navigators, grant staff."""
    return can_edit_participant(user, participant)


def can_see_case_notes(user, participant) -> bool:
    if has_role(user, Role.STAFF):
        return True
    return is_own_organization_navigator(user, participant)


def can_manage_support(user, participant) -> bool:
    """Log support, decide requests, approve items: the person's organization's navigators, grant staff."""
    return can_see_case_notes(user, participant)


def participants_supported_by(user):
    """``can_manage_support`` as a queryset: everyone for grant staff, the organization's for navigators.

    The support ledger and support requests are scoped with this, never with
    ``participants_visible_to`` (provider staff see their enrollees, not their support).
    """
    if has_role(user, Role.STAFF, Role.NAVIGATOR):
        return participants_visible_to(user)
    return Participant.objects.none()


# ---------------------------------------------------------------------------------------
# Training: providers' programs, cohorts and enrollments.


def programs_managed_by(user):
    """Programs whose cohorts and rosters ``user`` may see: their provider's, or all for grant staff."""
    if has_role(user, Role.STAFF):
        return Program.objects.all()
    if has_role(user, Role.PROVIDER):
        return Program.objects.filter(provider_id=provider_staff_for(user).provider_id)
    return Program.objects.none()


def can_manage_provider(user, provider) -> bool:
    """May change ``provider``'s programs, cohorts and rosters (read-only staff may not)."""
    if has_role(user, Role.STAFF):
        return True
    if has_role(user, Role.PROVIDER):
        staff = provider_staff_for(user)
        return staff.provider_id == provider.pk and staff.can_edit
    return False


def program_for(user, pk: int, *, edit: bool = False):
    program = get_object_or_404(programs_managed_by(user).select_related("provider"), pk=pk)
    if edit and not can_manage_provider(user, program.provider):
        raise PermissionDenied
    return program


def cohort_for(user, pk: int, *, edit: bool = False):
    cohort = get_object_or_404(
        Cohort.objects.filter(program__in=programs_managed_by(user)).select_related("program__provider"),
        pk=pk,
    )
    if edit and not can_manage_provider(user, cohort.program.provider):
        raise PermissionDenied
    return cohort


def enrollments_visible_to(user):
    """Enrollments ``user`` may see and act on. A provider's staff see their programs' confirmed
    enrollments; the roster also lists the unconfirmed ones, as an email and "awaiting the person's
    confirmation" (``roster_enrollments_visible_to``), never with the person's record."""
    if has_role(user, Role.STAFF):
        return Enrollment.objects.all()
    if has_role(user, Role.PROVIDER):
        return confirmed_enrollments_at(provider_staff_for(user).provider_id).filter(
            participant__deactivated_at__isnull=True
        )
    return Enrollment.objects.filter(participant__in=participants_visible_to(user))


def roster_enrollments_visible_to(user):
    """The rows of a provider's rosters: confirmed or not (grant staff: all)."""
    if has_role(user, Role.STAFF, Role.PROVIDER):
        return Enrollment.objects.filter(cohort__program__in=programs_managed_by(user))
    return Enrollment.objects.none()


def enrollment_for(user, pk: int, *, action: str | None = None):
    """The enrollment ``pk`` if visible to ``user`` (404 otherwise), checked for ``action`` (403).

    Actions: the provider's staff (editors) and grant staff may do all; navigators of the
    participant's organization may ``enroll`` (an application) and ``withdraw``.
    """
    enrollment = get_object_or_404(
        enrollments_visible_to(user).select_related("participant__user", "cohort__program__provider"), pk=pk
    )
    if action is not None and not can_act_on_enrollment(user, enrollment, action):
        raise PermissionDenied
    return enrollment


def enrollment_to_confirm_for(user, pk: int):
    """An enrollment whose link ``user`` may confirm or decline: the participant's own, or one of a
    participant of the navigator's organization (else 404)."""
    enrollment = get_object_or_404(
        Enrollment.objects.filter(participant__in=participants_visible_to(user)).select_related(
            "participant", "cohort__program__provider"
        ),
        pk=pk,
    )
    if not can_confirm_enrollment(user, enrollment):
        raise Http404
    return enrollment


NAVIGATOR_ENROLLMENT_ACTIONS = frozenset({"enroll", "withdraw"})


def can_act_on_enrollment(user, enrollment, action: str) -> bool:
    if can_manage_provider(user, enrollment.cohort.program.provider):
        return True
    return action in NAVIGATOR_ENROLLMENT_ACTIONS and is_own_organization_navigator(
        user, enrollment.participant
    )


# ---------------------------------------------------------------------------------------
# Imports: an uploaded batch is seen by its uploader (while they still manage its provider;
# for placements, while they are still a navigator: the importer scopes the rows to their
# organization each time it runs) and by grant staff; anyone else gets 404.


def import_batch_for(user, pk: int, *, kind: str):
    batch = get_object_or_404(
        ImportBatch.objects.select_related("uploaded_by", "scope_provider"), pk=pk, kind=kind
    )
    if is_grant_staff(user):
        return batch
    if batch.uploaded_by_id == user.pk and (
        batch.scope_provider is not None and can_manage_provider(user, batch.scope_provider)
    ):
        return batch
    if batch.uploaded_by_id == user.pk and kind == "placements" and has_role(user, Role.NAVIGATOR):
        return batch
    raise Http404


# ---------------------------------------------------------------------------------------
# Employers: opportunities, applications, placements. Employer members see their own
# employer's; navigators see their organization's participants' applications and placements;
# participants their own; grant staff everything.


def opportunities_managed_by(user):
    if has_role(user, Role.STAFF):
        return Opportunity.objects.all()
    if has_role(user, Role.EMPLOYER):
        return Opportunity.objects.filter(employer_id=employer_member_for(user).employer_id)
    return Opportunity.objects.none()


def opportunity_for(user, pk: int):
    """An opportunity ``user`` manages (their employer's; any for grant staff), else 404."""
    return get_object_or_404(opportunities_managed_by(user).select_related("employer"), pk=pk)


def applications_visible_to(user):
    if has_role(user, Role.STAFF):
        return Application.objects.all()
    if has_role(user, Role.EMPLOYER):
        return Application.objects.filter(
            opportunity__employer_id=employer_member_for(user).employer_id,
            participant__deactivated_at__isnull=True,
        )
    if has_role(user, Role.NAVIGATOR, Role.PARTICIPANT):
        return Application.objects.filter(participant__in=participants_visible_to(user))
    return Application.objects.none()


def application_actions(user) -> frozenset[str]:
    """The actions on applications ``user``'s role may take, on applications that are theirs.
    ``Application.MOVES`` says which side makes which move; this says who acts for each side: an
    employer's members and grant staff for the employer, the participant for themselves. Navigators
    make none."""
    side = {
        Role.EMPLOYER: Application.EMPLOYER_SIDE,
        Role.STAFF: Application.EMPLOYER_SIDE,
        Role.PARTICIPANT: Application.APPLICANT_SIDE,
    }.get(getattr(user, "role", None))
    return Application.actions_of(side)


def application_for(user, pk: int, *, action: str | None = None):
    """An application visible to ``user`` (else 404), checked for ``action`` (else 403)."""
    application = get_object_or_404(
        applications_visible_to(user).select_related("opportunity__employer", "participant__user"), pk=pk
    )
    if action is not None and action not in application_actions(user):
        raise PermissionDenied
    return application


def placements_visible_to(user):
    if has_role(user, Role.STAFF):
        return Placement.objects.all()
    if has_role(user, Role.EMPLOYER):
        return Placement.objects.filter(employer_id=employer_member_for(user).employer_id)
    if has_role(user, Role.NAVIGATOR, Role.PARTICIPANT):
        return Placement.objects.filter(participant__in=participants_visible_to(user))
    return Placement.objects.none()


def placement_for(user, pk: int, *, edit: bool = False):
    """A placement visible to ``user`` (else 404); ``edit``: navigators of the person's organization
    and grant staff (else 403)."""
    placement = get_object_or_404(
        placements_visible_to(user).select_related("employer", "participant__user", "standard"), pk=pk
    )
    if edit and not can_manage_support(user, placement.participant):
        raise PermissionDenied
    return placement


def retention_checks_visible_to(user):
    checks = RetentionCheck.objects.filter(placement__in=placements_visible_to(user))
    if has_role(user, Role.EMPLOYER):
        # Partners lose a deactivated person altogether (no reminder is sent about them either).
        checks = checks.filter(placement__participant__deactivated_at__isnull=True)
    return checks


def can_record_retention_check(user, check) -> bool:
    """Record a check's outcome: navigators of the person's organization, grant staff, and the
    members of the placement's own employer (what its emailed link lets it do), no other company."""
    if has_role(user, Role.EMPLOYER):
        return employer_member_for(user).employer_id == check.placement.employer_id
    return can_manage_support(user, check.placement.participant)


def retention_check_for(user, pk: int, *, edit: bool = False):
    """A retention check of a placement visible to ``user`` (else 404); ``edit`` (record its
    outcome): ``can_record_retention_check`` (else 403)."""
    checks = retention_checks_visible_to(user).select_related(
        "placement__participant__user", "placement__employer"
    )
    check = get_object_or_404(checks, pk=pk)
    if edit and not can_record_retention_check(user, check):
        raise PermissionDenied
    return check


# ---------------------------------------------------------------------------------------
# Hiring and mentoring, on an object already in hand (services re-check with these).


def can_act_on_application(user, application, action: str) -> bool:
    """``application_for``'s rule for one application in hand: the role may do ``action``, and the
    application is theirs (the employer's members; the participant; grant staff, any)."""
    if action not in application_actions(user):
        return False
    if has_role(user, Role.STAFF):
        return True
    if has_role(user, Role.EMPLOYER):
        return employer_member_for(user).employer_id == application.opportunity.employer_id
    if has_role(user, Role.PARTICIPANT):
        return application.participant.user_id == user.pk
    return False


def can_manage_employer(user, employer) -> bool:
    """May change ``employer``'s details and invite colleagues: its owners."""
    if not has_role(user, Role.EMPLOYER):
        return False
    member = employer_member_for(user)
    return member.employer_id == employer.pk and member.role == EmployerMember.Role.OWNER


# Mentoring: an employer member sees their own offers; navigators (of the mentee's organization)
# and grant staff make and end matches.


def mentor_offer_for(user, pk: int):
    """One of the signed-in employer member's own mentor offers, else 404."""
    return get_object_or_404(MentorOffer.objects.filter(member=employer_member_for(user)), pk=pk)


def mentor_matches_visible_to(user):
    if has_role(user, Role.EMPLOYER):
        return MentorMatch.objects.filter(offer__member=employer_member_for(user))
    return MentorMatch.objects.filter(participant__in=participants_supported_by(user))


def mentor_match_for(user, pk: int):
    """A match ``user`` may end: of their organization's participants (navigators), any (grant staff)."""
    return get_object_or_404(
        MentorMatch.objects.filter(participant__in=participants_supported_by(user)).select_related(
            "participant__user", "offer__member__user"
        ),
        pk=pk,
    )


# ---------------------------------------------------------------------------------------
# Coalition: working groups, their meetings, partners, pilots and awards. Grant staff see and
# manage everything; anyone else sees only the working groups they are members of (and those
# groups' meetings), and manages nothing (403). A group they are not in: 404.


def coalition_groups_visible_to(user):
    if is_grant_staff(user):
        return WorkingGroup.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return WorkingGroup.objects.none()
    return WorkingGroup.objects.filter(memberships__user=user)


def working_group_for(user, pk: int, *, manage: bool = False):
    """Working group ``pk`` if ``user`` is a member or grant staff (else 404); ``manage``: grant
    staff only (else 403)."""
    group = get_object_or_404(coalition_groups_visible_to(user), pk=pk)
    if manage and not can_manage_coalition(user):
        raise PermissionDenied
    return group


def can_manage_coalition(user) -> bool:
    """Partners, groups' members, meetings, pilots and awards are managed by grant staff."""
    return is_grant_staff(user)


# ---------------------------------------------------------------------------------------
# A participant's lifecycle: deactivation (at once) and anonymization (after the grant's
# record-keeping period) are grant staff's; the service checks the period.


def can_deactivate_participant(user, participant) -> bool:
    """Deactivate, reactivate or anonymize a participant: grant staff only."""
    return has_role(user, Role.STAFF)


def participants_shared_with_workforce_board(user):
    """The people grant staff may send to the local workforce board (the WIOA extract): they said
    they are also served by it, and gave the separate yes to that sharing (not withdrawn), and their
    record is neither deactivated nor anonymized. The one definition of that rule.
    Anyone but grant staff: 403 (the extract is a grant-level file, like the funder's report)."""
    if not is_grant_staff(user):
        raise PermissionDenied
    return Participant.objects.filter(
        wioa_coenrolled=True, wioa_consent=True, deactivated_at__isnull=True, anonymized_at__isnull=True
    )
