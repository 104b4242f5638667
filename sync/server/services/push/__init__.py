"""Push: store each item in the same transaction as its dedupe check; receipts after commit.

Per item, in request order:
  same (record_id, revision) already accepted, same hash   -> duplicate: the original receipt
  same (record_id, revision) already accepted, other hash  -> conflict (held for a person)
  an amendment/acknowledgement of a stale or missing base  -> conflict (held)
  fails parsing, its hash, identity, device, date, scope   -> rejected (held, with the messages)
  or the rules
  otherwise                                                -> accepted, with its effects:
      a visit revision, last-seen dates, flags for the manager, concerns for the allocated worker.
Held items (conflict/rejected) go to `quarantine`, and one summary row per device and record to
the practitioner's and team's change feed; the same held item sent again gets the same receipt.
Beyond `held_per_day` held items from one device, an item is refused (sync.quarantine_full),
audited but not stored: the device keeps it. Nothing a device sent is dropped.

Every lookup is the caller's organisation's: another organisation's record id is a new id here.
An amendment passes the same identity (models.lifecycle) and scope checks as a first revision,
on the visit it results in.

What needs no database (the record, its hash, identity, the rules) is checked before the org
lock is taken; then one transaction: the lock, one dedupe lookup for the whole batch, the
effects, and every row written in bulk (insert_rows) before the commit. By module:
  intake    what an item is, checked without the database
  batch     the transaction: dedupe, accept or hold each item, the receipts (push_items)
  plan      what accepting an item would do: its checks against the central record, its effects
  rules     the decisions, without the database: scope, last seen, flags, the held-item quota
  queries   the batch's reads and bulk writes
The flags themselves are models.flags: the device raises the same.
"""

from sync.server.services.push.batch import push_items

__all__ = ["push_items"]
