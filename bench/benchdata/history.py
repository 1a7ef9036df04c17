"""Planning months of history in episodes, their commitments, and keep in touch."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchdata.base import DAY, MINUTE, NONE
from benchdata.texts import ACK, ASK, REPLY, SAY, TOUCH, WAIT

MAX_ROUNDS = 40  # rounds of new episodes, then of touches, before the history is full


class HistoryPlanner:
    def _plan_history(self, target: int) -> dict[str, Any]:
        """``target`` messages in episodes before the backlog window, with their commitments.

        Episodes of one client never overlap, so that each one's commitments are
        exactly what the rules make of its messages (a reply in another
        episode would meet them otherwise); the count is made exact with
        one-message touches in the gaps between episodes.
        """
        rng = self.rng
        kept = self._episodes(0)
        total = 0
        for _round in range(MAX_ROUNDS):
            if total >= target:
                break
            kept = self._apart(
                kept, self._episodes(max(int((target - total) / 2.8 * 1.05) + 16, 64))
            )
            total = int(kept["size"].sum())
        # exact count: the episodes in the order they were planned, as many as fit
        take = int(np.searchsorted(np.cumsum(kept["size"]), target, side="right"))
        ep = {k: v[:take] for k, v in kept.items()}
        for _round in range(MAX_ROUNDS):
            filler = target - int(ep["size"].sum())
            if filler <= 0:
                break
            n = len(ep["size"])
            both = self._apart(ep, self._episodes(2 * filler + 16, touches_only=True))
            ep = {k: v[: n + filler] for k, v in both.items()}
        if int(ep["size"].sum()) != target:
            raise RuntimeError(f"no room for {target:,} messages in the clients' history")
        return self._explode(ep, rng)

    def _apart(
        self, kept: dict[str, np.ndarray], new: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """``kept`` and the episodes of ``new`` that overlap no other episode of their client."""
        base = self.start_us - 1000 * DAY
        span = self.history_end - base + DAY

        def key(ep: dict[str, np.ndarray], field: str) -> np.ndarray:
            return ep["client"].astype(np.int64) * span + (ep[field] - base)

        start, end = key(new, "t0"), key(new, "last")
        # Among the new: in time order per client, each one after every earlier one's end.
        order = np.argsort(start, kind="stable")
        latest = np.maximum.accumulate(end[order])
        ok = np.empty(len(start), dtype=bool)
        ok[order] = start[order] > np.r_[np.iinfo(np.int64).min, latest[:-1]]
        # Against the kept (apart already, so sorted by start they are sorted by end too).
        k_start, k_end = key(kept, "t0"), key(kept, "last")
        k_order = np.argsort(k_start)
        k_start, k_end = k_start[k_order], k_end[k_order]
        if len(k_start):
            before = np.searchsorted(k_start, end, side="right") - 1
            ok &= ~((before >= 0) & (k_end[np.maximum(before, 0)] >= start))
        return {k: np.concatenate([kept[k], new[k][ok]]) for k in kept}

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
        slow = rng.random(n) < 0.04
        reply = np.where(slow, rng.uniform(30, 1200, n), reply)  # some take two days
        met = self._add(client, t_in, reply)
        ack_at = np.full(n, NONE)
        ack_at[part] = self._ack_at(client[part], t_in[part])
        # The desk acknowledges when nobody has replied by then; that meets the first response.
        ack = part & (met > ack_at)
        closed = np.where(ack, ack_at, met)
        n_out = 1 + (rng.random(n) < 0.35)
        # The client's further messages come while the first response is still open: one
        # after it would open a first response of its own.
        in_gap = (
            np.minimum((closed - t_in) * 0.8 / n_in, 5 * MINUTE) * rng.uniform(0.3, 1, n)
        ).astype(np.int64)
        out_gap = (rng.uniform(1, 15, n) * MINUTE).astype(np.int64)
        last = np.where(part, met + (n_out - 1) * out_gap, t0)
        keep = last < self.history_end
        size = agency.astype(np.int64) + part * (n_in + ack + n_out)
        ep = {
            "client": client, "conv": conv, "agency": agency, "wait": wait, "part": part,
            "t0": t0, "t_in": t_in, "n_in": n_in, "q_first": q_first, "reply": reply,
            "met": met, "ack": ack, "ack_at": ack_at, "n_out": n_out, "in_gap": in_gap,
            "out_gap": out_gap, "size": size, "last": last,
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
        return self._episode_commitments(ep, msgs, start, e)
