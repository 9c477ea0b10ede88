"""Training curves: the parser reads train.py's printed lines exactly, train.py writes the same JSON
at the end of a run, and the shipped training-curve.json files agree with the model cards.

Run: /usr/bin/python3 -m pytest training/tests/test_curves.py
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
ROOT = os.path.dirname(TRAINING)
MODELS = os.path.join(ROOT, "public", "models")
sys.path.insert(0, TRAINING)

import curves  # noqa: E402
import train  # noqa: E402

SHIPPED = ("attn-only-1l", "attn-only-2l", "gelu-1l")

LOG = """\
step 50/100 loss 7.2451 lr 4.00e-03 3878 tok/s
a warning the parser must ignore
step 100/100 loss 6.7858 lr 3.99e-03 5663 tok/s
  behaviour: induction max/layer [0.013, 0.011] prev-token max/layer [0.115, 0.114] copy loss 7.77 -> 7.68
  behaviour at step 75: induction max/layer [0.5] prev-token max/layer [0.25] copy loss 9.00 -> 2.44
trained attn-only-2l in 40.2 min, final train loss 6.7858
"""


def test_the_parser_keeps_every_printed_number_and_ties_behaviour_to_its_step():
    c = curves.parse_lines(LOG.splitlines(), "m", "test")
    assert c["steps"] == [{"step": 50, "loss": 7.2451, "lr": 4e-3, "tokens_per_s": 3878},
                          {"step": 100, "loss": 6.7858, "lr": 3.99e-3, "tokens_per_s": 5663}]
    assert c["behaviour"] == [
        {"step": 100, "induction_max_per_layer": [0.013, 0.011], "prev_token_max_per_layer": [0.115, 0.114],
         "copy_loss_first": 7.77, "copy_loss_second": 7.68},
        {"step": 75, "induction_max_per_layer": [0.5], "prev_token_max_per_layer": [0.25],
         "copy_loss_first": 9.0, "copy_loss_second": 2.44}]
    assert (c["log_every"], c["scheduled_steps"]) == (50, 100)
    assert c["finished"] == {"wall_time_min": 40.2, "final_train_loss": 6.7858}


def test_the_parser_refuses_a_log_without_steps_or_with_an_orphan_behaviour_line():
    with pytest.raises(ValueError, match="no `step"):
        curves.parse_lines(["hello"], "m", "test")
    with pytest.raises(ValueError, match="before any step"):
        curves.parse_lines(LOG.splitlines()[3:], "m", "test")


def test_train_writes_a_curve_whose_losses_are_the_means_of_its_per_step_log(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    monkeypatch.setattr(train, "token_stream", lambda *a: rng.integers(0, 300, 20_000).astype("<u2"))
    args = train.parser().parse_args(["--model", "tiny", "--out", str(tmp_path), "--steps", "12", "--batch", "4",
                                      "--warmup", "2", "--log-every", "4", "--threads", "1"])
    train.train(args)
    with open(tmp_path / "training-curve.json") as f:
        curve = json.load(f)
    with open(tmp_path / "train_log.json") as f:
        per_step = [r["loss"] for r in json.load(f)["log"]]
    assert [r["step"] for r in curve["steps"]] == [4, 8, 12]
    for r in curve["steps"]:
        assert r["loss"] == pytest.approx(np.mean(per_step[r["step"] - 4 : r["step"]]), abs=5e-5)
        assert r["lr"] == pytest.approx(train.lr_at(r["step"] - 1, args), rel=5e-3)
    assert curve["finished"]["final_train_loss"] == pytest.approx(np.mean(per_step), abs=5e-5)


@pytest.mark.parametrize("model_id", SHIPPED)
def test_the_shipped_curve_ends_where_the_model_card_says_training_ended(model_id):
    with open(os.path.join(MODELS, model_id, "training-curve.json")) as f:
        curve = json.load(f)
    with open(os.path.join(MODELS, model_id, "card.json")) as f:
        card = json.load(f)["training"]
    steps = [r["step"] for r in curve["steps"]]
    assert steps == sorted(steps) and steps[-1] == card["steps"] == curve["scheduled_steps"]
    assert curve["log_every"] == 50
    # the last printed loss is the mean of the last 50 steps, which is the card's final train loss
    assert curve["steps"][-1]["loss"] == pytest.approx(card["final_train_loss"], abs=5e-5)
    assert curve["finished"] == {"wall_time_min": card["wall_time_min"],
                                 "final_train_loss": round(card["final_train_loss"], 4)}
    assert curve["steps"][0]["lr"] == pytest.approx(card["lr"], rel=1e-2)  # warmup is over by step 50
    assert curve["behaviour"], "the shipped runs printed behaviour readings"


@pytest.mark.parametrize("model_id", SHIPPED)
def test_the_shipped_curve_is_what_the_parser_reads_from_the_run_log(model_id):
    # training/logs/ keeps a copy of each shipped run's log (train.py writes it
    # to the git-ignored training/out/), so this check runs everywhere.
    log = os.path.join(TRAINING, "logs", f"{model_id}.log")
    with open(log) as f:
        parsed = curves.parse_lines(f, model_id, f"training log of the shipped run (training/out/{model_id}.log)")
    with open(os.path.join(MODELS, model_id, "training-curve.json")) as f:
        assert json.load(f) == parsed
