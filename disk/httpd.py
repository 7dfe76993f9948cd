"""The HTTP peer of the *-disk configurations (disk/README.md): QEMU's user
networking runs it once per TCP connection that L1 opens to 10.0.2.100:80
(`-netdev user,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:...`), with the
connection on its stdin and stdout, so nothing listens on a host port and
nothing leaves this machine.

  GET /bytes/<n>   200, n bytes of content(n) (below), n <= MAX_BYTES
  anything else    400 or 404 with a one-line reason

content(n) is the first n bytes of SHAKE-128 of SEED: deterministic, with no
period an offset error could hide in, so L1's sha256sum of what it received
can be compared with sha256(content(n)) computed here (harness/test_disk.py).

usage: python3 disk/httpd.py            (QEMU's guestfwd runs it)
       python3 disk/httpd.py --sha256 N (print sha256(content(N)))
"""

import hashlib
import re
import sys

SEED = b"rvnest-disk-http"
# 64 MiB: above the largest transfer the benchmark asks for; content(n) is
# built in memory, so this bounds the helper's memory too
MAX_BYTES = 64 << 20
CHUNK = 1 << 20
REQUEST_RE = re.compile(rb"^GET /bytes/([0-9]{1,10}) HTTP/1\.[01]\r?\n$")


def content(n: int) -> bytes:
    return hashlib.shake_128(SEED).digest(n) if n else b""


def sha256(n: int) -> str:
    return hashlib.sha256(content(n)).hexdigest()


def reply(out, status: str, body: bytes, length=None) -> None:
    head = (f"HTTP/1.0 {status}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n"
            "Connection: close\r\n\r\n")
    out.write(head.encode())
    out.write(body)


def serve(inp, out) -> int:
    line = inp.readline(1024)
    # the rest of the request head, up to its empty line (bounded)
    for _ in range(64):
        h = inp.readline(1024)
        if h in (b"", b"\r\n", b"\n"):
            break
    m = REQUEST_RE.match(line)
    if not m:
        reply(out, "400 Bad Request", b"rvnest httpd: only GET /bytes/<n>\n")
        return 1
    n = int(m.group(1))
    if n > MAX_BYTES:
        reply(out, "404 Not Found", f"rvnest httpd: {n} > {MAX_BYTES} bytes\n".encode())
        return 1
    data = content(n)
    reply(out, "200 OK", b"", length=n)
    for i in range(0, n, CHUNK):
        out.write(data[i:i + CHUNK])
    return 0


def main(argv) -> int:
    if len(argv) == 2 and argv[0] == "--sha256":
        print(sha256(int(argv[1])))
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        status = serve(sys.stdin.buffer, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except (BrokenPipeError, ConnectionResetError):
        # L1 closed the connection early (wget killed): its own error says so
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
