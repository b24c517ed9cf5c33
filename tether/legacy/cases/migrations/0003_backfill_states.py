"""Give every case written before state history existed (or by import/demo) its state intervals."""

from django.db import migrations


def backfill(apps, schema_editor):
    from tether.casework.transitions import history_from_summary

    Case = apps.get_model("cases", "Case")
    CaseState = apps.get_model("cases", "CaseState")
    rows = []
    for case in Case.objects.filter(states__isnull=True).iterator(chunk_size=2000):
        for span in history_from_summary(case.kind, case.opened_on, case.closed_on, case.warrant_on,
                                         case.believed_abroad, case.outcome):
            rows.append(CaseState(
                case_id=case.pk, state=span.state, believed_abroad=span.believed_abroad,
                valid_from=span.valid_from, valid_to=span.valid_to, event=span.event, outcome=span.outcome,
                detail={"derived_from_summary": True}, actor_label="migration", created_at=case.created_at,
            ))
        if len(rows) >= 5000:
            CaseState.objects.bulk_create(rows)
            rows = []
    CaseState.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_states_and_actions")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
