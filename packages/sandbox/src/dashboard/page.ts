// The dashboard's page and style sheet: served as they are, no build step and no other host
// (system fonts, no CDN). The script is ./client.ts.

/** The page at `GET /`: a shell the script fills from `/sandbox/dashboard/events`. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wxpay sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/dashboard/style.css">
<script type="module" src="/sandbox/dashboard/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header>
<h1>wxpay sandbox</h1>
<nav aria-label="Sections">
<ul>
<li><a id="nav-orders" href="#/orders">Orders and refunds</a></li>
<li><a id="nav-notifications" href="#/notifications">Notifications</a></li>
<li><a id="nav-merchant" href="#/merchant">Merchant and platform</a></li>
</ul>
</nav>
<p id="connection" class="connection">Connecting…</p>
</header>
<p id="message" class="message" role="status" tabindex="-1"></p>
<main id="main" tabindex="-1"><p>Loading…</p></main>
<footer><p>A local stand-in for WeChat Pay (@wxpay/sandbox): nothing here moves real money.
Sandbox time: <span id="now"></span></p></footer>
</body>
</html>
`

/** Readable from 320 px up; system fonts only; visible focus everywhere. */
export const DASHBOARD_CSS = `:root {
  color-scheme: light;
  --fg: #1d2430; --muted: #5b6472; --bg: #ffffff; --panel: #f4f6f8; --line: #d5dae1;
  --accent: #07883b; --accent-fg: #ffffff; --bad: #b3261e; --warn: #8a5a00; --focus: #1a56db;
  font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  font-size: 16px; line-height: 1.5; color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; overflow-wrap: break-word; }
header, main, footer, .message { padding: 0 1rem; max-width: 72rem; margin: 0 auto; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 1.5rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.25rem; margin: .75rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav a { display: inline-block; padding: .5rem 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
a { color: #0b57d0; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main:focus, .message:focus { outline: none; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .25rem .5rem; z-index: 1; }
.connection { color: var(--muted); margin: .5rem 0; font-size: .875rem; }
.message:empty { display: none; }
.message { background: #e8f5ec; border-left: 4px solid var(--accent); padding: .5rem 1rem; margin: 1rem auto; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: .875rem; border-top: 1px solid var(--line); margin-top: 2rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .875rem; }
code { overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; color: var(--muted); font-size: .875rem; padding-bottom: .25rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { display: inline-block; font-weight: 600; font-size: .8125rem; padding: 0 .4rem; border-radius: .25rem; border: 1px solid currentColor; }
.state-SUCCESS, .state-acknowledged, .ok { color: var(--accent); }
.state-PAYERROR, .state-CLOSED, .state-ABNORMAL, .state-failed, .bad { color: var(--bad); }
.state-NOTPAY, .state-USERPAYING, .state-PROCESSING, .state-waiting, .state-sending, .state-REFUND { color: var(--warn); }
.desc, .muted { color: var(--muted); }
button { font: inherit; padding: .5rem 1rem; border-radius: .375rem; border: 1px solid var(--line); background: var(--panel); color: var(--fg); cursor: pointer; min-height: 2.75rem; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); font-weight: 600; }
button:disabled { cursor: not-allowed; opacity: .55; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
label { font-weight: 500; }
select, input[type="number"] { font: inherit; padding: .375rem .5rem; min-height: 2.75rem; border: 1px solid var(--line); border-radius: .375rem; background: var(--bg); color: var(--fg); }
input[type="checkbox"] { width: 1.25rem; height: 1.25rem; vertical-align: middle; margin-right: .5rem; }
fieldset { border: 1px solid var(--line); border-radius: .375rem; margin: 1rem 0; padding: .5rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.switch { display: block; padding: .35rem 0; }
.field { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; padding: .35rem 0; }
.field label { min-width: 12rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
time { white-space: nowrap; }
.cashier { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.cashier > * { flex: 1 1 18rem; min-width: 0; }
figure { margin: 0; }
figure img { width: 220px; max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
figcaption { font-size: .875rem; color: var(--muted); }
article.delivery { border: 1px solid var(--line); border-radius: .375rem; padding: 0 1rem; margin: 1rem 0; }
.reply { white-space: pre-wrap; overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  header, main, footer { padding: 0 .75rem; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: .5rem; }
  .field label { min-width: 0; }
  table.stack thead { position: absolute; left: -9999px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border: 1px solid var(--line); border-radius: .375rem; margin-bottom: .5rem; padding: .25rem 0; }
  table.stack td { border: 0; padding: .15rem .5rem; text-align: left; }
  table.stack td::before { content: attr(data-label) ": "; color: var(--muted); font-weight: 600; }
  button { width: 100%; }
}
`
