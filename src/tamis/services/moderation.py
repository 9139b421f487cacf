"""Moderating content for a tenant: its policy, its own terms, the installed analyzers."""

from __future__ import annotations

from collections.abc import Sequence

from tamis.analyzers.base import Analysis
from tamis.core.content import Content
from tamis.core.pipeline import moderate
from tamis.core.policy import Policy
from tamis.core.verdict import AnalyzerRef, Verdict
from tamis.services import images
from tamis.services.images import Incoming
from tamis.services.runtime import Runtime


def judge(
    rt: Runtime,
    *,
    tenant_id: str,
    content: Content,
    policy: Policy | None = None,
    external: Sequence[tuple[AnalyzerRef, Analysis]] = (),
) -> Verdict:
    return moderate(
        content,
        policy or rt.policies.get(tenant_id),
        rt.analyzers,
        language_identifier=rt.language_identifier,
        tenant_terms=rt.terms.get(tenant_id),
        external=external,
    )


def judge_stateless(
    rt: Runtime, *, tenant_id: str, parts: Sequence[Incoming], author_locale: str | None = None
) -> Verdict:
    """`POST /v1/moderate`: nothing is stored but a daily count per action."""
    content = Content(images.receive(rt, parts).parts, author_locale=author_locale)
    verdict = judge(rt, tenant_id=tenant_id, content=content)
    rt.counters.add(tenant_id, f"moderate.{verdict.action.value}")
    return verdict
