from django.db import migrations

# The four dimensions of the classroom-observation scale the programme's schools use
# (崔允漷's LICC: 学生学习, 教师教学, 课程性质, 课堂文化); the office edits them in the admin.
DIMENSIONS = [
    ("学生学习", "准备、倾听、互动、自主、达成"),
    ("教师教学", "环节、呈示、对话、指导、机智"),
    ("课程性质", "目标、内容、实施、评价、资源"),
    ("课堂文化", "思考、民主、创新、关爱、特质"),
]


def seed(apps, schema_editor):
    Dimension = apps.get_model("content", "ObservationDimension")
    for order, (name, description) in enumerate(DIMENSIONS):
        Dimension.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0012_classroom_observation")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
