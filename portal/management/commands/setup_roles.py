from django.core.management.base import BaseCommand

from portal.setup.roles import RoleSetup


class Command(BaseCommand):
    help = (
        "建立或校正角色：教师、工作室成员、工作室主持人、学校审核员、项目办的用户组，"
        "它们在各栏目与文件夹上的权限，以及新闻和各校工作室的审核流程。可重复运行。"
    )

    def handle(self, *args, **options):
        changes = RoleSetup().run()
        for change in changes:
            self.stdout.write(change)
        self.stdout.write(
            self.style.SUCCESS("角色与审核流程已就绪。" if changes else "角色无需改动。")
        )
