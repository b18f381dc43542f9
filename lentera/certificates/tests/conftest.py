from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """Services' messages are checked in English (pages follow the request's language, Indonesian)."""
    with translation.override("en"):
        yield
