"""Self-contained HTML: inline CSS, no scripts from anywhere, works from file://.

Every HTML output renders through the web app's Jinja2 templates (autoescaped), so the
report, ``story --format html``, ``compare --format html`` and the web app share one
vocabulary, one set of macros and one stylesheet: ``report.html`` for stored stories,
``compare_report.html`` for a comparison of loose files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corroborator.report.text import article_labels


def report_html(data: Mapping[str, Any], title: str = "corroborator report") -> str:
    """The report of :func:`~corroborator.report.build_report` as one HTML document.

    Each story opens with its coverage bar and key disputes (both sentences side by
    side), then agreements and differing details; the matrix, people and articles fold.
    The header says which articles are in no story and why, as ``analyze`` does
    ("in no story: 8 skipped: not English (pt 3, de 2)").
    """
    from corroborator.web.render import inline_css, render

    return render("report.html", data=data, title=title, css=inline_css(),
                  article_href=lambda article_id: f"#art-{article_id}", outlet_of=_outlet_of,
                  skipped_line=_skipped_line(data))


def _skipped_line(data: Mapping[str, Any]) -> str | None:
    """What the report's header says of articles in no story (None when there are none)."""
    from corroborator.coverage import describe_skipped

    skipped = data.get("skipped")
    return describe_skipped(skipped) if skipped and skipped.get("total") else None


def story_html(data: Mapping[str, Any]) -> str:
    """The report for one stored story view (``story --format html``)."""
    from corroborator.report.build import versioned_report

    return report_html(versioned_report([data]), title=data["story"]["title"] or "story")


def stories_report_html(views: Sequence[Mapping[str, Any]],
                        title: str = "corroborator report") -> str:
    """One document with every story view: an index, then each story's section."""
    from corroborator.report.build import versioned_report

    return report_html(versioned_report(views), title=title)


def comparison_html(data: Mapping[str, Any], title: str = "corroborator comparison") -> str:
    """The comparison of ``Comparison.to_dict()`` as one HTML document: key disputes,
    agreements and conflicts first; people, signals and the sentences side by side fold."""
    from corroborator.web.render import inline_css, render

    labels = article_labels(data["articles"])
    names = {a["id"]: a.get("outlet") or f"article {labels[a['id']]}" for a in data["articles"]}
    return render(
        "compare_report.html", data=data, title=title, css=inline_css(), labels=labels,
        names=names, entities=_people(data, names),
        shared_sentences={t for s in data["shared"] for t in s["evidence"].values()},
        conflict_sentences={t for d in data["discrepancies"]
                            for t in d.get("evidence", {}).values()},
    )


def _people(data: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The comparison's entities in the story view's shape, NAME-linked spellings merged."""
    from corroborator.views import merge_named_variants

    entities = []
    for e in data["entities"]:
        by_variant: dict[str, list[str]] = {}
        for aid, forms in e["variants"].items():
            for form in forms:
                by_variant.setdefault(form, []).append(names.get(aid, aid))
        entities.append({"canonical": e["canonical"], "label": e["label"],
                         "variants": e["variants"], "outlets_by_variant": by_variant})
    return merge_named_variants(entities, data["discrepancies"])


def _outlet_of(view: Mapping[str, Any], article_id: str) -> str:
    for article in view["articles"]:
        if article["id"] == article_id:
            return article["outlet"]
    return article_id
