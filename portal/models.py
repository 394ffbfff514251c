from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting


class PortalSettings(BaseSiteSetting):
    """What the footer and page metadata say about the organisation running the site."""

    organisation_name = models.CharField(_("主办单位"), max_length=100, default="红寺堡区教育局")
    coordinator = models.CharField(
        _("承办单位"),
        max_length=150,
        blank=True,
        help_text=_("如：红寺堡区教育人才“组团式”帮扶议事协调小组办公室"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    icp_number = models.CharField(
        _("ICP 备案号"), max_length=50, blank=True, help_text=_("如：宁ICP备xxxxxxxx号")
    )
    icp_link = models.URLField(
        _("备案查询链接"),
        blank=True,
        help_text=_("点击备案号时打开的地址，通常为工业和信息化部备案管理系统。"),
    )
    police_filing_number = models.CharField(_("公安备案号"), max_length=50, blank=True)
    site_description = models.CharField(
        _("站点简介"),
        max_length=255,
        blank=True,
        help_text=_("用于搜索引擎和分享卡片的默认描述。"),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("coordinator")], heading=_("单位")
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("联系方式"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("icp_number"),
                FieldPanel("icp_link"),
                FieldPanel("police_filing_number"),
            ],
            heading=_("备案信息"),
        ),
        FieldPanel("site_description"),
    ]

    class Meta:
        verbose_name = _("站点信息")
        verbose_name_plural = _("站点信息")


def import_storage():
    """Uploaded import files: kept outside MEDIA_ROOT, which the web server and the bucket
    publish, until their job ends (portal/imports)."""
    return FileSystemStorage(location=settings.PORTAL_IMPORT_ROOT)


class ResourceImport(models.Model):
    """One spreadsheet uploaded in the admin (教学资源 → 批量导入): its file until the import
    ends, where it goes, and how its job went."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL
    )
    parent = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("导入到"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("文件"), storage=import_storage, upload_to="%Y/%m/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    publish = models.BooleanField(_("直接发布"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    imported = models.PositiveIntegerField(_("已导入"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("资源导入")
        verbose_name_plural = _("资源导入")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)
