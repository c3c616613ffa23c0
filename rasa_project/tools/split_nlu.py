"""Split each variety's NLU data into training and held-out parts (runs in .venv-rasa).

Usage: python split_nlu.py OUT_DIR [TRAIN_FRACTION] [SEED]

Writes OUT_DIR/data/nlu/<variety>.yml (training part, plus the shared files such as
lookups and choices unchanged) and OUT_DIR/heldout.json: [{text, intent, entities,
variety}] for the evaluation. Used by bench/eval_nlu.py.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

PROJECT = Path(__file__).resolve().parents[1]
VARIETIES = ("fr", "ar", "ary", "ary_Latn")


def main(out: Path, train_fraction: float, seed: int) -> None:
    data_out = out / "data"
    shutil.copytree(PROJECT / "data", data_out, dirs_exist_ok=True)
    heldout = []
    splits = {}
    for variety in VARIETIES:
        path = PROJECT / "data" / "nlu" / f"{variety}.yml"
        train, test = load_data(str(path)).train_test_split(train_fraction, random_seed=seed)
        (data_out / "nlu" / f"{variety}.yml").write_text(train.nlu_as_yaml(), encoding="utf-8")
        splits[variety] = (train, test)
    # The same short text can stand in two varieties' files ("ok", "merci"); one that is
    # trained on anywhere is not held out.
    seen = {e.get("text").casefold() for train, _ in splits.values() for e in train.intent_examples}
    for variety, (_, test) in splits.items():
        for example in test.intent_examples:
            if example.get("text").casefold() in seen:
                continue
            heldout.append(
                {
                    "variety": variety,
                    "text": example.get("text"),
                    "intent": example.get("intent"),
                    "entities": [
                        {k: e[k] for k in ("start", "end", "entity", "value")}
                        for e in example.get("entities") or []
                    ],
                }
            )
    (out / "heldout.json").write_text(json.dumps(heldout, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    fraction = float(sys.argv[2]) if len(sys.argv) > 2 else 0.8
    main(Path(sys.argv[1]), fraction, int(sys.argv[3]) if len(sys.argv) > 3 else 42)
