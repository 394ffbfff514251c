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
