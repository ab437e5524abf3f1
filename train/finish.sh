#!/usr/bin/env bash
# After train/train_nli.py has trained and exported to train/work/export: install the model,
# train the whole-article model, featurize the tune and test sides, fit the verdict model
# (and its blend with the whole-article model), and run the verdict benchmarks.
# Usage: bash train/finish.sh   (from the repository root; logs in train/work/finish/)
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 CORROBORATOR_THREADS=1
PY=.venv/bin/python
LOG=train/work/finish
mkdir -p "$LOG"
cp train/work/export/model.onnx train/work/export/meta.json train/work/export/tokenizer.json \
   src/corroborator/resources/nli/
feat() { $PY -c "import sys; sys.path.insert(0, 'train'); from train_verdict import featurize; [featurize(c, '$1') for c in $2]"; }
feat tune "('fnc1', 'arc')" > "$LOG/tune.log" 2>&1 &
feat test "('fnc1', 'arc')" > "$LOG/test.log" 2>&1 &
$PY train/train_wholebody.py > "$LOG/wholebody.log" 2>&1 &
wait
$PY train/train_verdict.py > "$LOG/verdict.log" 2>&1
$PY bench/bench_verdicts.py --only ablation > "$LOG/ablation.log" 2>&1
echo finished
