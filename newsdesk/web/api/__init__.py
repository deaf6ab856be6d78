"""The read-only JSON API for developers, versioned under /api/v1/ (docs/api.md).

`params.py` reads and checks query parameters, `lib.py` runs the queries (reusing the reader
pages' own functions, so the API shows what the site shows), `serialize.py` turns rows into
the documented JSON shapes, `http.py` gives every endpoint the same errors, rate limit, CORS
and caching, and `views.py` only ties them together. `openapi.json` is the hand-written
description; a test holds it to the URL conf.
"""
