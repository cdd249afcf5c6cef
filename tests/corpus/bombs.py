"""Small files that cost a decoder gigabytes: PDF and image bombs, built with pikepdf and Pillow.

Each builder returns the file's bytes. The sizes are parameters so a test can make a family
(deeper, wider, larger) and the memory benchmark the full-size ones.
"""

from __future__ import annotations

import io
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image


def _save(pdf: pikepdf.Pdf, **kw: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, **kw)  # streams stay as we wrote them
    return out.getvalue()


def _page(pdf: pikepdf.Pdf, content: bytes, resources: Dictionary | None = None) -> pikepdf.Page:
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_stream(content)
    if resources is not None:
        page.obj.Resources = resources
    return page


def _form(pdf: pikepdf.Pdf, content: bytes) -> pikepdf.Stream:
    return pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form,
                           BBox=Array([0, 0, 100, 100]))


def flate_zeros(size: int, byte: bytes = b" ") -> bytes:
    """size bytes of one repeated byte, deflated: about 1000 times smaller. A valid zlib
    stream built without deflating all of it: each MB is deflated after a full flush (no
    reference back), so one MB's deflate repeats, and the checksum is chained per MB."""
    mb = 1 << 20
    chunk, rest = byte * mb, byte * (size & (mb - 1))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: header and checksum below
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(rest) + comp.flush()
    checksum = 1
    for _ in range(size >> 20):
        checksum = zlib.adler32(chunk, checksum)
    checksum = zlib.adler32(rest, checksum)
    return b"\x78\xda" + block * (size >> 20) + tail + checksum.to_bytes(4, "big")


def _flate_stream(pdf: pikepdf.Pdf, raw: bytes, **keys: object) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, raw)
    stream.Filter = Name.FlateDecode
    for key, value in keys.items():
        stream[Name("/" + key)] = value
    return stream


def xobject_fanout(depth: int, fanout: int = 2, where: str = "page") -> bytes:
    """X0 draws X1 `fanout` times, X1 draws X2 ..., so X0 expands to fanout**depth drawings.

    where: "page" (page content draws X0), "annotation" (an annotation's normal appearance
    does), "pattern" (the page fills with a tiling pattern whose cell does).
    """
    pdf = pikepdf.Pdf.new()
    leaf = _form(pdf, b"0 0 m 1 1 l S")
    forms = [leaf]
    for _ in range(depth):
        child = forms[-1]
        form = _form(pdf, b"q 0.5 0 0 0.5 0 0 cm /X Do Q " * fanout)
        form.Resources = Dictionary(XObject=Dictionary(X=child))
        forms.append(form)
    top = forms[-1]
    if where == "page":
        _page(pdf, b"/X0 Do", Dictionary(XObject=Dictionary(X0=top)))
    elif where == "annotation":
        page = _page(pdf, b"")
        ap = _form(pdf, b"/X0 Do")
        ap.Resources = Dictionary(XObject=Dictionary(X0=top))
        page.obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Square, Rect=Array([10, 10, 200, 200]),
            AP=Dictionary(N=ap)))]))
    elif where == "pattern":
        cell = pdf.make_stream(b"/X0 Do", Type=Name.Pattern, PatternType=1, PaintType=1,
                               TilingType=1, BBox=Array([0, 0, 100, 100]), XStep=100,
                               YStep=100, Resources=Dictionary(XObject=Dictionary(X0=top)))
        _page(pdf, b"/Pattern cs /P0 scn 0 0 500 500 re f",
              Dictionary(Pattern=Dictionary(P0=cell)))
    else:
        raise ValueError(where)
    return _save(pdf)


