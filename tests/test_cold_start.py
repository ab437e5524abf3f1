"""Cold start of `compare`: a one-shot comparison loads only what it uses.

A fact-checker comparing two pages waits for every library the process imports; these
tests check, in a fresh interpreter, that `compare --format json` on two text files
imports no page parser, no terminal renderer, no model2vec and no training or fetching
library, and that what replaced model2vec's loading encodes exactly as model2vec does.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from corroborator.cli import main

#: Not needed to compare two text files as JSON: page parsing (lxml, tld), terminal
#: rendering (rich), model2vec's loader and its helpers (joblib, tqdm), fetching, feeds,
#: web archives, the spaCy pipeline (only with --trained-ner), training libraries, the
#: story index (usearch), the legacy-encoding guesser and asyncio (the web app).
NOT_IMPORTED = ("lxml", "tld", "rich", "model2vec", "joblib", "tqdm", "httpx", "httpcore",
                "feedparser", "warcio", "huggingface_hub", "spacy", "sklearn", "torch",
                "usearch", "charset_normalizer", "asyncio")


def _imported_by(code: str) -> list[str]:
    """The modules of NOT_IMPORTED that `code` imports in a fresh interpreter."""
    probe = (f"import sys\n{code}\n"
             f"print([m for m in {NOT_IMPORTED!r} if m in sys.modules], file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return eval(result.stderr.strip().splitlines()[-1])  # a list literal printed above


def test_a_cold_json_compare_of_two_text_files_imports_only_what_it_uses(seeds, tmp_path):
    out = tmp_path / "c.json"
    code = ("from corroborator.cli import main\n"
            f"sys.argv = ['corroborator', 'compare', {str(seeds[0])!r}, {str(seeds[1])!r},"
            f" '--format', 'json', '-o', {str(out)!r}]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n")
    assert _imported_by(code) == []
    assert '"claim_groups"' in out.read_text(encoding="utf-8")


def test_text_and_html_output_still_render_after_the_lazy_imports(seeds, tmp_path):
    text = CliRunner().invoke(main, ["compare", *map(str, seeds)])
    assert text.exit_code == 0, text.output
    page = tmp_path / "c.html"
    html = CliRunner().invoke(main, ["compare", *map(str, seeds), "--format", "html",
                                     "-o", str(page)])
    assert html.exit_code == 0, html.output
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_html_and_record_inputs_still_read_with_the_page_parser_imported_on_use(tmp_path):
    from corroborator.ingest import parse_html, read_articles

    page = tmp_path / "a.html"
    page.write_text("<html><head><title>Bridge reopens</title></head><body><article>"
                    "<p>The bridge reopened on Monday after repairs, officials said.</p>"
                    "</article></body></html>", encoding="utf-8")
    rows = tmp_path / "a.jsonl"
    rows.write_text('{"title": "Dam", "text": "<p>The dam held, engineers said.</p>"}\n',
                    encoding="utf-8")
    found = list(read_articles([page, rows]))
    assert [a.title for a in found] == ["Bridge reopens", "Dam"]
    assert "engineers said" in found[1].text and "<p>" not in found[1].text
    assert callable(parse_html)


def test_the_fast_embedder_encodes_exactly_as_model2vec_does():
    pytest.importorskip("model2vec")
    from model2vec import StaticModel

    from corroborator.embed import STATIC_MODEL_DIR, _load_static

    texts = ["The council approved the budget.", "Ünïcödé and 214 numbers, café.", "",
             "😀 ✓", "word " * 900, "x" * 5000, "Officials said the bridge would reopen."]
    reference = StaticModel.from_pretrained(STATIC_MODEL_DIR, force_download=False)
    for batch_size in (2, 256):
        ours = _load_static().encode(texts, batch_size=batch_size)
        theirs = reference.encode(texts, batch_size=batch_size, use_multiprocessing=False)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(ours.astype(np.float32), theirs.astype(np.float32),
                                   atol=1e-6)


def test_importing_the_extractor_compiles_none_of_the_source_patterns():
    code = ("import importlib\n"
            "sources = importlib.import_module('corroborator.extract.sources')\n"
            "lazy = [v for v in vars(sources).values() if isinstance(v, sources.LazyPattern)]\n"
            "assert lazy and all(p._compiled is None for p in lazy), len(lazy)\n"
            "assert sources.find_source('The bridge will reopen, officials said.').text "
            "== 'officials'\n")
    assert _imported_by(code) == []
