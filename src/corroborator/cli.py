"""The `corroborator` command: parse arguments, call the library, render, translate errors.

No SQL and no model code lives here; every command is a thin wrapper over a public
function of the package.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

from corroborator import __version__
from corroborator.errors import CorroboratorError
from corroborator.safe_text import (
    escape_unhandled_logs,
    printable,
    printable_json,
    printable_markup,
)

FORMATS = click.Choice(["text", "json"])
SCHEMA_VERSION = 1
"""The JSON contract's version (docs/json.md); equal to corroborator.views.SCHEMA_VERSION."""
DB_HELP = "SQLite file (default: $CORROBORATOR_DB or the user data directory)."


@cache
def _err() -> Console:
    """The standard-error console of progress bars (rich is imported by the commands
    that draw one, not at every start-up: `compare --format json` never does)."""
    from rich.console import Console

    return Console(stderr=True)


class CLIError(click.ClickException):
    """A one-line error and exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {printable(self.message)}", err=True)


def _run(fn, *args: Any, **kwargs: Any) -> Any:
    """Call library code, turning its errors into one-line CLI errors."""
    try:
        return fn(*args, **kwargs)
    except CorroboratorError as exc:
        raise CLIError(str(exc)) from exc


def _open(db: str | None, readonly: bool = False, create: bool = False):
    """Open the database; unless `create`, fail with one line when the file does not exist."""
    from corroborator.store import default_db_path, open_store
    from corroborator.store.database import pending_migrations

    path = Path(db) if db else default_db_path()
    if not create and not path.exists():
        raise CLIError(f"{path}: no such database (create it with 'corroborator ingest ... "
                       f"--db {path}')")
    if create and not path.exists():
        click.echo(f"creating database {path}", err=True)
    if readonly and _run(pending_migrations, path):
        click.echo(f"upgrading database {path} to the current schema", err=True)
        _run(open_store, path).close()
    return _run(open_store, path, readonly=readonly)


def _db_path(db: str | None) -> Path:
    from corroborator.store import default_db_path

    return Path(db) if db else default_db_path()


def _discard(store: Any) -> None:
    """Close and delete a database this command created (with its WAL files)."""
    path = Path(store.path)
    store.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {Path(output).resolve()}", err=True)
    else:  # JSON or HTML: control characters become escapes of the same format
        click.echo(printable_json(text) if text.startswith(("{", "[")) else printable_markup(text))


def _progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    err = _err()
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True,
                    disable=not err.is_terminal)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corroborator")
def main() -> None:
    """Show what the news agrees on, where outlets conflict, and whose framing outruns
    its evidence.

    \b
    Examples:
      corroborator compare a.txt b.html
      corroborator ingest examples/ --db news.db && corroborator analyze --db news.db
      corroborator stories --db news.db
    """
    escape_unhandled_logs()


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--outlet", help="Outlet name for every article (overrides metadata).")
@click.option("--follow-links", is_flag=True,
              help="For feeds: fetch each entry's page (robots.txt respected).")
@click.option("--timeout", default=10.0, show_default=True,
              help="Total seconds per URL: connect, redirects and body.")
@click.option("--max-bytes", default=5_000_000, show_default=True,
              help="HTTP body size cap, after decompression.")
@click.option("--follow-deadline", default=300.0, show_default=True,
              help="Total seconds one feed may spend following links.")
@click.option("--ignore-robots", is_flag=True, help="With --follow-links: skip robots.txt.")
@click.option("--text-field", help="JSONL/CSV: the field (column) holding the text.")
@click.option("--title-field", help="JSONL/CSV: the field holding the headline.")
@click.option("--date-field", help="JSONL/CSV: the field holding the publication date.")
@click.option("--outlet-field", help="JSONL/CSV: the field holding the outlet name.")
@click.option("--url-field", help="JSONL/CSV: the field holding the article's URL.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def ingest(inputs: tuple[str, ...], db: str | None, outlet: str | None, follow_links: bool,
           timeout: float, max_bytes: int, follow_deadline: float, ignore_robots: bool,
           fmt: str, **named_fields: str | None) -> None:
    """Read articles from files, folders, URLs, feeds, JSONL/CSV, WARC or - (stdin).

    \b
    Examples:
      corroborator ingest examples/ --db news.db
      corroborator ingest https://example.org/feed.xml --follow-links
      cat story.txt | corroborator ingest - --outlet "The Ledger"
      corroborator ingest export.csv --text-field articleBody --date-field datePublished
    """
    from corroborator.ingest import IngestOptions
    from corroborator.pipeline import ingest as run_ingest

    fields = {name.removesuffix("_field"): value
              for name, value in named_fields.items() if value is not None}
    try:
        options = IngestOptions(timeout=timeout, max_bytes=max_bytes, fields=fields,
                                follow_deadline=follow_deadline, respect_robots=not ignore_robots)
    except ValueError as exc:  # an empty --...-field
        raise click.UsageError(str(exc)) from exc
    existed = _db_path(db).exists()
    store = _open(db, create=True)
    with _progress() as bar:
        task = bar.add_task("ingesting", total=None)
        report = _run(run_ingest, inputs, store, outlet=outlet, follow_links=follow_links,
                      options=options, progress=lambda _: bar.advance(task))
    for error in report.errors:
        click.echo(f"error: {printable(error)}", err=True)
    if not existed and not report.added and not report.duplicates:
        _discard(store)  # nothing read: leave no empty database behind
        click.echo("nothing ingested; no database created", err=True)
        sys.exit(1)
    if fmt == "json":
        _emit(json.dumps({"schema_version": SCHEMA_VERSION,
                          "added": report.added, "duplicates": report.duplicates,
                          "failed": [str(e) for e in report.errors]}, indent=2), None)
    else:
        click.echo(report.summary())
    click.echo(f"database: {store.path}", err=True)
    if report.errors:
        sys.exit(1)


@main.command()
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--rebuild", is_flag=True, help="Re-cluster and re-corroborate everything.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Processes for extraction and corroboration (default: all cores).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="Run the stages here or on Ray (extra 'ray').")
@click.option("--ray-address", help="Ray cluster to join, e.g. 'auto' or ray://host:10001 "
                                    "(default: start a local Ray).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=None,
              help="Where the inference model runs (default: cpu, or CORROBORATOR_DEVICE; "
                   "auto: cuda when onnxruntime has its CUDA provider).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def analyze(db: str | None, rebuild: bool, workers: int | None, engine: str,
            ray_address: str | None, fmt: str, device: str | None = None) -> None:
    """Extract, dedupe, cluster into stories and corroborate articles not yet analyzed.

    Interrupted runs resume where they stopped. When standard output is not a terminal,
    progress is printed as plain lines on standard error.

    \b
    Examples:
      corroborator analyze --db news.db
      corroborator analyze --db news.db --workers 4
      corroborator analyze --db news.db --engine ray --ray-address auto
      corroborator analyze --db news.db --rebuild
    """
    from corroborator.pipeline import ProgressLines
    from corroborator.pipeline import analyze as run_analyze

    if ray_address and engine != "ray":
        raise CLIError("--ray-address needs --engine ray")
    store = _open(db)
    with _progress() as bar:
        tasks: dict[str, Any] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        plain = not sys.stdout.isatty()
        report = _run(run_analyze, store, rebuild=rebuild, workers=workers, engine=engine,
                      ray_address=ray_address, progress=ProgressLines() if plain else step,
                      device=device)
    if fmt == "json":
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, **report.__dict__}, indent=2,
                              default=str))
    else:
        click.echo(report.summary())
    click.echo(f"database: {store.path}", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--outlet", help="Outlet name for inputs that do not say.")
@click.option("--trained-ner", is_flag=True,
              help="Also run the bundled spaCy NER on ambiguous names (about 2 s to load).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=None,
              help="Where the inference model runs (default: cpu, or CORROBORATOR_DEVICE; "
                   "auto: cuda when onnxruntime has its CUDA provider).")
def compare(inputs: tuple[str, ...], fmt: str, output: str | None, outlet: str | None,
            trained_ner: bool, device: str | None = None) -> None:
    """Compare two or more articles (files or URLs) without any database.

    \b
    Examples:
      corroborator compare a.txt b.txt
      corroborator compare a.txt https://example.org/b.html --format json
      corroborator compare a.txt b.txt --format html -o report.html
    """
    from corroborator.compare import compare as run_compare
    from corroborator.factcheck import match_reviews, reviews_of

    if len(inputs) < 2:
        raise CLIError("compare needs at least two articles")
    result = _run(run_compare, list(inputs), outlet=outlet, trained_ner=trained_ner,
                  device=device)
    data = result.to_dict()
    data["fact_checks"] = match_reviews(data["claim_groups"], reviews_of(result.articles))
    if fmt == "json":  # the renderers are imported per format: only text and HTML need rich
        from corroborator.report import to_json, versioned

        _emit(to_json(versioned(data)), output)
    elif fmt == "html":
        from corroborator.report import comparison_html

        _emit(comparison_html(data), output)
    else:
        from corroborator.report import print_comparison

        _print(print_comparison, data, output)


def _print(printer, data: Any, output: str | None) -> None:
    if output:
        from rich.console import Console

        with open(output, "w", encoding="utf-8") as handle:
            printer(data, Console(file=handle, width=80, no_color=True))
        click.echo(f"wrote {Path(output).resolve()}", err=True)
    else:
        printer(data)


@main.command()
@click.argument("source")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def extract(source: str, fmt: str) -> None:
    """Extract sentences, claims, quotes, entities, numbers and dates from one article.

    \b
    Examples:
      corroborator extract story.txt
      corroborator extract https://example.org/story.html --format json
    """
    from corroborator.api import extraction_dict, extraction_text
    from corroborator.extract import extract as run_extract
    from corroborator.ingest import read_article

    article = _run(read_article, source)
    extraction = _run(run_extract, article)
    for warning in extraction.warnings:
        click.echo(printable(f"warning: {source}: {warning}"), err=True)
    data = {"schema_version": SCHEMA_VERSION, **extraction_dict(extraction)}
    if fmt == "json":
        _emit(json.dumps(data, indent=2, ensure_ascii=False), None)
    else:
        click.echo(printable(extraction_text(article, data)))


@main.command()
@click.argument("words")
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--claims", is_flag=True, help="Search extracted claims instead of articles.")
@click.option("--limit", default=20, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def search(words: str, db: str | None, claims: bool, limit: int, fmt: str) -> None:
    """Full-text search over stored articles (or claims).

    \b
    Examples:
      corroborator search "leaked memo" --db news.db
      corroborator search halvorsen --claims --format json
    """
    from corroborator.views import search_view

    store = _open(db, readonly=True)
    if fmt == "json":  # the same object as /api/search?q=WORDS: articles and claims
        data = _run(search_view, store, words, limit)
        _emit(json.dumps(data, indent=2, ensure_ascii=False), None)
        return
    rows = _run(store.search_claims if claims else store.search_articles, words, limit)
    for r in rows:
        label = r.get("snippet") or r.get("text")
        click.echo(printable(f"{r.get('article_id', r['id'])[:12]}  {r.get('outlet') or '?'}: "
                             f"{r.get('title') or ''}\n    {label}"))
    if not rows:
        click.echo("no matches")


def story_filter_options(command: Any) -> Any:
    """The stories-list filters (the web app's query parameters) as options."""
    options = [
        click.option("--title", "query", help="Only stories with these words in the title."),
        click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
                     help="At least this many independent sources."),
        click.option("--outlet", help="Only stories this outlet covered (exact name)."),
        click.option("--since", help="Last seen on or after this date (YYYY-MM-DD)."),
        click.option("--until", help="First seen on or before this date (YYYY-MM-DD)."),
        click.option("--disputed", is_flag=True, help="Only stories with a disputed claim."),
        click.option("--language", help="Only stories with an article in this language."),
        click.option("--singles", is_flag=True, help="Include one-article stories."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _story_filter(options: dict[str, Any]) -> Any:
    """A StoryFilter from the filter options (one-line error for a bad value)."""
    from corroborator.storylist import StoryFilter

    try:
        return StoryFilter(**{k: options.pop(k) for k in (
            "query", "min_sources", "outlet", "since", "until", "disputed", "language",
            "singles")})
    except ValueError as exc:
        raise CLIError(str(exc)) from exc


@main.command()
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--sort", type=click.Choice(["recent", "size", "disputed"]), default="recent",
              show_default=True)
@click.option("--limit", default=50, show_default=True)
@click.option("--offset", default=0, show_default=True)
@story_filter_options
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def stories(db: str | None, sort: str, limit: int, offset: int, fmt: str,
            **filters: Any) -> None:
    """List stories: sources, outlets, first/last seen, claims and the top dispute.

    One-article stories are left out unless --singles is given.

    \b
    Examples:
      corroborator stories --db news.db
      corroborator stories --sort disputed --disputed --min-sources 3
      corroborator stories --outlet "Daily Ledger" --since 2024-05-01 --format json
    """
    from corroborator.report.text import print_stories
    from corroborator.views import stories_view

    flt = _story_filter(filters)
    store = _open(db, readonly=True)
    data = _run(stories_view, store, sort=sort, limit=limit, offset=offset, flt=flt)
    if fmt == "json":  # the same object as /api/stories
        _emit(json.dumps(data, indent=2, ensure_ascii=False), None)
        return
    if data["skipped"]["total"]:  # articles in no story, said out loud
        from corroborator.coverage import describe_skipped

        click.echo(f"in no story: {describe_skipped(data['skipped'])}", err=True)
    print_stories(data)


@main.command()
@click.argument("story_id")
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
@click.option("-o", "--output", help="Write to this file instead of standard output.")
def story(story_id: str, db: str | None, fmt: str, output: str | None) -> None:
    """Show one story: its articles, claims with status, discrepancies and signals.

    \b
    Examples:
      corroborator story 3f2a9c --db news.db
      corroborator story 3f2a9c --format html -o story.html
    """
    from corroborator.report import print_story, story_html, to_json
    from corroborator.views import story_view

    store = _open(db, readonly=True)
    data = _run(story_view, store, story_id)
    if fmt == "json":
        _emit(to_json(data), output)
    elif fmt == "html":
        _emit(story_html(data), output)
    else:
        _print(print_story, data, output)


@main.command()
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html",
              show_default=True)
