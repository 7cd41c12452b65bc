"""QR codes: the one routine the platform draws them with (an evidence certificate's offline proof and its
verification address, a window receipt's progress look-up). ``qrcode`` is imported when a code is drawn, not when the
app starts."""

from __future__ import annotations

import base64
import io


def qr_png(data: bytes) -> bytes:
    """``data`` as a QR code (error correction L: the most data a size holds), a PNG of 4-pixel modules."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, box_size=4, border=2)
    code.add_data(data, optimize=0)
    code.make(fit=True)
    buf = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def qr_data_uri(data: bytes) -> str:
    """:func:`qr_png` as a ``data:`` URI, for an ``<img>`` a page or a PDF carries without a file of its own."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode()
