"""OpenAI's moderation request and response, as `POST /v1/moderations` accepts and answers them.

The response models exist for the OpenAPI document; the route builds the JSON itself, because
OpenAI's category names hold slashes that are not Python identifiers.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from tamis.api.schemas import StrictIn


class TextInput(StrictIn):
    type: Literal["text"]
    text: str


class ImageUrl(StrictIn):
    url: str


class ImageUrlInput(StrictIn):
    type: Literal["image_url"]
    image_url: ImageUrl


MultiModalInput = Annotated[TextInput | ImageUrlInput, Field(discriminator="type")]


class ModerationCreate(StrictIn):
    input: str | list[str] | list[MultiModalInput] = Field(
        description="A text, a list of texts (one result each), or one multi-modal input: a "
        "list of text and image_url parts judged together (an image as a data: URL or an http(s) "
        "URL on a public address)."
    )
    model: str | None = Field(
        default=None,
        max_length=200,
        description="Accepted and ignored: the tenant's policy and the installed analyzers "
        "decide; the response names the tamis version.",
    )


class TamisExtension(BaseModel):
    action: str = Field(description="The tenant's policy action: allow, review, ...")
    clause: str | None
    policy_version: int
    unsupported: list[str] = Field(
        description="OpenAI categories tamis scored nothing for: their score is 0.0 and their "
        "category_applied_input_types is empty."
    )
    partial: list[str] = Field(
        description="OpenAI categories scored from only some of their tamis categories."
    )


class ModerationPublic(BaseModel):
    flagged: bool = Field(description="True when the tenant's policy acts (not 'allow').")
    categories: dict[str, bool]
    category_scores: dict[str, float]
    category_applied_input_types: dict[str, list[str]]
    tamis: TamisExtension


class ModerationsPublic(BaseModel):
    id: str
    model: str
    results: list[ModerationPublic]
