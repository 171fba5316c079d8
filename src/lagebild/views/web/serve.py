"""`lagebild serve`: bind first (a busy port is one readable line), say where, warn beyond loopback, then run."""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import TextIO

from ...errors import BadOption


def is_loopback(host: str) -> bool:
    """Whether an address only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port)."""
    if not 0 <= port <= 65535:
        raise BadOption(f"--port must be from 0 to 65535, got {port}")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise BadOption(f"cannot listen on {host!r}: {err.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        hint = "; choose another --port (or --port 0 for any free port)" if err.errno in (98, 48) else ""
        raise BadOption(f"cannot listen on {host}:{port}: {err.strerror}{hint}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8000, out: TextIO = sys.stdout,
          err: TextIO = sys.stderr) -> None:
    """Serve the store's pages and API until interrupted."""
    import uvicorn

    from .app import create_app

    sock = bind(host, port)  # a busy port is named first, whatever else is wrong
    try:
        app = create_app(db_path)
    except BaseException:
        sock.close()
        raise
    if not is_loopback(host):
        print(f"warning: listening on {host}, beyond this machine: anyone who can reach it can read the store",
              file=err, flush=True)
    print(f"serving {db_path} on {url_of(sock)} (port {sock.getsockname()[1]}); Ctrl+C stops", file=out, flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
