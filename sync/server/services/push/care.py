"""Care found at visits, at the central record: the reads and writes around models.care_found.

One CareBook per push. It reads, once for the batch, the people its visits name (in every
organisation, only to tell which ids are taken elsewhere: those are new people here, under
models.care_found.person_id_here, and another organisation's person is never linked) and the
links of its children (this organisation's). Each accepted visit or amendment adds to it in
memory (a later visit in the batch builds on an earlier one); `flush` writes the new people and
links and the strengthened links in bulk, and the changed children (links included) and their
people go to every holder of the child through the change feed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from models.care_found import care_found, found_carers, person_id_here
from models.caseload import Child, PersonLink
from models.visit import Visit
from sync.protocol import ChangeKind
from sync.server.db import insert_rows
from sync.server.services.common import AuditLog, ChangeDraft, ChildLike, OrgLog
from sync.server.tables import ChildRow, PersonLinkRow, PersonRow, table_of

__all__ = ["CareBook"]

_PERSON = table_of(PersonRow)
_LINK = table_of(PersonLinkRow)
_CHILD = table_of(ChildRow)
_UPDATE_LINK = (
    sa.update(_LINK)
    .where(_LINK.c.link_id == sa.bindparam("b_link_id"))
    .values(data=sa.bindparam("b_data"))
)


class CareBook:
    def __init__(self, session: Session, org_id: str, visits: Iterable[Visit]) -> None:
        self.s = session
        self.org = org_id
        self.people: dict[UUID, dict[str, Any]] = {}  # this organisation's, by id
        self.elsewhere: set[UUID] = set()  # ids another organisation holds
        self.asked: set[UUID] = set()  # person ids already looked up
        self.links: dict[UUID, dict[UUID, tuple[int | None, PersonLink]]] = {}  # child -> person
        self.new_people: dict[UUID, dict[str, Any]] = {}
        self.changed: dict[tuple[UUID, UUID], tuple[int | None, PersonLink]] = {}
        self._load([key for v in visits for key in found_carers(v)])

    def _load(self, found: list[tuple[UUID, UUID]]) -> None:
        """What these (person, child) pairs need and the book has not read yet: one query for
        people, one for links (none when everything is already here)."""
        ids = {pid for pid, _ in found} - self.asked
        ids |= {person_id_here(self.org, pid) for pid in ids}
        children = {cid for _, cid in found} - set(self.links)
        if ids:
            self.asked |= ids
            query = sa.select(_PERSON.c.person_id, _PERSON.c.org_id, _PERSON.c.data)
            for row in self.s.execute(query.where(_PERSON.c.person_id.in_(ids))):
                if row.org_id == self.org:
                    self.people[row.person_id] = row.data
                else:
                    self.elsewhere.add(row.person_id)
        if children:
            for cid in children:
                self.links[cid] = {}
            query = sa.select(_LINK.c.link_id, _LINK.c.child_id, _LINK.c.data).where(
                _LINK.c.org_id == self.org, _LINK.c.child_id.in_(children)
            )
            for row in self.s.execute(query.order_by(_LINK.c.link_id)):
                link = PersonLink.model_validate(row.data)
                self.links[row.child_id].setdefault(link.person_id, (row.link_id, link))

    def found(self, visit: Visit, *, now: datetime) -> None:
        """An accepted visit (or the visit an amendment results in): its care, in memory."""
        carers = found_carers(visit)
        self._load(list(carers))
        ids = {pid: person_id_here(self.org, pid) for pid, _ in carers if pid in self.elsewhere}
        children = dict.fromkeys(o.child_id for o in visit.children)
        result = care_found(
            visit,
            links=[link for c in children for _, link in self.links.get(c, {}).values()],
            people=self.people.keys(),
            at=min(visit.started_at or visit.created_on_device_at, now),
            ids=ids,
            carers=carers,
        )
        for person in result.people:
            if person.person_id in self.elsewhere:
                continue  # the made id is taken too: never another organisation's person
            data = person.model_dump(mode="json")
            self.people[person.person_id] = self.new_people[person.person_id] = data
        for link in result.links:
            if link.person_id not in self.people:
                continue
            link_id, _ = self.links[link.child_id].get(link.person_id, (None, link))
            self.links[link.child_id][link.person_id] = (link_id, link)
            self.changed[(link.person_id, link.child_id)] = (link_id, link)

    def flush(self, log: OrgLog, audit: AuditLog, children: Mapping[UUID, ChildLike]) -> set[UUID]:
        """Write what the batch found; the change rows for every holder. Returns the children
        whose links changed (their care facts: the oversight checks read them again)."""
        if not self.changed:
            return set()
        insert_rows(
            self.s,
            _PERSON,
            [
                {"person_id": pid, "org_id": self.org, "data": data}
                for pid, data in self.new_people.items()
            ],
        )
        self.new_people = {}
        fresh = [(key, link) for key, (link_id, link) in self.changed.items() if link_id is None]
        insert_rows(
            self.s,
            _LINK,
            [
                {
                    "org_id": self.org,
                    "person_id": pid,
                    "child_id": cid,
                    "data": link.model_dump(mode="json"),
                }
                for (pid, cid), link in fresh
            ],
        )
        updates = [
            {"b_link_id": link_id, "b_data": link.model_dump(mode="json")}
            for link_id, link in self.changed.values()
            if link_id is not None
        ]
        if updates:
            self.s.execute(_UPDATE_LINK, updates)
        touched: dict[UUID, list[UUID]] = {}
        for pid, cid in self.changed:
            touched.setdefault(cid, []).append(pid)
        self.changed = {}
        query = sa.select(_CHILD.c.child_id, _CHILD.c.allocated_to, _CHILD.c.data).where(
            _CHILD.c.org_id == self.org, _CHILD.c.child_id.in_(touched)
        )
        drafts: list[ChangeDraft] = []
        for row in self.s.execute(query):
            child = children[row.child_id]
            data = dict(row.data)
            data["allocated_to"] = str(row.allocated_to) if row.allocated_to else None
            data["links"] = [link for _, link in self.links[row.child_id].values()]
            shape = Child.model_validate(data).model_dump(mode="json")
            drafts.append(ChangeDraft.for_child(child, ChangeKind.CHILD, row.child_id, shape))
            for pid in touched[row.child_id]:
                person = self.people[pid]
                drafts.append(ChangeDraft.for_child(child, ChangeKind.PERSON, pid, person))
            audit.add("push.care.found", child_id=row.child_id)
        log.add(drafts)
        return set(touched)
