import path from 'node:path';
import expressStaticGzip from 'express-static-gzip';

/** `Cache-Control` of content-hashed build output (`/_next/static/…`): its name changes with its content. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** `Cache-Control` of everything else (HTML, icons): always revalidated (ETag / Last-Modified → 304). */
export const REVALIDATE_CACHE = 'no-cache';

const HASHED = `${path.sep}_next${path.sep}static${path.sep}`;

/**
 * The middleware serving the operator web app (a Next.js static export in `dir`) on the same origin as `/api`:
 * the brotli (`.br`) or gzip (`.gz`) file written beside each asset at build time (`scripts/build-web.mjs`) when
 * the client accepts it (`Content-Encoding`, `Vary: Accept-Encoding`), nothing compressed per request; hashed
 * assets cached for a year ({@link IMMUTABLE_CACHE}), HTML revalidated on every load ({@link REVALIDATE_CACHE}).
 * `/pool/` serves `pool/index.html`; `/404` serves `404.html`. Anything else — and every `/api` path, `/metrics`
 * and Bull Board's `/admin/queues` — falls through to the API routes.
 */
export function webAppStatic(dir: string) {
  const serve = expressStaticGzip(dir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: {
      index: ['index.html'],
      extensions: ['html'],
      cacheControl: false,
      setHeaders: (res: { setHeader(name: string, value: string): void }, file: string) => {
        res.setHeader('Cache-Control', file.includes(HASHED) ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      },
    },
  });
  // API paths, `/metrics`, `/admin/queues` (and paths that do not decode, which only the API answers — as problem+json) never reach it.
  type Middleware = typeof serve;
  return ((req, res, next) => {
    if (
      req.path === '/api' ||
      req.path.startsWith('/api/') ||
      req.path === '/metrics' ||
      req.path === '/admin/queues' ||
      req.path.startsWith('/admin/queues/') ||
      !decodes(req.path)
    )
      return next();
    serve(req, res, next);
  }) as Middleware;
}

/** True when every percent-escape of `path` decodes. */
function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
