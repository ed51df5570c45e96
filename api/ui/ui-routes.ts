// The live operations page: api/ui/public served as static files, index.html at `/` and the rest
// under `/ui/`, so nothing shadows /api, /ws, /openapi.json, /metrics, /health or /ready.
// Files are read once at registration (they ship with the code) and fingerprinted: index.html
// refers to `?v=<hash>` URLs, which may be cached for a year, and revalidates itself on every load.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CONTENT_SECURITY_POLICY } from '../auth/http-hardening.ts';
import { notFound } from '../errors.ts';

export interface UiRoutesOptions {
  /** Where the page's files are; default api/ui/public beside this module. */
  readonly publicDir?: string;
}

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly version: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const ASSET_PREFIX = '/ui/';
const INDEX = 'index.html';
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Unversioned URLs (a module imported before the import map applies, a hand-typed URL) must not stick.
const REVALIDATE = 'no-cache';

export const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, options) => {
  const publicDir = options.publicDir ?? fileURLToPath(new URL('./public/', import.meta.url));
  const assets = loadAssets(publicDir);
  const page = indexPage(assets);

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    securityHeaders(reply, page.scriptHash);
    return sendAsset(reply, page.asset, request.headers['if-none-match'], REVALIDATE);
  });

  app.get(`${ASSET_PREFIX}*`, { schema: { hide: true } }, async (request, reply) => {
    const [pathname = '', query = ''] = request.url.split('?');
    const asset = assets.get(safeDecode(pathname.slice(ASSET_PREFIX.length)));
    if (!asset) throw notFound('ASSET_NOT_FOUND', `no file ${pathname}`);
    const versioned = new URLSearchParams(query).get('v') === asset.version;
    reply.header('x-content-type-options', 'nosniff');
    return sendAsset(reply, asset, request.headers['if-none-match'], versioned ? IMMUTABLE : REVALIDATE);
  });
};

/** Only names read from disk at start are served, so a path like `../x` just finds nothing. */
function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return '';
  }
}

function sendAsset(reply: FastifyReply, asset: Asset, ifNoneMatch: string | undefined, cacheControl: string): FastifyReply {
  reply.header('cache-control', cacheControl).header('etag', asset.etag);
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

// The page needs nothing from elsewhere: no CDN, no inline script but the import map (allowed by hash),
// no inline style. The API's own policy (api/auth/http-hardening.ts) plus that one hash.
function securityHeaders(reply: FastifyReply, importMapHash: string): void {
  reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' '${importMapHash}'`))
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

/** Every file under `dir`, keyed by its path relative to it with forward slashes. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const contentType = CONTENT_TYPES[path.extname(entry.name).toLowerCase()];
    if (contentType === undefined) continue;
    assets.set(path.relative(dir, file).split(path.sep).join('/'), asset(readFileSync(file), contentType));
  }
  if (!assets.has(INDEX)) throw new Error(`the live page has no ${INDEX} in ${dir}`);
  return assets;
}

function asset(body: Buffer, contentType: string): Asset {
  const version = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  return { body, contentType, etag: `"${version}"`, version };
}

/**
 * index.html with every asset URL fingerprinted, and an import map doing the same for the modules'
 * own relative imports, so a new release is never run half old, half new.
 */
function indexPage(assets: ReadonlyMap<string, Asset>): { asset: Asset; scriptHash: string } {
  const versioned = new Map([...assets].filter(([name]) => name !== INDEX).map(([name, a]) => [`${ASSET_PREFIX}${name}`, `${ASSET_PREFIX}${name}?v=${a.version}`]));
  const imports = Object.fromEntries([...versioned].filter(([url]) => url.endsWith('.js')));
  const importMap = JSON.stringify({ imports });
  let html = assets.get(INDEX)!.body.toString('utf8');
  for (const [url, withVersion] of versioned) html = html.replaceAll(`"${url}"`, `"${withVersion}"`);
  // Preloading every module fetches them in parallel instead of one import level at a time.
  const preloads = Object.values(imports).map((url) => `<link rel="modulepreload" href="${url}">`);
  html = html.replace('<!-- import-map -->', [`<script type="importmap">${importMap}</script>`, ...preloads].join('\n'));
  const scriptHash = `sha256-${createHash('sha256').update(importMap).digest('base64')}`;
  return { asset: asset(Buffer.from(html), CONTENT_TYPES['.html']!), scriptHash };
}
