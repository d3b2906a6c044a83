import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { loginAsAdmin } from '../support/fixtures';
import { TestServer, startTestServer, testDatabase } from '../support/test-server';

// Debian's chromium (CI installs it: .ci/run); playwright-core downloads no browser of its own.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The explorer touches no data: one database adds nothing over the other.
const skipReason = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`
  : testDatabase() !== 'sqlite'
    ? 'the browser check runs on the SQLite project only'
    : null;
if (skipReason && testDatabase() === 'sqlite') console.warn(`Skipping the GraphiQL explorer browser test: ${skipReason}`);
const describeInBrowser = skipReason ? describe.skip : describe;
// Set to rewrite the screenshot README.md shows.
const SCREENSHOT = process.env.UPDATE_EXPLORER_SCREENSHOT ? join(__dirname, '../../docs/explorer.png') : null;

/** Replaces an editor's whole text by typing, as an admin would. */
async function typeInto(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

describeInBrowser(`the GraphiQL explorer in a headless browser${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({ label: 'explorer_browser', env: { TESSERA_EXPLORER: 'graphiql' } });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads from Tessera alone and runs a query with the Authorization header set in its editor', async () => {
    const sessionToken = await loginAsAdmin(server);
    const page = await browser.newPage({ viewport: { width: 1440, height: 720 } });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text().slice(0, 200));
    });
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) refused.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${server.url}/graphql`);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:visible .CodeMirror');
    await expect(headersEditor.textContent()).resolves.toContain('"Authorization": "Bearer "');

    // The prefilled header's value ends after "Bearer ": paste the token there.
    await headersEditor.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(sessionToken);
    // Home twice (past the indent) scrolls the line's start back into view.
    await page.keyboard.press('Home');
    await page.keyboard.press('Home');
    await typeInto(page, '.graphiql-query-editor', '{ viewer { authMethod } }');
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-response', { hasText: '"SESSION"' }).waitFor({ timeout: 10_000 });
    const shown = await page.locator('.graphiql-response .CodeMirror-line').allInnerTexts();
    // CodeMirror indents with no-break spaces.
    const response = JSON.parse(shown.join('\n').replace(/\u00a0/g, ' '));
    expect(response).toEqual({ data: { viewer: { authMethod: 'SESSION' } } });
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });

    expect(requested.length).toBeGreaterThan(0);
    // data: URIs (GraphiQL's fonts, inside its CSS) never leave the page.
    const offOrigin = requested.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:'));
    expect(offOrigin).toEqual([]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The schema loaded before any token was pasted: the empty "Bearer " prefill is not sent as a credential.
    expect(refused).toEqual([]);
  });
});
