"""What may be uploaded: types, sizes and a cheap look at the content, with Chinese messages.

Documents, videos and audio are checked here (PortalDocument.clean, PortalMediaForm, the bulk
importer); images by Wagtail's own image field, which reads the format from the content and
refuses too many pixels (WAGTAILIMAGES_* settings), with Pillow's bomb check made an error.
The extension alone proves nothing: an .exe renamed .pdf is refused by its first bytes.
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat

import filetype

# Served from the portal's own host these would run scripts in a visitor's browser.
SCRIPTABLE = {"svg", "svgz", "html", "htm", "xhtml", "xml", "js", "mjs"}

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt
# A document's first bytes, by extension; text files are checked for binary content instead.
DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "zip": (ZIP,),
    "doc": (OLE2, b"{\\rtf"),
    "xls": (OLE2,),
    "ppt": (OLE2,),
}
TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 text, as Excel's 「Unicode 文本」 saves

# What filetype may call a media file of each extension: container families, since an .m4v
# is an MP4 and a .webm a Matroska file.
ISO_MEDIA = {"mp4", "m4v", "mov", "m4a", "3gp"}
MEDIA_KINDS = {
    "mp4": ISO_MEDIA,
    "m4v": ISO_MEDIA,
    "mov": ISO_MEDIA,
    "webm": {"webm", "mkv"},
    "m4a": ISO_MEDIA,
    "mp3": {"mp3"},
    "aac": {"aac"},
    "wav": {"wav"},
    "ogg": {"ogg", "ogv", "opus"},
}

HEAD = 8192


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(file):
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD)
    file.seek(position)
    return head


def scriptable_message(extension):
    return (
        f"不接受 .{extension} 文件：SVG、HTML 和 JavaScript 文件在浏览器中打开时可以运行脚本，"
        "有安全风险。请转换为 PDF 或图片（PNG、JPG）后再上传。"
    )


def too_large_message(size, limit):
    return f"文件过大（{filesizeformat(size)}），最大允许 {filesizeformat(limit)}。"


def document_problem(file, name):
    """Why this file may not be a document, or None. `file` is any open binary file."""
    extension = _extension(name)
    if extension in SCRIPTABLE:
        return scriptable_message(extension)
    allowed = settings.WAGTAILDOCS_EXTENSIONS
    if extension not in allowed:
        return f"不支持的文件类型“.{extension}”，允许的类型：{'、'.join(allowed)}。"
    head = _head(file)
    signatures = DOCUMENT_SIGNATURES.get(extension)
    if signatures is not None:
        if not head.startswith(signatures):
            return f"文件内容与扩展名 .{extension} 不符，可能已损坏或被改名，请检查后重新上传。"
    elif b"\x00" in head and not head.startswith(TEXT_BOMS):
        return f"文件内容不是文本，与扩展名 .{extension} 不符，请检查后重新上传。"
    return None


def media_problem(file, name, kind):
    """Why this file may not be a video (kind "video") or audio ("audio") file, or None."""
    extension = _extension(name)
    allowed = settings.WAGTAILMEDIA[f"{kind.upper()}_EXTENSIONS"]
    label = "视频" if kind == "video" else "音频"
    if extension not in allowed:
        return f"不支持的{label}类型“.{extension}”，允许的类型：{'、'.join(allowed)}。"
    limit = settings.PORTAL_MEDIA_MAX_UPLOAD_SIZE
    if file.size > limit:
        return too_large_message(file.size, limit)
    found = filetype.guess(_head(file))
    if found is None or found.extension not in MEDIA_KINDS.get(extension, {extension}):
        return f"文件内容不是 .{extension} {label}，可能已损坏或被改名，请检查后重新上传。"
    return None
