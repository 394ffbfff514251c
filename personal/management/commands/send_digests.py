from django.core.management.base import BaseCommand

from personal.digest import send_digest, subscribers


class Command(BaseCommand):
    help = "Queue this week's e-mail digest for every user who asked for it (run weekly)."

    def handle(self, *args, **options):
        users = list(subscribers().values_list("user_id", flat=True))
        for user_id in users:
            send_digest.enqueue(user_id)
        self.stdout.write(f"{len(users)} digest job(s) queued")