@click.option("-o", "--output", help="Where to write (default: report.html for html, "
                                     "standard output for json).")
@click.option("--sort", type=click.Choice(["recent", "size", "disputed"]), default="size",
              show_default=True)
@click.option("--limit", type=click.IntRange(min=1),
              help="At most this many stories (default: every story the filters select).")
@story_filter_options
def report(db: str | None, fmt: str, output: str | None, sort: str, limit: int | None,
           **filters: Any) -> None:
    """Write one report of the stories the filters select: key disputes first.

    The filters are those of ``stories`` and of the web app's stories list; one-article
    stories are left out unless --singles is given.

    \b
    Examples:
      corroborator report --db news.db -o report.html
      corroborator report --db news.db --disputed --since 2024-05-01 -o today.html
      corroborator report --db news.db --format json > report.json
    """
    from corroborator.report import build_report, report_html, to_json

    flt = _story_filter(filters)
    store = _open(db, readonly=True)
    data = _run(build_report, store, limit=limit, flt=flt, sort=sort)
    if fmt == "json":
        _emit(to_json(data), output)
        return
    output = output or "report.html"
    Path(output).write_text(report_html(data), encoding="utf-8")
    click.echo(f"{len(data['stories'])} stories; wrote {Path(output).resolve()}", err=True)


