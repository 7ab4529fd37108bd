#!/usr/bin/env python3
"""Screenshot Odoo pages in headless Chromium, logged in, in a given language.

Development aid: look at back-office views and portal pages as a user sees
them. Needs the ``playwright`` Python package (no browser download: it drives
the system Chromium) and a running Odoo server.

    python tools/screenshot.py --url http://localhost:8069 --db rf_dev \
        --lang fr_FR --out var/shots/partner.png \
        "/odoo/action-base.action_partner_form/7"

Options: ``--login``/``--password`` (default admin/admin), ``--no-login`` for
portal pages with an access token, ``--width``/``--height``, ``--click
SELECTOR`` (repeatable, clicked in order after load, e.g. a notebook tab),
``--wait SELECTOR`` to wait for before the shot, ``--full`` for the full page.
The user's language is switched to ``--lang`` before the shot.
"""

import argparse
import json
import sys
import urllib.request

from playwright.sync_api import sync_playwright


def rpc(base, path, params, cookies=None):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}
        ).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Cookie": cookies} if cookies else {}),
        },
    )
    with urllib.request.urlopen(request) as response:
        payload = json.loads(response.read())
        if payload.get("error"):
            raise SystemExit(json.dumps(payload["error"], indent=1)[:2000])
        return payload["result"], response.headers.get("Set-Cookie")


def settle(page):
    """Wait until the web client has rendered and stopped loading."""
    page.wait_for_timeout(500)
    try:
        page.wait_for_selector(
            ".o_loading_indicator, .o_blockUI", state="detached", timeout=15000
        )
    except Exception:  # noqa: BLE001 - a slow page still gets its screenshot
        pass
    page.wait_for_timeout(1200)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", default="en_US")
    parser.add_argument("--out", required=True)
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--click", action="append", default=[])
    parser.add_argument("--wait")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--no-login", action="store_true")
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height}
        )
        page = context.new_page()
        if not args.no_login:
            page.goto(f"{args.url}/web/login?db={args.db}")
            page.fill("input[name=login]", args.login)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/web/login" not in url)
            page.evaluate(
                """async (lang) => {
                    const call = (model, method, args, kwargs) => fetch('/web/dataset/call_kw', {
                        method: 'POST', headers: {'Content-Type': 'application/json'},
                        body: JSON.stringify({jsonrpc: '2.0', method: 'call', params: {
                            model, method, args, kwargs: kwargs || {}}})}).then(r => r.json());
                    const langs = await call('res.lang', 'search_read',
                        [[['code', '=', lang], ['active', 'in', [true, false]]]], {fields: ['active']});
                    if (langs.result && langs.result.length && !langs.result[0].active) {
                        await call('res.lang', 'write', [[langs.result[0].id], {active: true}]);
                    }
                    const me = await call('res.users', 'search', [[['login', '=', '%s']]]);
                    await call('res.users', 'write', [me.result, {lang}]);
                }""".replace("%s", args.login),
                args.lang,
            )
        # Odoo keeps a long-polling request open: "network idle" never comes.
        page.goto(args.url + args.path, wait_until="load")
        settle(page)
        for selector in args.click:
            page.click(selector)
            settle(page)
        if args.wait:
            page.wait_for_selector(args.wait)
            settle(page)
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()
    print(args.out)


if __name__ == "__main__":
    sys.exit(main())
