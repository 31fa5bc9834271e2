#!/usr/bin/env python3
"""Runs the unmodified Fishtest worker against this server, one scenario after another.

    python3 scripts/worker-harness/run.py --worker-dir <fishtest checkout>/worker [--scenario NAME]...

It starts the server on a fresh data directory, registers the accounts, the book and the net with
the operator CLI, and for each scenario creates a run, lets a worker (a fresh copy of the given
directory, started through bootstrap.py) play until the server has no task for it, and checks the
recorded conversation and the run the server holds. It exits with 1 when a check fails.
"""
import argparse
import base64
import collections
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PASSWORD = "Kt4-vmQ9xw"
APPROVER_PASSWORD = "Pw7-rtY2lk"
BASE_SHA = "a" * 40
NEW_SHA = "b" * 40
SIGNATURE = 2050811
BOOK = "harness.epd"
BOOK_POSITIONS = [
    "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR",
    "rnbqkbnr/pppppppp/8/8/3P4/8/PPP1PPPP/RNBQKBNR",
    "rnbqkbnr/pppppppp/8/8/2P5/8/PP1PPPPP/RNBQKBNR",
    "rnbqkbnr/pppppppp/8/8/8/5N2/PPPPPPPP/RNBQKB1R",
]
SPSA_PARAMS = "Tempo,40,0,100,5,0.0020\nMargin,200,100,300,10,0.0020"

