import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NextFunction, Request, Response, Router } from 'express';

/** Where the explorer's static files are served; the page itself answers at GET /graphql. */
const EXPLORER_ASSETS_PATH = '/explorer';

/**
 * The page may load and call only its own origin: no CDN, no fonts from elsewhere (GraphiQL's fonts
 * are data: URIs inside its CSS), no inline script or style, and no framing. (GraphiQL's dialogs try to
 * add an inline scroll-lock style; it is refused, and the dialogs work without it.)
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Started by the page after GraphiQL's UMD bundle; a file of its own so that the CSP needs no inline script.
const INIT_SCRIPT = String.raw`'use strict';
(function () {
  var defaultHeaders = JSON.stringify({ Authorization: 'Bearer ' }, null, 2);
  var defaultQuery = [
    '# Sign in with',
    '#   mutation { login(input: {',
    '#     email: "...", password: "..." }) { sessionToken } }',
    '# then paste the token (or an access token)',
    '# after "Bearer " under Headers below, and run:',
    '{ viewer { authMethod user { email } } }',
    '',
  ].join('\n');
  // The page's own URL: the GraphQL endpoint, whatever prefix a reverse proxy adds.
  var fetchGraphQL = GraphiQL.createFetcher({ url: location.origin + location.pathname, enableIncrementalDelivery: false });
  // Until a token is pasted, the prefilled "Bearer " is no credential: send no Authorization header
  // rather than a malformed one (answered 401), so that the schema loads for the docs and completion.
  function fetcher(params, options) {
    var headers = Object.assign({}, options && options.headers);
    Object.keys(headers).forEach(function (name) {
      if (name.toLowerCase() === 'authorization' && /^\s*bearer\s*$/i.test(String(headers[name]))) delete headers[name];
    });
    return fetchGraphQL(params, Object.assign({}, options, { headers: headers }));
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      headers: defaultHeaders,
      defaultHeaders: defaultHeaders,
      defaultEditorToolsVisibility: 'headers',
      // A bearer token must not outlive the tab in localStorage.
      shouldPersistHeaders: false,
      showPersistHeadersSettings: false,
    }),
  );
})();
`;

const STYLESHEET = 'html, body, #graphiql { height: 100%; margin: 0; }\n';

interface Asset {
  type: string;
  body: Buffer | string;
  /** Part of the asset's URL, so that a new version gets a new URL and the old one may be cached for ever. */
  version: string;
}

const packageFile = (name: string, path: string) => readFileSync(join(dirname(require.resolve(`${name}/package.json`)), path));

function asset(type: string, body: Buffer | string): Asset {
  return { type, body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

/** Reads the files once at start-up (about 4 MB): a missing package stops the start instead of breaking the page. */
function loadAssets(): Record<string, Asset> {
  return {
    'react.production.min.js': asset('text/javascript', packageFile('react', 'umd/react.production.min.js')),
    'react-dom.production.min.js': asset('text/javascript', packageFile('react-dom', 'umd/react-dom.production.min.js')),
    'graphiql.min.js': asset('text/javascript', packageFile('graphiql', 'graphiql.min.js')),
    'graphiql.min.css': asset('text/css', packageFile('graphiql', 'graphiql.min.css')),
    'explorer.css': asset('text/css', STYLESHEET),
    'explorer.js': asset('text/javascript', INIT_SCRIPT),
  };
}

function renderPage(assets: Record<string, Asset>): string {
  const url = (name: string) => `${EXPLORER_ASSETS_PATH}/${name}?v=${assets[name].version}`;
  const scripts = ['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'explorer.js'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url('graphiql.min.css')}">
<link rel="stylesheet" href="${url('explorer.css')}">
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
${scripts.map((name) => `<script src="${url(name)}"></script>`).join('\n')}
</body>
</html>
`;
}

/** Apollo's rule for its landing page: a GET whose Accept prefers HTML over every GraphQL answer type. */
const prefersHtml = (req: Request) =>
  req.accepts(['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html']) === 'text/html';

/**
 * GraphiQL served by Tessera itself, for networks without internet access (Apollo Sandbox loads from
 * Apollo's CDN): the page at GET /graphql for browsers, its files from node_modules under
 * EXPLORER_ASSETS_PATH with long caching. Mount before the GraphQL endpoint.
 */
export function graphiqlExplorer(): Router {
  const assets = loadAssets();
  const page = renderPage(assets);
  const router = Router();
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    if (!prefersHtml(req)) return next();
    res.set({
      'content-security-policy': EXPLORER_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.type('text/html').send(page);
  });
  router.get(`${EXPLORER_ASSETS_PATH}/:name`, (req: Request, res: Response, next: NextFunction) => {
    const name = req.params.name as string;
    const file = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!file) return next();
    res.set({ 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=31536000, immutable', etag: `"${file.version}"` });
    res.type(file.type).send(file.body);
  });
  return router;
}