@main.command()
@click.argument("name", required=False)
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def outlet(name: str | None, db: str | None, fmt: str) -> None:
    """One outlet: its stories, its claims others corroborate or dispute (with the
    sentences), what it alone reported, its sourcing by month. Without NAME: every outlet.

    Descriptive counts with their evidence, never a score.

    \b
    Examples:
      corroborator outlet --db news.db
      corroborator outlet "Daily Ledger" --db news.db
      corroborator outlet "Daily Ledger" --format json
    """
    from corroborator.outlets import outlet_view, outlets_view
    from corroborator.report import print_outlet, print_outlets

    store = _open(db, readonly=True)
    data = _run(outlet_view, store, name) if name else _run(outlets_view, store)
    if fmt == "json":  # the same object as /api/outlets[/NAME]
        _emit(json.dumps(data, indent=2, ensure_ascii=False), None)
    else:
        (print_outlet if name else print_outlets)(data)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--every", default="15m", show_default=True,
              help="Time between polls: 90s, 15m, 1h.")
@click.option("--alerts", "alerts_path", type=click.Path(dir_okay=False),
              help="Also append each alert to this JSONL file.")
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option("--timeout", default=10.0, show_default=True, help="Total seconds per URL.")
@click.option("--max-items", default=200, show_default=True,
              help="Most new articles taken from one source per poll.")
