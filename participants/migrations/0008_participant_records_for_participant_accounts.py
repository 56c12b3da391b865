"""Every participant account has its participant record.

The record used to be created on the person's first visit to their own pages (access.own_participant);
now it is created with the account, and the access check only reads. Accounts made before that (in
Django's admin, say) and never opened get their record here.
"""

from django.db import migrations


def create_missing_records(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Participant = apps.get_model("participants", "Participant")
    missing = User.objects.filter(role="participant", participant__isnull=True)
    Participant.objects.bulk_create(Participant(user=user) for user in missing.iterator())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_users_roles_invitations"),
        ("participants", "0007_deactivation_reason_single_line"),
    ]

    operations = [migrations.RunPython(create_missing_records, migrations.RunPython.noop)]
