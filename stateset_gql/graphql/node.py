"""The ``Node`` interface every object implements, and the shared ``DeletedObject``."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a prefixed, globally unique id.")
class Node:
    id: strawberry.ID


@strawberry.type(description="What a delete answers: the id, the object's type, and `deleted`.")
class DeletedObject:
    id: strawberry.ID
    object: str
    deleted: bool
