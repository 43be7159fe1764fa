// The GraphQL IDE in a real browser (Debian's chromium driven by playwright-core) against a
// real `npm start`: it renders from kubeql alone (every request the page makes is checked
// to go to kubeql's origin), a query run with a pasted token returns data, and a
// subscription shows a pod that another client creates. The screenshot it takes is the
// README's (docs/images/graphiql.png; written there with UPDATE_SCREENSHOTS=1, else into
// KUBEQL_ARTIFACTS or test-artifacts/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPostgresDatabase, onPostgres } from '../helpers/database.ts';
import { ROOT, mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';
import { gqlAt } from '../helpers/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = process.env.KUBEQL_ARTIFACTS ?? path.join(ROOT, 'test-artifacts');

let kubeql: KubeqlProcess;
let browser: Browser;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;
let origin: string;
let token: string;

before(async () => {
  if (!existsSync(path.join(ROOT, 'ide/dist/index.html'))) execFileSync('node', ['scripts/build-ide.js'], { cwd: ROOT, stdio: 'inherit' });
  dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-ide-'));
  let databaseUrl = '';
  if (onPostgres) {
    const db = await createPostgresDatabase();
    databaseUrl = db.url;
    dropDatabase = db.drop;
  }
  // The bare apiserver: nothing but the clients changes objects.
  kubeql = await spawnKubeql('npm', ['start', '--silent'], {
    PORT: '0',
    KUBEQL_DATA: dataDir,
    DATABASE_URL: databaseUrl,
    KUBEQL_NODES: '0',
    KUBEQL_CONTROLLERS: '0',
    KUBEQL_SCHEDULER: '0',
  });
  origin = new URL(kubeql.url).origin;
  token = mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
  await kubeql?.stop();
  await dropDatabase?.();
  rmSync(dataDir, { recursive: true, force: true });
});

const createPod = async (name: string) => {
  const res = await gqlAt(
    kubeql.url,
    'mutation($pod: PodInput!) { createPod(pod: $pod) { metadata { name } } }',
    { pod: { metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    { authorization: `Bearer ${token}` },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
};

/** The response pane's text (Monaco renders only visible lines, enough for these results). */
const responseText = (page: Page) => page.locator('.graphiql-response').innerText();

async function waitForResponse(page: Page, check: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await responseText(page);
    if (check(text)) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`the response pane never showed ${what}; it shows:\n${text}`);
}

test('the IDE renders from kubeql alone, runs a query with a token, and streams a watch', async () => {
  await createPod('web-1');
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const elsewhere: string[] = [];
  const requests: string[] = [];
  // Every request the page makes (documents, scripts, styles, workers, fetches) passes here;
  // one for another origin is refused and recorded.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  await page.goto(`${origin}/graphql`);
  await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });

  // No token yet: the token pane is open. Paste one, as a user would after `kubeql token create`.
  await page.locator('#kubeql-token').fill(token);
  await page.locator('#kubeql-token-save').click();
  await page.locator('#kubeql-token-state').filter({ hasText: 'token set' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('kubeql.token')), token);

  // The first example: pods with their node and owner.
  await page.locator('.graphiql-tab', { hasText: 'PodsWithNodeAndOwner' }).click();
  await page.locator('.graphiql-execute-button').click();
  await waitForResponse(page, (t) => t.includes('"web-1"'), 'the pod web-1');

  // The schema loaded with the token: the docs explorer shows the root types.
  await page.getByRole('button', { name: /documentation explorer/i }).click();
  await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: false }).first().waitFor();

  // The watch example: the current pods, a bookmark, then a pod another client creates, live.
  await page.locator('.graphiql-tab', { hasText: 'WatchPods' }).click();
  await page.locator('.graphiql-execute-button').click();
  await waitForResponse(page, (t) => t.includes('BOOKMARK') || t.includes('"web-1"'), 'the watch starting');
  await createPod('live-2');
  await waitForResponse(page, (t) => t.includes('"live-2"') && t.includes('ADDED'), 'the ADDED event of live-2');

  mkdirSync(ARTIFACTS, { recursive: true });
  const shots = [path.join(ARTIFACTS, 'graphiql.png')];
  if (process.env.UPDATE_SCREENSHOTS) shots.push(path.join(ROOT, 'docs/images/graphiql.png'));
  for (const file of shots) await page.screenshot({ path: file });
  await context.close();

  assert.deepEqual(elsewhere, [], 'the page asked for something outside kubeql');
  assert.ok(requests.some((u) => u.endsWith('/ide/app.js')) && requests.some((u) => u.endsWith('.worker.js')), `the page's own assets: ${requests.join(' ')}`);
  assert.ok(sockets.length > 0 && sockets.every((u) => u.startsWith(origin.replace('http', 'ws'))), `WebSockets: ${sockets.join(' ')}`);
  assert.deepEqual(
    problems.filter((p) => /Content Security Policy|Refused to/i.test(p)),
    [],
    'a CSP violation',
  );
});
