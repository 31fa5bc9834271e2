#!/usr/bin/env python3
"""A stand-in for a Stockfish build: answers the commands the Fishtest worker runs on an engine.

`uci` names the default net, `compiler` prints the build settings and `bench` prints the node
count the harness configured for this engine's commit (its file name holds the commit), timed so
that the worker measures the reference speed of 628,000 nodes per second per thread.
"""
import json
import os
import re
import sys

REFERENCE_NPS = 628_000


def settings():
    with open(os.environ["HARNESS_CONFIG"]) as f:
        return json.load(f)


def own_sha():
    match = re.search(r"stockfish-([0-9a-f]{40})-", os.path.basename(sys.argv[0]))
    return match.group(1) if match else ""


def main():
    config = settings()
    args = sys.argv[1:]
    command = args[0] if args else ""
    if command == "uci":
        print("id name Stockfish (harness)")
        print(f"option name EvalFile type string default {config['net']}")
        print("uciok")
    elif command == "compiler":
        print("Compiled by                : g++ (GNUC) 12.2.0 on Linux")
        print("Compilation architecture   : x86-64-avx2")
        print("Compilation settings       : 64bit AVX2 SSE41 SSSE3 SSE2 POPCNT")
    elif command == "bench":
        threads = int(args[2]) if len(args) > 2 else 1
        nodes = int(config["signatures"].get(own_sha(), config["default_signature"]))
        milliseconds = 1000 * nodes / (REFERENCE_NPS * threads)
        print("===========================", file=sys.stderr)
        print(f"Total time (ms) : {milliseconds:.0f}", file=sys.stderr)
        print(f"Nodes searched  : {nodes}", file=sys.stderr)
        print(f"Nodes/second    : {int(nodes * 1000 / milliseconds)}", file=sys.stderr)
    else:
        print(f"unknown command: {command}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
