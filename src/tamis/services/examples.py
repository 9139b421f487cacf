"""A tenant's labelled examples: what its moderators teach its own text heads.

Examples come two ways: labelled by hand through the API (a handful is enough to define a
custom category), and from moderators' decisions on items, so that the daily work of review
becomes training data without anyone labelling twice. An item teaches what the *person's*
decision in force says about it: a later decision replaces the example of an earlier one, an
automated decision teaches nothing (tamis does not learn from itself), and erasing the item's
content erases its example too.
"""

from __future__ import annotations

from typing import Any

from tamis.core import taxonomy
from tamis.errors import InvalidInput
from tamis.ids import new_id, utcnow
from tamis.services.runtime import Runtime
from tamis.store.interfaces import (
    DecisionRecord,
    ExampleRecord,
    ItemRecord,
    TextHeadsRecord,
    Transaction,
)

MAX_TEXT = 5000
LANGUAGES = ("en", "fr", "es", "ar", "ary")


def check_category(category: str) -> None:
    """Refuse, with the names to choose from, what is not a category."""
    if not taxonomy.is_category(category):
        raise InvalidInput(
            f"category is one of {', '.join(taxonomy.NAMES)} or custom/<name> "
            "(lower case letters, digits, '-' and '_')"
        )


def add(
    tx: Transaction,
    *,
    tenant_id: str,
    text: str,
    category: str,
    violating: bool,
    language: str | None = None,
) -> ExampleRecord:
    if not text.strip():
        raise InvalidInput("an example needs some text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"an example is at most {MAX_TEXT} characters; shorten it")
    check_category(category)
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"language is one of {', '.join(LANGUAGES)}, or left out")
    record = ExampleRecord(
        id=new_id("exm"),
        tenant_id=tenant_id,
        text=text,
        language=language,
        category=category,
        violating=violating,
        source="api",
        item_id=None,
        decision_id=None,
        created_at=utcnow(),
    )
    tx.examples.add(record=record)
    return record


def learn_from(
    tx: Transaction, *, item: ItemRecord, decision: DecisionRecord, violating: bool
) -> None:
    """Make a moderator's decision on an item's text that item's example."""
    if item.erased_at is not None:
        return
    category = decision.statement.get("category")
    text = "\n".join(p["text"] for p in item.parts if p["kind"] == "text" and p.get("text"))
    if not text or not category or not taxonomy.is_category(category):
        return
    tx.examples.forget_item(tenant_id=item.tenant_id, item_id=item.id)
    tx.examples.add(
        record=ExampleRecord(
            id=new_id("exm"),
            tenant_id=item.tenant_id,
            text=text[:MAX_TEXT],
            language=None,
            category=category,
            violating=violating,
            source="decision",
            item_id=item.id,
            decision_id=decision.id,
            created_at=decision.created_at,
        )
    )


def train_heads(rt: Runtime, *, tenant_id: str) -> dict[str, Any]:
    """Fit the tenant's own text heads on all its examples and store them; what was measured.

    A category with too few examples gets no head (the report says why); with none at all,
    the tenant's previous heads are removed and the shared ones apply again.
    """
    from tamis.analyzers.text.classifier import tenant as heads

    labelled: list[tuple[str, str, bool]] = []
    after = None
    with rt.store.read() as tx:
        while page := tx.examples.page(tenant_id=tenant_id, category=None, after=after, limit=500):
            labelled += [(e.text, e.category, e.violating) for e in page]
            after = page[-1].id
    fitted = heads.fit(labelled, encode=heads.shared_encode)
    packed = heads.pack(fitted)
    with rt.store.write() as tx:
        if fitted.categories:
            tx.text_heads.put(
                record=TextHeadsRecord(
                    tenant_id=tenant_id,
                    version=packed.version,
                    categories=packed.categories,
                    report=fitted.report,
                    weights=packed.weights,
                    trained_at=utcnow(),
                )
            )
        else:
            tx.text_heads.clear(tenant_id=tenant_id)
        tx.events.append(
            tenant_id=tenant_id,
            type="text_heads.trained",
            subject=tenant_id,
            data={"version": packed.version, "categories": list(packed.categories)},
        )
    rt.terms.forget(tenant_id)
    return {"version": packed.version if fitted.categories else None, **fitted.report}