SCENARIOS = {
    # Strong results end the SPRT; a pause in the games makes the worker send a beat.
    "sprt": {"run": [], "fastchess": {"results": "strong", "mode": "pause", "pause_after_pair": 3, "pause_seconds": 4}},
    "numgames": {"run": ["--num-games", "1000"], "fastchess": {"results": "even"}},
    "spsa": {"run": ["--num-games", "1000", "--spsa-params", SPSA_PARAMS], "fastchess": {"results": "even"}},
    "wrong-bench": {"run": ["--num-games", "1000"], "signature": SIGNATURE + 1, "fastchess": {"results": "even"}},
    "engine-warning": {"run": ["--num-games", "1000"], "fastchess": {"results": "even", "mode": "warning"}},
    "engine-option-error": {"run": ["--num-games", "1000"], "fastchess": {"results": "even", "mode": "option-error"}},
    "fastchess-crash": {"run": ["--num-games", "1000"], "fastchess": {"results": "even", "mode": "crash", "crash_after_pairs": 20}},
    # The server is killed (SIGKILL) just after it acknowledged the first update (mid-task) and started again on
    # the same data. The worker retries update_task every 4 s, five times (upstream: every 15 s).
    "server-kill": {"run": ["--num-games", "1000"], "fastchess": {"results": "even"}, "update_retry_seconds": 4, "kill_after_updates": 1},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class Server:
    def __init__(self, data_dir, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(self.port), "HOST": "127.0.0.1", "LOG_LEVEL": "warn"}
        self.log = open(log_path, "w")
        self.process = None

    def start(self):
        # Node itself with tsx's loader, as npm start does: the tsx command would run the server in a
        # child process, which a SIGKILL of the command leaves running.
        self.process = subprocess.Popen(
            ["node", "--import", "tsx", "src/main.ts"], cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                get_json(f"{self.url}/health")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start; see server.log")

    def kill_and_restart(self):
        """SIGKILL, as a crash or the OOM killer would, then a start on the same data and port."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        try:
            get_json(f"{self.url}/health")
        except OSError:
            pass
        else:
            raise RuntimeError("something still answers on the server's port after the kill")
        self.start()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()

    def admin(self, *args, stdin=None):
        result = subprocess.run(
            [str(REPO / "node_modules/.bin/tsx"), "src/cli/admin.ts", *args],
            cwd=REPO, env=self.env, input=stdin, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"admin {' '.join(args[:3])} failed: {result.stderr.strip()}")
        return result.stdout


def settle(server, timeout=60):
    """Waits until every projection has applied the whole log, so the read API shows it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            health = get_json(f"{server.url}/health")
        except OSError:
            health = {}
        projections = health.get("projections", [])
        if projections and all(p.get("lag") == "0" for p in projections):
            return
        time.sleep(0.2)
    raise RuntimeError("the projections did not catch up with the log")


def text_sri(path):
    # The worker's games.text_hash: base64 of the SHA-384 of the text.
    return base64.b64encode(hashlib.sha384(path.read_text().encode("utf8")).digest()).decode("utf8")


def prepare_files(work):
    book = work / BOOK
    book.write_text("".join(f"{position} w KQkq - 0 1\n" for position in BOOK_POSITIONS))
    content = b"fishtest-es worker harness network\n" * 4096
    net_name = f"nn-{hashlib.sha256(content).hexdigest()[:12]}.nnue"
    net = work / net_name
    net.write_bytes(content)
    return book, net, net_name


def seed(server, book, net):
    server.admin("user", "create", "approver", "--email", "approver@example.org", "--password-stdin", "--approved", "--group", "approvers", stdin=APPROVER_PASSWORD + "\n")
    server.admin("user", "create", "harness", "--email", "harness@example.org", "--password-stdin", "--approved", stdin=PASSWORD + "\n")
    positions = len(book.read_text().splitlines())
    server.admin("book", "add", BOOK, "--positions", str(positions), "--sri", text_sri(book))
    server.admin("nn", "upload", str(net))


def create_run(server, name, extra):
    out = server.admin(
        "--as", "approver", "run", "create", "--owner", "harness", "--new", f"harness-{name}",
        "--base-sha", BASE_SHA, "--new-sha", NEW_SHA, "--base-signature", str(SIGNATURE), "--new-signature", str(SIGNATURE),
        "--info", f"worker harness: {name}", "--book", BOOK, "--book-depth", "1", *extra, "--approve",
    )
    run_id = next(token for token in out.split() if len(token) == 24 and all(c in "0123456789abcdef" for c in token))
    deadline = time.time() + 60
    while time.time() < deadline:
        runs = get_json(f"{server.url}/api/active_runs")
        if run_id in runs and runs[run_id].get("approved"):
            return run_id
        time.sleep(0.2)
    raise RuntimeError(f"run {run_id} never became active and approved")


def run_worker(server, scenario, spec, work, worker_source, net_name, book, number):
    sandbox = work / scenario
    shutil.copytree(worker_source, sandbox / "worker", ignore=shutil.ignore_patterns("testing", "fishtest.cfg", "*.lock", "api.log", "__pycache__"))
    config = {
        "server": server.url,
        "engines": [BASE_SHA, NEW_SHA],
        "net": net_name,
        "signatures": {BASE_SHA: SIGNATURE, NEW_SHA: spec.get("signature", SIGNATURE)},
        "default_signature": SIGNATURE,
        "book": BOOK,
        "book_file": str(book),
        "fastchess": spec["fastchess"],
        "update_retry_seconds": spec.get("update_retry_seconds", 1.0),
    }
    config_path = sandbox / "harness.json"
    config_path.write_text(json.dumps(config))
    trace = sandbox / "trace.jsonl"
    log = sandbox / "worker.log"
    args = ["harness", PASSWORD, "--protocol", "http", "--host", "127.0.0.1", "--port", str(server.port), "--concurrency", "MAX", "--fleet", "True", "--uuid_prefix", f"harness{number}"]
    kill_after = spec.get("kill_after_updates")
    restarts = 0
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "bootstrap.py"), str(sandbox / "worker"), str(trace), "--", *args],
            env={**os.environ, "HARNESS_CONFIG": str(config_path)}, stdout=out, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 300
        while process.poll() is None:
            if time.time() > deadline:
                process.kill()
                raise RuntimeError(f"the worker did not finish scenario {scenario} in time")
            if kill_after is not None and restarts == 0 and len(accepted_updates(read_trace(trace))) >= kill_after:
                server.kill_and_restart()
                restarts += 1
            time.sleep(0.01)
    calls = read_trace(trace)
    return process.returncode, calls, log.read_text(), restarts


def read_trace(trace):
    if not trace.exists():
        return []
    # The last line may be half written while the worker runs.
    calls = []
    for line in trace.read_text().splitlines():
        try:
            calls.append(json.loads(line))
        except ValueError:
            pass
    return calls


def accepted_updates(calls):
    """The update_task calls the server accepted (no error in the reply)."""
    return [call for call in calls if call["path"] == "/api/update_task" and "error" not in call["reply"]]


def server_log_since(server, offset):
    """The server's log lines written since `offset` (its JSON lines by level), and the new offset."""
    with open(server.log.name) as f:
        f.seek(offset)
        text = f.read()
        end = f.tell()
    levels = {}
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("level"), int):
            levels.setdefault(entry["level"], []).append(entry.get("msg", ""))
    return levels, end


def count(calls, path):
    return sum(1 for call in calls if call["path"].startswith(path))


