"""The one module that talks to the Telegram Bot API (through python-telegram-bot).

Everything else calls these synchronous methods and sees four kinds of failure:

- ``RetryLater``: Telegram said 429; wait ``retry_after`` seconds.
- ``NotSent``: the request surely did not take effect (connection refused or
  timed out while connecting, a 5xx answer): safe to try again.
- ``MaybeSent``: the request went out and no answer came back (read timeout,
  connection dropped mid-answer). Telegram may have delivered it; never resend
  automatically.
- ``Refused``: Telegram refused for good (400, 403: no such chat, bot removed).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
from django.conf import settings
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

T = TypeVar("T")
DEFAULT_API_URL = "https://api.telegram.org"


class ApiError(Exception):
    """Base of the failures of a Bot API call."""


class RetryLater(ApiError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotSent(ApiError):
    pass


class MaybeSent(ApiError):
    pass


class Refused(ApiError):
    pass


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 announces a change of type; both types are read here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = exc.retry_after
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


def _translate(exc: TelegramError) -> ApiError:
    if isinstance(exc, RetryAfter):
        return RetryLater(str(exc), _retry_seconds(exc))
    if isinstance(exc, BadRequest | Forbidden | InvalidToken | ChatMigrated):
        return Refused(str(exc))
    cause = exc.__cause__
    if isinstance(exc, TimedOut):
        if isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout) or cause is None:
            return NotSent(str(exc) or "timed out before sending")
        return MaybeSent(f"no answer after sending ({type(cause).__name__})")
    if isinstance(exc, NetworkError):
        if cause is None or isinstance(cause, httpx.ConnectError):
            # An HTTP error status (5xx), or no connection at all: nothing was done.
            return NotSent(str(exc))
        return MaybeSent(f"connection lost after sending ({type(cause).__name__})")
    return Refused(str(exc))


class TelegramClient:
    """A synchronous face of the Bot API for one bot token."""

    def __init__(
        self,
        *,
        token: str | None = None,
        api_url: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.token = token if token is not None else settings.TELEGRAM_BOT_TOKEN
        self.api_url = (api_url or settings.TELEGRAM_API_URL or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.TELEGRAM_TIMEOUT

    def _run(self, make: Any) -> Any:
        async def go() -> Any:
            request = HTTPXRequest(
                connection_pool_size=2,
                connect_timeout=5.0,
                read_timeout=self.timeout,
                write_timeout=self.timeout,
                pool_timeout=5.0,
            )
            bot = Bot(
                self.token,
                base_url=f"{self.api_url}/bot",
                base_file_url=f"{self.api_url}/file/bot",
                request=request,
                get_updates_request=request,
            )
            try:
                return await make(bot)
            finally:
                await request.shutdown()

        try:
            return _run_coroutine(go())
        except TelegramError as exc:
            raise _translate(exc) from exc

    def call(
        self, method: str, params: dict[str, Any], *, read_timeout: float | None = None
    ) -> Any:
        """Call ``method`` with ``params``; returns the raw ``result`` (dicts, as Telegram sent them)."""

        async def make(bot: Bot) -> Any:
            with warnings.catch_warnings():
                # do_api_request warns that typed methods exist: we want the raw JSON.
                warnings.simplefilter("ignore", PTBUserWarning)
                return await bot.do_api_request(
                    method,
                    api_kwargs={k: v for k, v in params.items() if v is not None},
                    read_timeout=read_timeout if read_timeout is not None else self.timeout,
                )

        return self._run(make)

    def get_me(self) -> dict[str, Any]:
        return self.call("getMe", {})

    def get_updates(self, *, offset: int | None, limit: int = 100, timeout: int = 25) -> list:
        return self.call(
            "getUpdates",
            {"offset": offset, "limit": limit, "timeout": timeout},
            read_timeout=timeout + self.timeout,
        )

    def set_webhook(self, *, url: str, secret_token: str) -> bool:
        return self.call("setWebhook", {"url": url, "secret_token": secret_token or None})

    def delete_webhook(self) -> bool:
        return self.call("deleteWebhook", {})

    def send_message(
        self, *, chat_id: int, text: str, message_thread_id: int | None = None
    ) -> dict[str, Any]:
        return self.call(
            "sendMessage",
            {"chat_id": chat_id, "text": text, "message_thread_id": message_thread_id},
        )

    def create_forum_topic(self, *, chat_id: int, name: str) -> dict[str, Any]:
        return self.call("createForumTopic", {"chat_id": chat_id, "name": name})

    def download_file(self, *, file_id: str) -> tuple[bytes, str]:
        """The bytes of a file a client sent, and its path at Telegram."""

        async def make(bot: Bot) -> tuple[bytes, str]:
            file = await bot.get_file(file_id)
            data = await file.download_as_bytearray()
            return bytes(data), file.file_path or ""

        return self._run(make)


def _run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # Called from a thread that already runs a loop (e.g. under an async test
    # runner): run ours in a thread of its own.
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:
            errors.append(exc)

    import threading

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]
