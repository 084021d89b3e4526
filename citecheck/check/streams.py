"""httpcore's network streams on asyncio itself.

httpcore reaches asyncio through anyio by default, and that costs every read and write a cancel scope, a
dictionary of socket attributes on every "is this idle connection still open?" check, and a thread for every
name it resolves: about a quarter of the CPU of a live-only run. citecheck runs on asyncio only, so its
connections use asyncio's streams directly. (Names are resolved by the SSRF guard before they get here, or by
the proxy.)
"""
from __future__ import annotations

import asyncio
import functools
import os
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
_INFO = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername", "socket": "socket"}


def lenient_tls(context: ssl.SSLContext) -> ssl.SSLContext:
    """A server that ends a body by closing the connection without TLS's close_notify (many do) has still sent
    the body: read it as the end, as browsers do. (A body cut short is still seen: against its Content-Length.)"""
    context.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    return context


def default_tls() -> ssl.SSLContext:
    """The system's trust store (or SSL_CERT_FILE / SSL_CERT_DIR), read once per process for those settings:
    loading it costs ~65 ms here, and a library caller or a multi-file run builds a client for each check."""
    return _tls_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _tls_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # (the arguments are the cache's key: httpx reads the same variables itself)
    return lenient_tls(httpx.create_ssl_context(trust_env=True))


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as e:
            raise httpcore.ReadTimeout("the read timed out") from e
        except OSError as e:
            raise httpcore.ReadError(str(e) or type(e).__name__) from e

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as e:
            raise httpcore.WriteTimeout("the write timed out") from e
        except OSError as e:
            raise httpcore.WriteError(str(e) or type(e).__name__) from e

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as e:
            raise httpcore.ConnectTimeout("the TLS handshake timed out") from e
        except OSError as e:  # (ssl.SSLError among them)
            raise httpcore.ConnectError(str(e) or type(e).__name__) from e
        return self  # (the writer now speaks TLS, and the reader reads it)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # asked of an idle keep-alive connection: readable means the server closed it (or said something
            # unasked), so it must not be reused. asyncio has already read the socket into the reader.
            return (self._reader.at_eof() or self._writer.transport.is_closing()
                    or bool(getattr(self._reader, "_buffer", b"")))
        key = _INFO.get(info)
        return self._writer.get_extra_info(key) if key else None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[SocketOption] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(local_address, 0) if local_address else None)
        except TimeoutError as e:
            raise httpcore.ConnectTimeout(f"connecting to {host} timed out") from e
        except OSError as e:
            raise httpcore.ConnectError(str(e) or type(e).__name__) from e
        sock = writer.get_extra_info("socket")
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
            # a request is written in one piece and waits for its answer: no reason to hold it back (Nagle)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[SocketOption] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
