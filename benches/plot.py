#!/usr/bin/env python3
"""Draws the figures of docs/BENCHMARKS.md from `agora bench --json` runs.

    python3 benches/plot.py --run      # runs the benches (a few minutes), then draws
    python3 benches/plot.py            # redraws from docs/bench-data.json

--run runs `agora bench --json` once per block size (transfers only) and once for
verification at batch sizes 2..256, stores every report in docs/bench-data.json, and writes
docs/bench-throughput.svg (transfers per second against block size: durable, pipelined,
without fsync, in memory) and docs/bench-batch.svg (per-proof verification cost against batch
size, both proof encodings, beside single verification). Standard library only.
"""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "docs" / "bench-data.json"
BLOCK_SIZES = [10, 100, 1000, 5000]


def bench(*args):
    cmd = ["cargo", "run", "--release", "--quiet", "--", "bench", "--json", "--quiet", *args]
    print("running", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run():
    small = ["--lifecycle-tasks", "10", "--lifecycle-rounds", "1", "--proofs", "0", "--completions", "0"]
    transfers = []
    for size in BLOCK_SIZES:
        blocks = str(max(4, min(30, 20_000 // size)))
        transfers.append(bench("--block-size", str(size), "--blocks", blocks, "--batch", "0", *small))
    verify = bench("--block-size", "100", "--blocks", "4", "--batch", "256", *small)
    data = {"transfers": transfers, "verify": verify}
    DATA.write_text(json.dumps(data, indent=2) + "\n")
    return data


def svg_chart(title, xlabel, ylabel, series, path, log_x=True):
    """A line chart: `series` is [(name, colour, [(x, y), ...])]."""
    import math

    width, height, left, right, top, bottom = 720, 420, 80, 200, 40, 60
    xs = [x for _, _, points in series for x, _ in points]
    ys = [y for _, _, points in series for _, y in points]
    fx = (lambda x: math.log10(x)) if log_x else (lambda x: x)
    x0, x1 = fx(min(xs)), fx(max(xs))
    y1 = max(ys) * 1.1
    px = lambda x: left + (fx(x) - x0) / ((x1 - x0) or 1) * (width - left - right)
    py = lambda y: height - bottom - y / y1 * (height - top - bottom)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2 - right / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
        f'<text x="{(left + width - right) / 2}" y="{height - 15}" text-anchor="middle">{xlabel}</text>',
        f'<text x="18" y="{(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 {(top + height - bottom) / 2})">{ylabel}</text>',
    ]
    for x in sorted(set(xs)):
        out.append(f'<text x="{px(x)}" y="{height - bottom + 18}" text-anchor="middle">{x:g}</text>')
        out.append(f'<line x1="{px(x)}" y1="{height - bottom}" x2="{px(x)}" y2="{height - bottom + 4}" stroke="black"/>')
    for i in range(6):
        y = y1 * i / 5
        label = f"{y:,.0f}" if y1 > 100 else f"{y:.2f}"
        out.append(f'<text x="{left - 6}" y="{py(y) + 4}" text-anchor="end">{label}</text>')
        out.append(f'<line x1="{left}" y1="{py(y)}" x2="{width - right}" y2="{py(y)}" stroke="#ddd"/>')
    for n, (name, colour, points) in enumerate(series):
        pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = top + 20 + 20 * n
        out.append(f'<line x1="{width - right + 15}" y1="{ly}" x2="{width - right + 40}" y2="{ly}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 45}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")
    print("wrote", path.relative_to(ROOT), file=sys.stderr)


def draw(data):
    t = data["transfers"]
    size = lambda r: r["commit"]["block_size"]
    series = [
        ("durable, pipelined", "#d62728", [(size(r), r["commit"]["pipelined_txs_per_sec"]) for r in t]),
        ("durable", "#1f77b4", [(size(r), r["commit"]["durable_txs_per_sec"]) for r in t]),
        ("redb, no fsync", "#2ca02c", [(size(r), r["commit"]["no_fsync_txs_per_sec"]) for r in t]),
        ("in memory", "#7f7f7f", [(size(r), r["commit"]["memory_txs_per_sec"]) for r in t]),
        ("goal 50,000", "#000000", [(size(r), 50_000) for r in t]),
    ]
    svg_chart("Signed transfers per second by block size", "transfers per block", "tx/s", series,
              ROOT / "docs" / "bench-throughput.svg")
    v = data["verify"]["verify"]
    points = v["batch_sizes"]
    single = v["single_ours_ms"]
    series = [
        ("batch, compressed", "#1f77b4", [(p["size"], p["compressed_per_proof_ms"]) for p in points]),
        ("batch, uncompressed", "#d62728", [(p["size"], p["uncompressed_per_proof_ms"]) for p in points]),
        ("single (ours)", "#7f7f7f", [(p["size"], single) for p in points]),
        ("goal: single / 5", "#000000", [(p["size"], single / 5) for p in points]),
    ]
    svg_chart("Groth16 verification cost per proof by batch size", "proofs per batch", "ms per proof", series,
              ROOT / "docs" / "bench-batch.svg")


if __name__ == "__main__":
    data = run() if "--run" in sys.argv else json.loads(DATA.read_text())
    draw(data)
