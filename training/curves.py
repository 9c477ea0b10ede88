"""Training curves as data: train.py's printed log -> public/models/<id>/training-curve.json.

    /usr/bin/python3 training/curves.py --log training/out/attn-only-2l.log \\
        --model-id attn-only-2l --out public/models/attn-only-2l/training-curve.json

train.py prints, every --log-every steps, `step 50/3000 loss 7.2451 lr 4.00e-03 repeats 0.500 3878 tok/s`
(older logs have no `repeats`)
(the loss is the mean training loss of the last --log-every steps, in nats), and with
--eval-every a behaviour line after it:
`  behaviour: induction max/layer [0.013, 0.011] prev-token max/layer [0.115, 0.114] copy loss 7.77 -> 7.68`
(`behaviour at step N:` names its step; the older form belongs to the step line before it).
The JSON keeps exactly those numbers, so the curves the book draws are the run's own log.
train.py writes the same JSON into its --out folder at the end of a run (parse_lines on what it printed).
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Iterable

STEP = re.compile(r"^step (\d+)/(\d+) loss ([\d.eE+-]+|nan) lr ([\d.eE+-]+)(?: repeats ([\d.]+))?(?: (\d+) tok/s)?\s*$")
BEHAVIOUR = re.compile(
    r"^\s*behaviour(?: at step (\d+))?: induction max/layer \[([^\]]*)\] prev-token max/layer \[([^\]]*)\] "
    r"copy loss ([\d.eE+-]+|nan) -> ([\d.eE+-]+|nan)\s*$")
DONE = re.compile(r"^trained (\S+) in ([\d.]+) min, final train loss ([\d.eE+-]+)\s*$")


def _floats(s: str) -> list[float]:
    return [float(x) for x in s.split(",") if x.strip()]


def parse_lines(lines: Iterable[str], model_id: str, source: str) -> dict:
    """The curve of one run from its printed lines; other lines (warnings, notes) are ignored.

    Raises ValueError when there is no step line, or a behaviour line comes before any step."""
    steps: list[dict] = []
    behaviour: list[dict] = []
    total, done = None, None
    for line in lines:
        line = line.rstrip("\n")
        if m := STEP.match(line):
            total = int(m[2])
            row = {"step": int(m[1]), "loss": float(m[3]), "lr": float(m[4])}
            if m[5]:
                row["repeat_frac"] = float(m[5])
            if m[6]:
                row["tokens_per_s"] = int(m[6])
            steps.append(row)
        elif m := BEHAVIOUR.match(line):
            if m[1] is None and not steps:
                raise ValueError(f"{source}: a behaviour line before any step line: {line!r}")
            behaviour.append({"step": int(m[1]) if m[1] else steps[-1]["step"],
                              "induction_max_per_layer": _floats(m[2]),
                              "prev_token_max_per_layer": _floats(m[3]),
                              "copy_loss_first": float(m[4]), "copy_loss_second": float(m[5])})
        elif m := DONE.match(line):
            done = {"wall_time_min": float(m[2]), "final_train_loss": float(m[3])}
    if not steps:
        raise ValueError(f"{source}: no `step N/M loss ...` lines")
    log_every = steps[1]["step"] - steps[0]["step"] if len(steps) > 1 else steps[0]["step"]
    return {
        "model": model_id,
        "source": source,
        "loss": f"mean training loss (next-token cross-entropy, nats) over the {log_every} steps ending at `step`",
        "behaviour_measured_on": ("PyTorch (training/behaviour.py, 8 sequences): best induction and previous-token score "
                                  "in each layer, and the loss on the first vs second copy of a repeated random sequence"),
        "log_every": log_every,
        "scheduled_steps": total,
        "steps": steps,
        "behaviour": behaviour,
        "finished": done,
    }


def write(curve: dict, path: str) -> None:
    with open(path, "w") as f:
        json.dump(curve, f, indent=1)
        f.write("\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log", required=True, help="train.py's printed output")
    ap.add_argument("--model-id", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(args.log) as f:
        curve = parse_lines(f, args.model_id, f"training log of the shipped run ({args.log})")
    write(curve, args.out)
    print(f"{args.out}: {len(curve['steps'])} steps, {len(curve['behaviour'])} behaviour rows")


if __name__ == "__main__":
    main()
