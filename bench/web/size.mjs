#!/usr/bin/env node
// What the web app costs to download: every file in web/dist/assets, raw and compressed (gzip level 9, brotli quality
// 11: what a server or CDN serving precompressed files would send), split into what the first page load fetches and
// what is loaded lazily. "Initial" is what web/dist/index.html names: the entry <script type="module">, its
// <link rel="modulepreload"> chunks and its <link rel="stylesheet"> files; everything else is a lazy chunk (a page,
// fetched by a dynamic import when the route opens).
//
// Usage: node bench/web/size.mjs [path/to/dist]   (after `npm run build` in web/; no dependencies beyond Node)

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, "..", "..", "web", "dist"));

function fail(message) {
  console.error(`size.mjs: ${message}`);
  process.exit(1);
}

const indexPath = join(dist, "index.html");
const assetsDir = join(dist, "assets");
if (!existsSync(dist) || !statSync(dist).isDirectory()) {
  fail(`${dist} is missing. Build the web app first: cd web && npm ci && npm run build`);
}
if (!existsSync(indexPath)) {
  fail(`${indexPath} is missing: ${dist} is not a finished build. Run \`npm run build\` in web/ again.`);
}
if (!existsSync(assetsDir)) {
  fail(`${assetsDir} is missing: ${dist} is not a finished build. Run \`npm run build\` in web/ again.`);
}

/** The attributes of every start tag named `tag` in the HTML, as lower-cased name → value maps. */
function tags(html, tag) {
  const found = [];
  for (const match of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, "gi"))) {
    const attributes = new Map();
    for (const a of match[1].matchAll(/([^\s"'=<>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
      attributes.set(a[1].toLowerCase(), a[2] ?? a[3] ?? a[4] ?? "");
    }
    found.push(attributes);
  }
  return found;
}

/** "/assets/index-abc.js?v=1" → "index-abc.js" when it names a file in dist/assets; null for anything else. */
function assetName(url) {
  if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//")) {
    return null; // another origin, or a data: URI: not part of this build's files
  }
  const path = url.split(/[?#]/)[0];
  const marker = "assets/";
  const at = path.lastIndexOf(marker);
  return at === -1 ? null : path.slice(at + marker.length);
}

const html = readFileSync(indexPath, "utf8");
const initial = new Map(); // asset name → how index.html loads it
const entries = [];
for (const s of tags(html, "script")) {
  const name = assetName(s.get("src"));
  if (name && s.get("type") === "module") {
    entries.push(name);
    initial.set(name, "entry");
  }
}
for (const l of tags(html, "link")) {
  const rel = (l.get("rel") ?? "").toLowerCase().split(/\s+/);
  const name = assetName(l.get("href"));
  if (!name) continue;
  if (rel.includes("modulepreload")) initial.set(name, "preload");
  else if (rel.includes("stylesheet")) initial.set(name, "stylesheet");
}
if (entries.length === 0) {
  fail(`${indexPath} names no <script type="module" src="…/assets/…">: is it Vite's built index.html? Run \`npm run build\` in web/.`);
}

const files = readdirSync(assetsDir, { recursive: true })
  .map(String)
  .filter((f) => statSync(join(assetsDir, f)).isFile())
  .sort();
const missing = [...initial.keys()].filter((name) => !files.includes(name));
if (missing.length > 0) {
  fail(`${indexPath} loads ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not in ${assetsDir}: a stale or partial build. Run \`npm run build\` in web/ again.`);
}

const kindOf = (f) => ({ ".js": "js", ".mjs": "js", ".css": "css" })[extname(f).toLowerCase()] ?? (extname(f).slice(1).toLowerCase() || "file");
const rows = files.map((file) => {
  const bytes = readFileSync(join(assetsDir, file));
  return {
    file,
    kind: kindOf(file),
    load: initial.has(file) ? `initial (${initial.get(file)})` : "lazy",
    initial: initial.has(file),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: kindOf(file) === "js" || kindOf(file) === "css" ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
});
// What the first paint needs first, then the largest lazy chunks.
rows.sort((a, b) => Number(b.initial) - Number(a.initial) || b.raw - a.raw || a.file.localeCompare(b.file));

const sum = (list) => ({ count: list.length, raw: list.reduce((n, r) => n + r.raw, 0), gzip: list.reduce((n, r) => n + r.gzip, 0), brotli: list.reduce((n, r) => n + r.brotli, 0) });
const totals = [
  ["initial JS", sum(rows.filter((r) => r.initial && r.kind === "js"))],
  ["initial CSS", sum(rows.filter((r) => r.initial && r.kind === "css"))],
  ["all JS", sum(rows.filter((r) => r.kind === "js"))],
  ["all CSS", sum(rows.filter((r) => r.kind === "css"))],
];

const n = (x) => x.toLocaleString("en-US");
function table(header, body, rightFrom) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= rightFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

console.log(`Coffer web build: ${dist}  (bytes; gzip -9, brotli q11; initial = named by index.html)\n`);
console.log(table(["asset", "kind", "load", "raw", "gzip", "brotli"], rows.map((r) => [r.file, r.kind, r.load, n(r.raw), n(r.gzip), n(r.brotli)]), 3));
console.log();
console.log(table(["total", "files", "raw", "gzip", "brotli"], totals.map(([label, t]) => [label, String(t.count), n(t.raw), n(t.gzip), n(t.brotli)]), 1));
