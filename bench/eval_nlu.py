"""`make eval-nlu`: how well the model understands messages it never saw, per variety.

Splits each variety's NLU data (80 % training, 20 % held out, fixed seed), trains a full
model on the training part (timed), serves it with a real Rasa server and parses every
held-out message through its HTTP API (timed), then prints per variety: intent accuracy
and macro-F1, entity F1, language-ID accuracy, training time and parse latency.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests

from bench.metrics import accuracy, f1, macro_f1, percentile
from bench.servers import free_port, wait_until_ok
from bot import language, rasa_env
from bot.settings import PROJECT_ROOT, Settings

VARIETIES = ("fr", "ar", "ary", "ary_Latn")
FALLBACK = "nlu_fallback"
LANGUAGE_ID_SET = PROJECT_ROOT / "tests" / "data" / "language_id.tsv"
RESULTS = PROJECT_ROOT / "bench" / "results"


def rasa_env_vars() -> dict[str, str]:
    return rasa_env.rasa_environment(Settings.from_env({}))


def split(workdir: Path, fraction: float, seed: int, config: Path) -> list[dict[str, Any]]:
    script = rasa_env.RASA_PROJECT / "tools" / "split_nlu.py"
    python = rasa_env.RASA_VENV / "bin" / "python"
    subprocess.run(
        [str(python), str(script), str(workdir), str(fraction), str(seed)],
        check=True, env=rasa_env_vars(), capture_output=True,
    )  # fmt: skip
    shutil.copytree(rasa_env.RASA_PROJECT / "domain", workdir / "domain")
    shutil.copy(config, workdir / "config.yml")
    return list(json.loads((workdir / "heldout.json").read_text(encoding="utf-8")))


def train(workdir: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        rasa_env.train_command("eval"),
        cwd=workdir, check=True, env=rasa_env_vars(), capture_output=True,
    )  # fmt: skip
    return time.monotonic() - started


def serve(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(rasa_env.rasa_executable()), "run", "--enable-api", "--interface", "127.0.0.1",
        "--port", str(port), "--model", str(workdir / "models" / "eval.tar.gz"),
    ]  # fmt: skip
    log = (workdir / "rasa.log").open("wb")
    process = subprocess.Popen(
        command, cwd=workdir, env=rasa_env_vars(), stdout=log, stderr=log, start_new_session=True
    )
    if wait_until_ok(f"http://127.0.0.1:{port}/status", timeout=300):
        return process
    process.kill()
    raise SystemExit(f"Rasa did not start; see {workdir / 'rasa.log'}")


def parse_all(port: int, examples: list[dict[str, Any]]) -> None:
    """Parse each example through the server; store the prediction and the latency."""
    http = requests.Session()
    url = f"http://127.0.0.1:{port}/model/parse"
    for text in ("salam", "bonjour", "مرحبا", "واش كاين"):  # warm-up, not measured
        http.post(url, json={"text": text}, timeout=30)
    for example in examples:
        started = time.perf_counter()
        response = http.post(url, json={"text": example["text"]}, timeout=30)
        example["latency_ms"] = (time.perf_counter() - started) * 1000
        parsed = response.json()
        example["predicted"] = (parsed.get("intent") or {}).get("name") or "none"
        ranking = [r.get("name") for r in parsed.get("intent_ranking") or []]
        # The model's best guess before the FallbackClassifier stepped in.
        example["top_intent"] = next((n for n in ranking if n != FALLBACK), "none")
        example["predicted_entities"] = [
            {k: e.get(k) for k in ("start", "end", "entity", "value")}
            for e in parsed.get("entities") or []
        ]


def is_correct(example: dict[str, Any]) -> bool:
    """Right intent; a fallback on an out-of-scope message counts too (same reply)."""
    predicted, expected = example["predicted"], example["intent"]
    return predicted == expected or (expected == "out_of_scope" and predicted == FALLBACK)


def entity_counts(example: dict[str, Any]) -> tuple[int, int, int]:
    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return (e["entity"], e["start"], e["end"])

    expected = {key(e) for e in example["entities"] if e["entity"] != "choice"}
    predicted = {key(e) for e in example["predicted_entities"] if e["entity"] != "choice"}
    return len(expected & predicted), len(predicted - expected), len(expected - predicted)


def language_id_set() -> dict[str, list[tuple[str, str]]]:
    by_variety: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with LANGUAGE_ID_SET.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            by_variety[row["language"]].append((row["text"], row["language"]))
    return by_variety


def report(examples: list[dict[str, Any]], training_seconds: float) -> dict[str, Any]:
    langid = language_id_set()
    rows: dict[str, Any] = {}
    for variety in (*VARIETIES, "all"):
        subset = [e for e in examples if variety in ("all", e["variety"])]
        expected = [e["intent"] for e in subset]
        predicted = [e["intent"] if is_correct(e) else e["predicted"] for e in subset]
        tp = fp = fn = 0
        for example in subset:
            a, b, c = entity_counts(example)
            tp, fp, fn = tp + a, fp + b, fn + c
        pairs = [p for v, ps in langid.items() for p in ps if variety in ("all", v)]
        latencies = [e["latency_ms"] for e in subset]
        rows[variety] = {
            "held_out": len(subset),
            "intent_accuracy": accuracy(expected, predicted),
            "intent_macro_f1": macro_f1(expected, predicted),
            "fallback_rate": sum(e["predicted"] == FALLBACK for e in subset) / len(subset),
            "top_intent_accuracy": accuracy(expected, [e["top_intent"] for e in subset]),
            "entity_f1": f1(tp, fp, fn),
            "language_id_accuracy": accuracy(
                [label for _, label in pairs], [language.detect(text) for text, _ in pairs]
            ),
            "language_id_messages": len(pairs),
            "parse_p50_ms": percentile(latencies, 50),
            "parse_p95_ms": percentile(latencies, 95),
        }
    return {"training_seconds": training_seconds, "varieties": rows}


def print_table(result: dict[str, Any]) -> None:
    header = (
        f"{'variety':<9} {'held-out':>8} {'intent acc':>10} {'macro-F1':>8} {'fallback':>8} "
        f"{'top-1':>6} {'entity F1':>9} {'lang-ID':>8} {'parse p50':>9} {'parse p95':>9}"
    )
    print(header)
    print("-" * len(header))
    for variety, row in result["varieties"].items():
        print(
            f"{variety:<9} {row['held_out']:>8} {row['intent_accuracy']:>10.1%} "
            f"{row['intent_macro_f1']:>8.3f} {row['fallback_rate']:>8.1%} "
            f"{row['top_intent_accuracy']:>6.1%} {row['entity_f1']:>9.3f} "
            f"{row['language_id_accuracy']:>8.1%} {row['parse_p50_ms']:>7.1f}ms "
            f"{row['parse_p95_ms']:>7.1f}ms"
        )
    print(f"\ntraining time (full model, {os.cpu_count()} cores): "
          f"{result['training_seconds']:.0f} s")  # fmt: skip
    print(
        "intent acc: the reply's intent (a fallback on an out-of-scope message counts as right);"
        "\nfallback: share sent to 'not understood'; top-1: the model's best guess before it"
    )


def show_errors(examples: list[dict[str, Any]], limit: int) -> None:
    wrong = [e for e in examples if not is_correct(e)]
    print(f"\n{len(wrong)} intent errors" + (f" (first {limit}):" if wrong else ""))
    for e in wrong[:limit]:
        print(f"  [{e['variety']}] {e['text']!r}: {e['intent']} -> {e['predicted']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train-fraction", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--show-errors", type=int, default=15)
    parser.add_argument(
        "--config", type=Path, default=rasa_env.RASA_PROJECT / "config.yml",
        help="a pipeline to evaluate instead of rasa_project/config.yml",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eval-nlu-") as tmp:
        workdir = Path(tmp)
        print("splitting the data…", file=sys.stderr)
        examples = split(workdir, args.train_fraction, args.seed, args.config.resolve())
        print(f"training on the rest ({len(examples)} held out)…", file=sys.stderr)
        seconds = train(workdir)
        port = free_port()
        server = serve(workdir, port)
        try:
            print("parsing the held-out messages through the Rasa server…", file=sys.stderr)
            parse_all(port, examples)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    result = report(examples, seconds)
    print_table(result)
    show_errors(examples, args.show_errors)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "eval-nlu.json").write_text(json.dumps(result, indent=2))
    (RESULTS / "eval-nlu-examples.json").write_text(json.dumps(examples, ensure_ascii=False))


if __name__ == "__main__":
    main()
