import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    """Rate counts live in the per-process cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def get_json(client):
    """GET an API path; the response, after checking it is JSON (errors too, never an HTML page)."""

    def get(path: str, data: dict | None = None, headers: dict | None = None):
        response = client.get(path, data or {}, headers=headers)
        assert response["Content-Type"] == "application/json", response.content[:200]
        return response

    return get
