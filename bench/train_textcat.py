"""Train the learned second opinion and calibrate every decision's confidence (issue 10).

    .venv/bin/python bench/train_textcat.py [--folds 5] [--seed N] [--check]

1. The examples are our corpus and the public set (never the blind corpus, which stays held out). The rules triage
   each one; the model reads its subject and letter (classifier/opinion.py).
2. Cross-validation: in each of the fixed folds, a model trained on the other folds gives its opinion of the fold's
   messages, so every example has an opinion from a model that never saw it.
3. Calibration: for each decision, how often the rules were right, counted by the certainty of the rule and by
   whether the held-back model agreed (and, for the rules alone, without it) → classifier/model/calibration.json.
4. The model trained on every example → classifier/model/textcat/ (a few MB, committed; `meta.json` records the seed,
   the epochs and a digest of the data). Training is deterministic: the same data and seed give the same weights.

`--check` says whether the committed model was made from the current data and the calibration counted with the
current rules, writing nothing (a test runs it: change the corpus or the lexicon, and the model must be retrained).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.calibrate import counts
from bench.corpora import FOI_ADDRESS, PUBLIC_DIR, load_corpus, load_public
from bench.evaluation import default_model
from bench.textcat import EPOCHS, SEED, cross_validate, digest, prepare, train
from classifier.confidence import DEFAULT_CALIBRATION, Calibration
from classifier.opinion import DEFAULT_MODEL_DIR, agreements
from classifier.pipeline import Classifier


def _meta_path(model_dir: Path) -> Path:
    return model_dir / "training.json"


def committed_digest(model_dir: Path = DEFAULT_MODEL_DIR) -> str | None:
    path = _meta_path(model_dir)
    return str(json.loads(path.read_text("utf-8"))["data"]) if path.is_file() else None


def _check(data: str, rules_alone: dict[str, dict[str, list[int]]]) -> int:
    """Whether the committed model was trained on this data and the calibration counted with these rules."""
    model = committed_digest() == data
    committed = Calibration.load().counts
    calibrated = all({k: list(v) for k, v in committed.get(name, {}).items() if k.endswith("/none")} == cells
                     for name, cells in rules_alone.items())
    print(f"committed model {'is' if model else 'is NOT'} trained on the current data ({data}); calibration "
          f"{'matches' if calibrated else 'does NOT match'} the rules: "
          f"{'up to date' if model and calibrated else 'run bench/train_textcat.py'}")
    return 0 if model and calibrated else 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--check", action="store_true", help="only say whether the committed model is up to date")
    args = ap.parse_args(argv)
    if not PUBLIC_DIR.is_dir():
        print(f"the public set is not at {PUBLIC_DIR}: it is half the training data", file=sys.stderr)
        return 2
    rules = Classifier(own_addresses=(FOI_ADDRESS,), model=default_model(), opinion=False)
    held = prepare(rules, [*load_corpus(), *load_public()])
    data = digest(held.texts, held.cats)
    if args.check:
        return _check(data, counts(held.examples, held.triages))

    opinions = cross_validate(held, args.folds, args.seed)
    agree = [agreements(t, opinions[i]) if (t := held.triages[i]) is not None else {}
             for i in range(len(held.triages))]
    table = counts(held.examples, held.triages)  # the rules alone
    for name, cells in counts(held.examples, held.triages, agree).items():  # beside the held-back model
        table[name].update(cells)
    DEFAULT_CALIBRATION.parent.mkdir(parents=True, exist_ok=True)
    DEFAULT_CALIBRATION.write_text(json.dumps(Calibration(counts=table).to_json(), indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")

    model = train(held.texts, held.cats, args.seed)
    model.to_disk(DEFAULT_MODEL_DIR)
    meta = {"seed": args.seed, "epochs": EPOCHS, "folds": args.folds, "examples": len(held.texts), "data": data,
            "trained_on": "tests/corpus and ../shared/corpus/requests-public (never tests/corpus-blind)"}
    _meta_path(DEFAULT_MODEL_DIR).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file())
    print(f"trained on {len(held.texts)} examples ({data}); {size / 1e6:.1f} MB in {DEFAULT_MODEL_DIR}; "
          f"calibration in {DEFAULT_CALIBRATION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
