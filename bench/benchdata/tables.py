"""The column builders of each table, from the planned arrays."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType

from agencydesk.accounts.models import User
from agencydesk.clients.models import Client, Contact
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.messaging.models import Conversation, Message, OutboundMessage
from benchdata.base import DAY, FOLLOW_UP, FR, KINDS, KIT, NONE, QUESTION, STATES, US, _ids
from benchdata.texts import (
    ASK,
    COMPANY_A,
    COMPANY_B,
    FIRST,
    INDUSTRY,
    LANG_INDEX,
    LANGS,
    LAST,
    TEXTS,
)


class TableWriter:
    def _write_users(self, advance: Callable[[int], None]) -> None:
        joined = self.now_us - 800 * DAY
        users = self.users

        def columns(lo: int, hi: int) -> dict[str, Any]:
            rows = users[lo:hi]
            return {
                "password": [make_password(None) for _ in rows],
                "username": [u["username"] for u in rows],
                "first_name": [u["first_name"] for u in rows],
                "last_name": [u["last_name"] for u in rows],
                "email": [f"{u['username']}@agency.example" for u in rows],
                "role": [u["role"] for u in rows],
                "timezone": [u["timezone"] for u in rows],
                "language": [u["language"] for u in rows],
                "is_staff": [u["role"] == "director" for u in rows],
                "is_active": [True] * len(rows),
                "date_joined": np.full(len(rows), joined),
            }

        self.user_ids = self._bulk(User, len(users), columns, advance)

    def _write_calendars(self, advance: Callable[[int], None]) -> None:
        for calendar in self.calendars[1:]:
            calendar.save()
            advance(1)
        self.cal_ids = np.array([c.pk for c in self.calendars])

    def _write_clients(self, advance: Callable[[int], None]) -> None:
        rng = np.random.default_rng(self.seed + 1)
        a = rng.integers(0, len(COMPANY_A), self.n_clients).tolist()
        b = rng.integers(0, len(COMPANY_B), self.n_clients).tolist()

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = range(lo, hi)
            return {
                "name": [f"{COMPANY_A[a[i]]} {COMPANY_B[b[i]]} {i + 1}" for i in r],
                "industry": [INDUSTRY[COMPANY_B[b[i]]] for i in r],
                "business_summary": [
                    f"{COMPANY_A[a[i]]} {COMPANY_B[b[i]]}: a regional leader; "
                    "PR, SMM and media relations."
                    for i in r
                ],
                "status": self.cl_status[lo:hi].tolist(),
                "language": self.cl_lang[lo:hi],
                "calendar_id": self.cal_ids[self.cl_cal[lo:hi]].tolist(),
                "account_manager_id": self.user_ids[self.cl_am[lo:hi]].tolist(),
                "backup_manager_id": self.user_ids[self.cl_backup[lo:hi]].tolist(),
                "preferred_channel": self.cl_channel[lo:hi].tolist(),
                "address_form": ["formal" if i % 3 else "informal" for i in r],
                "first_response_minutes": self.cl_frm[lo:hi].tolist(),
                # The bench's clients keep one target for every message, urgent ones too.
                "urgent_response_minutes": self.cl_frm[lo:hi].tolist(),
                "ack_delay_minutes": self.cl_ack[lo:hi].tolist(),
                "keep_in_touch_days": self.cl_kit[lo:hi].tolist(),
                "follow_up_hours": self.cl_fuh[lo:hi].tolist(),
                "created_at": self.cl_created[lo:hi],
                "updated_at": self.cl_created[lo:hi],
            }

        self.client_ids = self._bulk(Client, self.n_clients, columns, advance)

    def _write_contacts(self, advance: Callable[[int], None]) -> None:
        n = len(self.ct_client)
        rng = np.random.default_rng(self.seed + 2)
        first = rng.integers(0, len(FIRST), n).tolist()
        last = rng.integers(0, len(LAST), n).tolist()
        nth = (np.arange(n) - self.ct_start[self.ct_client]).tolist()
        client_ids = self.client_ids[self.ct_client].tolist()
        telegram = (self.cl_channel[self.ct_client] == "telegram").tolist()
        handle = [f"{FIRST[first[i]]}_{LAST[last[i]]}_{client_ids[i]}".lower() for i in range(n)]
        email = [
            f"{FIRST[first[i]]}.{LAST[last[i]]}.{client_ids[i]}@client.example".lower()
            for i in range(n)
        ]
        # How an inbound message names its author: the Telegram handle or the e-mail.
        self.ct_label = [
            f"@{h}" if tg else e for h, e, tg in zip(handle, email, telegram, strict=True)
        ]

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = range(lo, hi)
            return {
                "client_id": client_ids[lo:hi],
                "name": [f"{FIRST[first[i]]} {LAST[last[i]]}" for i in r],
                "position": [("CEO", "PR director", "Marketing manager")[nth[i] % 3] for i in r],
                "decision_power": [("decides", "approves", "informs")[nth[i] % 3] for i in r],
                "email": email[lo:hi],
                "telegram_username": handle[lo:hi],
                "is_primary": [nth[i] == 0 for i in r],
            }

        self.contact_ids = self._bulk(Contact, n, columns, advance)

    def _write_conversations(self, advance: Callable[[int], None]) -> None:
        n = len(self.cv_client)
        conv, t = self.msg["conv"], self.msg["t"]
        last = np.full(n, NONE)
        first = np.full(n, np.iinfo(np.int64).max)
        np.maximum.at(last, conv, t)
        np.minimum.at(first, conv, t)
        created = np.minimum(first, self.cl_created[self.cv_client] + DAY)
        client_ids = self.client_ids[self.cv_client].tolist()

        def columns(lo: int, hi: int) -> dict[str, Any]:
            return {
                "client_id": client_ids[lo:hi],
                "channel": self.cv_channel[lo:hi],
                "external_key": self.cv_key[lo:hi],
                "topic": self.cv_topic[lo:hi],
                "title": self.cv_topic[lo:hi],
                "created_at": created[lo:hi],
                "last_message_at": last[lo:hi],
            }

        self.conv_ids = self._bulk(Conversation, n, columns, advance)

    def _write_messages(self, advance: Callable[[int], None]) -> None:
        m = self.msg
        n = len(m["t"])
        texts = [TEXTS[lang] for lang in LANGS]
        cl_text = [LANG_INDEX.get(lang, 0) for lang in self.cl_lang]
        users = [u["username"] for u in self.users]
        contact_ids = self.contact_ids.tolist()
        user_ids = self.user_ids.tolist()
        with_ids = np.array([ch in ("telegram", "email", "other") for ch in self.cv_channel])

        def columns(lo: int, hi: int) -> dict[str, Any]:
            sl = slice(lo, hi)
            inbound = m["in"][sl].tolist()
            author = m["author"][sl].tolist()
            conv = m["conv"][sl]
            ext = (with_ids[conv] & ~m["auto"][sl]).tolist()
            text = []
            for c, k, r in zip(
                m["client"][sl].tolist(),
                m["cat"][sl].tolist(),
                self.rng_text[sl].tolist(),
                strict=True,
            ):
                pool = texts[cl_text[c]][k]
                text.append(pool[r % len(pool)])
            return {
                "conversation_id": self.conv_ids[conv].tolist(),
                "client_id": self.client_ids[m["client"][sl]].tolist(),
                "channel": [self.cv_channel[v] for v in conv.tolist()],
                "direction": ["in" if i else "out" for i in inbound],
                "author_contact_id": [
                    contact_ids[a] if i else None for i, a in zip(inbound, author, strict=True)
                ],
                "author_user_id": [
                    None if i or a < 0 else user_ids[a]
                    for i, a in zip(inbound, author, strict=True)
                ],
                "author_label": [
                    self.ct_label[a] if i else ("" if a < 0 else users[a])
                    for i, a in zip(inbound, author, strict=True)
                ],
                "sent_at": m["t"][sl],
                "text": text,
                "attachments": [[] for _ in inbound],
                # zero-padded: ids in time order are in index order too
                "external_id": [
                    f"bench:{i:010d}" if e else None
                    for i, e in zip(range(lo, hi), ext, strict=True)
                ],
                "needs_response": inbound,
                "is_question": m["q"][sl].tolist(),
                "automatic": m["auto"][sl].tolist(),
                "awaiting_client": m["await"][sl].tolist(),
                "source": ["api"] * (hi - lo),
                "created_at": m["t"][sl] + 2 * US,
            }

        self.msg_ids = self._bulk(Message, n, columns, advance)

    def _write_outbox(self, advance: Callable[[int], None]) -> None:
        rows = self.auto_rows
        keys = np.random.default_rng(self.seed + 3).bytes(16 * len(rows))

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = rows[lo:hi]
            at = self.msg["t"][r]
            return {
                "message_id": self.msg_ids[r].tolist(),
                "client_id": self.client_ids[self.msg["client"][r]].tolist(),
                "channel": [self.cv_channel[v] for v in self.msg["conv"][r].tolist()],
                "state": ["sent"] * (hi - lo),
                "send_after": at,
                "attempts": [1] * (hi - lo),
                "idempotency_key": [
                    uuid.UUID(bytes=keys[16 * i : 16 * i + 16], version=4) for i in range(lo, hi)
                ],
                "enqueued_at": at,
                "sent_at": at + US,
                "external_id": [f"sent:{i}" for i in range(lo, hi)],
                "created_at": at,
            }

        self._bulk(OutboundMessage, len(rows), columns, advance)

    def _write_commitments(self, advance: Callable[[int], None]) -> None:
        com = self.com
        lang = [LANG_INDEX.get(x, 0) for x in self.cl_lang]
        ack = self.cl_ack.tolist()
        kit = self.cl_kit.tolist()
        fuh = self.cl_fuh.tolist()
        rng_text = self.rng_text.tolist()

        def params(kind: int, client: int, minutes: int, step: int, msg: int) -> Any:
            if kind == FR:
                value: dict[str, Any] = {"minutes": minutes, "ack_minutes": ack[client]}
            elif kind == QUESTION:
                pool = TEXTS[LANGS[lang[client]]][ASK]
                value = {"excerpt": pool[rng_text[msg] % len(pool)][:120]}
            elif kind == KIT:
                value = {"days": kit[client]}
            elif kind == FOLLOW_UP:
                value = {"hours": fuh[client], "step": step}
            else:
                value = {"follow_ups": step}
            return value

        message_type = ContentType.objects.get_for_model(Message).pk
        client_type = ContentType.objects.get_for_model(Client).pk

        def columns(lo: int, hi: int) -> dict[str, Any]:
            sl = slice(lo, hi)
            kind = com["kind"][sl].tolist()
            client = com["client"][sl].tolist()
            minutes = com["minutes"][sl].tolist()
            step = com["step"][sl].tolist()
            msg = com["msg"][sl].tolist()
            # What each is about: its message, or (keep in touch) its client.
            about = _ids(com["msg"][sl], self.msg_ids)
            clients = self.client_ids[com["client"][sl]].tolist()
            met_by = _ids(com["met_by"][sl], self.msg_ids)
            return {
                "kind": [KINDS[k] for k in kind],
                "state": [STATES[s] for s in com["state"][sl].tolist()],
                "client_id": self.client_ids[com["client"][sl]].tolist(),
                "owner_id": _ids(com["owner"][sl], self.user_ids),
                "calendar_id": self.cal_ids[self.cl_cal[com["client"][sl]]].tolist(),
                "subject_type_id": [client_type if a is None else message_type for a in about],
                "subject_id": [c if a is None else a for a, c in zip(about, clients, strict=True)],
                "start_at": com["start"][sl],
                "business_minutes": minutes,
                "due_at": com["due"][sl],
                "visible_from": com["visible"][sl],
                "action_at": com["action"][sl],
                "opened_at": com["opened"][sl],
                "breached_at": com["breached"][sl],
                "met_at": com["met"][sl],
                "met_by_type_id": [None if m is None else message_type for m in met_by],
                "met_by_id": met_by,
                "response_minutes": [
                    None if s != s else round(s, 3) for s in com["spent"][sl].tolist()
                ],
                "escalation": com["esc"][sl].tolist(),
                "step": step,
                "reason_params": [
                    params(*row) for row in zip(kind, client, minutes, step, msg, strict=True)
                ],
            }

        self.com_ids = self._bulk(Commitment, len(com["kind"]), columns, advance)

    def _write_breaches(self, advance: Callable[[int], None]) -> None:
        rows = self.breach_rows
        com = self.com

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = rows[lo:hi]
            return {
                "commitment_id": self.com_ids[r].tolist(),
                "client_id": self.client_ids[com["client"][r]].tolist(),
                "owner_id": _ids(com["breach_owner"][r], self.user_ids),
                "kind": [KINDS[k] for k in com["kind"][r].tolist()],
                "due_at": com["breach_due"][r],
                "at": com["breached"][r],
                "late_minutes": [None if x != x else round(x, 3) for x in com["late"][r].tolist()],
            }

        self._bulk(Breach, len(rows), columns, advance)
