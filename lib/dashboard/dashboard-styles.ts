/**
 * The dashboard's stylesheet, served as `/admin/assets/app.css` (a file, not inline, so the
 * Content-Security-Policy can forbid inline styles).
 */
export const DASHBOARD_CSS = `
:root { --fg: #1d2330; --muted: #667085; --line: #d9dee7; --bg: #f6f7f9; --panel: #fff; --accent: #2357d9;
  --ok: #137333; --ok-bg: #e6f4ea; --warn: #8a5a00; --warn-bg: #fdf1d6; --bad: #b3261e; --bad-bg: #fce8e6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 16px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 0 0 10px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef1f5; padding: 1px 4px; border-radius: 3px; }
.topbar { display: flex; align-items: center; gap: 18px; padding: 0 20px; height: 48px; background: #1d2330; color: #fff; }
.topbar .brand { font-size: 15px; letter-spacing: .3px; }
.topbar nav { display: flex; gap: 4px; flex: 1; }
.topbar nav a { color: #c9d1e0; text-decoration: none; padding: 6px 10px; border-radius: 4px; }
.topbar nav a.active, .topbar nav a:hover { background: #34405a; color: #fff; }
.topbar .who { color: #c9d1e0; }
main { padding: 20px; max-width: 1500px; }
.login-page { display: flex; justify-content: center; padding-top: 12vh; max-width: none; }
.login { width: 320px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 24px; display: flex; flex-direction: column; gap: 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin: 12px 0; }
.form .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px 14px; }
.field { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
.field.check { flex-direction: row-reverse; justify-content: flex-end; align-items: center; gap: 6px; color: var(--fg); }
.field small { color: var(--muted); }
input, select { font: inherit; color: var(--fg); padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; min-width: 0; }
input[type=checkbox] { width: 16px; height: 16px; }
button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button:disabled { opacity: .55; cursor: default; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button.small { padding: 2px 8px; font-size: 12px; margin: 1px 2px; }
button.selected { background: #1a3f9e; }
button.link { background: none; border: none; color: inherit; font-size: 16px; padding: 0 4px; }
.topbar button.secondary { background: transparent; color: #fff; border-color: #5b6785; }
.actions { display: flex; gap: 8px; margin-top: 12px; align-items: center; }
.toolbar { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 12px; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfc; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; min-width: 220px; }
tr.selected td { background: #f0f4ff; }
tr.empty td { color: var(--muted); text-align: center; }
tr:last-child td { border-bottom: none; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; background: #eef1f5; color: var(--muted); }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.notice { margin: 12px 20px 0; padding: 8px 12px; border-radius: 4px; display: flex; justify-content: space-between; max-width: 1460px; }
.notice[hidden] { display: none; }
.notice.ok { background: var(--ok-bg); color: var(--ok); }
.notice.info { background: #e8eefc; color: #1a3f9e; }
.notice.error { background: var(--bad-bg); color: var(--bad); }
.error { color: var(--bad); }
.info { color: #1a3f9e; }
.muted { color: var(--muted); }
.secret-panel { border-color: #e0b64c; background: #fffaf0; }
.secret-row { display: flex; gap: 8px; margin-bottom: 10px; }
.secret-row input { flex: 1; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
.card .label { font-size: 12px; color: var(--muted); }
.card .value { font-size: 22px; font-weight: 600; margin-top: 2px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.chart .canvas-box { position: relative; height: 240px; }
.segmented { display: inline-flex; border: 1px solid var(--accent); border-radius: 4px; overflow: hidden; }
.segmented button { border: none; border-radius: 0; background: #fff; color: var(--accent); margin: 0; }
.segmented button.active { background: var(--accent); color: #fff; }
.details td { background: #fafbfc; white-space: normal; }
`;
