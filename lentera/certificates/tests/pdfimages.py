"""Read the images back out of a ReportLab PDF (for the QR code), and decode a QR code."""

from __future__ import annotations

import base64
import re
import zlib

from PIL import Image

_STREAM = re.compile(rb"<<((?:(?!>>).)*?)>>\s*stream\r?\n(.*?)endstream", re.S)


def _number(head: bytes, key: bytes) -> int:
    match = re.search(rb"/" + key + rb"\s+(\d+)", head)
    assert match, head
    return int(match.group(1))


def pdf_images(pdf: bytes) -> list[Image.Image]:
    images = []
    for match in _STREAM.finditer(pdf):
        head = match.group(1)
        if b"/Subtype /Image" not in head:
            continue
        # exactly /Length bytes: compressed data may itself end in a byte that looks like whitespace
        data = match.group(2)[: _number(head, b"Length")]
        if b"/ASCII85Decode" in head:
            data = base64.a85decode(data.removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        mode = "L" if b"/DeviceGray" in head else "RGB"
        size = (_number(head, b"Width"), _number(head, b"Height"))
        images.append(Image.frombytes(mode, size, data))
    return images


def qr_texts(pdf: bytes) -> list[str]:
    """The text of every QR code among the PDF's images."""
    import zxingcpp

    found: list[str] = []
    for image in pdf_images(pdf):
        found.extend(
            result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode
        )
    return found
