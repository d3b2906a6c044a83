import { EXPLORER_CSP } from '../../src/core/http/explorer';
import { TestServer, startTestServer } from '../support/test-server';

const openInBrowser = (server: TestServer) => fetch(`${server.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });

/** Every URL a page loads through `src=` and `href=`. */
const referencedUrls = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
const assetUrls = (html: string) => referencedUrls(html).filter((url) => url.startsWith('/explorer/'));

describe('the GraphiQL explorer (TESSERA_EXPLORER=graphiql)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'explorer', env: { TESSERA_EXPLORER: 'graphiql' } });
  });
  afterAll(() => server.stop());

  it('serves its page to browsers at GET /graphql with a CSP that allows only its own origin', async () => {
    const response = await openInBrowser(server);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
    expect(EXPLORER_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('<div id="graphiql">');
    expect(html).not.toMatch(/<script>|<style|style=|apollographql/);
    expect(referencedUrls(html)).toEqual(expect.arrayContaining([expect.stringMatching(/^\/explorer\/graphiql\.min\.js\?v=\w+$/)]));
    // Its own files, and an empty icon so that the browser does not ask for /favicon.ico.
    for (const url of referencedUrls(html)) expect(url).toMatch(/^(\/explorer\/|data:,$)/);
  });

  it('serves every file the page loads with its content type and a year of caching', async () => {
    const urls = assetUrls(await (await openInBrowser(server)).text());
    expect(urls).toHaveLength(6);
    for (const url of urls) {
      const response = await fetch(`${server.url}${url}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(url.includes('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await response.text()).length).toBeGreaterThan(0);
      // The version in the URL is the content's digest: a new file gets a new URL.
      expect(response.headers.get('etag')).toBe(`"${new URL(url, server.url).searchParams.get('v')}"`);
    }
  });

  it('answers 404 for a file it does not serve', async () => {
    for (const path of ['/explorer/package.json', '/explorer/..%2Fpackage.json', '/explorer/graphiql.min.js.map']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(404);
    }
  });

  it('leaves GraphQL requests to the endpoint', async () => {
    expect((await server.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe.each([
  ['the default development config', {}, 'sandbox'],
  ['production', { NODE_ENV: 'production' }, 'none'],
  ['production with TESSERA_SANDBOX=true', { NODE_ENV: 'production', TESSERA_SANDBOX: 'true' }, 'sandbox'],
  ['production with TESSERA_EXPLORER=graphiql', { NODE_ENV: 'production', TESSERA_EXPLORER: 'graphiql' }, 'graphiql'],
  ['TESSERA_EXPLORER=off', { TESSERA_EXPLORER: 'off' }, 'none'],
])('the page at GET /graphql with %s', (_name, env: Record<string, string>, expected) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'explorer_choice', env });
  });
  afterAll(() => server.stop());

  it(`is ${expected === 'none' ? 'not served' : expected}`, async () => {
    const page = await openInBrowser(server);
    const html = await page.text();
    expect(html.includes('embeddable-sandbox')).toBe(expected === 'sandbox');
    expect(html.includes('id="graphiql"')).toBe(expected === 'graphiql');
    if (expected === 'none') expect(page.status).toBe(400);
    expect((await fetch(`${server.url}/explorer/explorer.js`)).status).toBe(expected === 'graphiql' ? 200 : 404);
  });
});
