// The live operations page in a real browser (Debian's Chromium through playwright-core) against the
// whole embedded stack with auth on. The page asks for an API key and refuses a wrong one; with an
// operator key live values move, an action-level particle sample raises an alarm the page shows and
// the operator acknowledges there, and the REST audit trail has the comment with the key as actor; a
// dropped websocket is shown and recovered with `after`. A viewer key sees alarms without commands;
// a pr key sees the water saved and the totals, no alarm commands and no refusals, and is asked for
// a key again when the server closes its socket with 4401. A 403 is explained in words, a 429 waited
// out for its Retry-After; with AUTH=off the page asks for no key at all.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/build-api.ts';
import { openSqliteStore } from '../../core/adapters/sqlite/open-sqlite-store.ts';
import { apiDepsFor } from '../fixtures/api-deps.ts';
import { k14Site } from '../fixtures/site.ts';
import { pollUntil } from '../harness/poll-until.ts';
import { keyForm, recordSockets, signIn, startLiveStack, watchProblems, type IssuedKey, type LiveStack, type RecordedSocket } from './live-page-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUTPUT_DIR = path.resolve('test-output');
const FIRST_LOAD_BUDGET_BYTES = 200 * 1024;
const ACK_COMMENT = 'door held open during a delivery (e2e)';
/** Well-formed, never issued. */
const UNKNOWN_KEY = `k14_${'x'.repeat(43)}`;

interface AlarmHistory {
  state: string;
  transitions: Array<{ cause: string; actor: string; comment: string | null }>;
}