def xobject_cycle(length: int = 1, inherit: bool = False) -> bytes:
    """A form XObject that draws itself (length 1) or a ring of `length` forms, twice each.

    inherit: the forms have no /Resources of their own and find each other through the page's
    (which PDFium allows, as PDF 1.1 did)."""
    pdf = pikepdf.Pdf.new()
    names = [f"/X{k}" for k in range(length)]
    forms = [_form(pdf, f"{names[(k + 1) % length]} Do ".encode() * 2) for k in range(length)]
    if inherit:
        _page(pdf, b"/X0 Do", Dictionary(XObject=Dictionary(dict(zip(names, forms, strict=True)))))
        return _save(pdf)
    for k, form in enumerate(forms):
        nxt = (k + 1) % length
        form.Resources = Dictionary(XObject=Dictionary({names[nxt]: forms[nxt]}))
    _page(pdf, b"/X0 Do", Dictionary(XObject=Dictionary(X0=forms[0])))
    return _save(pdf)


def flate_content(decoded: int) -> bytes:
    """A page whose content stream is `decoded` bytes of spaces, deflated."""
    pdf = pikepdf.Pdf.new()
    page = _page(pdf, b"")
    page.obj.Contents = _flate_stream(pdf, flate_zeros(decoded))
    return _save(pdf)


def flate_font(decoded: int) -> bytes:
    """A page that writes with a TrueType font whose embedded font file inflates to `decoded`."""
    pdf = pikepdf.Pdf.new()
    font_file = _flate_stream(pdf, flate_zeros(decoded, b"\0"), Length1=decoded)
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name.Bomb, Flags=32,
                            FontBBox=Array([0, 0, 1000, 1000]), ItalicAngle=0, Ascent=800,
                            Descent=-200, CapHeight=700, StemV=80, FontFile2=font_file)
    font = Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name.Bomb,
                      FirstChar=32, LastChar=126, Widths=Array([500] * 95),
                      FontDescriptor=descriptor)
    _page(pdf, b"BT /F1 12 Tf 72 700 Td (Formulier) Tj ET",
          Dictionary(Font=Dictionary(F1=font)))
    return _save(pdf)


