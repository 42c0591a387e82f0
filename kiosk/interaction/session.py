"""The interaction session: one tracked frame -> pointer, intents, state machine -> what to draw. UI thread.

    pointer.update()   -> PointerState    cursor px, press / release / click events
    magnetize()        -> the cursor as drawn and hit-tested, pulled toward the nearest target
    layout.hit()       -> target id       -> Intent -> Kiosk.handle() -> effects (StartPayment, PlaceOrder...)
    Effects.payment_answer() -> the card terminal's answer (PAID / PAYMENT_FAILED) -> Kiosk.handle()
    Effects.order_answer()   -> the store writer's answer (ORDER_STORED / ORDER_FAILED) -> Kiosk.handle()
    dwell.update()     -> a target selected by holding still (when on in the config)
    holds.update()     -> held ✋ (back) / 👍 (confirm) and the ✊ grab -> Intent -> Kiosk.handle()
    kiosk.tick()       -> timers (start on a held hand, inactivity, receipt); activity = hand movement
    -> Hud             what the renderer draws over the layout

The session owns its state (pointer, dwell, holds, the state machine); it decides, and
`Effects` (kiosk/effects.py) carries out what touches the world: the store, the journal,
sounds, the log. Time is the frame's own `t`.
"""
from __future__ import annotations

from collections.abc import Callable

from kiosk.config import UIConfig
from kiosk.effects import Effects
from kiosk.events import rounded
from kiosk.interaction.activity import Motion
from kiosk.interaction.dwell import Dwell, DwellConfig
from kiosk.interaction.gesture_actions import GestureActions, GestureFrame, HoldConfig
from kiosk.interaction.magnetism import magnetize
from kiosk.interaction.pointer import Pointer, PointerConfig, PointerState
from kiosk.shop.cart import Cart
from kiosk.shop.catalog import Catalog
from kiosk.i18n import N_, tr
from kiosk.shop.machine import (Act, CancelPayment, Effect, Intent, Kiosk, KioskTimings, PlaceOrder, Screen,
                                StartPayment, intent_for_target)
from kiosk.types import Hand, PointerKind
from kiosk.ui.hud import Hud
from kiosk.ui.layout import Button, Layout, LayoutOptions, layout, paging
from kiosk.vision.stage import Tracked

PALM = (0, 5, 9, 13, 17)
"""Landmarks whose mean is the hand's centre (the grab follows it: the fingertip curls away in a fist)."""
MOTION = 0.03
"""Hand movement that counts as activity (holds off the inactivity countdown), fraction of the screen height."""
SOUND_FOR = {Act.PRACTICE: "add", Act.HOLD_MODE: "key", Act.ADD: "add", Act.INC: "add", Act.DEC: "key", Act.REMOVE: "back", Act.DIGIT: "key",
             Act.ERASE: "erase", Act.BACK: "back", Act.UNDO: "add"}
"""The sound of an accepted intent; starting a session and the receipt have their own (Effects.screen_changed)."""


