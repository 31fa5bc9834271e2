#!/usr/bin/env python3
"""A stand-in for fastchess: prints what the Fishtest worker parses, plays no chess.

It answers `--version` with the version line the worker checks, and for a match it prints a
result block per game pair, appends two games per pair to the PGN file with its CRC32 line, and
ends with "Finished match". What it does differently (a warning, a pause, a crash) comes from
the harness configuration named by HARNESS_CONFIG.
"""
import json
import os
import signal
import sys
import time
import zlib

# The short SHA must be a prefix of the worker's FASTCHESS_SHA; the harness passes it in.
VERSION_SHA = os.environ.get("HARNESS_FASTCHESS_SHA", "00000000")[:8]

# Pair outcomes as pentanomial indices (0 = both games lost ... 4 = both won).
RESULT_CYCLES = {
    "strong": [4, 4, 3, 4, 2, 4, 3, 4],
    "even": [2, 1, 3, 2, 2, 3, 1, 2, 0, 4],
}
# The test engine's score in the pair's two games, for each pentanomial index.
PAIR_SCORES = {4: (1, 1), 3: (1, 0.5), 2: (0.5, 0.5), 1: (0.5, 0), 0: (0, 0)}
# The PGN result of a game for the test engine's score, when it plays white and when it plays black.
GAME_TEXT = {1: ("1-0", "0-1"), 0: ("0-1", "1-0"), 0.5: ("1/2-1/2", "1/2-1/2")}


def config():
    path = os.environ.get("HARNESS_CONFIG")
    if not path:
        return {}
    with open(path) as f:
        return json.load(f).get("fastchess", {})


def value_after(args, flag):
    return args[args.index(flag) + 1] if flag in args else None


def engine_names(args):
    return [token[len("name="):] for token in args if token.startswith("name=")]


def pgn_game(event, site, white, black, result, round_no):
    return (
        f'[Event "{event}"]\n[Site "{site}"]\n[Round "{round_no}"]\n'
        f'[White "{white}"]\n[Black "{black}"]\n[Result "{result}"]\n\n1. e4 e5 2. Nf3 Nc6 {result}\n\n'
    )


def play(args):
    settings = config()
    mode = settings.get("mode", "normal")
    cycle = RESULT_CYCLES[settings.get("results", "even")]
    pairs = int(value_after(args, "-rounds"))
    new, base = engine_names(args)[:2]
    pgn_name = None
    if "-pgnout" in args:
        pgn_name = value_after(args, "-pgnout")[len("file="):]
        open(pgn_name, "w").close()
    event = value_after(args, "-event") or "?"
    site = value_after(args, "-site") or "?"
    wins = losses = draws = 0
    ptnml = [0, 0, 0, 0, 0]
    for pair in range(pairs):
        outcome = cycle[pair % len(cycle)]
        first, second = PAIR_SCORES[outcome]
        wins += (first == 1) + (second == 1)
        losses += (first == 0) + (second == 0)
        draws += (first == 0.5) + (second == 0.5)
        ptnml[outcome] += 1
        games = 2 * (pair + 1)
        print(f"Finished game {games - 1} ({new} vs {base}): {GAME_TEXT[first][0]} {{White wins by adjudication}}", flush=True)
        print(f"Finished game {games} ({base} vs {new}): {GAME_TEXT[second][1]} {{Black wins by adjudication}}", flush=True)
        if pgn_name:
            with open(pgn_name, "a") as f:
                f.write(pgn_game(event, site, new, base, GAME_TEXT[first][0], games - 1))
                f.write(pgn_game(event, site, base, new, GAME_TEXT[second][1], games))
            with open(pgn_name, "rb") as f:
                crc = zlib.crc32(f.read())
            print(f"File {pgn_name} has CRC32: {hex(crc)}", flush=True)
        points = wins + 0.5 * draws
        print("--------------------------------------------------")
        print(f"Results of {new} vs {base} (10+0.1, 1t, 16MB, book):")
        print("Elo: 0.00 +/- 0.00, nElo: 0.00 +/- 0.00")
        print("LOS: 50.00 %, DrawRatio: 0.00 %, PairsRatio: 1.00")
        print(f"Games: {games}, Wins: {wins}, Losses: {losses}, Draws: {draws}, Points: {points:.1f} ({100 * points / games:.2f} %)")
        print(f"Ptnml(0-2): [{', '.join(map(str, ptnml))}], WL/DD Ratio: 1.00")
        print("--------------------------------------------------", flush=True)
        if mode == "warning" and pair == 0:
            print(f"Warning; Engine {new} is not responsive", flush=True)
        if mode == "option-error" and pair == 0:
            print(f"Warning; {new} doesn't have option HarnessOption", flush=True)
        if mode == "pause" and pair == settings.get("pause_after_pair", 0):
            time.sleep(settings.get("pause_seconds", 4))
        if mode == "crash" and pair + 1 == settings.get("crash_after_pairs", 32):
            print("fastchess: engine process died unexpectedly", file=sys.stderr, flush=True)
            sys.exit(3)
        time.sleep(0.005)
    print("Finished match", flush=True)


def main():
    args = sys.argv[1:]
    if args == ["--version"]:
        print(f"fastchess alpha 1.8.1 01010101-{VERSION_SHA}")
        return
    # The worker asks fastchess to stop with SIGINT once it has what it needs.
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    play(args)


if __name__ == "__main__":
    main()
