"""A fake Telegram Bot API on 127.0.0.1 for the tests, the reliability test and the browser test.

It keeps updates for getUpdates with Telegram's offset rule (an update below
the offset is confirmed and forgotten), records every sendMessage with its
arrival time, and fails on demand: a ``fault`` callable may answer 429 with
``retry_after``, 500, or answer slowly.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

TOKEN = "123456:TEST-token"  # noqa: S105 - the fake server's own token


@dataclass(frozen=True)
class Fault:
    """What the fake server does instead of answering normally."""

    status: int = 0  # 429, 400, 403 or 5xx; 0 means answer normally (after ``delay``)
    retry_after: int = 1
    delay: float = 0.0


@dataclass
class Sent:
    chat_id: int
    text: str
    message_thread_id: int | None
    message_id: int
    at: float  # time.monotonic() on arrival


@dataclass
class FakeBotApi:
    """The fake server's state; ``url`` is what TELEGRAM_API_URL should be."""

    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    topics: list[tuple[int, str, int]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    webhook: dict[str, str] = field(default_factory=dict)
    fault: Callable[[str, dict[str, Any]], Fault | None] | None = None
    no_topic_rights: set[int] = field(default_factory=set)
    confirmed_below: int = 0
    url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._message_ids = itertools.count(1000)
        self._thread_ids = itertools.count(100)
        self._server: ThreadingHTTPServer | None = None

    # --- what a test does ---------------------------------------------------------------------

    def push(self, *updates: dict[str, Any]) -> None:
        with self._lock:
            self.updates.extend(updates)
            self._lock.notify_all()

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.chat_id == chat_id]

    def start(self) -> FakeBotApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api._handle(self)

            def do_GET(self) -> None:
                api._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- the server side ----------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = unquote(request.path.split("?", 1)[0])
        prefix = f"/bot{self.token}/"
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            data = self.files.get(path[len(file_prefix) :])
            if data is None:
                return self._reply(request, 404, {"ok": False, "description": "Not Found"})
            request.send_response(200)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
            return None
        if not path.startswith(prefix):
            return self._reply(
                request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        method = path[len(prefix) :]
        params = self._params(request)
        with self._lock:
            self.calls.append((method, params))
        fault = self.fault(method, params) if self.fault else None
        if fault and fault.status == 429:
            return self._reply(
                request,
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {fault.retry_after}",
                    "parameters": {"retry_after": fault.retry_after},
                },
            )
        if fault and fault.status in (400, 403):
            description = {400: "Bad Request: chat not found", 403: "Forbidden: bot was blocked"}
            return self._reply(
                request,
                fault.status,
                {"ok": False, "error_code": fault.status, "description": description[fault.status]},
            )
        if fault and fault.status >= 500:
            return self._reply(
                request,
                fault.status,
                {"ok": False, "error_code": fault.status, "description": "Internal Server Error"},
            )
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._reply(
                request,
                404,
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
            )
        status, result = handler(params)
        if fault and fault.delay:
            time.sleep(fault.delay)  # answered slowly: it happened, the caller may give up
        if status != 200:
            return self._reply(
                request, status, {"ok": False, "error_code": status, "description": result}
            )
        return self._reply(request, 200, {"ok": True, "result": result})

    @staticmethod
    def _params(request: BaseHTTPRequestHandler) -> dict[str, Any]:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        kind = request.headers.get("Content-Type", "")
        if "json" in kind:
            return json.loads(body or b"{}")
        raw = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        params: dict[str, Any] = {}
        for key, value in raw.items():
            try:
                params[key] = json.loads(value) if key != "text" and key != "name" else value
            except ValueError:
                params[key] = value
        return params

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up waiting

    def _api_getMe(self, params: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"id": 123456, "is_bot": True, "first_name": "Desk", "username": "desk_bot"}

    def _api_getUpdates(self, params: dict[str, Any]) -> tuple[int, Any]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 2.0)
        with self._lock:
            if offset:
                # One without a number Telegram could give (only a test sends those)
                # goes with the first confirmation.
                self.updates = [
                    u
                    for u in self.updates
                    if isinstance(u, dict)
                    and isinstance(u.get("update_id"), int)
                    and offset <= u["update_id"] < 2**63
                ]
                self.confirmed_below = max(self.confirmed_below, offset)
            while not self.updates and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            return 200, list(self.updates[:limit])

    def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, Any]:
        self.webhook = {
            "url": str(params.get("url", "")),
            "secret_token": str(params.get("secret_token", "")),
        }
        return 200, True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, Any]:
        self.webhook = {}
        return 200, True

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, Any]:
        chat_id = int(params["chat_id"])
        thread = params.get("message_thread_id")
        with self._lock:
            message_id = next(self._message_ids)
            self.sent.append(
                Sent(
                    chat_id,
                    str(params["text"]),
                    int(thread) if thread is not None else None,
                    message_id,
                    time.monotonic(),
                )
            )
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup"},
            "text": str(params["text"]),
        }
        if thread is not None:
            message["message_thread_id"] = int(thread)
        return 200, message

    def _api_createForumTopic(self, params: dict[str, Any]) -> tuple[int, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.no_topic_rights:
            return 400, "Bad Request: not enough rights to create a topic"
        with self._lock:
            thread_id = next(self._thread_ids)
            self.topics.append((chat_id, str(params["name"]), thread_id))
        return 200, {
            "message_thread_id": thread_id,
            "name": str(params["name"]),
            "icon_color": 7322096,
        }

    def _api_getFile(self, params: dict[str, Any]) -> tuple[int, Any]:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            return 400, "Bad Request: invalid file_id"
        return 200, {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": file_id,
        }


# --- building updates the way Telegram shapes them --------------------------------------------


def group_message(
    *,
    update_id: int,
    chat_id: int,
    message_id: int,
    text: str | None = None,
    title: str = "Client group",
    user_id: int = 5001,
    username: str = "",
    first_name: str = "Client",
    thread_id: int | None = None,
    date: int = 1_767_600_000,
    is_forum: bool = False,
    edited: bool = False,
    edit_date: int | None = None,
    extra: dict[str, Any] | None = None,
    chat_type: str = "supergroup",
) -> dict[str, Any]:
    """One update with a message (or an edit of one) in a group."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat.update({"first_name": first_name, "username": username})
    else:
        chat["title"] = title
    if is_forum:
        chat["is_forum"] = True
    sender = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        sender["username"] = username
    message: dict[str, Any] = {"message_id": message_id, "date": date, "chat": chat, "from": sender}
    if text is not None:
        message["text"] = text
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
    if edited:
        message["edit_date"] = edit_date or date + 60
    message.update(extra or {})
    return {"update_id": update_id, "edited_message" if edited else "message": message}
