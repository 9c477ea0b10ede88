"""Pipeline tests: a tiny model goes from corpus to a gated export, and the ONNX graph run by
onnxruntime-node (training/measure.mjs) matches PyTorch at every hook.

Run: /usr/bin/python3 -m pytest training/tests
Needs the apt packages of training/requirements-apt.txt and `npm ci` (onnxruntime-node, ml-matrix).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
ROOT = os.path.dirname(TRAINING)
sys.path.insert(0, TRAINING)

import corpus  # noqa: E402
import export  # noqa: E402
import safetensors_io  # noqa: E402
from behaviour import measure as torch_measure  # noqa: E402
from model import Config, Transformer  # noqa: E402
from tokenizer import Tokenizer, train_bpe  # noqa: E402

PY = sys.executable


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PY, *args], cwd=ROOT, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Corpus -> tokenizer (300 ids) -> 'tiny' model trained 300 steps on 400 documents."""
    d = tmp_path_factory.mktemp("tiny")
    corpus.build(str(d / "corpus"))
    common = ["--tokenizer", str(d / "tokenizer.json")]
    r = run(["training/tokenizer.py", "--corpus", str(d / "corpus"), "--vocab-size", "300", "--max-chars", "300000", "--out", str(d / "tokenizer.json")])
    assert r.returncode == 0, r.stderr
    r = run(["training/train.py", "--model", "tiny", "--out", str(d / "run"), "--corpus", str(d / "corpus"), *common,
             "--cache", str(d / "tokens"), "--max-docs", "400", "--steps", "300", "--batch", "16", "--warmup", "30",
             "--lr", "3e-3", "--checkpoints", "3", "--threads", "2"])
    assert r.returncode == 0, r.stderr
    return d


def export_args(d, models: str) -> list[str]:
    return ["training/export.py", "--model-id", "tiny", "--run", str(d / "run"), "--corpus", str(d / "corpus"),
            "--tokenizer", str(d / "tokenizer.json"), "--cache", str(d / "tokens"), "--max-docs", "400",
            "--stage", str(d / "stage"), "--models-dir", str(d / models), "--fixtures-dir", str(d / (models + "-fixtures")),
            "--windows", "64"]


def test_a_tiny_model_trains_exports_and_its_onnx_graph_matches_pytorch_at_every_hook(tiny):
    # --no-gate: 300 steps cannot beat a bigram model; the gate itself is tested below
    r = run([*export_args(tiny, "models"), "--no-gate"])
    assert r.returncode == 0, r.stdout + r.stderr
    mdir = tiny / "models" / "tiny"
    for f in ("model.onnx", "weights.safetensors", "config.json", "card.md", "card.json", "checkpoints/index.json"):
        assert (mdir / f).exists(), f
    meas = json.loads((tiny / "stage" / "tiny" / "measure.json").read_text())
    hooks = json.loads((mdir / "config.json").read_text())["hook_names"]
    for run_name, errs in meas["parity"].items():
        assert sorted(errs) == sorted(hooks), run_name  # every hook compared, interventions included
        assert max(errs.values()) <= 1e-4, (run_name, errs)
    manifest = json.loads((tiny / "models" / "manifest.json").read_text())
    assert {"tiny/model.onnx", "tiny/weights.safetensors", "tokenizer.json"} <= {f["path"] for f in manifest["files"]}


def test_measure_mjs_on_onnx_agrees_with_the_pytorch_behaviour_measurement(tiny):
    """Induction / previous-token scores and copy losses: JS on the ONNX graph vs behaviour.py on PyTorch."""
    meas = json.loads((tiny / "stage" / "tiny" / "measure.json").read_text())["results"][0]
    model = export.load_run(str(tiny / "models" / "tiny"))  # the shipped (fp16-rounded) model
    ref = torch_measure(model, n_seqs=16, n=meas["n"], seed=1)
    np.testing.assert_allclose(meas["induction"], ref["induction"], atol=1e-5)
    np.testing.assert_allclose(meas["prev_token"], ref["prev_token"], atol=1e-5)
    assert meas["loss_first_copy"] == pytest.approx(ref["loss_first_copy"], abs=1e-4)
    assert meas["loss_second_copy"] == pytest.approx(ref["loss_second_copy"], abs=1e-4)


