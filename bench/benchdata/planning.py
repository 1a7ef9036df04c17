"""Planning the people, clients, contacts, conversations and their calendars."""

from __future__ import annotations

from typing import Any

import numpy as np

from agencydesk.calendars.models import BusinessCalendar
from benchdata.base import CALENDAR_PREFIX, CALENDAR_SHARE, CALENDARS, DAY, MINUTE, US, USER_PREFIX
from benchdata.texts import FIRST, LAST


class PeoplePlanner:
    # --- planning ----------------------------------------------------------------

    def plan(self) -> None:
        self._plan_calendars()
        self._plan_people()
        self._plan_clients()
        backlog = self._plan_backlog()
        history = self._plan_history(self.n_messages - backlog["n"])
        self._merge(history, backlog)
        self._plan_keep_in_touch()
        self._finish_commitments()

    def _plan_calendars(self) -> None:
        default = BusinessCalendar.objects.get(is_default=True)
        self.calendars: list[BusinessCalendar] = [default]
        for name, tz, hours, country, _lang in CALENDARS:
            self.calendars.append(
                BusinessCalendar(
                    name=f"{CALENDAR_PREFIX}{name}", timezone=tz, hours=hours, country=country
                )
            )
        # The default calendar speaks the agency's language when it is one we have texts in.
        self.cal_lang = [{"Europe/Kyiv": "uk", "Europe/Sofia": "bg"}.get(default.timezone, "ru")]
        self.cal_lang += [lang for *_rest, lang in CALENDARS]

    def _plan_people(self) -> None:
        rng, m = self.rng, self.n_managers
        zones = ["Europe/Moscow", "Europe/Kyiv", "Europe/Sofia", "Asia/Almaty", "Europe/London"]
        self.users: list[dict[str, Any]] = []
        for i in range(m):
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
            self.users.append(
                {
                    "username": f"{USER_PREFIX}am-{i + 1:03d}",
                    "first_name": first,
                    "last_name": last,
                    "role": "account_manager",
                    "timezone": zones[i % len(zones)],
                    "language": ["ru", "uk", "bg", "en", "ru"][i % 5],
                }
            )
        self.directors = [m, m + 1]
        for i in range(2):
            self.users.append(
                {
                    "username": f"{USER_PREFIX}director-{i + 1}",
                    "first_name": FIRST[(i + 5) % len(FIRST)],
                    "last_name": LAST[(i + 3) % len(LAST)],
                    "role": "director",
                    "timezone": "Europe/Moscow",
                    "language": "en",
                }
            )
        # Uneven loads: some managers run three times the clients of others.
        self.am_weight = rng.lognormal(0.0, 0.35, m)
        self.am_weight /= self.am_weight.sum()

    def _plan_clients(self) -> None:
        rng, n = self.rng, self.n_clients
        self.cl_am = rng.choice(self.n_managers, size=n, p=self.am_weight)
        shift = rng.integers(1, max(self.n_managers, 2), size=n)
        self.cl_backup = np.where(
            self.n_managers > 1, (self.cl_am + shift) % self.n_managers, self.directors[0]
        )
        self.cl_cal = rng.choice(len(self.calendars), size=n, p=CALENDAR_SHARE)
        self.cl_frm = rng.choice([10, 10, 10, 10, 15, 30], size=n)
        self.cl_ack = np.full(n, 5)
        self.cl_kit = rng.choice([7, 7, 7, 5, 14], size=n)
        self.cl_fuh = rng.choice([16, 16, 8, 24], size=n)
        self.cl_status = rng.choice(["active", "paused", "prospect"], size=n, p=[0.9, 0.06, 0.04])
        self.cl_weight = rng.lognormal(0.0, 1.0, n)
        self.cl_weight /= self.cl_weight.sum()
        self.cl_created = self.start_us - rng.integers(30, 900, size=n) * DAY
        self.cl_lang = [self.cal_lang[c] for c in self.cl_cal.tolist()]
        self.cl_channel = rng.choice(["telegram", "email", "other"], size=n, p=[0.6, 0.3, 0.1])
        # contacts, contiguous per client
        self.ct_n = rng.integers(1, 4, size=n)
        self.ct_start = np.concatenate([[0], np.cumsum(self.ct_n)[:-1]])
        self.ct_client = np.repeat(np.arange(n), self.ct_n)
        # conversations, contiguous per client: the preferred channel's main thread first
        n_conv = rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.35, 0.2, 0.15])
        cv_client, cv_channel, cv_key, cv_topic, cv_weight = [], [], [], [], []
        extra = [
            ("email", "thread-1", "Reports"),
            ("telegram", "topic-design", "design"),
            ("phone", "main", ""),
            ("email", "thread-2", "Contract"),
            ("meeting", "main", ""),
        ]
        for c in range(n):
            main = str(self.cl_channel[c])
            rows = [(main, "main", "")]
            for channel, key, topic in extra:
                if len(rows) == n_conv[c]:
                    break
                if (channel, key) != (main, "main"):
                    rows.append((channel, key, topic))
            weights = [3.0] + [1.0] * (len(rows) - 1)
            total = sum(weights)
            acc = 0.0
            for (channel, key, topic), w in zip(rows, weights, strict=True):
                acc += w / total
                cv_client.append(c)
                cv_channel.append(channel)
                cv_key.append(key)
                cv_topic.append(topic)
                cv_weight.append(acc)
        self.cv_client = np.array(cv_client)
        self.cv_channel = cv_channel
        self.cv_key = cv_key
        self.cv_topic = cv_topic
        cum = np.array(cv_weight)
        cum[np.r_[np.diff(self.cv_client) != 0, True]] = 1.0  # exact 1 at each client's end
        self.cv_search = self.cv_client + cum  # increasing: client index + cumulative weight
        self.cl_conv_start = np.searchsorted(self.cv_client, np.arange(n))
        self.cl_conv_n = np.bincount(self.cv_client, minlength=n)
        self._engines()

    def _random_moments(self, clients: np.ndarray, lo: int | np.ndarray, hi: int) -> np.ndarray:
        """Moments between ``lo`` and ``hi``, mostly in the clients' working hours and weekdays."""
        rng, n = self.rng, len(clients)
        offset = self.cal_offset[self.cl_cal[clients]] * US
        lo_arr = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,))
        first_day = (lo_arr + offset) // DAY
        last_day = (hi + offset) // DAY
        day = first_day + (rng.random(n) * (last_day - first_day + 1)).astype(np.int64)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        day -= (weekday == 5) & (rng.random(n) < 0.85)
        day += (weekday == 6) & (rng.random(n) < 0.85)
        office = rng.random(n) < 0.85
        minute = np.where(office, rng.uniform(9 * 60, 18 * 60, n), rng.uniform(7 * 60, 23 * 60, n))
        local = day * DAY + (minute * MINUTE).astype(np.int64)
        return np.clip(local - offset, lo_arr, hi)
