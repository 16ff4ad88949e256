// Builds the console and the web chat into OUT (default dist/): for each, one bundled,
// minified script and stylesheet with content-hashed names under assets/, and the page naming
// them (index.html, chat/frame.html); and the chat's loader as chat/widget.js (its name is in
// every embed, so it is not hashed). The server embeds OUT (CMake: cmake/embed_web.cmake),
// serves assets/ with long cache lifetimes and the pages with no-store.
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const out = process.argv[2] || "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
};

const result = await build({
  ...common,
  entryPoints: { console: "src/console/main.tsx", chat: "src/chat/main.tsx" },
  format: "esm",
  jsx: "automatic",
  jsxImportSource: "preact",
  entryNames: "[name]-[hash]",
  outdir: join(out, "assets"),
  metafile: true,
});

// The page of each entry, naming its hashed script and stylesheet.
function page(entry, template, target) {
  const files = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = files.find((f) => f.startsWith(entry + "-") && f.endsWith(".js"));
  const style = files.find((f) => f.startsWith(entry + "-") && f.endsWith(".css"));
  mkdirSync(join(out, target, ".."), { recursive: true });
  writeFileSync(
    join(out, target),
    readFileSync(template, "utf8").replace("%SCRIPT%", `/assets/${script}`).replace("%STYLE%", `/assets/${style}`),
  );
}
page("console", "src/console/index.html", "index.html");
page("chat", "src/chat/frame.html", "chat/frame.html");

// The loader runs on other people's pages: a classic script, one function, nothing global but
// window.TouchpointChat.
await build({
  ...common,
  entryPoints: ["src/chat/loader.ts"],
  format: "iife",
  outfile: join(out, "chat", "widget.js"),
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
console.log(`web: ${outputs.join(", ")}, chat/widget.js, chat/frame.html -> ${out}`);