def test_the_shipped_weights_are_the_trained_ones_rounded_to_fp16_and_the_card_says_what_it_changed(tiny):
    shipped = tiny / "models" / "tiny" / "weights.safetensors"
    assert safetensors_io.dtypes(str(shipped)) == {"F16"}
    trained, w = safetensors_io.load(str(tiny / "run" / "weights.safetensors")), safetensors_io.load(str(shipped))
    assert list(w) == list(trained)
    for k, t in trained.items():
        assert torch.equal(w[k], t.half().float()), k
    rounding = json.loads((tiny / "models" / "tiny" / "card.json").read_text())["weights"]
    assert rounding["dtype"] == "F16" and 0 < rounding["max_rel_change"] <= 2.0**-11
    assert 0 < rounding["max_abs_logit_change"] < 0.1
    # the reference activations are the rounded model's: the ONNX graph on the fp16 weights matches them
    assert json.loads((tiny / "stage" / "tiny" / "measure.json").read_text())["max_parity_error"] <= export.PARITY_TOL


def test_copying_scores_from_the_small_matrix_equal_those_of_the_dense_vocab_circuit(tiny):
    meas = json.loads((tiny / "stage" / "tiny" / "measure.json").read_text())["results"][0]
    w = safetensors_io.load(str(tiny / "models" / "tiny" / "weights.safetensors"))
    for l, layer in enumerate(meas["copying"]):
        for h, score in enumerate(layer):
            full = w["embed.W_E"] @ w[f"blocks.{l}.attn.W_V"][h] @ w[f"blocks.{l}.attn.W_O"][h] @ w["unembed.W_U"]
            ev = torch.linalg.eigvals(full.double())
            assert score == pytest.approx((ev.real.sum() / ev.abs().sum()).item(), abs=1e-4)


def test_the_gate_refuses_a_model_that_fails_a_threshold(tiny, monkeypatch):
    monkeypatch.setitem(export.THRESHOLDS, "tiny", [("an impossible induction score >= 2", lambda m: max(m["induction"][-1]) >= 2)])
    monkeypatch.setattr(sys, "argv", ["export.py", *export_args(tiny, "refused")[1:]])
    with pytest.raises(SystemExit) as e:
        export.main()
    assert "NOT written" in str(e.value) and "impossible induction" in str(e.value)
    assert not (tiny / "refused" / "tiny").exists()
    assert not (tiny / "refused-fixtures").exists()


def test_the_gate_refuses_a_model_that_does_not_beat_the_bigram_baseline(tiny):
    failed = export.check("attn-only-2l", {"val_loss": 5.0, "induction": [[0.0], [0.9]], "prev_token": [[0.9], [0.0]],
                                           "loss_first_copy": 8.0, "loss_second_copy": 1.0}, 1e-6, bigram=4.5)
    assert failed == ["validation loss 5.0000 does not beat the bigram baseline 4.5000"]
    assert export.check("attn-only-2l", {"val_loss": 4.0, "induction": [[0.0], [0.5]], "prev_token": [[0.9], [0.0]],
                                         "loss_first_copy": 8.0, "loss_second_copy": 1.0}, 1e-3, bigram=4.5) == [
        "ONNX vs PyTorch max abs error 0.001 > 0.0001", "behaviour: a layer-1 head with induction score >= 0.6 fails"]


def test_train_stops_with_a_clear_message_on_a_bad_config(tmp_path):
    r = run(["training/train.py", "--model", "no-such-model", "--out", str(tmp_path)])
    assert r.returncode != 0 and "unknown --model 'no-such-model'" in r.stderr
    r = run(["training/train.py", "--model", "tiny", "--out", str(tmp_path), "--repeat-frac", "1.5"])
    assert r.returncode != 0 and "--repeat-frac" in r.stderr


