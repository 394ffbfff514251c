"""Word files that are small on disk and huge inside, as the issue measured them: about 100 KB
holding 34 MB of XML, and about 500 KB holding 170 MB. document.xml repeats one paragraph,
which deflate compresses a few hundred times over."""

import functools
import io
import zipfile

import docx

PARAGRAPH = "<w:p><w:r><w:t>红寺堡教育帮扶教学设计</w:t></w:r></w:p>".encode()


@functools.cache
def word_bomb(xml_megabytes):
    """A .docx (bytes) whose word/document.xml is `xml_megabytes` MB (made once a session)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    xml = source.read("word/document.xml")
    start = xml.index(b"<w:body>") + len(b"<w:body>")
    count = xml_megabytes * 1024 * 1024 // len(PARAGRAPH)
    xml = xml[:start] + PARAGRAPH * count + xml[start:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                package.writestr(item.filename, xml)
            else:
                package.writestr(item.filename, source.read(item.filename))
    return out.getvalue()


SMALL_BOMB_MB = 34
LARGE_BOMB_MB = 170
