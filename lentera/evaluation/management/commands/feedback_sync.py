from typing import Any

from django.core.management.base import BaseCommand

from lentera.evaluation.followup import feedback_sync


class Command(BaseCommand):
    help = (
        "Open the feedback rounds of sessions that have ended, the follow-ups that are due, and send the "
        "reminders of rounds about to close. Run it every 15 minutes (cron); safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = feedback_sync()
        self.stdout.write(
            f"Feedback: {counts['rounds']} rounds opened, {counts['follow_ups']} follow-ups opened, "
            f"{counts['reminders']} reminders queued."
        )
