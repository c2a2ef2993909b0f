// Builds src/index.js into ONE minified bundle, static/js/vendor/visual-editor.min.js, and
// writes the licences of every package inside it beside it. Run by `make editor-bundle`
// (npm ci first, so the versions are exactly those in package-lock.json).
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "static", "js", "vendor");

// markdown-it decodes HTML entities with the `entities` package's 100 KB table; the browser
// already knows every entity, so a two-line shim (src/entities.js) takes its place.
const shimEntities = {
  name: "shim-entities",
  setup(b) {
    b.onResolve({ filter: /^entities$/ }, () => ({ path: join(here, "src", "entities.js") }));
  },
};

const result = await build({
  entryPoints: [join(here, "src", "index.js")],
  outfile: join(out, "visual-editor.min.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  legalComments: "none",
  metafile: true,
  plugins: [shimEntities],
  banner: { js: "/* TechPulse visual editor; third-party licences: visual-editor.LICENSES.txt */" },
});

// The licence of each package that ended up in the bundle, in name order.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const folder = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  let text = `(${meta.license} licence; no licence file shipped)`;
  for (const file of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"]) {
    try { text = readFileSync(join(folder, file), "utf8").trim(); break; } catch { /* next */ }
  }
  return `${name} ${meta.version} (${meta.license})\n${"-".repeat(60)}\n${text}\n`;
});
writeFileSync(
  join(out, "visual-editor.LICENSES.txt"),
  "Third-party software in visual-editor.min.js (built from frontend/editor/):\n\n" +
    notices.join("\n"),
);
