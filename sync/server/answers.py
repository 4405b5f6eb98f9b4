"""Answers serialised once, for the endpoints that build their answer model themselves.

FastAPI validates what an endpoint returns against the route's ``response_model`` before serialising
it: for a model the endpoint has just built and validated, that is every field (and its validators)
checked a second time. The hot endpoints return ``json_answer(model)`` instead; their
``response_model`` still documents the answer in OpenAPI, and the tests read it through the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter
from starlette.responses import Response


def json_answer(answer: BaseModel | Sequence[BaseModel]) -> Response:
    """``answer`` (a model, or a list of models of one type) as a JSON response."""
    if isinstance(answer, BaseModel):
        body = answer.__pydantic_serializer__.to_json(answer)
    else:
        body = _list_of(type(answer[0])).dump_json(list(answer)) if answer else b"[]"
    return Response(body, media_type="application/json")


@cache
def _list_of(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type] # one adapter per model type
