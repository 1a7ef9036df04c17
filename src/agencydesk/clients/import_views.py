"""Import in the browser (upload, preview, import) and a client's JSON export.

The preview runs the import and rolls it back, so it finds every problem the
import would. The uploaded file waits between preview and import in a private
folder under the system's temporary directory, named by a random key and the
person's id, so one person cannot import another's upload.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_create_client
from agencydesk.clients import selectors
from agencydesk.clients.import_files import MAX_FILE_BYTES, MAX_ROWS
from agencydesk.clients.importing import (
    KNOWN_COLUMNS,
    ImportFileError,
    clients_import,
    clients_import_preview,
)
from agencydesk.clients.models import Client
from agencydesk.clients.pages import client_or_404

SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}
KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy(
            "One row per client or contact, the first row naming the columns; at most 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Give a .csv or .xlsx file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("An import file may be at most %(limit)g MB.")
                % {"limit": MAX_FILE_BYTES / 1024**2}
            )
        return upload


def _importer(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not can_create_client(user):
        raise PermissionDenied(_("Only directors and account managers import clients."))
    return user


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "agencydesk-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _stored(user: User, key: str) -> Path:
    """The upload ``key`` of ``user``; 404 for a key that is not theirs or is gone."""
    if not KEY.match(key):
        raise Http404(_("This upload is gone; upload the file again."))
    for path in _folder().glob(f"{user.pk}-{key}.*"):
        if path.suffix in SUFFIXES:
            return path
    raise Http404(_("This upload is gone; upload the file again."))


def _page(request: HttpRequest, form: UploadForm, status: int = 200, **context) -> HttpResponse:
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "columns": sorted(KNOWN_COLUMNS),
            "max_rows": MAX_ROWS,
            **context,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file and see what importing it would do, every error of every row at once."""
    user = _importer(request)
    if request.method == "GET":
        return _page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=422)
    upload = form.cleaned_data["file"]
    key = secrets.token_urlsafe(24)
    path = _folder() / f"{user.pk}-{key}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        report = clients_import_preview(path=path, by=user, at=timezone.now())
    except ImportFileError as exc:
        path.unlink(missing_ok=True)
        form.add_error("file", str(exc))
        return _page(request, form, status=422)
    return _page(
        request,
        UploadForm(),
        report=report,
        key=key,
        file_name=upload.name[:200],
        bad_rows=sum(1 for line, _reason in report.errors if line > 1),
    )


@login_required
@require_POST
def import_run(request: HttpRequest) -> HttpResponse:
    """Import the previewed file: its good rows go in, the bad ones are listed again."""
    user = _importer(request)
    path = _stored(user, request.POST.get("key", "")[:64])
    try:
        report = clients_import(path=path, by=user, at=timezone.now())
    except ImportFileError as exc:
        form = UploadForm()
        form.add_error(None, str(exc))
        return _page(request, form, status=422)
    finally:
        path.unlink(missing_ok=True)
    return _page(request, UploadForm(), report=report, imported=True)


@login_required
def client_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's whole record as a JSON download (what the API's export answers)."""
    client = client_or_404(request, pk)
    try:
        data = selectors.client_export(user=request.user, client=client)  # type: ignore[arg-type]
    except Client.DoesNotExist as exc:
        raise Http404(_("No such client.")) from exc
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = slugify(client.name, allow_unicode=False) or f"client-{client.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