describe('live operations page in Chromium', () => {
  let stack: LiveStack;
  let operator: IssuedKey;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  /** The operator page's websocket as the test sees it: what it sent, and a way to cut it. */
  let sockets: RecordedSocket[];
  let refuseSockets = false;
  const transfers: Array<{ url: string; bytes: number }> = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM}: run "bash scripts/ensure-chromium.sh"`);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    stack = await startLiveStack();
    operator = stack.issueKey('operator', 'operator-e2e');
    context = await chromium.launchPersistentContext(path.join(stack.dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 768 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    problems = watchProblems(page);
    page.on('requestfinished', (request) => {
      // A request that finishes as the context closes has no sizes any more; only the first load is counted.
      request.sizes().then(
        (sizes) => transfers.push({ url: request.url(), bytes: sizes.responseBodySize }),
        () => {},
      );
    });
    sockets = await recordSockets(page, () => refuseSockets);
  });

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
  });

  const text = (selector: string, on: Page = page) => on.locator(selector).innerText();
  const restAs = (key: IssuedKey) => ({ headers: { authorization: `Bearer ${key.key}` } });

  it('asks for a key, refuses an unknown one, and with an operator key loads under 200 KB and shows live figures that move', async () => {
    await page.goto(`${stack.base}/`);
    const form = keyForm(page);
    await expect.poll(() => form.isVisible(), { timeout: 10_000 }).toBe(true);
    await form.getByLabel('API key', { exact: true }).fill(UNKNOWN_KEY);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => form.getByRole('alert').innerText(), { timeout: 10_000 }).toMatch(/refused/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-1366x768-key.png') });
    await signIn(page, operator.key);

    await expect.poll(() => text('#connection'), { timeout: 15_000 }).toBe('LIVE');
    expect(await text('#who')).toBe('operator-e2e · operator');
    // Kept for this tab only: not in localStorage, not in a cookie.
    expect(await page.evaluate('sessionStorage.getItem("k14.apiKey")')).toBe(operator.key);
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain('k14_');
    expect(await context.cookies()).toEqual([]);
    // The key travels as the websocket's second subprotocol; it is not in the URL.
    expect(sockets.at(-1)!.route.url()).toMatch(/\/ws$/);
    // Every panel filled: the water KPIs from the stream, the chart, the room, the tonnage counter.
    await expect.poll(() => text('#kpi-rate .kpi-value'), { timeout: 20_000 }).toMatch(/^\d+\.\d %$/);
    await expect.poll(() => page.locator('#water-chart-svg path.line-rate').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.locator('#rooms .room').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => text('#tonnage-whole'), { timeout: 20_000 }).toMatch(/^[\d,]+$/);
    await page.waitForLoadState('networkidle');

    const firstLoad = transfers.reduce((sum, t) => sum + t.bytes, 0);
    process.stdout.write(`live page first load: ${firstLoad} bytes in ${transfers.length} responses\n`);
    const assets = transfers.filter((t) => t.url.includes('/ui/')).map((t) => t.url);
    expect(assets.length, 'each module fetched once, preloads included').toBe(new Set(assets).size);
    expect(firstLoad).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);

    const tonnageBefore = `${await text('#tonnage-whole')}${await text('#tonnage-fraction')}`;
    const flowBefore = await text('#water-flows-body tr[data-role="recycled"] td.num');
    await expect.poll(async () => `${await text('#tonnage-whole')}${await text('#tonnage-fraction')}`, { timeout: 15_000 }).not.toBe(tonnageBefore);
    await expect.poll(() => text('#water-flows-body tr[data-role="recycled"] td.num'), { timeout: 15_000 }).not.toBe(flowBefore);
    expect(await text('#water-fresh')).toMatch(/^live · updated \d+ s ago$/);
    expect(problems).toEqual([]);
  });

  it('shows a new action-level excursion, announces it, and records the acknowledgement made in the page under the key', async () => {
    const alarmRow = page.locator('#alarm-list li[data-severity="action"]', { hasText: 'pms-01' }).first();
    await stack.raiseExcursion('pms-01', async () => (await alarmRow.count()) > 0);
    await expect.poll(() => text('#announcer'), { timeout: 5_000 }).toMatch(/New ACTION alarm: ≥0\.5 µm at mask-line \/ pms-01/);
    expect(await page.locator('#alarm-banner').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-1366x768-alarm.png') });

    const alarmId = await alarmRow.getAttribute('data-alarm-id');
    expect(alarmId).toBeTruthy();
    await alarmRow.getByRole('button', { name: /^Acknowledge ACTION alarm/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alarm' });
    // Who acts is the key, not a name typed in: the dialog says what the audit trail will record.
    expect(await dialog.getByLabel('Your name').count()).toBe(0);
    expect(await dialog.innerText()).toContain(`Recorded as operator-e2e (key ${operator.id}).`);
    await dialog.getByLabel('Assignable cause (required)').fill(ACK_COMMENT);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-1366x768-ack.png') });
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => dialog.isVisible(), { timeout: 5_000 }).toBe(false);

    const history = await pollUntil(
      async () => {
        const response = await fetch(`${stack.base}/api/cleanroom/alarms/${encodeURIComponent(alarmId!)}`, restAs(operator));
        const body = (await response.json()) as AlarmHistory;
        return body.transitions.some((t) => t.cause === 'acknowledged') ? body : undefined;
      },
      { description: 'the acknowledgement in the REST history', timeoutMs: 10_000 },
    );
    expect(history.transitions.find((t) => t.cause === 'acknowledged')).toMatchObject({ actor: `operator-e2e (key ${operator.id})`, comment: ACK_COMMENT });
    // Acknowledged: the page no longer offers it, and the flashing stops.
    await expect.poll(() => page.locator(`#alarm-list li[data-alarm-id="${alarmId}"] button[data-command="ack"]:visible`).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.locator('#alarm-banner').isVisible(), { timeout: 10_000 }).toBe(false);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-1366x768.png') });
    expect(problems).toEqual([]);
  });

  it('says when the connection is lost, and resumes from the last event id by itself', async () => {
    const before = sockets.length;
    refuseSockets = true;
    await sockets.at(-1)!.route.close({ code: 4000, reason: 'test: connection dropped' });
    await expect.poll(() => text('#connection'), { timeout: 5_000 }).toMatch(/^RECONNECTING/);
    await expect.poll(() => page.locator('#connection-banner').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await text('#connection-banner')).toMatch(/Connection to the server lost.*not current/);
    await expect.poll(() => page.locator('#water[data-stale]').count(), { timeout: 5_000 }).toBe(1);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-offline.png') });

    refuseSockets = false;
    await expect.poll(() => text('#connection'), { timeout: 40_000 }).toBe('LIVE');
    expect(await page.locator('#connection-banner').isVisible()).toBe(false);
    const resumed = sockets.slice(before).map((s) => JSON.parse(s.sent[0] ?? '{}') as { type?: string; after?: number });
    expect(resumed.at(-1)).toMatchObject({ type: 'subscribe' });
    expect(resumed.at(-1)!.after).toBeGreaterThan(0);
    await expect.poll(() => text('#water-fresh'), { timeout: 15_000 }).toMatch(/^live/);
  });

  it('shows a viewer key the alarms without commands, on a 1920×1080 wall screen', async () => {
    const viewer = await context.newPage();
    const viewerProblems = watchProblems(viewer);
    await viewer.setViewportSize({ width: 1920, height: 1080 });
    await viewer.goto(`${stack.base}/`);
    await signIn(viewer, stack.issueKey('viewer', 'wall display').key);
    await expect.poll(() => text('#connection', viewer), { timeout: 15_000 }).toBe('LIVE');
    const alarmRow = viewer.locator('#alarm-list li', { hasText: 'pms-02' });
    await stack.raiseExcursion('pms-02', async () => (await alarmRow.count()) > 0);
    expect(await page.locator('#alarm-list li', { hasText: 'pms-02' }).getByRole('button').count(), 'the operator screen offers commands').toBeGreaterThan(0);
    expect(await viewer.locator('#alarm-list button').count()).toBe(0);
    await expect.poll(() => viewer.locator('#water-chart-svg path.line-rate').count(), { timeout: 20_000 }).toBe(1);
    // The panels fit the screen: nothing scrolls the page itself.
    expect(await viewer.evaluate('document.documentElement.scrollHeight <= window.innerHeight + 1')).toBe(true);
    await viewer.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-1920x1080-viewer.png') });
    expect(viewerProblems).toEqual([]);
    await viewer.close();
  });

  it('says in words when the key’s role may not act (403)', async () => {
    // No role that sees the commands lacks alarms:operate, so the refusal is the server's answer, staged.
    const forbidden = { error: { code: 'FORBIDDEN', message: 'the operator role may not do this (needs alarms:operate)' } };
    await page.route('**/api/cleanroom/alarms/*/shelve', (route) => route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify(forbidden) }), { times: 1 });
    await page.locator('#alarm-list li', { hasText: 'pms-02' }).getByRole('button', { name: /^Shelve/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Shelve alarm' });
    await dialog.getByLabel('Why shelve it (required)').fill('counter serviced (e2e)');
    await dialog.getByRole('button', { name: 'Shelve' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText(), { timeout: 5_000 }).toBe('Not done: this key’s role (operator) may not shelve alarms.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(problems.splice(0).sort()).toEqual([expect.stringMatching(/^403 .*\/shelve$/), expect.stringMatching(/status of 403/)].sort());
  });

  it('shows a pr key the water saved and the totals, no alarm commands and no refusals; a 4401 asks for a key again', async () => {
    const pr = await context.newPage();
    const prProblems = watchProblems(pr);
    const prSockets = await recordSockets(pr);
    await pr.setViewportSize({ width: 1920, height: 1080 });
    await pr.goto(`${stack.base}/`);
    const prKey = stack.issueKey('pr', 'pr-e2e');
    await signIn(pr, prKey.key);
    await expect.poll(() => text('#connection', pr), { timeout: 15_000 }).toBe('LIVE');
    expect(JSON.parse(prSockets[0]!.sent[0] ?? '{}')).toEqual({ type: 'subscribe', channels: ['water'] });
    await expect.poll(() => text('#tonnage-whole', pr), { timeout: 20_000 }).toMatch(/^[\d,]+$/);
    await expect.poll(() => text('#next-tonnes', pr), { timeout: 20_000 }).toMatch(/^[\d,]+ t$/);
    await expect.poll(() => text('#water-totals [data-row="recycled"] [data-col="day"]', pr), { timeout: 20_000 }).toMatch(/^[\d,]+ m³$/);
    // The counter runs at the recycled meters' flow, which a pr key gets from the water channel alone.
    await expect.poll(() => text('#tonnage-rate', pr), { timeout: 20_000 }).toMatch(/^\+[1-9][\d,]* t\/h now$/);
    await expect.poll(() => text('#water-fresh', pr), { timeout: 5_000 }).toMatch(/^live · updated \d+ s ago$/);
    await pr.waitForLoadState('networkidle');

    // What the role may not read is not on the screen, and was never asked for.
    for (const hidden of ['#cleanroom', '#kpi-row', '#water-flows', '#water-chart', '#sound-toggle']) expect(await pr.locator(hidden).isVisible(), hidden).toBe(false);
    expect(await pr.getByRole('button', { name: /Acknowledge|Shelve/ }).count()).toBe(0);
    expect(await pr.locator('#notice-banner').isVisible()).toBe(false);
    expect(prSockets.flatMap((s) => s.received).filter((m) => m.includes('"type":"error"'))).toEqual([]);
    expect(await pr.evaluate('document.documentElement.scrollHeight <= window.innerHeight + 1')).toBe(true);
    await pr.screenshot({ path: path.join(OUTPUT_DIR, 'live-page-1920x1080-pr.png') });
    expect(prProblems).toEqual([]);

    // Revoked, and the socket dropped: the reconnection is closed with 4401, and the page asks again.
    expect(stack.keyStore.revoke(prKey.id, Date.now())).toBe(true);
    await prSockets.at(-1)!.route.close({ code: 4000, reason: 'test: connection dropped' });
    await expect.poll(() => keyForm(pr).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await keyForm(pr).innerText()).toMatch(/no longer accepts this page’s key/);
    await expect.poll(() => text('#connection', pr), { timeout: 10_000 }).toBe('KEY REFUSED');
    expect(await pr.evaluate('sessionStorage.getItem("k14.apiKey")')).toBeNull();
    await signIn(pr, stack.issueKey('pr', 'pr-e2e again').key);
    await expect.poll(() => text('#connection', pr), { timeout: 15_000 }).toBe('LIVE');
    expect(await text('#who', pr)).toBe('pr-e2e again · pr');
    // The routed socket opens on the page's side at once and forwards the page's subscribe to a server
    // socket already closed with 4401: Chromium logs that send. A routing artifact, not the page's.
    expect(prProblems.filter((p) => !/^error: WebSocket is already in CLOSING or CLOSED state/.test(p))).toEqual([]);
    await pr.close();
  });

  it('asks for no key with AUTH=off, and waits out a rate limit for its Retry-After', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    await store.start();
    const deps = await apiDepsFor(store, k14Site());
    const app = await buildApi({ security: { auth: 'off' } }, deps);
    const open = await context.newPage();
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const siteRequests: number[] = [];
      open.on('request', (request) => void (request.url().endsWith('/api/site') && siteRequests.push(Date.now())));
      const limited = { error: { code: 'RATE_LIMITED', message: 'at most 600 requests a minute; retry in 1 second' } };
      await open.route('**/api/site', (route) => route.fulfill({ status: 429, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify(limited) }), { times: 1 });
      await open.goto(`${base}/`);
      await expect.poll(() => text('#connection', open), { timeout: 15_000 }).toBe('LIVE');
      expect(await keyForm(open).isVisible()).toBe(false);
      expect(await text('#who', open)).toBe('AUTH=off: no key');
      expect(await open.locator('#sign-out').isVisible()).toBe(false);
      await expect.poll(() => text('#site-name', open), { timeout: 10_000 }).toMatch(/K14/);
      expect(await open.locator('#notice-banner').textContent()).toMatch(/limiting this page’s requests: waiting 1 s/);
      expect(siteRequests).toHaveLength(2);
      expect(siteRequests[1]! - siteRequests[0]!).toBeGreaterThanOrEqual(900);
    } finally {
      await open.close();
      await app.close();
      await deps.alarms.stop();
      await deps.alarmStore.close();
      deps.apiKeys.close();
      await store.close();
    }
  });
});
