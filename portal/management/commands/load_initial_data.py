from django.core.management.base import BaseCommand

from portal.setup.demo import DemoLoader


class Command(BaseCommand):
    help = (
        "Build the demo portal from the plan: reference data, people, page tree, site. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Also create the demo login accounts listed in the README (local use only).",
        )

    def handle(self, *args, **options):
        created = DemoLoader(demo_accounts=options["demo_accounts"]).run()
        if not created:
            self.stdout.write("演示内容已是最新，无需改动。")
            return
        for label, count in created.items():
            self.stdout.write(f"新建 {label}: {count}")
        self.stdout.write(self.style.SUCCESS("演示内容已载入。"))
