"""Liveness and readiness: is the database reachable, are jobs piling up."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from tamis import __version__
from tamis.api.deps import RuntimeDep

router = APIRouter(prefix="/v1/health", tags=["health"])


@router.get("")
def health(rt: RuntimeDep) -> dict[str, Any]:
    with rt.store.engines.read.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "version": __version__,
        "database": rt.store.engines.write.dialect.name,
        "analyzers": [{"name": a.name, "version": a.version} for a in rt.analyzers],
    }
