#!/usr/bin/env python3
"""smtpload.py PORT SESSIONS COUNT FILE [SENDER]: COUNT messages (the bytes
of FILE) to 127.0.0.1:PORT over SESSIONS concurrent SMTP sessions, each
session sending one message after another on its connection. Prints one
JSON object: messages taken (250), refused, errors, seconds, messages a
second, and the 50th and 99th percentile of the per-message time (MAIL
FROM to the answer to DATA), in milliseconds."""
import json
import smtplib
import sys
import threading
import time


def main():
    port, sessions, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    with open(sys.argv[4], "rb") as f:
        data = f.read()
    sender = sys.argv[5] if len(sys.argv) > 5 else "bench@client.test"
    lock = threading.Lock()
    left = [count]
    times, result = [], {"taken": 0, "refused": 0, "errors": 0}

    def worker():
        try:
            s = smtplib.SMTP("127.0.0.1", port, timeout=120)
            s.ehlo("client.test")
        except OSError:
            with lock:
                result["errors"] += 1
            return
        while True:
            with lock:
                if left[0] == 0:
                    break
                left[0] -= 1
            t0 = time.perf_counter()
            try:
                s.mail(sender)
                s.rcpt("user@bench.test")
                code, _ = s.data(data)
            except smtplib.SMTPDataError as e:
                code = e.smtp_code
            except (OSError, smtplib.SMTPException):
                with lock:
                    result["errors"] += 1
                try:
                    s.close()
                    s = smtplib.SMTP("127.0.0.1", port, timeout=120)
                    s.ehlo("client.test")
                except OSError:
                    return
                continue
            dt = time.perf_counter() - t0
            with lock:
                times.append(dt)
                result["taken" if code == 250 else "refused"] += 1
            if code != 250:
                s.rset()
        try:
            s.quit()
        except (OSError, smtplib.SMTPException):
            pass

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    times.sort()

    def pct(p):
        return round(1000 * times[min(len(times) - 1, int(p * len(times)))], 2) if times else None

    result.update(seconds=round(elapsed, 2),
                  rate=round(len(times) / elapsed, 1) if elapsed else None,
                  p50_ms=pct(0.50), p99_ms=pct(0.99))
    print(json.dumps(result))


main()
