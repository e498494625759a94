"""The `newswatch` command line. The only place errors become exit codes."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

import click

from watcher.config import DEFAULT_CONFIG, LoadedConfig, load_config
from watcher.errors import ConfigError, ServiceError
from watcher.logs import configure_logging


class Context:
    def __init__(self, config_path: str, log_level: str) -> None:
        self.config_path = config_path
        self.log_level = log_level

    def load(self) -> LoadedConfig:
        try:
            return load_config(self.config_path)
        except ConfigError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="NEWSWATCH_CONFIG",
    default=DEFAULT_CONFIG,
    show_default=True,
    help="Config file (or set NEWSWATCH_CONFIG).",
)
@click.option("--log-level", default="info", show_default=True)
@click.pass_context
def main(ctx: click.Context, config_path: str, log_level: str) -> None:
    """newswatch: watch news feeds for people and topics, send digests."""
    # One-off commands print results on stdout, so their logs go to stderr; `run` logs
    # to stdout (one JSON object per line when not on a terminal).
    configure_logging(log_level, stream=sys.stderr)
    ctx.obj = Context(config_path, log_level)


@main.command()
@click.pass_obj
def check(obj: Context) -> None:
    """Validate the config; print every problem and exit 1 if there are any."""
    c = obj.load().config
    click.echo(
        f"{obj.config_path}: ok ({len(c.feeds)} feeds, {len(c.rules)} rules, "
        f"{len(c.digests)} digests)"
    )


@main.command()
@click.pass_obj
def run(obj: Context) -> None:
    """Run the service until SIGTERM or SIGINT."""
    from watcher.service import Service

    configure_logging(obj.log_level, stream=sys.stdout)
    loaded = obj.load()

    async def serve() -> None:
        service = Service(loaded)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, service.stop)
        await service.run()

    try:
        asyncio.run(serve())
    except ServiceError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print matches as JSON lines.")
@click.option("--deliver", is_flag=True, help="Also send digests of what matched.")
@click.pass_obj
def once(obj: Context, as_json: bool, deliver: bool) -> None:
    """Poll every feed once and print the new matches."""
    from watcher.oneshot import poll_once

    loaded = obj.load()
    reports = asyncio.run(poll_once(loaded.config, deliver=deliver, progress=sys.stderr.isatty()))
    for report in reports:
        for match in report.matches:
            if as_json:
                click.echo(json.dumps(match, ensure_ascii=False))
            else:
                click.echo(f"[{match['rule']}] {match['title']}  ({match['feed']})  {match['url']}")
    if not as_json:
        failed = [r for r in reports if r.error]
        click.echo(
            f"{len(reports)} feeds polled, {sum(len(r.matches) for r in reports)} new matches, "
            f"{len(failed)} failed",
            err=True,
        )
        for r in failed:
            click.echo(f"  {r.feed_url}: {r.error}", err=True)


@main.command()
@click.pass_obj
def feeds(obj: Context) -> None:
    """Show every feed's health."""
    from watcher.reports import feed_table

    click.echo(feed_table(obj.load().config))


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: Context) -> None:
    """Apply pending migrations."""
    from watcher.storage import Database

    database = Database(obj.load().config.database)
    database.upgrade()
    click.echo("database is up to date")


@main.group()
def digest() -> None:
    """Preview or send a digest now."""


@digest.command("preview")
@click.argument("digest_id")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def digest_preview(obj: Context, digest_id: str, html_path: Path | None) -> None:
    """Show what digest DIGEST_ID would send now, without sending or claiming anything."""
    from notifier import render_html, render_text
    from watcher.oneshot import preview_digest

    config = obj.load().config
    found = _digest_or_exit(config, digest_id)
    preview = preview_digest(config, found)
    click.echo(render_text(preview))
    if html_path:
        html_path.write_text(render_html(preview), encoding="utf-8")
        click.echo(f"HTML written to {html_path}", err=True)


@digest.command("send")
@click.argument("digest_id")
@click.pass_obj
def digest_send(obj: Context, digest_id: str) -> None:
    """Send digest DIGEST_ID now with everything pending for it."""
    from watcher.oneshot import send_digest_now

    config = obj.load().config
    statuses = asyncio.run(send_digest_now(config, _digest_or_exit(config, digest_id)))
    if not statuses:
        click.echo("nothing to send")
    for key, status in statuses.items():
        click.echo(f"{key}: {status}")
    if any(s != "sent" for s in statuses.values()):
        sys.exit(1)


@main.command("test-rule")
@click.argument("query")
@click.option("--text", help="Match against this text.")
@click.option("--items", "items_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--feed", "feed_url", help="Fetch this feed and match its items.")
@click.pass_obj
def test_rule(
    obj: Context, query: str, text: str | None, items_path: str | None, feed_url: str | None
) -> None:
    """Try QUERY against a text, a JSONL items file (with labels: precision/recall) or a feed."""
    from rules import QuerySyntaxError
    from watcher.ruletest import run_rule_test

    if sum(x is not None for x in (text, items_path, feed_url)) != 1:
        raise click.UsageError("give exactly one of --text, --items, --feed")
    try:
        lines: list[Any] = run_rule_test(query, text=text, items_path=items_path, feed_url=feed_url)
    except QuerySyntaxError as exc:
        click.echo(f"query error: {exc}", err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)


@main.command()
@click.option("--since", default="7d", show_default=True, help="A duration, or 'all'.")
@click.pass_obj
def backtest(obj: Context, since: str) -> None:
    """Rerun the current rules over stored items: what would now be sent, and not."""
    from notifier.config import parse_duration
    from watcher.backtest import backtest as run_backtest

    try:
        window = None if since == "all" else parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    report = run_backtest(obj.load().config, window)
    for line in report.lines():
        click.echo(line)


@main.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print entities and rules as JSON.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--merge",
    "merge_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add the rules to this config, keeping the rest and its comments.",
)
def seed(article: str, as_json: bool, out_path: Path | None, merge_path: Path | None) -> None:
    """Propose watch rules from ARTICLE (a text or HTML file, or an http(s) URL)."""
    import seeds

    try:
        profile = seeds.seed(article)
    except seeds.SeedError as exc:
        click.echo(f"newswatch seed: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(profile.to_json())
    else:
        click.echo(seeds.render_rules_yaml(profile))
    if out_path:
        seeds.write_rules(profile, out_path)
        click.echo(f"rules written to {out_path}", err=True)
    if merge_path:
        try:
            changed = seeds.merge_rules(profile, merge_path)
        except seeds.SeedError as exc:
            click.echo(f"newswatch seed: {exc}", err=True)
            sys.exit(1)
        click.echo(f"merged into {merge_path}: {', '.join(changed)}", err=True)


def _digest_or_exit(config: Any, digest_id: str) -> Any:
    try:
        return config.digest(digest_id)
    except KeyError:
        known = ", ".join(d.id for d in config.digests) or "none"
        click.echo(f"no digest {digest_id!r} in the config (known: {known})", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