@click.option("--ignore-robots", is_flag=True, help="Skip robots.txt (your own feeds only).")
@click.option("--workers", type=click.IntRange(min=1), help="Processes for analysis.")
@click.option("--follow-links", is_flag=True,
              help="Fetch the page each new feed entry links to (e.g. a fact-check).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def watch(sources: tuple[str, ...], db: str | None, every: str, alerts_path: str | None,
          once: bool, timeout: float, max_items: int, ignore_robots: bool,
          workers: int | None, follow_links: bool, fmt: str) -> None:
    """Poll feeds, pages and folders; ingest, analyze and alert on what changed.

    Each poll reports new stories, claims newly disputed or corroborated and new
    conflicts of detail, each once (remembered in the database across restarts).
    Ctrl-C stops after the current poll; a second Ctrl-C stops at once.

    \b
    Examples:
      corroborator watch https://example.org/feed.xml inbox/ --db news.db
      corroborator watch https://a.example/rss inbox/ --every 5m --alerts alerts.jsonl
      corroborator watch https://example.org/feed.xml --once --format json
    """
    import signal
    import threading

    from corroborator.watch import WatchOptions, append_alerts, parse_every
    from corroborator.watch import watch as run_watch

    try:
        seconds = parse_every(every)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    store = _open(db, create=True)
    stop = threading.Event()
    options = WatchOptions(timeout=timeout, max_items=max_items,
                           respect_robots=not ignore_robots, workers=workers,
                           follow_links=follow_links)

    def report(result: Any) -> None:
        for error in result.errors:
            click.echo(f"error: {printable(error)}", err=True)
        if alerts_path:
            append_alerts(alerts_path, result.alerts)
        for alert in result.alerts:
            click.echo(printable_json(json.dumps(alert.to_dict(), ensure_ascii=False))
                       if fmt == "json" else printable(f"[{alert.kind}] {alert.title}"))
        click.echo(result.summary(), err=True)

    def interrupt(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.echo("stopping after this poll (Ctrl-C again to stop now)", err=True)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        _run(run_watch, store, list(sources), every=seconds, once=once, options=options,
             on_poll=report, stop=stop)
    finally:
        signal.signal(signal.SIGINT, previous)
        store.close()


@main.command(name="export")
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--what", type=click.Choice(["articles", "claims", "stances", "discrepancies",
                                           "stories"]), required=True, help="Which table.")
