"""The generator: plans every row with NumPy, then writes them table by table."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from rich.console import Console

from benchdata.backlog import BacklogPlanner
from benchdata.base import BACKLOG, DAY, _us
from benchdata.history import HistoryPlanner
from benchdata.ledger import LedgerPlanner
from benchdata.loader import Loader
from benchdata.planning import PeoplePlanner
from benchdata.rules import Rules
from benchdata.tables import TableWriter


class Generator(
    PeoplePlanner, BacklogPlanner, HistoryPlanner, LedgerPlanner, Rules, TableWriter, Loader
):
    """Plans the rows (the planner mixins), then writes them (the writer mixins)."""

    def __init__(
        self,
        *,
        clients: int,
        messages: int,
        managers: int,
        months: float,
        seed: int,
        batch: int,
        now: datetime,
        console: Console,
        plain: bool = False,
        rebuild_indexes: bool = True,
    ) -> None:
        self.n_clients = clients
        self.n_messages = messages
        self.n_managers = managers
        self.seed = seed
        self.batch = batch
        self.now = now
        self.now_us = _us(now)
        self.start_us = self.now_us - int(months * 30.44 * DAY)
        self.history_end = self.now_us - BACKLOG
        self.console = console
        self.rng = np.random.default_rng(seed)
        self.written: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        # seconds spent, over all tables: row values in Python, adapting them for the
        # driver, inserting, rebuilding indexes after a big load
        self.timing = {"plan": 0.0, "adapt": 0.0, "insert": 0.0, "indexes": 0.0}
        self.plain = plain
        self.rebuild_indexes = rebuild_indexes