def test_corpus_stops_naming_the_missing_package(monkeypatch):
    src = corpus.Source("ghost", "ghost-text-package", "/nonexistent/ghost.txt", "none", lambda: iter(()))
    monkeypatch.setattr(corpus, "SOURCES", [*corpus.SOURCES, src])
    with pytest.raises(corpus.MissingPackage, match="apt-get install ghost-text-package"):
        corpus.build("/tmp/never-written")


def test_tokenizer_round_trips_and_survives_its_json_form(tmp_path):
    texts = ["the cat sat on the mat; the dog sat on the log. " * 20, "naïve café 😀 日本語\t\n  x 123 4567"]
    tok = Tokenizer(train_bpe(texts, 300))
    tok.save(str(tmp_path / "t.json"))
    tok2 = Tokenizer.load(str(tmp_path / "t.json"))
    for s in texts + ["", "   ", "unseen wörds and 🎉 emoji", "\x00\x7f\ufeff"]:
        assert tok2.encode(s) == tok.encode(s)
        assert tok2.decode(tok2.encode(s)) == s
    assert len(tok.encode(texts[0])) < len(texts[0]) / 2  # merges were learned and are used


@pytest.mark.parametrize("model_id", ["attn-only-1l", "attn-only-2l", "gelu-1l"])
def test_each_shipped_model_is_fp16_and_its_reference_activations_are_those_of_its_fp16_weights(model_id, tmp_path):
    mdir = os.path.join(ROOT, "public", "models", model_id)
    assert safetensors_io.dtypes(os.path.join(mdir, "weights.safetensors")) == {"F16"}
    with open(os.path.join(mdir, "card.json")) as f:
        rounding = json.load(f)["weights"]
    assert rounding["dtype"] == "F16" and rounding["max_rel_change"] <= 2.0**-11
    assert rounding["max_abs_change_subnormal"] <= 2.0**-25
    tok = Tokenizer.load(os.path.join(ROOT, "public", "models", "tokenizer.json"))
    export.write_reference(export.load_run(mdir), tok, model_id, str(tmp_path))
    fixtures = os.path.join(ROOT, "tests", "fixtures", "reference")
    assert (tmp_path / f"{model_id}.json").read_text() == open(os.path.join(fixtures, f"{model_id}.json")).read()
    for root, _, names in os.walk(tmp_path / model_id):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), tmp_path)
            with open(os.path.join(root, n), "rb") as a, open(os.path.join(fixtures, rel), "rb") as b:
                assert a.read() == b.read(), rel


def test_shipped_tokenizer_reproduces_the_parity_fixture():
    path = os.path.join(ROOT, "tests", "fixtures", "tokenizer-cases.json")
    tok = Tokenizer.load(os.path.join(ROOT, "public", "models", "tokenizer.json"))
    cases = json.loads(open(path, encoding="utf-8").read())
    assert len(cases) >= 1000
    for c in cases:
        assert tok.encode(c["text"]) == c["ids"]
        assert tok.decode(c["ids"]) == c["text"]


def test_safetensors_round_trip_in_fp32_and_fp16(tmp_path):
    model = Transformer(Config(model_name="t", n_layers=1, d_model=8, n_heads=2, d_head=4, n_ctx=8, d_vocab=20, d_mlp=16, pos_init_dims=2))
    sd = model.state_dict()
    safetensors_io.save(sd, str(tmp_path / "a.safetensors"))
    back = safetensors_io.load(str(tmp_path / "a.safetensors"))
    assert list(back) == list(sd)
    for k in sd:
        assert torch.equal(back[k], sd[k])
    safetensors_io.save(sd, str(tmp_path / "h.safetensors"), dtype="F16")
    half = safetensors_io.load(str(tmp_path / "h.safetensors"))
    for k in sd:
        assert torch.equal(half[k], sd[k].half().float())
    raw = (tmp_path / "a.safetensors").read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    assert header["embed.W_E"] == {"dtype": "F32", "shape": [20, 8], "data_offsets": [0, 20 * 8 * 4]}
