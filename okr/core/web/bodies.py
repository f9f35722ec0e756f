"""Request bodies read whole, within a size limit and a time limit, before the app sees them.

A client that sends a chunked body and stalls would otherwise hold a server thread for as long as
it likes, and a chunked body has no Content-Length for the size limit to check up front. This
WSGI middleware reads every body first: past MAX_CONTENT_LENGTH it answers 413 at once (never a
cut body), and a client that stops sending for IDLE seconds, or takes longer than DEADLINE in all,
gets 408 and its connection closed. Under gunicorn the socket's read timeout enforces both.
A body is held in memory (at most MAX_CONTENT_LENGTH, one per server thread).
"""

from __future__ import annotations

import io
import time

#: A read that brings nothing for this many seconds ends the request (408).
IDLE = 10.0
#: A whole body must arrive within this many seconds (408 past it).
DEADLINE = 30.0
_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


def _answer(start_response, status: str, text: str):
    body = text.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),  # the rest of the body is never read
        ],
    )
    return [body]


class BufferedBodies:
    """Wrap a WSGI app so that it only ever sees complete bodies of at most ``max_length`` bytes."""

    def __init__(self, app, max_length: int | None, idle: float = IDLE, deadline: float = DEADLINE):
        self.app = app
        self.max_length = max_length
        self.idle = idle
        self.deadline = deadline

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = environ.get("CONTENT_LENGTH") or ""
        if not chunked and not length.strip():
            return self.app(environ, start_response)
        if not chunked:
            try:
                declared = int(length)
            except ValueError:
                return _answer(start_response, "400 Bad Request", "The Content-Length header is not a number.")
            if declared <= 0 or (self.max_length is not None and declared > self.max_length):
                # Nothing to read, or too large by its own word: the app answers (413) unread.
                return self.app(environ, start_response)
        try:
            body, size = self._read(environ, None if chunked else declared)
        except BodyTooLarge:
            return _answer(start_response, "413 Request Entity Too Large", "The request is too large.")
        except BodyTooSlow:
            return _answer(start_response, "408 Request Timeout", "The request body did not arrive in time.")
        except Exception as e:  # the server's parser refused the body (a bad chunk, a client gone)
            if type(e).__module__.startswith("gunicorn.http"):
                return _answer(start_response, "400 Bad Request", "The request body is malformed.")
            raise
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        return self.app(environ, start_response)

    def _read(self, environ, declared: int | None):
        stream = environ["wsgi.input"]
        sock = environ.get("gunicorn.socket")
        old_timeout = sock.gettimeout() if sock is not None else None
        ends = time.monotonic() + self.deadline
        limit = self.max_length
        out = io.BytesIO()
        size = 0
        try:
            while declared is None or size < declared:
                left = ends - time.monotonic()
                if left <= 0:
                    raise BodyTooSlow
                if sock is not None:
                    sock.settimeout(min(self.idle, left))
                want = _CHUNK if declared is None else min(_CHUNK, declared - size)
                try:
                    chunk = stream.read(want)
                except TimeoutError:
                    raise BodyTooSlow from None
                except OSError as e:
                    if "timed out" in str(e):
                        raise BodyTooSlow from None
                    raise
                if not chunk:
                    break
                size += len(chunk)
                if limit is not None and size > limit:
                    raise BodyTooLarge
                out.write(chunk)
        except BaseException:
            out.close()
            raise
        finally:
            if sock is not None:
                try:
                    sock.settimeout(old_timeout)
                except OSError:
                    pass
        out.seek(0)
        return out, size


def init_app(app) -> None:
    app.wsgi_app = BufferedBodies(app.wsgi_app, app.config.get("MAX_CONTENT_LENGTH"))
