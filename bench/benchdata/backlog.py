"""Planning the active backlog: the last days' unanswered messages and their commitments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from benchdata.base import (
    BACKLOG,
    BREACHED,
    CALL,
    FOLLOW_UP,
    FR,
    MINUTE,
    NONE,
    OPEN,
    QUESTION,
    US,
    _us,
)
from benchdata.texts import ACK, ASK, SAY, WAIT


class BacklogPlanner:
    def _plan_backlog(self) -> dict[str, Any]:
        """What is active now: unanswered messages and the commitments they opened."""
        rng, now = self.rng, self.now_us
        msgs: dict[str, list[Any]] = {
            k: [] for k in ("t", "conv", "in", "auto", "q", "await", "cat", "author")
        }
        com: dict[str, list[Any]] = {
            k: []
            for k in (
                "kind", "client", "owner", "conv", "msg", "start", "minutes", "due", "visible",
                "action", "state", "breached", "esc", "step", "breach_owner", "breach_due",
            )
        }  # fmt: skip

        def message(t: int, conv: int, inbound: bool, cat: int, author: int, **flags: bool) -> int:
            msgs["t"].append(t)
            msgs["conv"].append(conv)
            msgs["in"].append(inbound)
            msgs["auto"].append(flags.get("auto", False))
            msgs["q"].append(flags.get("q", False))
            msgs["await"].append(flags.get("wait", False))
            msgs["cat"].append(cat)
            msgs["author"].append(author)
            return len(msgs["t"]) - 1

        def commitment(**row: Any) -> None:
            row.setdefault("action", NONE)
            row.setdefault("esc", 0)
            row.setdefault("step", 0)
            for key in com:
                com[key].append(row.get(key, NONE if key in ("breached", "breach_due") else -1))

        def breach_state(due: int) -> tuple[int, int]:
            return (BREACHED, min(due + 10 * US, now)) if due <= now else (OPEN, NONE)

        budget = self.n_messages
        for c in rng.permutation(self.n_clients).tolist():
            engine = self.engines[self.cl_cal[c]]
            bdm = int(self.cal_day_minutes[self.cl_cal[c]])
            am, backup = int(self.cl_am[c]), int(self.cl_backup[c])
            k = int(
                rng.integers(3, 11)
            )  # active commitments of this client, keep-in-touch included
            first_conv, n_conv = int(self.cl_conv_start[c]), int(self.cl_conv_n[c])
            convs = list(range(first_conv, first_conv + n_conv))
            follow = n_conv >= 2 and rng.random() < 0.3
            fu_conv = convs[-1] if follow else -1
            in_convs = [v for v in convs if v != fu_conv]
            n_other = k - 1 - int(follow)
            n_fr = min(len(in_convs), max(1, round(n_other * 0.45)))
            n_q = max(n_other - n_fr, 0)
            if budget < n_fr + n_q + 2 * n_fr + int(follow):
                continue  # a tiny --messages: not every client gets a backlog
            times = np.sort(
                rng.integers(now - BACKLOG, now - MINUTE, size=n_fr + n_q, endpoint=True)
            ).tolist()
            fr_convs = rng.choice(in_convs, size=n_fr, replace=False).tolist()
            contact = int(self.ct_start[c])
            for i, t in enumerate(times):
                if i < n_fr:
                    conv = fr_convs[i]
                    m = message(t, conv, True, SAY, contact + i % int(self.ct_n[c]))
                    start = datetime.fromtimestamp(t / US, UTC)
                    due = _us(engine.add(start, int(self.cl_frm[c])))
                    ack = _us(engine.next_open(engine.add(start, int(self.cl_ack[c]))))
                    action = NONE
                    if ack <= now:
                        message(ack, conv, False, ACK, -1, auto=True)
                    else:
                        action = ack
                    state, breached = breach_state(due)
                    commitment(
                        kind=FR, client=c, owner=am, conv=conv, msg=m, start=t,
                        minutes=int(self.cl_frm[c]), due=due, visible=t, action=action,
                        state=state, breached=breached, breach_owner=am, breach_due=due,
                    )  # fmt: skip
                else:
                    conv = fr_convs[int(rng.integers(0, n_fr))]
                    m = message(t, conv, True, ASK, contact, q=True)
                    start = datetime.fromtimestamp(t / US, UTC)
                    due = _us(engine.add(start, bdm))
                    row: dict[str, Any] = {
                        "kind": QUESTION, "client": c, "owner": am, "conv": conv, "msg": m,
                        "start": t, "minutes": bdm, "due": due, "visible": t, "action": due,
                        "state": OPEN, "breach_owner": am, "breach_due": due,
                    }  # fmt: skip
                    if due <= now:  # missed: breached, escalated to the backup, then the director
                        row["state"], row["breached"] = BREACHED, due + 10 * US
                        level_start, owner = due + 10 * US, backup
                        for level in (1, 2):
                            level_due = _us(
                                engine.add(datetime.fromtimestamp(level_start / US, UTC), bdm)
                            )
                            row.update(
                                owner=owner, esc=level, start=level_start, due=level_due,
                                action=level_due if level < 2 else NONE,
                            )  # fmt: skip
                            if level_due > now:
                                break
                            level_start, owner = level_due + 10 * US, self.directors[0]
                    commitment(**row)
            if follow:
                after = times[-1] if times else now - BACKLOG
                t = int(rng.integers(after, now, endpoint=True))
                m = message(t, fu_conv, False, WAIT, am, wait=True)
                start = datetime.fromtimestamp(t / US, UTC)
                call = rng.random() < 0.25
                minutes = bdm if call else int(self.cl_fuh[c]) * 60
                due = _us(engine.add(start, minutes))
                state, breached = breach_state(due)
                commitment(
                    kind=CALL if call else FOLLOW_UP, client=c, owner=am, conv=fu_conv, msg=m,
                    start=t, minutes=minutes, due=due, visible=t, state=state, breached=breached,
                    breach_owner=am, breach_due=due, step=2 if call else 0,
                )  # fmt: skip
            budget = self.n_messages - len(msgs["t"])
        backlog: dict[str, Any] = {k: np.array(v) for k, v in msgs.items()}
        backlog["n"] = len(msgs["t"])
        backlog["com"] = {k: np.array(v, dtype=np.int64) for k, v in com.items()}
        return backlog
