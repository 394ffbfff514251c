"""The one block set every StreamField body uses. Each block has an icon, a template, a
preview and a description, so editors see in the block picker what they are choosing."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock as BaseTableBlock
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock

TEMPLATE_DIR = "components/streamfield/blocks"


def _first(model):
    return model.objects.order_by("pk").first()


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题文字"), max_length=100)
    size = blocks.ChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题")), ("h4", _("四级标题"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("标题")
        template = f"{TEMPLATE_DIR}/heading_block.html"
        preview_value = {"text": "一、教学目标", "size": "h2"}
        description = _("正文中的小标题，用于划分段落层次。")


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "features", ["bold", "italic", "link", "document-link", "ol", "ul", "superscript"]
        )
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("段落")
        template = f"{TEMPLATE_DIR}/paragraph_block.html"
        preview_value = (
            "<p>通过师徒结对、集体备课和课例分析，帮扶团队带动受援学校教师提升课堂教学能力。</p>"
        )
        description = _("带格式的正文段落，可包含链接和列表。")


class FigureBlock(blocks.StructBlock):
    # Wagtail's ImageBlock asks for alt text unless the image is marked decorative.
    image = ImageBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图片说明"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片")
        template = f"{TEMPLATE_DIR}/figure_block.html"
        description = _("一张图片，须填写替代文字（供读屏软件朗读），可加图片说明。")

    def get_preview_value(self):
        image = _first(get_image_model())
        return {"image": image, "caption": "课堂教学现场"} if image else None


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文档"))
    title = blocks.CharBlock(
        label=_("链接文字"), required=False, help_text=_("留空则使用文档标题。")
    )

    class Meta:
        icon = "doc-full"
        label = _("文档下载")
        template = f"{TEMPLATE_DIR}/document_link_block.html"
        description = _("文档库中一个文档的下载链接，显示文件类型和大小。")

    def get_preview_value(self):
        document = _first(get_document_model())
        return {"document": document, "title": ""} if document else None


class VideoEmbedBlock(EmbedBlock):
    class Meta:
        icon = "media"
        label = _("嵌入视频")
        template = f"{TEMPLATE_DIR}/embed_block.html"
        description = _("来自视频网站的视频，粘贴其分享链接。")


class TableBlock(BaseTableBlock):
    class Meta:
        icon = "table"
        label = _("表格")
        template = f"{TEMPLATE_DIR}/table_block.html"
        preview_value = {
            "first_row_is_table_header": True,
            "data": [["学科", "授课教师", "课题"], ["数学", "马文静", "函数的单调性"]],
        }
        description = _("简单的数据表格，如课表、活动安排或统计。")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处"), required=False, max_length=100)

    class Meta:
        icon = "openquote"
        label = _("引用")
        template = f"{TEMPLATE_DIR}/quote_block.html"
        preview_value = {
            "text": "把“输血”与“造血”功能有机结合，做好帮带工程。",
            "attribution": "《红寺堡区教育人才“组团式”帮扶工作实施方案》",
        }
        description = _("突出显示的一段引文及其出处。")


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("说明"), max_length=200)
    page = blocks.PageChooserBlock(label=_("链接页面"), required=False)
    url = blocks.URLBlock(label=_("或外部链接"), required=False)
    button = blocks.CharBlock(label=_("按钮文字"), max_length=30, default="查看详情")

    class Meta:
        icon = "link"
        label = _("行动按钮")
        template = f"{TEMPLATE_DIR}/call_to_action_block.html"
        preview_value = {"text": "下载本学期集体备课资料", "url": "/resources/", "button": "前往"}
        description = _("一句说明和一个醒目的按钮，引导读者前往某个页面。")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": blocks.BlockValidationError(_("请选择页面或填写链接。"))}
            )
        return value


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    figure = FigureBlock()
    document = DocumentLinkBlock()
    embed = VideoEmbedBlock()
    table = TableBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()

    class Meta:
        template = f"{TEMPLATE_DIR}/body_block.html"