def check(scenario, calls, log, run, restarts):
    problems = []
    for call in calls:
        reply = call.get("reply")
        if reply is None:
            continue
        if not isinstance(reply, dict) or not isinstance(reply.get("duration"), (int, float)):
            problems.append(f"{call['path']}: reply without a numeric duration: {reply}")
    for marker in ("Traceback", "was not a json encoded dictionary", "Exception in send_api_post_request"):
        if marker in log:
            problems.append(f"the worker's output contains {marker!r}")
    errors = [(call["path"], call["reply"]["error"]) for call in calls if isinstance(call.get("reply"), dict) and "error" in call["reply"]]
    allowed_errors = {"wrong-bench": "/api/stop_run", "engine-option-error": "/api/stop_run"}
    for path, error in errors:
        if allowed_errors.get(scenario) != path:
            problems.append(f"{path} answered an error: {error}")

    last_stats = {}
    for call in accepted_updates(calls):
        last_stats[call["request"]["task_id"]] = call["request"]["stats"]
    games_sent = sum(s["wins"] + s["losses"] + s["draws"] for s in last_stats.values())
    results = run["results"]
    games_stored = results["wins"] + results["losses"] + results["draws"]
    if games_stored != games_sent:
        problems.append(f"the run holds {games_stored} games, the worker's last updates say {games_sent}")

    expected = {
        "sprt": lambda: count(calls, "/api/beat") >= 1 and run["finished"] and count(calls, "/api/upload_pgn") >= 1,
        "numgames": lambda: run["finished"] and games_stored == 1000 and count(calls, "/api/upload_pgn") >= 1,
        "spsa": lambda: run["finished"] and count(calls, "/api/request_spsa") >= 1 and count(calls, "/api/upload_pgn") == 0,
        "wrong-bench": lambda: count(calls, "/api/stop_run") == 1 and "Wrong bench" in log,
        "engine-warning": lambda: count(calls, "/api/worker_log") >= 1 and run["finished"],
        "engine-option-error": lambda: count(calls, "/api/stop_run") == 1 and "doesn't have option" in log,
        "fastchess-crash": lambda: count(calls, "/api/failed_task") == 1 and count(calls, "/api/upload_pgn") == 1,
        # The worker must have met the dead server: an update refused at the connection, then retried.
        "server-kill": lambda: restarts == 1 and "Exception calling update_task" in log and run["finished"] and games_stored == 1000,
    }[scenario]
    if not expected():
        problems.append("the scenario's expected calls or outcome are missing")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker-dir", required=True, type=Path, help="the worker directory of a Fishtest checkout")
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS), help="run only these (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (traces, logs, data)")
    options = parser.parse_args()
    if not (options.worker_dir / "worker.py").is_file():
        parser.error(f"{options.worker_dir} has no worker.py")

    work = Path(tempfile.mkdtemp(prefix="worker-harness-"))
    server = Server(work / "data", work / "server.log")
    failed = False
    try:
        book, net, net_name = prepare_files(work)
        server.start()
        seed(server, book, net)
        log_offset = 0
        for number, scenario in enumerate(options.scenario or list(SCENARIOS)):
            spec = SCENARIOS[scenario]
            run_id = create_run(server, scenario, spec["run"])
            started = time.time()
            code, calls, log, restarts = run_worker(server, scenario, spec, work, options.worker_dir, net_name, book, number)
            settle(server)
            run = get_json(f"{server.url}/api/get_run/{run_id}")
            problems = check(scenario, calls, log, run, restarts)
            server.log.flush()
            levels, log_offset = server_log_since(server, log_offset)
            # pino levels: 40 warn, 50 error, 60 fatal
            for level, messages in levels.items():
                if level >= 50:
                    problems.extend(f"the server logged an error: {message}" for message in messages)
            warnings = len(levels.get(40, []))
            if not run["finished"]:
                server.admin("--as", "approver", "run", "stop", run_id)
            calls_by_path = collections.Counter(call["path"].split("?")[0] for call in calls)
            summary = ", ".join(f"{path} ×{n}" for path, n in sorted(calls_by_path.items()))
            status = "ok" if not problems else "FAILED"
            restarted = f", server killed and restarted {restarts}×" if restarts else ""
            print(f"{scenario}: {status} in {time.time() - started:.0f} s (worker exit {code}, server warnings {warnings}{restarted}); {summary}")
            for problem in problems:
                print(f"  - {problem}")
            failed = failed or bool(problems)
    finally:
        server.stop()
        if options.keep or failed:
            print(f"working directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