@click.option("--story", help="Only this story (id or unique prefix).")
@click.option("--outlet", help="Only this outlet (exact name).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]),
              help="File format (default: from the file's extension).")
@click.option("-o", "--output", required=True, help="File to write.")
def export_command(db: str | None, what: str, story: str | None, outlet: str | None,
                   fmt: str | None, output: str) -> None:
    """Export articles, claims, stances, discrepancies or stories, streaming.

    \b
    Examples:
      corroborator export --what stances --format csv -o stances.csv --db news.db
      corroborator export --what claims --story 3f2a -o claims.jsonl
      corroborator export --what articles --outlet "Daily Ledger" -o ledger.parquet
    """
    from corroborator.export import export

    store = _open(db, readonly=True)
    count = _run(export, store, what, output, fmt=fmt, story=story, outlet=outlet)
    click.echo(f"{count} {what if count != 1 else what.rstrip('s')}; wrote "
               f"{Path(output).resolve()}", err=True)


@main.command(name="datasette-metadata")
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("-o", "--output", help="Where to write (default: <db>.metadata.json beside it).")
def datasette_metadata_command(db: str | None, output: str | None) -> None:
    """Write datasette metadata: titles, descriptions, licences, internal tables hidden.

    \b
    Example:
      corroborator datasette-metadata --db news.db
      datasette news.db --metadata news.metadata.json
    """
    from corroborator.store.datasette import write_metadata

    path = Path(db) if db else None
    store = _open(db, readonly=True)
    written = _run(write_metadata, path or store.path, output)
    store.close()
    click.echo(f"wrote {written.resolve()}", err=True)


