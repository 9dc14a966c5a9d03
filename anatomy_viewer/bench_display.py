"""A virtual X screen for the benchmark, so that it runs from a plain shell
(or over ssh) the same way everywhere: Xvfb picks a free display number
and reports it through a pipe (-displayfd)."""
from __future__ import annotations

import os
import select
import shutil
import subprocess
from contextlib import contextmanager

START_TIMEOUT_S = 20.0


@contextmanager
def virtual_display(size: tuple[int, int]):
    """Yield ':N' for a fresh Xvfb screen of `size` pixels; stop it afterwards."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("the benchmark needs Xvfb (Debian/Ubuntu: apt-get install xvfb), "
                         "or run it with --use-display on a desktop")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{size[0]}x{size[1]}x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], START_TIMEOUT_S)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        if not number.isdigit():
            raise SystemExit("Xvfb did not start")
        yield f":{number}"
    finally:
        os.close(read_end)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
