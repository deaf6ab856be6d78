"""A client for OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, llama.cpp server)."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

# Statuses worth another try: rate limited, or the server is briefly unwell.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A Retry-After longer than this is not worth keeping a reader waiting for.
MAX_RETRY_WAIT = 5.0


class LLMError(RuntimeError):
    """The endpoint did not give a usable answer; the message says why, for the reader and the log."""


@dataclass(frozen=True)
class LLMClient:
    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 30.0
    retries: int = 2
    max_tokens: int = 600
    backoff: float = 0.5

    @classmethod
    def from_settings(cls) -> "LLMClient":
        from django.conf import settings

        return cls(
            base_url=settings.NEWSDESK_LLM_BASE_URL,
            model=settings.NEWSDESK_LLM_MODEL,
            api_key=settings.NEWSDESK_LLM_API_KEY,
            timeout=settings.NEWSDESK_LLM_TIMEOUT,
            retries=settings.NEWSDESK_LLM_RETRIES,
            max_tokens=settings.NEWSDESK_LLM_MAX_TOKENS,
        )

    def _request(self, messages: list[dict], stream: bool) -> tuple[dict, dict]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "stream": stream,
        }
        return headers, body

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def complete(self, messages: list[dict]) -> str:
        """The whole reply at once."""
        headers, body = self._request(messages, stream=False)
        with httpx.Client(timeout=self.timeout) as client:
            response = self._with_retries(lambda: client.post(self.url, headers=headers, json=body))
            try:
                return _content_of(response.json())
            except (ValueError, KeyError, IndexError, TypeError) as error:
                raise LLMError(f"the language model sent a malformed reply ({error})") from error

    def stream(self, messages: list[dict]) -> Iterator[str]:
        """The reply in pieces as the endpoint sends them; a non-streaming reply comes as one piece."""
        headers, body = self._request(messages, stream=True)
        with httpx.Client(timeout=self.timeout) as client:
            request = client.build_request("POST", self.url, headers=headers, json=body)
            response = self._with_retries(lambda: client.send(request, stream=True))
            try:
                if "text/event-stream" not in response.headers.get("content-type", ""):
                    response.read()
                    try:
                        yield _content_of(response.json())
                    except (ValueError, KeyError, IndexError, TypeError) as error:
                        raise LLMError(f"the language model sent a malformed reply ({error})") from error
                    return
                yield from _stream_pieces(response)
            except httpx.TimeoutException as error:
                raise LLMError("the language model stopped answering (timed out)") from error
            except httpx.HTTPError as error:
                raise LLMError(f"the language model's reply broke off ({error})") from error
            finally:
                response.close()

    def _with_retries(self, send) -> httpx.Response:
        last_error = "no attempt made"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = send()
            except httpx.TimeoutException:
                last_error = f"timed out after {self.timeout:g} s"
                continue
            except httpx.HTTPError as error:
                last_error = f"could not be reached ({error.__class__.__name__})"
                continue
            if response.status_code < 400:
                return response
            response.read()
            response.close()
            last_error = f"answered HTTP {response.status_code}"
            if response.status_code not in RETRY_STATUSES:
                break
            wait = _retry_after(response)
            if wait is not None and wait > MAX_RETRY_WAIT:
                break
            if wait:
                time.sleep(wait)
        raise LLMError(f"the language model {last_error}")


def _content_of(payload: dict) -> str:
    content = payload["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise TypeError("message content is not text")
    return content


def _stream_pieces(response: httpx.Response) -> Iterator[str]:
    for line in response.iter_lines():
        if not line.startswith("data:"):
            continue
        data = line[len("data:") :].strip()
        if data == "[DONE]":
            return
        try:
            delta = json.loads(data)["choices"][0].get("delta") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise LLMError(f"the language model sent a malformed stream event ({error})") from error
        piece = delta.get("content")
        if piece:
            yield piece


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None