@main.command()
@click.argument("claim")
@click.argument("inputs", nargs=-1)
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--story", "story_id", help="With --db: only this story's articles.")
@click.option("--all", "show_all", is_flag=True,
              help="Also list the articles that do not speak to the claim.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Show at most N articles (the most relevant).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def check(claim: str, inputs: tuple[str, ...], db: str | None, story_id: str | None,
          show_all: bool, limit: int | None, fmt: str) -> None:
    """Each article's stance toward one claim, with the evidence sentence and probability,
    most relevant first; articles that do not speak to the claim are hidden unless --all.

    \b
    Examples:
      corroborator check "The letter was a draft" a.txt b.html
      corroborator check "The plant will close" --db news.db --story 3f2a --limit 10
      corroborator check "..." a.txt --all --format json
    """
    from corroborator.api import check_claim_dict, check_claim_text, run_check
    from corroborator.factcheck import reviews_for_claim, stored_reviews
    from corroborator.report import versioned

    if not inputs and not db:
        raise CLIError("check needs articles (files or URLs) or --db")
    store = _open(db, readonly=True) if db and not inputs else None
    data = _run(run_check, claim, list(inputs), store=store, story_id=story_id,
                show_all=show_all, limit=limit)
    for warning in data.pop("warnings", []):
        click.echo(printable(f"warning: {warning}"), err=True)
    checks = reviews_for_claim(claim, stored_reviews(store) if store else
                               _reviews_in_files(inputs))
    if fmt == "json":
        _emit(json.dumps(versioned(check_claim_dict(data)) | {"fact_checks": checks},
                         indent=2, ensure_ascii=False), None)
        return
    click.echo(printable(check_claim_text(data)))
    for match in checks:
        r = match["review"]
        click.echo(printable(f"\nFact-check: rated “{r['rating'] or 'no rating'}” ({r['verdict']})"
                   f"{' by ' + r['reviewer'] if r.get('reviewer') else ''}"
                   f"{'  ' + r['url'] if r.get('url') else ''}\n          “{r['claim']}”"))


def _reviews_in_files(inputs: tuple[str, ...]) -> list[dict[str, Any]]:
    """Fact-checks in the local HTML files among `inputs` (URLs are not fetched twice)."""
    from corroborator.errors import InputError
    from corroborator.factcheck import reviews_of
    from corroborator.ingest import read_article

    articles = []
    for item in inputs:
        if Path(item).is_file() and item.lower().endswith((".html", ".htm")):
            try:
                articles.append(read_article(item))
            except InputError:
                continue
    return reviews_of(articles)


@main.group(name="eval")
def evaluate() -> None:
    """Evaluate clustering or stance against gold labels."""


@evaluate.command(name="clusters")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def eval_clusters(path: str, fmt: str) -> None:
    """Score story clustering on a JSONL file with a gold `story` key per article.

    \b
    Example:
      corroborator eval clusters bench/out/fnc1_stories.jsonl --format json
    """
    from corroborator.evaluation.clusters import evaluate_clusters

    _report(_run(evaluate_clusters, path), fmt)


@evaluate.command(name="stance")
@click.argument("stances", type=click.Path())
@click.argument("bodies", type=click.Path())
@click.option("--predictions", type=click.Path(), help="Write predictions (FNC-1 layout).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def eval_stance(stances: str, bodies: str, predictions: str | None, fmt: str) -> None:
    """Score the stance model on an FNC-1-format pair of CSV files.

    \b
    Example:
      corroborator eval stance stances.csv bodies.csv --format json
    """
    from corroborator.evaluation.stance import evaluate_stance

    _report(_run(evaluate_stance, stances, bodies, predictions_out=predictions), fmt)
    if predictions:
        click.echo(f"wrote {Path(predictions).resolve()}", err=True)


@evaluate.command(name="nli")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def eval_nli(path: str, fmt: str) -> None:
    """Score the sentence-pair inference model on a JSONL file of
    {"premise", "hypothesis", "label"} lines (3-way, or 2-way entailment vs not).

    \b
    Example:
      corroborator eval nli ../shared/data/nli/rte_pascal_rte3/dev.jsonl --format json
    """
    from corroborator.evaluation.nli import evaluate_nli

    _report(_run(evaluate_nli, path), fmt)


def _report(result: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        click.echo(f"{key:>22}: {value}")


@main.command()
@click.option("--db", envvar="CORROBORATOR_DB", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--get", "get_path", help="Print one page (e.g. /api/stories) and exit.")
def serve(db: str | None, host: str, port: int, get_path: str | None) -> None:
    """Browse stories, the coverage matrix and side-by-side comparisons in a local web app.

    \b
    Examples:
      corroborator serve --db news.db
      corroborator serve --db news.db --get /api/stories
    """
    from corroborator.store import default_db_path

    path = Path(db) if db else default_db_path()
    try:
        from corroborator import web
    except ImportError as exc:
        from corroborator.errors import install_hint

        raise CLIError(f"corroborator serve needs the 'web' extra: {install_hint('web')}") \
            from exc
    if path.exists():
        _open(str(path), readonly=True).close()  # upgrade an older schema before serving
    if get_path:
        status, body = _run(web.get_page, path, get_path)
        _emit(body, None)
        if status >= 400:
            sys.exit(1)
        return
    _run(web.serve, path, host=host, port=port)


if __name__ == "__main__":
    main()
