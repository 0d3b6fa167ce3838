/** The static parts of /docs besides its script: the HTML shell and its stylesheet. */

export const REFERENCE_PAGE_CSS = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; }
#filter { padding: .4rem; min-width: 16rem; }
.operation { border: 1px solid #8884; border-radius: 6px; margin: .4rem 0; padding: .3rem .6rem; }
.operation summary { cursor: pointer; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
.method { font-weight: 700; font-family: monospace; min-width: 4rem; }
.method-get { color: #1a7f37; } .method-post { color: #0969da; } .method-put { color: #9a6700; } .method-delete { color: #cf222e; }
.path { font-size: 1rem; }
.auth { color: #8b949e; margin: .4rem 0; }
table { border-collapse: collapse; margin: .4rem 0; } th, td { border: 1px solid #8884; padding: .2rem .5rem; text-align: left; }
pre { overflow-x: auto; background: #8881; padding: .5rem; max-height: 30rem; }
`;

/** The page itself; URLs are relative so it works under a stage prefix too. */
export const REFERENCE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>modelgate API reference</title>
<link rel="stylesheet" href="docs/assets/reference.css">
</head>
<body>
<header><h1 id="title">API reference</h1><input id="filter" type="search" placeholder="Filter by path or summary" aria-label="Filter operations"></header>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). <span id="status">Loading…</span></p>
<main id="reference"></main>
<script src="docs/assets/reference.js" defer></script>
</body>
</html>
`;
