// axe-core on HTML files in headless Chromium: prints each violation and exits 1 if there is any.
// Usage: node axe.mjs FILE.html…   (CHROMIUM: the browser, default /usr/bin/chromium)
// Rules: WCAG 2.0/2.1 A and AA, and axe's best practices.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node axe.mjs FILE.html…");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
let failed = 0;
try {
  const page = await browser.newPage();
  for (const file of files) {
    await page.goto(pathToFileURL(resolve(file)).href);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() =>
      window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      }),
    );
    if (result.violations.length === 0) {
      console.log(`OK ${file}: ${result.passes.length} rules pass`);
      continue;
    }
    failed += 1;
    for (const v of result.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
      console.log(`FAIL ${file}: ${v.id} (${v.impact}): ${v.help} [${v.nodes.length}× e.g. ${where}]`);
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