def huge_image(width: int, height: int, colour: bool = True) -> bytes:
    """A page that draws one image XObject of width x height pixels, all one colour."""
    pdf = pikepdf.Pdf.new()
    components = 3 if colour else 1
    image = _flate_stream(pdf, flate_zeros(width * height * components, b"\xf0"),
                          Type=Name.XObject, Subtype=Name.Image, Width=width, Height=height,
                          ColorSpace=Name.DeviceRGB if colour else Name.DeviceGray,
                          BitsPerComponent=8)
    _page(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q", Dictionary(XObject=Dictionary(Im0=image)))
    return _save(pdf)


def flate_object_stream(decoded: int) -> bytes:
    """A PDF whose pages live in an object stream padded to `decoded` bytes (raw syntax)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    offsets, body = [], b""
    for obj in objects:
        offsets.append(len(body))
        body += obj + b"\n"
    index = b" ".join(b"%d %d" % (k + 1, off) for k, off in enumerate(offsets)) + b"\n"
    comp = zlib.compressobj(9)
    parts = [comp.compress(index + body)]
    chunk = b" " * (1 << 20)
    parts += [comp.compress(chunk) for _ in range(decoded >> 20)]
    parts.append(comp.flush())
    raw = b"".join(parts)
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    objstm_at = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (len(index), len(raw))) + raw + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00\x00\x00\x00\xff\xff"]  # object 0: free
    rows += [b"\x02" + (4).to_bytes(4, "big") + k.to_bytes(1, "big") for k in range(3)]
    rows.append(b"\x01" + objstm_at.to_bytes(4, "big") + b"\x00")
    rows.append(b"\x01" + xref_at.to_bytes(4, "big") + b"\x00")
    table = b"".join(rows)
    out += (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 1] /Root 1 0 R /Length %d >>\n"
            b"stream\n" % len(table)) + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return out


def many_fields(count: int, per_page: int | None = None) -> bytes:
    """An AcroForm with `count` text fields (widgets), all on one page unless per_page is given."""
    pdf = pikepdf.Pdf.new()
    per_page = per_page or count
    helv = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica))
    fields = Array()
    page = None
    for i in range(count):
        if i % per_page == 0:
            page = _page(pdf, b"")
            page.obj.Annots = pdf.make_indirect(Array())
        assert page is not None
        x, y = 20 + (i % 20) * 28, 20 + ((i // 20) % 40) * 20
        widget = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=pikepdf.String(f"f{i}"),
            V=pikepdf.String("tekst"), Rect=Array([x, y, x + 26, y + 18]),
            DA=pikepdf.String("/Helv 8 Tf 0 g"), F=4, P=page.obj))
        page.obj.Annots.append(widget)
        fields.append(widget)
    pdf.Root.AcroForm = Dictionary(Fields=fields, NeedAppearances=True,
                                   DA=pikepdf.String("/Helv 0 Tf 0 g"),
                                   DR=Dictionary(Font=Dictionary(Helv=helv)))
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


# -- images -------------------------------------------------------------------------------------


def webp_rgba(width: int, height: int) -> bytes:
    """A lossless WebP with an alpha channel, one colour: a few KB for any size."""
    im = Image.new("RGBA", (width, height), (250, 250, 250, 255))
    out = io.BytesIO()
    im.save(out, "WEBP", lossless=True, quality=0, method=0)
    return out.getvalue()


def png_raw(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    """A valid PNG of one value, written chunk by chunk (any bit depth and colour type)."""
    import struct

    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\x00" + b"\xee" * ((width * channels * bit_depth + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()

    def chunk(tag: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + tag + body
                + struct.pack(">I", zlib.crc32(tag + body)))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def huge_jpeg_image(width: int, height: int) -> bytes:
    """A page that draws one DCT (JPEG) image XObject of width x height pixels."""
    im = Image.new("L", (width, height), 240)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=10)
    pdf = pikepdf.Pdf.new()
    image = pikepdf.Stream(pdf, buf.getvalue())
    image.Filter = Name.DCTDecode
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height = width, height
    image.ColorSpace, image.BitsPerComponent = Name.DeviceGray, 8
    _page(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q", Dictionary(XObject=Dictionary(Im0=image)))
    return _save(pdf)


def double_flate_content(decoded: int) -> bytes:
    """A content stream deflated twice: the ratio multiplies (a few KB for a gigabyte)."""
    pdf = pikepdf.Pdf.new()
    page = _page(pdf, b"")
    once = flate_zeros(decoded)
    stream = pikepdf.Stream(pdf, zlib.compress(once, 9))
    stream.Filter = Array([Name.FlateDecode, Name.FlateDecode])
    page.obj.Contents = stream
    return _save(pdf)


def hex_wrapped_flate_content(decoded: int) -> bytes:
    """A flate bomb written as hexadecimal text ([/ASCIIHexDecode /FlateDecode])."""
    pdf = pikepdf.Pdf.new()
    page = _page(pdf, b"")
    stream = pikepdf.Stream(pdf, flate_zeros(decoded).hex().encode() + b">")
    stream.Filter = Array([Name.ASCIIHexDecode, Name.FlateDecode])
    page.obj.Contents = stream
    return _save(pdf)


def many_annotations(count: int) -> bytes:
    """One page with `count` square annotations (no form): PDFium builds an appearance each."""
    pdf = pikepdf.Pdf.new()
    page = _page(pdf, b"")
    page.obj.Annots = pdf.make_indirect(Array([
        pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Square,
                                     Rect=Array([i % 500, i % 800, i % 500 + 20, i % 800 + 20]),
                                     C=Array([1, 0, 0])))
        for i in range(count)]))
    _page(pdf, b"0 0 m 100 100 l S")  # a second, ordinary page is still read
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def lzw_wrapped_flate_content(decoded: int) -> bytes:
    """A flate bomb under LZW ([/LZWDecode /FlateDecode]): LZW is undone first, then inflated."""
    from pypdf._codecs._codecs import LzwCodec

    pdf = pikepdf.Pdf.new()
    page = _page(pdf, b"")
    stream = pikepdf.Stream(pdf, LzwCodec().encode(flate_zeros(decoded)))
    stream.Filter = Array([Name.LZWDecode, Name.FlateDecode])
    page.obj.Contents = stream
    return _save(pdf)