class Session:
    def __init__(self, catalog: Catalog, size: tuple[int, int], pointer: PointerConfig, timings: KioskTimings,
                 ui: UIConfig, options: LayoutOptions, new_uid: Callable[[], str], effects: Effects):
        self.catalog, self.size, self.pointer_config, self.ui, self.options = catalog, size, pointer, ui, options
        self.effects = effects
        h = size[1]
        self.pointer = Pointer(size, pointer)
        self._timings, self._new_uid = timings, new_uid
        self.kiosk = self._new_kiosk(catalog)
        # Always made: the practice screen's "hold still" button is selected by dwelling, and a shopper who
        # picks it selects everything that way for the rest of the session.
        self.dwell = Dwell(DwellConfig(ui.dwell_seconds, ui.dwell_settle, rearm_px=0.04 * h))
        self.holds = GestureActions(HoldConfig(hold=ui.gesture_hold, confirm_hold=ui.confirm_hold)) \
            if ui.gestures else None
        self.motion = Motion(MOTION * h)
        self._layout: tuple[object, Layout] | None = None
        self.clicked_at: float | None = None
        """Frame time of the last click, dwell or acting hold (the HUD's click pulse)."""
        self.screen_since = 0.0
        """Frame time the current screen was entered."""
        self._warned = False
        self._spoken_target: str | None = None  # the target whose name was spoken last
        self._cursor: tuple[float, float] | None = None  # this frame's pointer position, screen px

    def _new_kiosk(self, catalog: Catalog) -> Kiosk:
        pages = paging(self.size, len(catalog.items), self.options.sizes)
        return Kiosk(catalog, self._timings, self._new_uid, pages.page_size, pages.columns, pages.cart_rows,
                     self.ui.practice, self.ui.language)

    @property
    def between_sessions(self) -> bool:
        """The attract screen with an empty cart: nobody is shopping."""
        return self.kiosk.screen is Screen.ATTRACT and self.kiosk.cart.is_empty

    def use_catalog(self, catalog: Catalog) -> None:
        """Sell from a new catalog (a fleet's central one) from the next session on. Only between sessions,
        so a cart in progress never changes under the shopper."""
        if not self.between_sessions:
            raise RuntimeError("a new catalog is taken between sessions only")
        self.catalog, self.kiosk, self._layout = catalog, self._new_kiosk(catalog), None

    def layout(self) -> Layout:
        """The current screen's layout (both drawn and hit-tested), rebuilt only when the view changes."""
        view = self.kiosk.view()
        if self._layout is None or self._layout[0] != view:
            self._layout = (view, layout(view, self.catalog, self.size, self.options))
        return self._layout[1]

    def resume(self, cart: Cart, t: float, i: int) -> None:
        """A cart a crash interrupted, back on the cart screen."""
        self.kiosk.restore(cart, t)
        self.effects.log("resume", t, i, lines=len(cart.lines))

    def reset_pointer(self) -> None:
        """A new pointer: no press survives a camera outage."""
        self.pointer = Pointer(self.size, self.pointer_config)

    def step(self, tracked: Tracked) -> Hud:
        """Everything the shopper's hand does in this frame; -> what the screen shows over the layout."""
        frame = tracked.frame
        t, i = frame.t, frame.index
        hand = tracked.hands[tracked.active] if tracked.active is not None else None
        if hand is not None:
            state = self.pointer.update(t, hand.tip, tracked.gesture.p("ok"), tracked.pinch)
        else:
            state = self.pointer.update(t, None, 0.0)
        self.effects.log("frame", t, i, tip=rounded(hand.tip if hand else None, 4), cursor=rounded(state.cursor),
                         gesture=tracked.gesture.label, hands=len(tracked.hands))
        for event in state.events:
            target = self.layout().hit(self.aim(event.pos))
            self.effects.log(event.kind.value, t, i, pos=rounded(event.pos),
                             target=self._logged(target.id if target else None))
            if event.kind == PointerKind.CLICK:
                self.clicked_at = t
                intent = intent_for_target(target.id) if target is not None else None
                if intent is not None:
                    self._act(intent, t, i)
                else:
                    self.effects.sound("click")
        self._payment(t, i)
        self._cursor = state.cursor
        aim = self.aim(state.cursor)
        under = self.layout().hit(aim)
        self._announce_target(under)
        dwell = self._dwell(t, i, state, tracked.gesture.label, aim, under)
        holds = self._holds(t, i, hand, tracked.gesture.label)
        active = self.motion.update(state.cursor) or state.pressed or bool(holds.intents) or holds.grabbing
        self._handle(lambda: self.kiosk.tick(t, hand is not None, active), t, i)
        self._warn()
        self.effects.journal_cart(self.kiosk.cart, self.kiosk.screen, self.kiosk.order_uid, t, i)
        return Hud(t, self.aim(state.cursor), state.pressed, state.ok, dwell, self.kiosk.start_progress(t),
                   holds.holding, holds.grabbing, self.clicked_at, self.screen_since, self._outside(hand))

    def _outside(self, hand: Hand | None) -> tuple[int, int] | None:
        """Which way the fingertip has left the active region, (-1|0|1, -1|0|1) for x and y; None inside."""
        if hand is None:
            return None
        x0, y0, x1, y1 = self.pointer_config.active_region
        x, y = hand.tip
        edge = (-1 if x < x0 else 1 if x > x1 else 0, -1 if y < y0 else 1 if y > y1 else 0)
        return edge if edge != (0, 0) else None

    def aim(self, pos: tuple[float, float] | None) -> tuple[float, float] | None:
        """The cursor as drawn and hit-tested: pulled toward the nearest target (magnetism)."""
        if pos is None or self.ui.magnetism <= 0:
            return pos
        targets = [box for _, box in self.layout().targets()]
        return magnetize(pos, targets, self.ui.magnetism, self.ui.magnet_radius * self.size[1])

    def _logged(self, target_id: str | None) -> str | None:
        """Target ids as logged (a hook for ids that must not reach the log; none today: no PIN is typed here)."""
        return target_id

    def _act(self, intent: Intent, t: float, i: int) -> None:
        """Apply an intent from a click, a dwell or a hold, with its sound."""
        before = (self.kiosk.screen, self.kiosk.message)
        self._handle(lambda: self.kiosk.handle(intent, t), t, i)
        if self.kiosk.message and self.kiosk.message != before[1]:
            self.effects.sound("error")
        elif not (self.kiosk.screen is not before[0]
                  and (self.kiosk.screen is Screen.RECEIPT or before[0] is Screen.ATTRACT)):  # those have their own
            self.effects.sound(SOUND_FOR.get(intent.act, "click"))

    def _dwell(self, t: float, i: int, state: PointerState, label: str, aim: tuple[float, float] | None,
               target: Button | None) -> float:
        """aim: the cursor as drawn (screen px); target: the button under it."""
        dwelling = self.ui.dwell or self.kiosk.hold_to_select or (target is not None and target.id == "hold-still")
        eligible = dwelling and not state.pressed and state.ok < self.pointer_config.release_at \
            and label in ("point", "none")
        d = self.dwell.update(t, aim, target.id if target else None, eligible)
        if d.selected:
            self.effects.log("dwell", t, i, pos=rounded(aim), target=self._logged(d.selected))
            self.clicked_at = t
            intent = intent_for_target(d.selected)
            if intent is not None:
                self._act(intent, t, i)
        return d.progress

    def _holds(self, t: float, i: int, hand: Hand | None, label: str) -> GestureFrame:
        if self.holds is None:
            return GestureFrame()
        lay = self.layout()
        hand_y = None
        if hand is not None:
            cx, cy = (float(v) for v in hand.landmarks[list(PALM), :2].mean(axis=0))
            hand_y = self.pointer.to_screen((cx, cy))[1]
        scrollable = any(b.id == "page-next" for b in lay.buttons)
        g = self.holds.update(t, label, hand_y, self.kiosk.screen, lay.row, scrollable)
        for intent in g.intents:
            fields = {"action": intent.act.value, "gesture": label}
            if intent.act is Act.SCROLL:
                fields["rows"] = int(intent.arg or 0)
            self.effects.log("gesture", t, i, **fields)
            if intent.act is not Act.SCROLL:
                self.clicked_at = t
            self._act(intent, t, i)
        return g

    def _warn(self) -> None:
        left = self.kiosk.view().warning_left
        warning = left is not None
        if warning and not self._warned:
            self.effects.sound("warning")
            self.effects.say(self._t("Still there? The cart is cleared in {n} seconds. Move your hand to go on.",
                                     n=left))
        self._warned = warning

    def _announce_target(self, target: Button | None) -> None:
        """Speak the target the cursor comes onto (once per target), with its price for a product."""
        target_id = target.id if target is not None else None
        if target_id != self._spoken_target and target is not None:
            self.effects.say(self._words(target.id, target.text))
        self._spoken_target = target_id

    def _t(self, message: str, **fields) -> str:
        return tr(self.kiosk.language).text(message, **fields)

    def _words(self, target_id: str, text: str) -> str:
        """What a target says aloud: its label, or for the buttons drawn as signs, what they do."""
        name, _, arg = target_id.partition(":")
        item = self.catalog.get(arg) if arg else None
        t = tr(self.kiosk.language)
        if item is not None:
            label = item.label(t.lang)
            words = {"add": N_("{name}, {price}"), "inc": N_("One more {name}"), "dec": N_("One less {name}"),
                     "remove": N_("Remove {name}"), "qty": N_("{name}: quantity {n}")}.get(name)
            return self._t(words, name=label, price=t.money(item.price_cents, self.catalog.currency), n=text) \
                if words else text
        if name == "key":
            return arg
        if name == "practice":
            return self._t("The practice target")
        if name == "hold-still":
            return self._t("Hold still here to select instead")
        return text.strip("‹› ")

    def _screen_words(self) -> str | None:
        """What a new screen says aloud (None: nothing)."""
        v = self.kiosk.view()
        total = tr(v.language).money(v.cart.total_cents, self.catalog.currency)
        words = {
            Screen.PRACTICE: N_("Try it once. Point at the circle, then touch thumb and index."),
            Screen.SHOPPING: N_("Choose your items."),
            Screen.CART: N_("Your cart. Total {total}."),
            Screen.QUANTITY: N_("Type a quantity."),
            Screen.CONFIRM: N_("Your order. Total {total}. Select Pay by card, or hold a thumbs up."),
            Screen.PAYING: N_("Pay {total} on the card terminal."),
            Screen.RECEIPT: N_("Thank you. Your order number is {number}."),
        }.get(v.screen)
        if words is None or (v.screen is Screen.RECEIPT and v.receipt is None):
            return None
        said = self._t(words, total=total, number=v.receipt.number if v.receipt else "")
        return f"{said} {v.message}" if v.screen is Screen.CONFIRM and v.message else said

    def _handle(self, change: Callable[[], list[Effect]], t: float, i: int) -> None:
        """Run a state-machine call, note a screen change, and have its effects carried out."""
        before = self.kiosk.screen
        todo = list(change())
        self._screen_change(before, t, i)
        while todo:
            effect = todo.pop(0)
            if isinstance(effect, StartPayment):
                self.effects.start_payment(effect.payment, t, i)
            elif isinstance(effect, CancelPayment):
                self.effects.cancel_payment(t, i)
            elif isinstance(effect, PlaceOrder):
                self.effects.place(effect.order, t, i)
                answer = self.effects.order_answer(effect.order.uid, t, i, self.kiosk.language)  # written at once?
                if answer is not None:
                    before = self.kiosk.screen
                    todo += self.kiosk.handle(answer, t)
                    self._screen_change(before, t, i)

    def _payment(self, t: float, i: int) -> None:
        """While a payment is pending, the terminal's answer; while its order is being saved, the store's.
        Neither ever blocks; each is handed to the state machine."""
        if self.kiosk.paying:
            answer = self.effects.payment_answer(t, i)
            if answer is not None:
                self._act(answer, t, i)
        elif self.kiosk.placing and self.kiosk.order_uid is not None:
            answer = self.effects.order_answer(self.kiosk.order_uid, t, i, self.kiosk.language)
            if answer is not None:
                self._act(answer, t, i)

    def _screen_change(self, before: Screen, t: float, i: int) -> None:
        if self.kiosk.screen is not before:
            self.screen_since = t
            self.dwell.reset()
            target = self.layout().hit(self.aim(self._cursor))  # under the cursor already: the screen speaks first
            self._spoken_target = target.id if target is not None else None
            self.effects.screen_changed(before, self.kiosk.screen, t, i)
            words = self._screen_words()
            if words:
                self.effects.say(words)
