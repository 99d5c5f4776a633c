// The Socket.IO Admin UI, served by the REZ server, in headless Chromium (the system's, driven by playwright-core).
//
// Input (argv[2], JSON): {url, username, password, sid, user, chromium, screenshots}. Logs in to the Admin UI at
// {url}/admin/ui/ (HTTP Basic, then the UI's own login form), opens the Sockets page and waits for the connected
// test client's socket id; then opens the read-only /admin page and finds the client's user and socket there.
// Every request the page makes must go to the server under test: a CDN request is a failure.
// Prints one JSON line: {ok, steps, offsite, wrongPassword, consoleErrors, error?}.
import { chromium } from "playwright-core";

const config = JSON.parse(process.argv[2]);
const origin = new URL(config.url).origin;
const result = { ok: false, steps: [], offsite: [], consoleErrors: [] };
const step = (name) => result.steps.push(name);

const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  // As root in a container, Chromium's sandbox cannot start.
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
  timeout: 30_000,
});

async function login(page, password) {
  await page.goto(`${config.url}/admin/ui/`, { waitUntil: "load", timeout: 20_000 });
  step("ui loaded");
  const serverUrl = page.getByLabel("Server URL");
  await serverUrl.waitFor({ timeout: 15_000 });
  await serverUrl.fill(config.url);
  await page.getByLabel("Username").fill(config.username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Connect" }).click();
}

try {
  const context = await browser.newContext({
    httpCredentials: { username: config.username, password: config.password },
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith("http") || url.protocol.startsWith("ws")) {
      if (url.origin !== origin && `http://${url.host}` !== origin) result.offsite.push(request.url());
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") result.consoleErrors.push(message.text());
  });
  // Nothing leaves the machine, whatever the page asks for.
  await context.route((url) => new URL(url).origin !== origin, (route) => route.abort());

  // A wrong password: the UI's login is refused and its form stays up.
  await login(page, `${config.password}-wrong`);
  await page.waitForTimeout(1500);
  result.wrongPassword = {
    formStillShown: await page.getByLabel("Password").isVisible(),
    socketVisible: (await page.getByText(config.sid).count()) > 0,
  };
  step("wrong password refused");

  await login(page, config.password);
  await page.getByLabel("Password").waitFor({ state: "hidden", timeout: 15_000 });
  step("logged in");
  await page.goto(`${config.url}/admin/ui/#/sockets`, { waitUntil: "load" });
  await page.getByText(config.sid).first().waitFor({ timeout: 20_000 });
  step("sockets page lists the test client");
  if (config.screenshots) await page.screenshot({ path: `${config.screenshots}/admin-ui-sockets.png`, fullPage: true });

  const admin = await context.newPage();
  const response = await admin.goto(`${config.url}/admin`, { waitUntil: "load" });
  if (response.status() !== 200) throw new Error(`/admin answered ${response.status()}`);
  await admin.getByText(config.user, { exact: false }).first().waitFor({ timeout: 5_000 });
  await admin.getByText(config.sid).first().waitFor({ timeout: 5_000 });
  step("/admin lists the test client");
  if (config.screenshots) await admin.screenshot({ path: `${config.screenshots}/admin-page.png`, fullPage: true });
  result.ok = true;
} catch (error) {
  result.error = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
