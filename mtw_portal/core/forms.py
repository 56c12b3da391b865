from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from mtw_portal.core.validators import (
    has_control_characters,
    single_line,
    validate_date_of_birth,
    validate_event_date,
)

# The largest id PostgreSQL keeps (bigint): a larger number names no record.
MAX_ID = 2**63 - 1


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else NON_FIELD_ERRORS
            for message in errors:
                form.add_error(None if target == NON_FIELD_ERRORS else target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class SingleLineCharField(forms.CharField):
    """A line of text (a name, a title): no line breaks, tabs or other control characters."""

    default_validators = [single_line]


class EventDateField(forms.DateField):
    """A date in the program's life (from 2000 to 20 years ahead): never year 1 or 9999."""

    default_validators = [validate_event_date]


class BirthDateField(forms.DateField):
    """A date of birth of someone 14 to 100 years old."""

    default_validators = [validate_date_of_birth]


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records chosen by id: a value that is no id (see ``id_param``) is an invalid choice
    (Django looks up ``pk__in`` unchecked, and SQLite cannot hold 10**30)."""

    def _check_values(self, value):
        for pk in value or ():
            if not id_param(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def id_param(value) -> int:
    """A record id from a query or form parameter; 0 (which matches nothing, so 404) when it is not one.

    Only ASCII digits count ("²" and "١٢" pass ``str.isdigit()`` but are no id), and only up to the
    largest id the database can hold.
    """
    value = str(value or "")
    if not (value.isascii() and value.isdecimal()) or len(value) > len(str(MAX_ID)):
        return 0
    number = int(value)
    return number if number <= MAX_ID else 0


def next_url(request, default: str, *, name: str = "next") -> str:
    """Where to go back to after a POST: ``next`` when it is a path on this site, else ``default``."""
    candidate = request.POST.get(name) or request.GET.get(name) or ""
    if (
        candidate.startswith("/")
        and not has_control_characters(candidate)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
