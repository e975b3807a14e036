#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""qmp-watch.py RUNDIR - relay QMP commands from the guest to QEMU.

The guest cannot reach QEMU's monitor, but it shares RUNDIR read-write
with the host.  This watcher connects to RUNDIR/qmp.sock (QEMU started with
-qmp unix:RUNDIR/qmp.sock,server=on,wait=off), then polls for
RUNDIR/qmp-request: one JSON QMP command per file, written by the guest
(selftests/eh/eh_lib.sh qmp_cmd) under a temporary name and renamed.  It
sends the command, writes QEMU's reply (one JSON line) to
RUNDIR/qmp-response.tmp, renames it to RUNDIR/qmp-response and removes the
request.  Every QMP event is appended to RUNDIR/qmp-events.log (one JSON
line, with QEMU's timestamp), every exchange to RUNDIR/qmp.log.

If RUNDIR/qmp-autowake exists (one number: seconds), every SUSPEND event
(the guest entered S3) is answered that many seconds later with
system_wakeup: the guest cannot ask for its own wakeup while it sleeps
(selftests/eh/test_eh_suspend.sh).

It exits when QEMU closes the socket, or after --timeout seconds.
"""
import json
import os
import socket
import sys
import time


def log(rundir, name, obj):
    with open(os.path.join(rundir, name), "a") as f:
        f.write(json.dumps(obj) + "\n")


class Qmp:
    def __init__(self, path, rundir):
        self.rundir = rundir
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.suspended = None           # time of the last SUSPEND event
        self.read_msg()                 # greeting
        self.cmd({"execute": "qmp_capabilities"})

    def read_msg(self, timeout=None):
        self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QEMU closed the QMP socket")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, req):
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = self.read_msg(timeout=60)
            if "event" in msg:
                self.event(msg)
                continue
            return msg

    def event(self, msg):
        log(self.rundir, "qmp-events.log", msg)
        if msg["event"] == "SUSPEND":
            self.suspended = time.time()

    def poll_events(self):
        """Collect pending events without blocking."""
        try:
            while True:
                msg = self.read_msg(timeout=0.05)
                if "event" in msg:
                    self.event(msg)
        except (socket.timeout, BlockingIOError):
            return


def autowake(qmp):
    """system_wakeup RUNDIR/qmp-autowake seconds after a SUSPEND event."""
    if qmp.suspended is None:
        return
    try:
        with open(os.path.join(qmp.rundir, "qmp-autowake")) as f:
            delay = float(f.read().strip() or 0)
    except (OSError, ValueError):
        return
    if time.time() - qmp.suspended < delay:
        return
    qmp.suspended = None
    req = {"execute": "system_wakeup"}
    log(qmp.rundir, "qmp.log", {"time": time.time(), "request": req, "reply": qmp.cmd(req)})


def main():
    rundir = sys.argv[1]
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 3600
    sock = os.path.join(rundir, "qmp.sock")
    req_path = os.path.join(rundir, "qmp-request")
    resp_path = os.path.join(rundir, "qmp-response")
    deadline = time.time() + limit

    qmp = None
    while qmp is None:
        if time.time() > deadline:
            return 1
        try:
            qmp = Qmp(sock, rundir)
        except (FileNotFoundError, ConnectionRefusedError, EOFError):
            time.sleep(0.2)
    log(rundir, "qmp.log", {"watcher": "connected"})
    while time.time() < deadline:
        try:
            qmp.poll_events()
            autowake(qmp)
            if os.path.exists(req_path):
                with open(req_path) as f:
                    text = f.read()
                try:
                    req = json.loads(text)
                    reply = qmp.cmd(req)
                except json.JSONDecodeError as e:
                    req, reply = text, {"error": {"class": "WatcherError",
                                                  "desc": "bad JSON: %s" % e}}
                log(rundir, "qmp.log", {"time": time.time(), "request": req, "reply": reply})
                os.unlink(req_path)
                with open(resp_path + ".tmp", "w") as f:
                    f.write(json.dumps(reply) + "\n")
                os.rename(resp_path + ".tmp", resp_path)
            time.sleep(0.1)
        except (EOFError, ConnectionResetError, BrokenPipeError):
            break
    log(rundir, "qmp.log", {"watcher": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
