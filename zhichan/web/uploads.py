"""A file uploaded through a page's form (a plan, a roster, a list of disputes, a file to deposit or verify): one rule
for a file input left empty or given an empty file (:func:`file_refusal`, the message beside the field), and a whole
file read within a bound (:func:`read_upload`).

A handler takes its file as ``UploadFile | None`` (``File(None)``) or reads the form itself, never ``File(...)``: a
required one answered a form sent without a file with the bare 请求参数无效 page, the rest of what was typed lost."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request

from zhichan.errors import FormError, InputError

#: the largest file a page's upload takes
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
#: a file input sent without a file (a browser sends an empty name)
CHOOSE_FILE = "请选择文件 / choose a file"
#: a file of no bytes
EMPTY_FILE = "文件为空 / the file is empty"


def file_refusal(upload: object) -> str | None:
    """Why ``upload`` (a multipart form's value) is no file to read — none chosen, or an empty one — or None."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return CHOOSE_FILE
    if upload.size == 0:
        return EMPTY_FILE
    return None


def chosen_file(upload: object, field: str = "file") -> UploadFile:
    """``upload`` as the file it is; a :class:`FormError` with :func:`file_refusal`'s message beside ``field``."""
    refused = file_refusal(upload)
    if refused:
        raise FormError({field: refused})
    assert isinstance(upload, UploadFile)
    return upload


async def read_upload(request: Request, field: str = "file", max_bytes: int = UPLOAD_MAX_BYTES) -> tuple[bytes, str]:
    """The bytes and file name of the one file in ``field`` of the request's multipart form; an
    :class:`InputError` (shown beside the field) when there is none, it is empty or larger than ``max_bytes``."""
    async with request.form(max_files=1) as form:
        refused = file_refusal(upload := form.get(field))
        if refused:
            raise InputError(refused)
        assert isinstance(upload, UploadFile)
        data, filename = await upload.read(max_bytes + 1), upload.filename or ""
    if len(data) > max_bytes:
        raise InputError(f"文件超过 {max_bytes // (1024 * 1024)} MB / the file is larger than {max_bytes // (1024 * 1024)} MB")
    return data, filename
