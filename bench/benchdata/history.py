"""Planning months of history in episodes, their commitments, and keep in touch."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchdata.base import BREACHED, DAY, FOLLOW_UP, FR, KIT, MET, MINUTE, NONE, OPEN, QUESTION, US
from benchdata.texts import ACK, ASK, REPLY, SAY, TOUCH, WAIT


class HistoryPlanner:
    def _plan_history(self, target: int) -> dict[str, Any]:
        """``target`` messages in episodes before the backlog window, with their commitments."""
        rng = self.rng
        if target <= 0:
            return self._explode(self._episodes(0), rng)
        parts: list[dict[str, np.ndarray]] = []
        total = 0
        while total < target:
            ep = self._episodes(max(int((target - total) / 2.8 * 1.05) + 16, 64))
            sizes = ep["size"]
            room = target - total
            take = int(np.searchsorted(np.cumsum(sizes), room, side="right"))
            ep = {k: v[:take] for k, v in ep.items()}
            parts.append(ep)
            total += int(ep["size"].sum())
            if take < len(sizes):
                break
        ep = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        filler = target - int(ep["size"].sum())
        if filler > 0:  # top up with one-message touches so the count is exact
            extra = self._episodes(filler, touches_only=True)
            ep = {k: np.concatenate([ep[k], extra[k]]) for k in ep}
        return self._explode(ep, rng)

    def _episodes(self, n: int, touches_only: bool = False) -> dict[str, np.ndarray]:
        rng = self.rng
        client = rng.choice(self.n_clients, size=n, p=self.cl_weight)
        conv = np.searchsorted(self.cv_search, client + rng.random(n), side="right")
        agency = np.ones(n, bool) if touches_only else rng.random(n) < 0.3
        wait = agency & (rng.random(n) < 0.4) & (not touches_only)
        part = (~agency | wait | (rng.random(n) < 0.6)) & (not touches_only)
        latest = self.history_end - 2 * DAY
        t0 = self._random_moments(
            client, self.start_us, self.history_end - 1 if touches_only else latest
        )
        delay = np.clip(rng.lognormal(np.log(3 * 60), 1.0, n), 2, 3 * 24 * 60)  # wall minutes
        t_in = np.where(agency, t0 + (delay * MINUTE).astype(np.int64), t0)
        n_in = 1 + (rng.random(n) < 0.35) + (rng.random(n) < 0.12)
        q_first = rng.random(n) < 0.35
        reply = np.clip(rng.lognormal(np.log(4.0), 0.9, n), 0.2, 2000)  # business minutes
        slow = rng.random(n) < 0.03
        reply = np.where(slow, rng.uniform(30, 600, n), reply)
        met = self._add(client, t_in, reply)
        ack_minutes = self.cl_ack[client]
        ack = part & (reply > ack_minutes)
        ack_at = self._add(client, t_in, ack_minutes.astype(np.float64))
        n_out = 1 + (rng.random(n) < 0.35)
        in_gap = (
            np.minimum((met - t_in) * 0.8 / n_in, 5 * MINUTE) * rng.uniform(0.3, 1, n)
        ).astype(np.int64)
        out_gap = (rng.uniform(1, 15, n) * MINUTE).astype(np.int64)
        last = np.where(part, met + (n_out - 1) * out_gap, t0)
        keep = last < self.history_end
        size = agency.astype(np.int64) + part * (n_in + ack + n_out)
        ep = {
            "client": client, "conv": conv, "agency": agency, "wait": wait, "part": part,
            "t0": t0, "t_in": t_in, "n_in": n_in, "q_first": q_first, "reply": reply,
            "met": met, "ack": ack, "ack_at": ack_at, "n_out": n_out, "in_gap": in_gap,
            "out_gap": out_gap, "size": size,
        }  # fmt: skip
        return {k: v[keep] for k, v in ep.items()}

    def _explode(self, ep: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, Any]:
        size = ep["size"]
        n = int(size.sum())
        start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        e = np.repeat(np.arange(len(size)), size)
        pos = np.arange(n) - start[e]
        touch = ep["agency"][e]
        p = pos - touch  # position in the client's part
        n_in, ack = ep["n_in"][e], ep["ack"][e]
        is_touch = touch & (pos == 0)
        is_in = ~is_touch & (p < n_in)
        is_ack = ~is_touch & ack & (p == n_in)
        j = p - n_in - ack  # index among the replies
        t = np.where(
            is_touch,
            ep["t0"][e],
            np.where(
                is_in,
                ep["t_in"][e] + p * ep["in_gap"][e],
                np.where(is_ack, ep["ack_at"][e], ep["met"][e] + j * ep["out_gap"][e]),
            ),
        )
        q = is_in & np.where(p == 0, ep["q_first"][e], rng.random(n) < 0.2)
        wait = is_touch & ep["wait"][e]
        cat = np.select(
            [is_touch & wait, is_touch, is_in & q, is_in, is_ack],
            [WAIT, TOUCH, ASK, SAY, ACK],
            REPLY,
        )
        client = ep["client"][e]
        author = np.where(
            is_in,
            self.ct_start[client] + rng.integers(0, 3, n) % self.ct_n[client],
            np.where(
                is_ack,
                -1,
                np.where(rng.random(n) < 0.9, self.cl_am[client], self.cl_backup[client]),
            ),
        )
        msgs = {
            "t": t, "conv": ep["conv"][e], "in": is_in, "auto": is_ack, "q": q,
            "await": wait, "cat": cat, "author": author,
        }  # fmt: skip
        # Commitments of the episodes (keep in touch comes later, over all messages).
        first_in = start + ep["agency"]
        first_out = first_in + ep["n_in"] + ep["ack"]
        parts = ep["part"]
        rows: list[dict[str, np.ndarray]] = []
        # first response: opened by the first client message, met by the first reply
        c = ep["client"][parts]
        t_in, met, reply = ep["t_in"][parts], ep["met"][parts], ep["reply"][parts]
        frm = self.cl_frm[c]
        due = self._add(c, t_in, frm.astype(np.float64))
        rows.append(
            self._met_rows(
                FR, c, ep["conv"][parts], first_in[parts], t_in, frm, due, met,
                first_out[parts], reply, reply - frm,
            )
        )  # fmt: skip
        # questions: every client message that asks, met by the reply
        qi = np.flatnonzero(q)
        qe = e[qi]
        c = client[qi]
        bdm = self.cal_day_minutes[self.cl_cal[c]]
        due = self._add(c, t[qi], bdm.astype(np.float64))
        met_q = ep["met"][qe]
        spent = np.maximum(self._between(c, t[qi], met_q), 0.0)
        rows.append(
            self._met_rows(
                QUESTION, c, msgs["conv"][qi], qi, t[qi], bdm, due, met_q, first_out[qe], spent,
                spent - bdm,
            )
        )  # fmt: skip
        # follow-ups: the agency waits for the client, who answers
        wi = np.flatnonzero(ep["wait"])
        c = ep["client"][wi]
        minutes = self.cl_fuh[c] * 60
        due = self._add(c, ep["t0"][wi], minutes.astype(np.float64))
        spent = np.maximum(self._between(c, ep["t0"][wi], ep["t_in"][wi]), 0.0)
        rows.append(
            self._met_rows(
                FOLLOW_UP, c, ep["conv"][wi], start[wi], ep["t0"][wi], minutes, due,
                ep["t_in"][wi], first_in[wi], spent, spent - minutes,
            )
        )  # fmt: skip
        com = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
        return {"msgs": msgs, "n": n, "com": com}

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
        spent: np.ndarray,
        late: np.ndarray,
    ) -> dict[str, np.ndarray]:
        n = len(client)
        late_mask = met > due
        breached = np.where(late_mask, due + np.minimum(10 * US, (met - due) // 2), NONE)
        owner = self.cl_am[client]
        return {
            "kind": np.full(n, kind), "client": client, "owner": owner, "conv": conv,
            "msg": msg, "start": start, "minutes": minutes, "due": due, "visible": start,
            "action": np.full(n, NONE), "state": np.full(n, MET), "breached": breached,
            "esc": np.zeros(n, np.int64), "step": np.zeros(n, np.int64),
            "breach_owner": owner, "breach_due": due, "met": met, "met_by": met_by,
            "spent": spent, "late": np.where(late_mask, np.maximum(late, 0.0), np.nan),
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
        hc, bc = history["com"], b["com"]
        n_b = len(bc["kind"])
        blank = {
            "met": np.full(n_b, NONE), "met_by": np.full(n_b, -1), "spent": np.full(n_b, np.nan),
            "late": np.full(n_b, np.nan),
        }  # fmt: skip
        bc = {**bc, **blank}
        for key in ("msg", "met_by"):
            hc[key] = np.where(hc[key] >= 0, where[np.maximum(hc[key], 0)], -1)
            bc[key] = np.where(bc[key] >= 0, where[n_h + np.maximum(bc[key], 0)], -1)
        self.com = {k: np.concatenate([hc[k], bc[k].astype(hc[k].dtype)]) for k in hc}

    def _plan_keep_in_touch(self) -> None:
        """Every real outbound message restarts "keep in touch"; the client's next one meets it."""
        m = self.msg
        out = np.flatnonzero(~m["in"] & ~m["auto"])
        order = np.lexsort((m["t"][out], m["client"][out]))
        out = out[order]
        client = m["client"][out]
        t = m["t"][out]
        last = np.r_[client[1:] != client[:-1], True]
        nxt = np.r_[out[1:], -1]
        nxt[last] = -1
        days = self.cl_kit[client]
        due = t + days * DAY
        visible = t + np.maximum(days - 2, 1) * DAY
        met = np.where(last, NONE, m["t"][np.maximum(nxt, 0)])
        spent = np.where(last, np.nan, self._between(client, t, np.where(last, t, met)))
        late_mask = ~last & (met > due)
        late = np.where(
            late_mask,
            np.maximum(self._between(client, due, np.where(late_mask, met, due)), 0),
            np.nan,
        )
        active_breached = last & (due <= self.now_us)
        breached = np.where(late_mask | active_breached, due + 10 * US, NONE)
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
