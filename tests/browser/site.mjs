// The published site in Debian's headless Chromium, served on a loopback port by a small static server.
// Usage: node site.mjs PLAN.json  (CHROMIUM: the browser, default /usr/bin/chromium)
// PLAN: { site, main, clr, pdf, tampered, axe: [{ name, path }], revoke: [argv…], shots }
// Checks: the main page shows Valid; dropping the matching clr.json and transcript.pdf shows "matches the issued
// transcript", a tampered file "does not match"; without JavaScript the issued state is shown; axe-core finds
// no violation on every page of `axe`; no request leaves the site and no CSP violation is reported; after
// running `revoke` (which updates the site) a reload shows Revoked. Prints OK/FAIL lines; exits 1 on a failure.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const root = resolve(plan.site);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// The media types the README's server snippets set.
function mediaType(path) {
  if (path.endsWith("/did.json")) return "application/did+json";
  if (path.includes("/status/") && path.endsWith(".json")) return "application/vc";
  return { ".html": "text/html; charset=utf-8", ".json": "application/json", ".txt": "text/plain; charset=utf-8" }[extname(path)] || "application/octet-stream";
}

const server = createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  let path = normalize(join(root, decodeURIComponent(url.pathname)));
  if (path !== root && !path.startsWith(root + sep)) {
    response.writeHead(403).end();
    return;
  }
  try {
    if (statSync(path).isDirectory()) path = join(path, "index.html"); // never a listing
    const body = readFileSync(path);
    const headers = { "Content-Type": mediaType(path), "Cache-Control": "no-store" };
    if (path.includes(`${sep}status${sep}`)) headers["Access-Control-Allow-Origin"] = "*";
    response.writeHead(200, headers).end(body);
  } catch {
    response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

let failed = 0;
const check = (ok, what, detail = "") => {
  console.log(`${ok ? "OK" : "FAIL"} ${what}${ok || !detail ? "" : `: ${detail}`}`);
  if (!ok) failed += 1;
};
mkdirSync(plan.shots, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  // A phone, where a QR code is scanned.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const foreign = [];
  const refused = [];
  page.on("request", (r) => !r.url().startsWith(origin) && !r.url().startsWith("data:") && foreign.push(r.url()));
  page.on("console", (m) => /Content Security Policy|Refused/.test(m.text()) && refused.push(m.text()));
  const status = () => page.locator("#live").innerText();
  const open = async (path) => {
    await page.goto(origin + path);
    await page.waitForFunction(() => !/^Checking|as published/.test(document.getElementById("live").textContent), null, { timeout: 15000 }).catch(() => {});
  };

  await open(plan.main);
  const live = await status();
  check(live.startsWith("Valid"), "the page shows Valid", live);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  check(fits, "the page fits a phone's width (no horizontal scrolling)");
  await page.screenshot({ path: join(plan.shots, "valid.png"), fullPage: false });

  const drop = async (file, name, type) => {
    const b64 = readFileSync(file).toString("base64");
    await page.evaluate(
      ({ b64, name, type }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], name, { type }));
        const target = document.getElementById("drop");
        target.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { b64, name, type },
    );
    await page.waitForFunction((n) => document.getElementById("result").textContent.includes(n), name, { timeout: 15000 });
    return page.locator("#result").innerText();
  };
  let result = await drop(plan.clr, "clr.json", "application/json");
  check(result.includes("matches the issued transcript"), "the matching clr.json matches", result);
  result = await drop(plan.pdf, "transcript.pdf", "application/pdf");
  check(result.includes("matches the issued transcript"), "the matching transcript.pdf matches", result);
  await page.locator("#checker").screenshot({ path: join(plan.shots, "pdf-matches.png") });
  result = await drop(plan.tampered, "tampered-clr.json", "application/json");
  check(result.includes("does not match"), "a tampered clr.json does not match", result);
  await page.locator("#checker").screenshot({ path: join(plan.shots, "tampered.png") });
  // The file input (keyboard users) does the same.
  await page.setInputFiles("#file", plan.pdf);
  await page.waitForFunction(() => document.getElementById("result").textContent.includes("transcript.pdf matches"), null, { timeout: 15000 });
  check(true, "choosing the PDF with the file input matches");

  for (const { name, path } of plan.axe) {
    await open(path);
    // Evaluated by the DevTools protocol, which the page's Content-Security-Policy does not govern (a script
    // element would be refused, as it should be).
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
      return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}]`);
    });
    check(violations.length === 0, `axe-core: no violation on the ${name} learner's page`, violations.join("; "));
    await page.screenshot({ path: join(plan.shots, `${name}.png`) });
  }
  check(foreign.length === 0, "no request leaves the site", foreign.join(", "));
  check(refused.length === 0, "no Content-Security-Policy violation", refused.join(" | "));

  // Without JavaScript: the issued state, and why the live check is missing.
  const still = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const plain = await still.newPage();
  await plain.goto(origin + plan.main);
  const text = await plain.locator("body").innerText();
  check(/Valid as published/.test(text) && /need JavaScript/.test(text), "without JavaScript the page shows the issued state", text.slice(0, 300));
  await plain.screenshot({ path: join(plan.shots, "no-javascript.png") });
  await still.close();

  // Revoke (the command updates the site), then reload.
  execFileSync(plan.revoke[0], plan.revoke.slice(1), { stdio: "inherit" });
  await page.goto(origin + plan.main);
  await page.reload();
  await page.waitForFunction(() => !/^Checking|as published/.test(document.getElementById("live").textContent), null, { timeout: 15000 }).catch(() => {});
  const after = await status();
  check(after.startsWith("Revoked"), "after revoke, a reload shows Revoked", after);
  await page.screenshot({ path: join(plan.shots, "revoked.png") });
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
