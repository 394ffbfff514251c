"""Files for the demo made on the spot: posters drawn with Pillow, lesson documents written
with python-docx. Nothing is downloaded."""

import io
from pathlib import Path

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile

from docx import Document as DocxDocument
from PIL import Image, ImageDraw, ImageFont

# Debian's WenQuanYi font, where installed (the test set-up installs it); otherwise the
# posters carry only their pattern and Latin text.
CJK_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]


def _font(size):
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size=size), False


def poster_file(name, heading, subheading, colour):
    """A 16:9 lesson poster: a coloured field, a band of lines, the lesson's words."""
    width, height = 1280, 720
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 48):
        draw.line([(i, height), (i + 360, height - 360)], fill="#ffffff22", width=2)
    draw.rectangle([0, height - 120, width, height], fill="#00000055")
    big, cjk = _font(72)
    small, _ = _font(36)
    if cjk:
        draw.text((80, 220), heading, font=big, fill="white")
        draw.text((80, height - 90), subheading, font=small, fill="#f0f0f0")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=f"{name}.png")


def docx_file(name, title, paragraphs):
    document = DocxDocument()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        f"{name}.docx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
