"""The one place the running kiosk writes its database: so the frame loop never waits on the disk.

A checkout saves an order, and every change of the cart is journaled (kiosk/store/journal.py).
Each is a small SQLite transaction, but one that can wait: another process holding the
write lock makes SQLite wait up to its busy timeout (5 s), a slow or failing disk longer.
On the UI thread, that is a frozen screen.

`StoreWriter` takes both kinds of write from the UI thread and carries them out in order on
one thread of its own, which alone touches the store and the journal from then on:

- `journal_cart(cart, screen, order_uid)` hands over the cart's newest state. Only a change is
  queued, and a journal write still waiting in the queue is replaced by the newer one: the
  journal holds the latest state, never a backlog.
- `save(order)` queues the order; `answer(uid)` is its outcome once there is one (the stored
  order, or the KioskError), else None: the session asks once a frame and shows "Saving your
  order…" meanwhile.
- Writes keep their order: a cart journaled at checkout is on disk before its order is saved,
  and the journal cleared after it.
- `close()` waits for what is queued (a sale's last writes land at shutdown), then stops.

`threaded=False` runs each write at once on the caller's thread: a recording is replayed
frame by frame, deterministically, and a screen nobody watches cannot freeze. The builder
chooses: a live camera writes through the thread.
"""
from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timezone

from kiosk.errors import KioskError
from kiosk.shop.cart import Cart, Order
from kiosk.store.journal import CartJournal
from kiosk.store.orders import OrderStore, StoredOrder


class StoreWriter:
    def __init__(self, store: OrderStore, journal: CartJournal | None, threaded: bool):
        self.store, self.journal = store, journal
        self._cond = threading.Condition()
        self._queue: deque[tuple] = deque()
        self._answers: dict[str, StoredOrder | KioskError] = {}
        self._errors: list[str] = []
        self._submitted: tuple | None = None  # the last journal state handed over (UI thread only)
        self._closed = False
        self._working = False
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
            self._thread.start()

    # -- the UI thread's side: never blocks on the disk -----------------------------------------
    def journal_cart(self, cart: Cart, screen: str, order_uid: str | None) -> None:
        """The cart's state now; queued only when it changed since the last call."""
        if self.journal is None:
            return
        state = (cart, screen, order_uid)
        if state == self._submitted:
            return
        self._submitted = state
        self._submit(("journal", *state), replace_journal=True)

    def save(self, order: Order) -> None:
        """Queue the order; its outcome comes from answer(order.uid)."""
        self._submit(("save", order))

    def answer(self, uid: str) -> StoredOrder | KioskError | None:
        """The stored order or the error, once (it is then forgotten); None while the save is pending."""
        with self._cond:
            return self._answers.pop(uid, None)

    def errors(self) -> list[str]:
        """Journal failures since the last call, one line each (the kiosk logs them and goes on)."""
        if not self._errors:  # the usual frame: nothing to report, nothing allocated
            return []
        with self._cond:
            errors, self._errors = self._errors, []
            return errors

    @property
    def busy(self) -> bool:
        """A write is queued or running."""
        with self._cond:
            return bool(self._queue) or self._working

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued (up to `timeout` s), then stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the writer's side ------------------------------------------------------------------------
    def _submit(self, task: tuple, replace_journal: bool = False) -> None:
        if self._thread is None:
            self._do(task)
            return
        with self._cond:
            if self._closed:
                raise KioskError("the store writer is closed")
            if replace_journal and self._queue and self._queue[-1][0] == "journal":
                self._queue[-1] = task  # not written yet: the newer state replaces it
            else:
                self._queue.append(task)
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return  # closed and drained
                task = self._queue.popleft()
                self._working = True
            try:
                self._do(task)
            finally:
                with self._cond:
                    self._working = False

    def _do(self, task: tuple) -> None:
        """Carry out one write; its failure becomes an answer or an error line, never an exception."""
        now = datetime.now(timezone.utc)
        if task[0] == "save":
            order = task[1]
            try:
                outcome: StoredOrder | KioskError = self.store.save(order, now)
            except KioskError as e:
                outcome = e
            except ValueError as e:  # an order that must never be stored (no lines): a bug, reported as a failure
                outcome = KioskError(f"order {order.uid!r} refused: {e}")
            with self._cond:
                self._answers[order.uid] = outcome
            return
        _, cart, screen, order_uid = task
        try:
            self.journal.sync(cart, screen, order_uid, now)
        except KioskError as e:
            with self._cond:
                self._errors.append(str(e))
