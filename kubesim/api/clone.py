"""Deep copies of API objects (JSON trees of dicts, lists, strings, numbers).

A pickle round trip copies such a tree about four times faster than `copy.deepcopy`, which matters on the
write path: every create, update and patch copies the object several times.
"""

from __future__ import annotations

import pickle
from typing import TypeVar

T = TypeVar("T")


def clone(value: T) -> T:
    copied: T = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return copied
