"""Planning the active backlog: the last days' messages, what the rules opened and did since."""

from __future__ import annotations

from typing import Any

import numpy as np

from agencydesk.messaging.services import FOLLOW_UPS_BEFORE_CALL
from benchdata.base import BACKLOG, BREACHED, CALL, FOLLOW_UP, FR, MET, MINUTE, NONE, OPEN, QUESTION
from benchdata.texts import ACK, ASK, SAY, WAIT

MESSAGE_KEYS = ("t", "conv", "in", "auto", "q", "await", "cat", "author")
COMMITMENT_KEYS = {
    "kind": -1, "client": -1, "owner": -1, "conv": -1, "msg": -1, "start": NONE, "minutes": 0,
    "due": NONE, "visible": NONE, "action": NONE, "state": OPEN, "breached": NONE, "esc": 0,
    "step": 0, "breach_owner": -1, "breach_due": NONE, "met": NONE, "met_by": -1,
    "spent": np.nan, "late": np.nan,
}  # fmt: skip


class BacklogPlanner:
    def _plan_backlog(self) -> dict[str, Any]:
        """The last ``BACKLOG`` of each client, message by message, as the desk would have lived it.

        Client messages open first responses (one at a time per conversation) that
        the desk acknowledges when their moment comes before ``now``; questions
        breach and escalate (backup, then director) when a business day passes;
        the agency's waiting messages chain follow-ups into a call.
        """
        rng, now = self.rng, self.now_us
        self._bl_msgs: dict[str, list[Any]] = {k: [] for k in MESSAGE_KEYS}
        self._bl_com: list[dict[str, Any]] = []
        budget = self.n_messages
        for c in rng.permutation(self.n_clients).tolist():
            # active commitments of this client, keep in touch included
            k = int(rng.integers(3, 10))
            first_conv, n_conv = int(self.cl_conv_start[c]), int(self.cl_conv_n[c])
            convs = list(range(first_conv, first_conv + n_conv))
            follow = n_conv >= 2 and rng.random() < 0.4
            fu_conv = convs[-1] if follow else -1
            in_convs = [v for v in convs if v != fu_conv]
            n_q = k - 1 - int(follow)
            n_plain = max(1, round(n_q * 0.5))
            waits = (3 if rng.random() < 0.4 else 1) if follow else 0
            if budget < 2 * (n_plain + n_q) + waits:
                continue  # a tiny --messages: not every client gets a backlog
            times = np.sort(
                rng.integers(now - BACKLOG, now - MINUTE, size=n_plain + n_q, endpoint=True)
            )
            asks = set(rng.choice(len(times), size=n_q, replace=False).tolist())
            convs_of = rng.choice(in_convs, size=len(times)).tolist()
            self._backlog_inbound(c, times.tolist(), convs_of, asks)
            if waits:
                after = int(times[-1])
                ts = np.sort(rng.integers(after, now, size=waits, endpoint=True)).tolist()
                self._backlog_waits(c, fu_conv, ts)
            budget = self.n_messages - len(self._bl_msgs["t"])
        backlog: dict[str, Any] = {k: np.array(v) for k, v in self._bl_msgs.items()}
        backlog["n"] = len(self._bl_msgs["t"])
        rows = self._bl_com
        backlog["com"] = {
            key: np.array(
                [r[key] for r in rows], dtype=np.float64 if key in ("spent", "late") else np.int64
            )
            for key in COMMITMENT_KEYS
        }
        return backlog

    def _message(
        self, t: int, conv: int, inbound: bool, cat: int, author: int, **flags: bool
    ) -> int:
        msgs = self._bl_msgs
        for key, value in zip(
            MESSAGE_KEYS,
            (
                t, conv, inbound, flags.get("auto", False), flags.get("q", False),
                flags.get("wait", False), cat, author,
            ),
            strict=True,
        ):  # fmt: skip
            msgs[key].append(value)
        return len(msgs["t"]) - 1

    def _commitment(self, **row: Any) -> dict[str, Any]:
        # a miss is recorded against the first owner and due moment, whatever escalation does
        full = {**COMMITMENT_KEYS, **row, "breach_owner": row["owner"], "breach_due": row["due"]}
        full["visible"] = row["start"]
        self._bl_com.append(full)
        return full

    def _one(self, method: Any, c: int, t: int, *more: int) -> int:
        """One value of a vectorised rule, for the few moments of the backlog."""
        args = [np.array([c]), np.array([t], dtype=np.int64)]
        args += [np.array([m], dtype=np.float64) for m in more]
        return int(method(*args)[0])

    def _breach(self, row: dict[str, Any], at: int) -> None:
        """The clock records a miss at the due moment, while the commitment is still open."""
        if row["state"] == OPEN and row["due"] <= at:
            row["state"], row["breached"] = BREACHED, row["due"]

    def _meet(self, row: dict[str, Any], at: int, by: int) -> None:
        self._breach(row, at)
        c = np.array([row["client"]])
        if row["breached"] != NONE:
            late = self._between(c, np.array([row["due"]]), np.array([at]))[0]
            row["late"] = max(float(late), 0.0)
        spent = self._between(c, np.array([row["start"]]), np.array([at]))[0]
        row.update(state=MET, met=at, met_by=by, spent=max(float(spent), 0.0), action=NONE)

    def _backlog_inbound(self, c: int, times: list[int], convs: list[int], asks: set[int]) -> None:
        now, am = self.now_us, int(self.cl_am[c])
        contact, n_contacts = int(self.ct_start[c]), int(self.ct_n[c])
        frm = int(self.cl_frm[c])
        waiting: dict[int, dict[str, Any]] = {}  # conversation -> its open first response

        def acknowledge(conv: int) -> None:
            row = waiting.pop(conv)
            ack = self._message(row["action"], conv, False, ACK, -1, auto=True)
            self._meet(row, row["action"], ack)

        for i, (t, conv) in enumerate(zip(times, convs, strict=True)):
            if conv in waiting and waiting[conv]["action"] <= t:
                acknowledge(conv)
            asked = i in asks
            m = self._message(
                t, conv, True, ASK if asked else SAY, contact + i % n_contacts, q=asked
            )
            if conv not in waiting:
                waiting[conv] = self._commitment(
                    kind=FR, client=c, owner=am, conv=conv, msg=m, start=t, minutes=frm,
                    due=self._one(self._add, c, t, frm), action=self._one(self._ack_at, c, t),
                )  # fmt: skip
            if asked:
                self._question(c, conv, m, t)
        for conv in list(waiting):
            if waiting[conv]["action"] <= now:
                acknowledge(conv)
            else:
                self._breach(waiting[conv], now)

    def _question(self, c: int, conv: int, m: int, t: int) -> None:
        now = self.now_us
        minutes = self._one(self._day_minutes, c, t)
        due = self._one(self._add, c, t, minutes)
        row = self._commitment(
            kind=QUESTION, client=c, owner=int(self.cl_am[c]), conv=conv, msg=m, start=t,
            minutes=minutes, due=due, action=due,
        )  # fmt: skip
        # Unanswered a business day: the clock breaches it and hands it to the
        # backup, a business day later to the director, each time from that moment.
        owners = [int(self.cl_backup[c]), self.directors[0]]
        while row["action"] != NONE and row["action"] <= now:
            self._breach(row, row["action"])
            level_start = row["action"]
            minutes = self._one(self._day_minutes, c, level_start)
            level_due = self._one(self._add, c, level_start, minutes)
            row.update(
                owner=owners[row["esc"]], esc=row["esc"] + 1, start=level_start, minutes=minutes,
                due=level_due, action=level_due if row["esc"] + 1 < 2 else NONE,
            )  # fmt: skip

    def _backlog_waits(self, c: int, conv: int, times: list[int]) -> None:
        """The agency waits for the client; each new waiting message meets the last follow-up."""
        am, previous = int(self.cl_am[c]), None
        for step, t in enumerate(times):
            m = self._message(t, conv, False, WAIT, am, wait=True)
            if previous is not None:
                self._meet(previous, t, m)
            if step >= FOLLOW_UPS_BEFORE_CALL:
                kind, minutes = CALL, self._one(self._day_minutes, c, t)
            else:
                kind, minutes = FOLLOW_UP, int(self.cl_fuh[c]) * 60
            previous = self._commitment(
                kind=kind, client=c, owner=am, conv=conv, msg=m, start=t, minutes=minutes,
                due=self._one(self._add, c, t, minutes), step=step,
            )  # fmt: skip
        if previous is not None:
            self._breach(previous, self.now_us)
