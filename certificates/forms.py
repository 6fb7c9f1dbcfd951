"""Public forms: look a certificate up by code, check a PDF file."""

from __future__ import annotations

import io

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from .codes import normalise_code

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# PDF readers accept the header anywhere in the first kilobyte.
PDF_MAGIC_WITHIN = 1024

ERR_CODE = _(
    "This is not a certificate code. A code has 16 letters and digits in four "
    "groups, for example 7KQ2-M9XD-4TRB-H0NC."
)
ERR_NO_FILE = _("Choose the certificate’s PDF file.")
ERR_TOO_BIG = _("The file is larger than 5 MB. Certificates are much smaller.")
ERR_EMPTY = _("The file is empty.")
ERR_NOT_PDF = _("This is not a PDF file. Choose the certificate’s PDF file.")


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=60,
        help_text=_(
            "16 letters and digits, printed on the certificate under the QR code, "
            "for example 7KQ2-M9XD-4TRB-H0NC."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "cert-code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        canonical = normalise_code(self.cleaned_data["code"])
        if canonical is None:
            raise forms.ValidationError(ERR_CODE, code="invalid")
        return canonical


class LimitedMemoryUploadHandler(FileUploadHandler):
    """Keep an uploaded file in memory up to ``limit`` bytes, never on disk.

    A bigger file is skipped (``too_big`` is set) while the rest of the form
    is still parsed, so the CSRF token and a clear error survive.
    """

    def __init__(self, request=None, *, limit: int = MAX_UPLOAD_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.limit:
            self.too_big = True
            self.buffer = None
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class CheckFileForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate file (PDF)"),
        required=False,  # the messages below are clearer than "required"
        help_text=_(
            "Up to 5 MB. The file is checked and then discarded: nothing is stored."
        ),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, too_big: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def clean_file(self) -> bytes:
        """The file's bytes, once they look like a PDF of an acceptable size."""
        upload = self.cleaned_data.get("file")
        if self.too_big or (upload and upload.size > MAX_UPLOAD_BYTES):
            raise forms.ValidationError(ERR_TOO_BIG, code="too_big")
        if not upload:
            raise forms.ValidationError(ERR_NO_FILE, code="required")
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(ERR_TOO_BIG, code="too_big")
        if not data:
            raise forms.ValidationError(ERR_EMPTY, code="empty")
        if PDF_MAGIC not in data[:PDF_MAGIC_WITHIN]:
            raise forms.ValidationError(ERR_NOT_PDF, code="not_pdf")
        return data
