// Drives the supervisor page in headless Debian Chromium for tests/supervisor.rs.
// Usage: node supervisor.mjs <page url> <conversation id> <screenshot path>
// Prints "READY" once the page's event stream is live, then waits (bounded, by condition) for
// the conversation's row marked escalated and the escalation in the signal feed, opens its detail, takes a screenshot and
// prints one JSON line of what the page showed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, conversation, screenshot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "rapport-chromium-"));
// A fresh profile (--user-data-dir) per run: playwright passes it for a persistent context.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1440, height: 900 },
  deviceScaleFactor: 1,
});
try {
  const page = browser.pages()[0] || (await browser.newPage());
  const errors = [];
  page.on("pageerror", (e) => { errors.push(String(e)); console.error("page error:", String(e)); });
  await page.goto(url);
  await page.waitForSelector("#conn.on", { timeout: 30_000 });
  console.log("READY");

  const row = `tr.row[data-conversation="${conversation}"]`;
  await page.waitForSelector(`${row} .badge.escalated`, { timeout: 60_000 });
  await page.waitForSelector(`#feed li.kind-escalate`, { timeout: 60_000 });
  await page.click(row);
  await page.waitForSelector("#detail-signals li[data-signal]", { timeout: 30_000 });
  await page.waitForSelector("#detail-turns li", { timeout: 30_000 });
  await page.screenshot({ path: screenshot, fullPage: false });
  const text = (selector) => page.$eval(selector, (node) => node.innerText);
  console.log(JSON.stringify({
    row: await text(row),
    feed: await text("#feed"),
    detail: await text("#detail-body"),
    live: await text("#stat-live"),
    errors,
  }));
} catch (error) {
  const page = browser.pages()[0];
  if (page) await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png") }).catch(() => {});
  console.error("page state:", page ? await page.innerText("body").catch(String) : "no page");
  throw error;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
