"""Clients for bench/abuse.sh that curl and wrk cannot be: requests without a Host, sockets that
never send a byte, and POSTs from thousands of loopback source addresses. Loopback only; every
attack is bounded in time and count. Each prints one line of key=value figures.

  python3 bench/abuse.py hosts PORT SECONDS CONNECTIONS PATH...
  python3 bench/abuse.py idle PORT COUNT HOLD_SECONDS READY_FILE
  python3 bench/abuse.py optins PORT SECONDS ADDRESSES ARTICLE PART COOKIE OTHER_PART
"""
import asyncio
import collections
import resource
import select
import socket
import sys
import time


async def exchange(port, request, local_addr=None, timeout=10):
    """Sends one request on a new connection and returns the raw answer (status line and headers)."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port, local_addr=local_addr), timeout)
    try:
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    return data


def status_of(answer):
    parts = answer.split(b" ", 2)
    return parts[1].decode() if len(parts) > 1 and answer.startswith(b"HTTP/") else "none"


async def hosts(port, seconds, connections, paths):
    # Two kinds, taking turns on each path: HTTP/1.0 with no Host at all, and a port no URL can hold.
    requests = []
    for path in paths:
        requests.append(f"GET {path} HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n".encode())
        requests.append(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:99999\r\nConnection: close\r\n\r\n".encode())
    statuses = collections.Counter()
    deadline = time.monotonic() + seconds

    async def worker(offset):
        n = offset
        while time.monotonic() < deadline:
            try:
                statuses[status_of(await exchange(port, requests[n % len(requests)]))] += 1
            except (OSError, asyncio.TimeoutError):
                statuses["error"] += 1
            n += 1

    await asyncio.gather(*(worker(i) for i in range(connections)))
    sent = sum(statuses.values())
    print(f"sent={sent} statuses={','.join(f'{k}x{v}' for k, v in sorted(statuses.items()))}")


def idle(port, count, hold, ready_file):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, count + 256)), hard))
    sockets, failed = [], 0
    start = time.monotonic()
    for _ in range(count):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            sockets.append(s)
        except OSError:
            failed += 1
            s.close()
    connect_seconds = time.monotonic() - start
    time.sleep(2)
    open_now = [s for s in sockets if still_open(s)]
    with open(ready_file, "w") as f:
        f.write(f"connected={len(sockets)} failed={failed} connect_s={connect_seconds:.1f} "
                f"closed_by_site_within_2s={len(sockets) - len(open_now)} held_open={len(open_now)}\n")
    # Hold them (never sending a byte) until told to stop or the bound runs out.
    time.sleep(hold)


def still_open(s):
    poller = select.poll()
    poller.register(s, select.POLLIN)
    if not poller.poll(0):
        return True
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


async def optins(port, seconds, addresses, article, part, cookie, other_part):
    statuses = collections.Counter()
    cookies_set = 0
    body = f"article={article}&part={part}".encode()

    def post(body, extra=b"", handler=b"remember"):
        return (b"POST /progress/" + handler + b" HTTP/1.1\r\nHost: 127.0.0.1:" + str(port).encode() +
                b"\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Connection: close\r\n" + extra + b"Content-Length: " + str(len(body)).encode() +
                b"\r\n\r\n" + body)

    flood = post(body)
    # 127.0.0.2, 127.0.0.3, …: every address in 127/8 is this machine's own.
    sources = [f"127.0.{(i + 2) // 256}.{(i + 2) % 256}" for i in range(min(addresses, 65000))]
    start = time.monotonic()
    deadline = start + seconds
    next_source = 0
    passes_done = 0

    async def worker():
        nonlocal next_source, cookies_set, passes_done
        while True:
            i = next_source
            # At least one POST from every address, then more until the time is up.
            if i >= addresses and time.monotonic() >= deadline:
                return
            next_source += 1
            try:
                answer = await exchange(port, flood, local_addr=(sources[i % addresses], 0))
                statuses[status_of(answer)] += 1
                if b"\r\nset-cookie: relational-reader=" in answer.lower() and b"relational-reader=;" not in answer.lower():
                    cookies_set += 1
            except (OSError, asyncio.TimeoutError):
                statuses["error"] += 1

    async def existing_reader():
        # A reader remembered before the flood marks a part finished half way through it.
        await asyncio.sleep(seconds / 2)
        answer = await exchange(port, post(f"article={article}&part={other_part}".encode(),
                                           b"Cookie: relational-reader=" + cookie.encode() + b"\r\n", b"finished"))
        return status_of(answer), time.monotonic() - start

    tasks = [asyncio.ensure_future(worker()) for _ in range(32)]
    existing = await existing_reader()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start
    print(f"sent={sum(statuses.values())} elapsed_s={elapsed:.1f} addresses={addresses} cookies={cookies_set} "
          f"statuses={','.join(f'{k}x{v}' for k, v in sorted(statuses.items()))} "
          f"existing_status={existing[0]} existing_at_s={existing[1]:.1f}")


def main():
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "hosts":
        asyncio.run(hosts(port, float(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]))
    elif kind == "idle":
        idle(port, int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    elif kind == "optins":
        asyncio.run(optins(port, float(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:9]))
    else:
        sys.exit(f"unknown attack {kind}")


if __name__ == "__main__":
    main()
