"""Run Flet views in-process: a real flet Session over a fake connection, handlers fired by hand.

Mirrors flet's own unit tests (Session + a fake Connection). Each message is msgpack-encoded as the
real transports do, because encoding records the "previous" state later diffs compare against.
Flet internals: pinned to flet==1.0.5; keep this helper small.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import flet as ft
import msgpack
from flet.controls.base_control import BaseControl
from flet.messaging.connection import Connection
from flet.messaging.protocol import (
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

C = TypeVar("C", bound=BaseControl)


class _Connection(Connection):
    def __init__(self) -> None:
        super().__init__()
        self.pubsubhub = PubSubHub()
        self.sent = 0
        self._encode = configure_encode_object_for_msgpack(BaseControl)

    def send_message(self, message: Message) -> None:
        msgpack.packb([message.action, message.body], default=self._encode)
        self.sent += 1


class Harness:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.conn = _Connection()
        self.conn.loop = self.loop
        self.session = Session(self.conn)
        body = RegisterClientResponseBody(
            session_id=self.session.id, page_patch=self.session.get_page_patch(), error=""
        )
        self.conn.send_message(Message(MessageAction.REGISTER_CLIENT, body))
        self.routes: list[str] = []  # what the app put in the browser's history, in order
        self._echoed = 0

    @property
    def page(self) -> ft.Page:
        return self.session.page

    def close(self) -> None:
        """Tasks a view started (a scroll waiting for a client that never answers) are
        cancelled, not left pending."""
        try:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.wait(pending))
        finally:
            self.loop.close()

    # Finding
    def walk(self) -> Iterator[BaseControl]:
        top = self.page.views[-1]  # the view shown: the top of the stack
        stack: list[Any] = [top.appbar, top.navigation_bar, *top.controls]
        seen: set[int] = set()
        while stack:
            node = stack.pop(0)
            if node is None or id(node) in seen or not isinstance(node, BaseControl):
                continue
            seen.add(id(node))
            if getattr(node, "visible", True) is False:
                continue
            yield node
            for f in dataclasses.fields(node):
                if f.name.startswith("_") or f.name in ("parent", "page"):
                    continue
                value = getattr(node, f.name, None)
                if isinstance(value, BaseControl):
                    stack.append(value)
                elif isinstance(value, list):
                    stack += [v for v in value if isinstance(v, BaseControl)]

    def find(self, kind: type[C], pred: Callable[[C], bool] = lambda c: True) -> list[C]:
        return [c for c in self.walk() if isinstance(c, kind) and pred(c)]

    def one(self, kind: type[C], pred: Callable[[C], bool] = lambda c: True) -> C:
        found = self.find(kind, pred)
        assert len(found) == 1, f"expected one {kind.__name__}, found {len(found)}"
        return found[0]

    def field(self, label: str) -> ft.TextField:
        return self.one(ft.TextField, lambda c: c.label == label)

    def button(self, text: str) -> BaseControl:
        return self.one(
            BaseControl,
            lambda c: (
                isinstance(c, ft.FilledButton | ft.OutlinedButton | ft.TextButton | ft.Button)
                and c.content == text
            ),
        )

    def group(self, label: str) -> ft.RadioGroup:
        """The radio group inside the ft.Semantics named `label`."""
        sem = self.one(ft.Semantics, lambda c: c.label == label)
        stack: list[Any] = [sem.content]
        while stack:
            node = stack.pop()
            if isinstance(node, ft.RadioGroup):
                return node
            for name in ("content", "controls"):
                value = getattr(node, name, None)
                stack += value if isinstance(value, list) else [value] if value else []
        raise AssertionError(f"no radio group named {label!r}")

    def texts(self) -> list[str]:
        out = []
        for c in self.walk():
            for name in ("value", "title", "label", "content", "subtitle"):
                value = getattr(c, name, None)
                if isinstance(value, str) and value:
                    out.append(value)
        return out

    def shows(self, fragment: str) -> bool:
        return any(fragment in t for t in self.texts())

    # Acting, as the client would
    def fire(self, control: BaseControl, event: str, data: Any = None) -> None:
        self.loop.run_until_complete(self.session.dispatch_event(control._i, event, data))

    def click(self, control: BaseControl) -> None:
        self.fire(control, "click")

    def type(self, field: ft.TextField, text: str) -> None:
        self.session.apply_patch(field._i, {"value": text})
        self.fire(field, "change", text)

    def route(self, route: str) -> None:
        """The browser's back button, or a link: the client reports a new route. First, as the
        real client does, it echoes each route the app pushed."""
        self.echo()
        self._route_change(route)

    def echo(self, *, leave: int = 0) -> None:
        """The client reports back each route the app pushed (as it does, a moment later); the
        last `leave` of them not yet."""
        while self._echoed < len(self.routes) - leave:
            self._echoed += 1
            self._route_change(self.routes[self._echoed - 1])

    def _route_change(self, route: str) -> None:
        self.conn.page_url = self.conn.page_url or "http://127.0.0.1:8550"
        self.session.apply_patch(self.page._i, {"route": route})
        self.loop.run_until_complete(
            self.session.dispatch_event(self.page._i, "route_change", {"route": route})
        )

    def pop(self) -> None:
        """Android's back gesture: the client pops the top view."""
        top = self.page.views[-1]
        self.loop.run_until_complete(
            self.session.dispatch_event(self.page._i, "view_pop", {"route": top.route})
        )

    def choose(self, group: ft.RadioGroup, value: str) -> None:
        self.session.apply_patch(group._i, {"value": value})
        self.fire(group, "change", value)
