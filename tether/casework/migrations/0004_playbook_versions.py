from django.db import migrations, models


class Migration(migrations.Migration):
    """Each playbook version records what it changed (setting, before, after)."""

    dependencies = [
        ('casework', '0003_transfer_playbook'),
    ]

    operations = [
        migrations.AddField(
            model_name='playbook',
            name='changes',
            field=models.JSONField(blank=True, default=list, help_text='What this version changed: [{setting, before, after}] by dotted setting.'),
        ),
    ]
