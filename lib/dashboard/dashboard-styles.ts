/**
 * The dashboard's stylesheet, served as `/admin/assets/app.css` (a file, not inline, so the
 * Content-Security-Policy can forbid inline styles). Light and dark colours follow the system
 * (`prefers-color-scheme`); below 800 px the top bar wraps and the menu scrolls sideways, so
 * every view and Log out stay reachable down to 390 px. Tables scroll inside their box with the
 * name column (`sticky-start`) and the action column (`sticky-end`) kept in view.
 */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark;
  --fg: #1d2330; --muted: #5f6b7f; --line: #d9dee7; --bg: #f6f7f9; --panel: #fff; --panel-alt: #fafbfc; --accent: #2357d9; --accent-strong: #1a3f9e;
  --input-bg: #fff; --code-bg: #eef1f5; --selected: #eef3ff; --bar: #1d2330; --bar-fg: #c9d1e0; --bar-active: #34405a;
  --ok: #137333; --ok-bg: #e6f4ea; --warn: #8a5a00; --warn-bg: #fdf1d6; --bad: #b3261e; --bad-bg: #fce8e6; --info-bg: #e8eefc;
  --secret-bg: #fffaf0; --secret-line: #e0b64c; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e3e7ee; --muted: #9aa5b8; --line: #313a4a; --bg: #11151c; --panel: #1a202a; --panel-alt: #202734; --accent: #6d9bff; --accent-strong: #9dbcff;
    --input-bg: #11151c; --code-bg: #262e3c; --selected: #22304a; --bar: #0b0e13; --bar-fg: #b8c2d4; --bar-active: #27324a;
    --ok: #6fd08c; --ok-bg: #173324; --warn: #f0c062; --warn-bg: #3a2e12; --bad: #ff8a80; --bad-bg: #3b1b1b; --info-bg: #1c2740;
    --secret-bg: #2a2414; --secret-line: #8a6d1c; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
