"""The commitments of the history's episodes and keep in touch over every message, as the rules open them."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchdata.base import BREACHED, FOLLOW_UP, FR, KIT, MET, NONE, OPEN, QUESTION

LIVE_CHANNELS = ("phone", "meeting")  # as messaging.services: a call or a meeting is a touch


class LedgerPlanner:
    def _episode_commitments(
        self,
        ep: dict[str, np.ndarray],
        msgs: dict[str, np.ndarray],
        start: np.ndarray,
        e: np.ndarray,
    ) -> dict[str, Any]:
        """First responses, questions and follow-ups of the episodes (keep in touch comes later)."""
        t, q, client = msgs["t"], msgs["q"], ep["client"][e]
        first_in = start + ep["agency"]
        first_out = first_in + ep["n_in"] + ep["ack"]
        parts = ep["part"]
        rows: list[dict[str, np.ndarray]] = []
        # first response: opened by the first client message, met by the acknowledgement
        # when the desk sent one, else by the first reply
        c, t_in, ack = ep["client"][parts], ep["t_in"][parts], ep["ack"][parts]
        frm = self.cl_frm[c]
        rows.append(
            self._met_rows(
                FR, c, ep["conv"][parts], first_in[parts], t_in, frm,
                self._add(c, t_in, frm.astype(np.float64)),
                np.where(ack, ep["ack_at"][parts], ep["met"][parts]),
                np.where(ack, first_in[parts] + ep["n_in"][parts], first_out[parts]),
            )
        )  # fmt: skip
        # questions: every client message that asks, met by the first reply
        qi = np.flatnonzero(q)
        qe = e[qi]
        rows.append(self._question_rows(client[qi], msgs["conv"][qi], qi, t[qi], qe, ep, first_out))
        # follow-ups: the agency waits for the client, whose first message meets it
        wi = np.flatnonzero(ep["wait"])
        c = ep["client"][wi]
        minutes = self.cl_fuh[c] * 60
        t0 = ep["t0"][wi]
        rows.append(
            self._met_rows(
                FOLLOW_UP, c, ep["conv"][wi], start[wi], t0, minutes,
                self._add(c, t0, minutes.astype(np.float64)), ep["t_in"][wi], first_in[wi],
            )
        )  # fmt: skip
        com = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
        return {"msgs": msgs, "n": len(t), "com": com}

    def _question_rows(
        self,
        c: np.ndarray,
        conv: np.ndarray,
        msg: np.ndarray,
        asked: np.ndarray,
        episode: np.ndarray,
        ep: dict[str, np.ndarray],
        first_out: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Questions, with the escalations the clock made of those answered after a business day."""
        minutes = self._day_minutes(c, asked)
        due = self._add(c, asked, minutes.astype(np.float64))
        met = ep["met"][episode]
        owner, esc, begin, final_minutes, final_due = (
            self.cl_am[c].copy(),
            0 * c,
            asked,
            minutes,
            due,
        )
        owners = [self.cl_backup[c], np.full(len(c), self.directors[0])]
        for level in (1, 2):
            # missed: from its due moment, the next person up has one more business day
            late = np.flatnonzero(met > final_due)
            if not len(late):
                break
            at = final_due[late]
            more = self._day_minutes(c[late], at)
            owner, esc = owner.copy(), esc.copy()
            begin, final_minutes, final_due = begin.copy(), final_minutes.copy(), final_due.copy()
            owner[late], esc[late], begin[late] = owners[level - 1][late], level, at
            final_minutes[late] = more
            final_due[late] = self._add(c[late], at, more.astype(np.float64))
        return self._met_rows(
            QUESTION, c, conv, msg, begin, final_minutes, final_due, met, first_out[episode],
            owner=owner, esc=esc, visible=asked, breach_due=due,
        )  # fmt: skip

    def _met_rows(
        self,
        kind: int,
        client: np.ndarray,
        conv: np.ndarray,
        msg: np.ndarray,
        start: np.ndarray,
        minutes: np.ndarray,
        due: np.ndarray,
        met: np.ndarray,
        met_by: np.ndarray,
        *,
        owner: np.ndarray | None = None,
        esc: np.ndarray | None = None,
        visible: np.ndarray | None = None,
        breach_due: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Met commitments; a miss recorded at the (first) due moment when met after it."""
        n = len(client)
        breach_due = due if breach_due is None else breach_due
        late_mask = met > breach_due
        first_owner = self.cl_am[client]
        # as commitment_meet measures them: from the start, and past the current due moment
        spent = np.maximum(self._between(client, start, met), 0.0)
        late = np.maximum(self._between(client, due, met), 0.0)
        return {
            "kind": np.full(n, kind), "client": client,
            "owner": first_owner if owner is None else owner, "conv": conv, "msg": msg,
            "start": start, "minutes": minutes, "due": due,
            "visible": start if visible is None else visible, "action": np.full(n, NONE),
            "state": np.full(n, MET), "breached": np.where(late_mask, breach_due, NONE),
            "esc": np.zeros(n, np.int64) if esc is None else esc, "step": np.zeros(n, np.int64),
            "breach_owner": first_owner, "breach_due": breach_due, "met": met, "met_by": met_by,
            "spent": spent, "late": np.where(late_mask, late, np.nan),
        }  # fmt: skip

    def _merge(self, history: dict[str, Any], backlog: dict[str, Any]) -> None:
        """One message table in time order; commitments re-pointed at the sorted rows."""
        h, b = history["msgs"], backlog
        n_h = history["n"]
        raw = {k: np.concatenate([h[k], b[k]]) if b["n"] else h[k] for k in h}
        order = np.argsort(raw["t"], kind="stable")
        where = np.empty_like(order)
        where[order] = np.arange(len(order))  # planned index -> sorted row
        self.msg = {k: v[order] for k, v in raw.items()}
        self.msg["client"] = self.cv_client[self.msg["conv"]]
        hc, bc = history["com"], dict(b["com"])
        for key in ("msg", "met_by"):
            hc[key] = np.where(hc[key] >= 0, where[np.maximum(hc[key], 0)], -1)
            bc[key] = np.where(bc[key] >= 0, where[n_h + np.maximum(bc[key], 0)], -1)
        self.com = {k: np.concatenate([hc[k], bc[k].astype(hc[k].dtype)]) for k in hc}

    def _plan_keep_in_touch(self) -> None:
        """Every real touch restarts "keep in touch"; the client's next touch meets it.

        A touch: a message the agency wrote, or a call or meeting the client started.
        """
        m = self.msg
        live = np.array([ch in LIVE_CHANNELS for ch in self.cv_channel], dtype=bool)
        touches = np.flatnonzero((~m["in"] & ~m["auto"]) | (m["in"] & live[m["conv"]]))
        order = np.lexsort((m["t"][touches], m["client"][touches]))
        out = touches[order]
        client = m["client"][out]
        t = m["t"][out]
        last = np.r_[client[1:] != client[:-1], True]
        nxt = np.r_[out[1:], -1]
        nxt[last] = -1
        due, visible = self._keep_in_touch(client, t)
        met = np.where(last, NONE, m["t"][np.maximum(nxt, 0)])
        spent = np.where(last, np.nan, self._between(client, t, np.where(last, t, met)))
        late_mask = ~last & (met > due)
        late = np.where(
            late_mask,
            np.maximum(self._between(client, due, np.where(late_mask, met, due)), 0),
            np.nan,
        )
        active_breached = last & (due <= self.now_us)
        breached = np.where(late_mask | active_breached, due, NONE)
        state = np.where(last, np.where(active_breached, BREACHED, OPEN), MET)
        n = len(out)
        owner = self.cl_am[client]
        rows = {
            "kind": np.full(n, KIT), "client": client, "owner": owner, "conv": np.full(n, -1),
            "msg": np.full(n, -1), "start": t, "minutes": np.zeros(n, np.int64), "due": due,
            "visible": visible, "action": np.full(n, NONE), "state": state, "breached": breached,
            "esc": np.zeros(n, np.int64), "step": np.zeros(n, np.int64), "breach_owner": owner,
            "breach_due": due, "met": met, "met_by": nxt, "spent": spent, "late": late,
        }  # fmt: skip
        self.com = {
            k: np.concatenate([self.com[k], rows[k].astype(self.com[k].dtype)]) for k in rows
        }

    def _finish_commitments(self) -> None:
        com = self.com
        com["opened"] = com["start"] + 200_000  # recorded a moment after the message
        order = np.argsort(com["opened"], kind="stable")
        self.com = {k: v[order] for k, v in com.items()}
        self.breach_rows = np.flatnonzero(self.com["breached"] != NONE)
        self.breach_rows = self.breach_rows[np.argsort(self.com["breached"][self.breach_rows])]
        self.auto_rows = np.flatnonzero(self.msg["auto"])
        self.rng_text = self.rng.integers(0, 1 << 30, size=len(self.msg["t"]))
