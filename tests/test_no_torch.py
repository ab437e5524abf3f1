"""The CLI never imports torch (installed only to train the models)."""

from __future__ import annotations

import subprocess
import sys


def test_loading_and_running_the_spacy_pipeline_does_not_import_torch():
    code = ("import sys\n"
            "from corroborator.nlp import load_pipeline\n"
            "doc = load_pipeline()('Ilse Marwick, a spokeswoman for the port, said it reopens.')\n"
            "assert doc[0].dep_, 'parsed'\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n"
            "import importlib.util\n"
            "if importlib.util.find_spec('torch'):  # installed for training only\n"
            "    import torch  # still importable afterwards, for training code\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
