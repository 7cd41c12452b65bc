"""A file uploaded through a page's form (a roster, a list of disputes): read whole, within a bound."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request

from zhichan.errors import InputError

#: the largest file a page's upload takes
UPLOAD_MAX_BYTES = 10 * 1024 * 1024


async def read_upload(request: Request, field: str = "file", max_bytes: int = UPLOAD_MAX_BYTES) -> tuple[bytes, str]:
    """The bytes and file name of the one file in ``field`` of the request's multipart form; an
    :class:`InputError` (shown beside the field) when there is none or it is larger than ``max_bytes``."""
    async with request.form(max_files=1) as form:
        upload = form.get(field)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError("请选择 CSV 或 XLSX 文件 / choose a CSV or XLSX file")
        data, filename = await upload.read(max_bytes + 1), upload.filename
    if len(data) > max_bytes:
        raise InputError(f"文件超过 {max_bytes // (1024 * 1024)} MB / the file is larger than {max_bytes // (1024 * 1024)} MB")
    return data, filename
