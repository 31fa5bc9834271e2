#!/usr/bin/env python3
"""Runs an unmodified Fishtest worker offline, against one server.

Usage: bootstrap.py <worker dir> <trace file> -- <worker command-line arguments>

The worker's own code runs unchanged. Only what needs the internet or a compiler is replaced
(GitHub, the worker's self-check against GitHub, engine and fastchess builds), its retry and
heartbeat timers are shortened, and every API call is recorded (passwords and PGNs left out).
"""
import json
import os
import shutil
import sys
import threading
from datetime import timedelta as real_timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    separator = sys.argv.index("--")
    worker_dir = Path(sys.argv[1]).resolve()
    trace_path = Path(sys.argv[2]).resolve()
    worker_args = sys.argv[separator + 1 :]
    config = json.loads(Path(os.environ["HARNESS_CONFIG"]).read_text())

    sys.path[:0] = [str(worker_dir), str(worker_dir / "packages")]
    os.chdir(worker_dir)
    import games  # noqa: E402  (the worker's modules, from its directory)
    import updater
    import worker

    server = config["server"]
    trace_lock = threading.Lock()

    def refuse(*_args, **_kwargs):
        raise games.WorkerException("the harness allows no download from GitHub")

    def no_update(*_args, **_kwargs):
        raise RuntimeError("the harness does not update the worker")

    real_post = games.requests_post
    real_get = games.requests_get

    def record(entry):
        with trace_lock, open(trace_path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def traced_post(url, *args, **kwargs):
        response = real_post(url, *args, **kwargs)
        try:
            request = json.loads(kwargs.get("data") or "{}")
        except ValueError:
            request = None
        if isinstance(request, dict):
            request.pop("password", None)
            if "pgn" in request:
                request["pgn"] = f"<{len(request['pgn'])} base64 characters>"
        try:
            reply = response.json()
        except ValueError:
            reply = {"<not json>": response.text[:200]}
        record({"path": url[len(server):], "status": response.status_code, "request": request, "reply": reply})
        return response

    def local_get(url, *args, **kwargs):
        if not url.startswith(server):
            raise games.WorkerException(f"the harness allows no request outside the server: {url}")
        response = real_get(url, *args, **kwargs)
        record({"path": url[len(server):], "status": response.status_code, "bytes": len(response.content)})
        return response

    games.requests_post = traced_post
    games.requests_get = local_get
    worker.requests_get = local_get
    games.download_from_github = refuse
    worker.download_from_github = refuse
    worker.update = no_update
    updater.update = no_update
    worker.get_remaining_github_api_calls = lambda: 5000
    worker.verify_remote_sri = lambda _install_dir: True
    worker.get_worker_arch = lambda _worker_dir: "x86-64-avx2"
    worker.detect_compilers = lambda: {"g++": ("g++", 12, 2, 0)}
    worker.verify_toolchain = lambda: True
    worker.INITIAL_RETRY_TIME = 1.0
    worker.MAX_RETRY_TIME = 4.0
    games.UPDATE_RETRY_TIME = float(config.get("update_retry_seconds", 1.0))
    # The heartbeat waits 120 s without an update; the harness makes that 2 s.
    worker.timedelta = lambda seconds=0, **kw: real_timedelta(seconds=seconds / 60, **kw)

    testing = worker_dir / "testing"
    testing.mkdir(exist_ok=True)
    shutil.copy(HERE / "fake_fastchess.py", testing / "fastchess")
    _env, env_hash = games.create_environment()
    for sha in config["engines"]:
        engine = testing / f"stockfish-{sha}-g++_12_2_0-{env_hash}"
        shutil.copy(HERE / "fake_stockfish.py", engine)
        engine.chmod(0o755)
    (testing / "fastchess").chmod(0o755)
    shutil.copy(config["book_file"], testing / config["book"])

    os.environ["HARNESS_FASTCHESS_SHA"] = worker.FASTCHESS_SHA
    sys.argv = ["worker.py", *worker_args]
    sys.exit(worker.worker())


if __name__ == "__main__":
    main()