h1 { font-size: 20px; margin: 0 0 16px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 0 0 10px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code-bg); padding: 1px 4px; border-radius: 3px; }
.topbar { display: flex; align-items: center; gap: 14px; padding: 0 16px; min-height: 48px; background: var(--bar); color: #fff; }
.topbar .brand { font-size: 15px; letter-spacing: .3px; }
.topbar nav { display: flex; gap: 2px; flex: 1; min-width: 0; overflow-x: auto; scrollbar-width: thin; }
.topbar nav a { color: var(--bar-fg); text-decoration: none; padding: 6px 9px; border-radius: 4px; white-space: nowrap; }
.topbar nav a.active, .topbar nav a:hover { background: var(--bar-active); color: #fff; }
.topbar-end { display: flex; align-items: center; gap: 10px; flex-shrink: 0; }
.topbar .who { color: var(--bar-fg); text-decoration: none; max-width: 14ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.topbar .who:hover { color: #fff; text-decoration: underline; }
.topbar select.language { background: transparent; color: var(--bar-fg); border-color: #4a5570; padding: 3px 4px; }
.topbar select.language option { color: #1d2330; background: #fff; }
.topbar button.secondary { background: transparent; color: #fff; border-color: #5b6785; white-space: nowrap; }
main { padding: 20px; max-width: 1500px; }
.login-page { display: flex; justify-content: center; padding: 12vh 16px 0; max-width: none; }
.login { width: 340px; max-width: 100%; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 24px; display: flex; flex-direction: column; gap: 12px; }
.login-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 8px; }
.login-head h1 { margin: 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin: 12px 0; }
.form .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px 14px; }
.field { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); min-width: 0; }
.field.wide { grid-column: 1 / -1; }
.field.check { flex-direction: row-reverse; justify-content: flex-end; align-items: center; gap: 6px; color: var(--fg); }
.field small { color: var(--muted); }
textarea { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--fg); padding: 6px 8px; border: 1px solid var(--line); border-radius: 4px; background: var(--input-bg); resize: vertical; }
input, select { font: inherit; color: var(--fg); padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; background: var(--input-bg); min-width: 0; }
input[type=checkbox] { width: 16px; height: 16px; flex-shrink: 0; accent-color: var(--accent); }
.choices { border: 1px solid var(--line); border-radius: 4px; padding: 6px; background: var(--input-bg); }
.choice-filter { width: 100%; margin-bottom: 6px; }
.choice-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 2px 12px; max-height: 180px; overflow-y: auto; }
.choice { display: flex; align-items: center; gap: 6px; color: var(--fg); font-size: 13px; overflow-wrap: anywhere; }
.choice[hidden] { display: none; }
button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
@media (prefers-color-scheme: dark) { button { color: #0b0e13; } }
button:disabled { opacity: .55; cursor: default; }
button.secondary { background: var(--panel); color: var(--accent); }
button.danger { background: var(--panel); color: var(--bad); border-color: var(--bad); }
button.small { padding: 2px 8px; font-size: 12px; margin: 1px 2px; }
button.selected { background: var(--accent-strong); border-color: var(--accent-strong); }
button.link { background: none; border: none; color: inherit; font-size: 16px; padding: 0 4px; }
.actions { display: flex; gap: 8px; margin-top: 12px; align-items: center; flex-wrap: wrap; }
.view > .actions { margin-bottom: 12px; }
.toolbar { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 12px; }
.filters .field { flex: 0 1 175px; }
.filters .field.check { flex: 0 0 auto; padding-bottom: 6px; }
.filter-actions { display: flex; gap: 8px; flex-wrap: wrap; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; background: var(--panel); }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--panel-alt); }
table.compact th, table.compact td { padding: 5px 7px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; min-width: 200px; overflow-wrap: anywhere; }
.sticky-start { position: sticky; left: 0; z-index: 1; box-shadow: 1px 0 0 var(--line); }
.sticky-end { position: sticky; right: 0; z-index: 1; box-shadow: -1px 0 0 var(--line); }
tr.selected td { background: var(--selected); }
tr.log-row { cursor: pointer; }
tr.log-row:hover td { background: var(--selected); }
tr.empty td { color: var(--muted); text-align: center; white-space: normal; }
tr:last-child td { border-bottom: none; }
.failover { color: var(--warn); }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; background: var(--code-bg); color: var(--muted); }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.notice { margin: 12px 20px 0; padding: 8px 12px; border-radius: 4px; display: flex; justify-content: space-between; gap: 8px; max-width: 1460px; }
.notice[hidden] { display: none; }
.notice.ok { background: var(--ok-bg); color: var(--ok); }
.notice.info { background: var(--info-bg); color: var(--accent-strong); }
.notice.error { background: var(--bad-bg); color: var(--bad); }
.error { color: var(--bad); }
.info { color: var(--accent-strong); }
.muted { color: var(--muted); }
.small-text { font-size: 12px; white-space: normal; }
.unavailable { color: var(--muted); border-style: dashed; }
.secret-panel { border-color: var(--secret-line); background: var(--secret-bg); }
.secret-row { display: flex; gap: 8px; margin-bottom: 10px; }
.secret-row input { flex: 1; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; min-width: 0; }
.card .label { font-size: 12px; color: var(--muted); }
.card .value { font-size: 20px; font-weight: 600; margin-top: 2px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card .value.long { font-size: 15px; }
.card .hint { font-size: 11px; color: var(--muted); margin-top: 2px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; margin-top: 16px; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; min-width: 0; }
.chart .canvas-box { position: relative; height: 240px; }
.segmented { display: inline-flex; border: 1px solid var(--accent); border-radius: 4px; overflow: hidden; flex-wrap: wrap; }
.segmented button { border: none; border-radius: 0; background: var(--panel); color: var(--accent); margin: 0; }
.segmented button.active { background: var(--accent); color: #fff; }
@media (prefers-color-scheme: dark) { .segmented button.active { color: #0b0e13; } }
.details td { background: var(--panel-alt); white-space: normal; }
@media (max-width: 800px) {
  .topbar { flex-wrap: wrap; gap: 6px 10px; padding: 6px 12px; }
  .topbar .brand { order: 1; }
  .topbar-end { order: 2; margin-left: auto; }
  .topbar nav { order: 3; flex-basis: 100%; padding-bottom: 4px; }
  main { padding: 14px 12px; }
  .notice { margin: 10px 12px 0; }
  .charts { grid-template-columns: 1fr; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .card .value { font-size: 18px; }
  .form .fields { grid-template-columns: 1fr; }
  .toolbar { gap: 8px; }
  .filters .field { flex: 1 1 140px; }
  /* Name and actions stay in view, but leave room for the columns between them. */
  .sticky-start { max-width: 40vw; overflow: hidden; text-overflow: ellipsis; }
  td.sticky-end { white-space: normal; min-width: 96px; max-width: 42vw; }
  td.sticky-end button.small { margin: 1px; }
}
`;
