"""Anonymous answers as aggregates: counters, sorted comment lists, responses per round."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='survey',
            name='participant_responses',
            field=models.PositiveIntegerField(default=0, verbose_name="participants' responses"),
        ),
        migrations.AddField(
            model_name='survey',
            name='supervisor_responses',
            field=models.PositiveIntegerField(default=0, verbose_name="supervisors' responses"),
        ),
        migrations.CreateModel(
            name='Comments',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('participant', 'Participant'), ('supervisor', 'Supervisor')], default='participant', max_length=12)),
                ('entries', models.JSONField(blank=True, default=list)),
                ('instructor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='evaluation.formitem')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='evaluation.survey')),
            ],
            options={
                'verbose_name': 'comments',
                'verbose_name_plural': 'comments',
                'indexes': [models.Index(fields=['survey', 'role'], name='evaluation__survey__5fe839_idx')],
            },
        ),
        migrations.CreateModel(
            name='Tally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('participant', 'Participant'), ('supervisor', 'Supervisor')], default='participant', max_length=12)),
                ('value', models.CharField(max_length=500)),
                ('count', models.PositiveIntegerField(default=0)),
                ('instructor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tallies', to='evaluation.formitem')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tallies', to='evaluation.survey')),
            ],
            options={
                'indexes': [models.Index(fields=['survey', 'role'], name='evaluation__survey__f35349_idx'), models.Index(fields=['item', 'instructor'], name='evaluation__item_id_4fb908_idx')],
            },
        ),
    ]
