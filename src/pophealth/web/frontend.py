"""A second ``pophealth serve`` on a warehouse already served: a front end forwarding to the first.

DuckDB lets one process hold the warehouse, so a second server cannot open it. Rather than
print "running at ..." and then fail, it answers on its own address by passing every request,
unchanged, to the server that holds the warehouse (its address is in the lease), and its answer
back. Both addresses then show the same pages, from the same data, at the same moment.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
                        b"trailers", b"transfer-encoding", b"upgrade"})


def create_front_end(upstream: str, db: Any = None) -> Any:
    """An ASGI app forwarding every HTTP request to ``upstream`` (``http://host:port``). When that stops
    answering and ``db`` is given, the address is read again from the warehouse's lease, so a first
    server restarted on another port is found again."""
    import httpx

    state: dict[str, Any] = {"upstream": upstream.rstrip("/")}

    def current_upstream() -> str | None:
        from pophealth.warehouse.lease import live_lease

        lease = live_lease(db) if db is not None else None
        return lease.url.rstrip("/") if lease is not None else None

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    state["client"] = httpx.AsyncClient(timeout=httpx.Timeout(300.0, connect=5.0))
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await state["client"].aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        client_host = (scope.get("client") or ("unknown", 0))[0]
        headers.append((b"x-forwarded-for", str(client_host).encode("latin-1")))
        path = scope.get("raw_path") or scope["path"].encode("utf-8")
        if scope.get("query_string"):
            path += b"?" + scope["query_string"]
        client = state["client"]
        response = None
        for attempt in range(2):
            try:
                request = client.build_request(scope["method"], state["upstream"] + path.decode("latin-1"),
                                               headers=headers, content=body)
                response = await client.send(request, stream=True)
                break
            except httpx.ConnectError:
                # nothing was sent, so trying again is safe; the lease check may block: not on the event loop
                moved = await asyncio.to_thread(current_upstream) if attempt == 0 else None
                if moved is None or moved == state["upstream"]:
                    break
                state["upstream"] = moved
            except httpx.HTTPError:
                break
        if response is None:
            kind, text = not_answering(scope["path"])
            await send({"type": "http.response.start", "status": 502,
                        "headers": [(b"content-type", kind), (b"content-length", str(len(text)).encode()),
                                    (b"cache-control", b"no-store")]})
            await send({"type": "http.response.body", "body": text})
            return
        try:
            await send({"type": "http.response.start", "status": response.status_code,
                        "headers": [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    return app


NOT_ANSWERING = "The server holding this warehouse is not answering. Please try again in a few seconds."


def not_answering(path: str) -> tuple[bytes, bytes]:
    """The 502 while no server holds the warehouse (one stopped, another taking it over), in the app's one
    error shape: ``{"error": {"status", "message"}}`` under ``/api``, a page elsewhere."""
    if path == "/api" or path.startswith("/api/"):
        return b"application/json", json.dumps({"error": {"status": 502, "message": NOT_ANSWERING}}).encode()
    page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not answering - pophealth</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
            f'<h1>Not answering</h1><p>{NOT_ANSWERING}</p></main></body></html>')
    return b"text/html; charset=utf-8", page.encode()
