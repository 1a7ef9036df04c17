"""The REST API, ``/api/v1/``: one NinjaAPI, a router per app, Bearer tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from agencydesk.accounts.selectors import api_token_user
from agencydesk.approvals.api import router as approvals_router
from agencydesk.clients.api import router as clients_router
from agencydesk.commitments.api import router as commitments_router
from agencydesk.insights.api import router as insights_router
from agencydesk.integrations.telegram.api import router as telegram_router
from agencydesk.messaging.api import router as messaging_router
from agencydesk.work.api import router as work_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(raw=token, at=timezone.now())
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="AgencyDesk API",
    version="1",
    description=(
        "Clients, contacts and the agency's commitments. Authenticate with "
        "`Authorization: Bearer <token>`; create a token with `agencydesk token create USERNAME`."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "loc": ["body", field],
                "msg": " ".join(str(m) for m in messages),
                "type": "value_error",
            }
            for field, messages in exc.message_dict.items()
        ]
    return [{"loc": ["body"], "msg": " ".join(exc.messages), "type": "value_error"}]


@api.exception_handler(ValidationError)
def django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _field_errors(exc)}, status=422)


@api.exception_handler(NinjaValidationError)
def ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", []) if part != "payload"]
        detail.append({"loc": loc, "msg": error.get("msg", ""), "type": error.get("type", "")})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {
            "detail": [
                {
                    "loc": ["body"],
                    "msg": f"the request body may be at most {limit} bytes",
                    "type": "too_large",
                }
            ]
        },
        status=413,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # A body that is not JSON is bad input like any other: 422, naming where.
        reason = exc.__cause__ or exc
        return api.create_response(
            request,
            {
                "detail": [
                    {"loc": ["body"], "msg": f"malformed JSON: {reason}", "type": "json_invalid"}
                ]
            },
            status=422,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "missing or invalid Bearer token"}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "you may not do this"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


def _register_routers() -> None:
    api.add_router("/", clients_router)
    api.add_router("/", messaging_router)
    api.add_router("/", insights_router)
    api.add_router("/", commitments_router)
    api.add_router("/", telegram_router)
    api.add_router("/", work_router)
    api.add_router("/", approvals_router)


_register_routers()
