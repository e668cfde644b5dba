import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

export interface SpaOptions {
  /** Absolute path of the built SPA (web/dist). */
  root: string;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>红心社区 · web app not built</title></head>
<body>
<h1>网页应用尚未构建 · The web app is not built</h1>
<p>The gateway serves the SPA from <code>web/dist</code>, which has no <code>index.html</code>.</p>
<p>Run <code>npm run build -w web</code> (or <code>npm run build</code>) and reload this page.
The API under <code>/api/</code> works meanwhile.</p>
</body></html>
`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built SPA with history fallback.
 *
 * A GET outside /api/ is a file of web/dist when one exists; otherwise it is a client-side route
 * (/org, /desk/abc, /coverage) and gets index.html, so a reload works. A missing *asset* (a path
 * whose last segment has an extension, e.g. /assets/old-hash.js, requested by something that does
 * not ask for HTML) is a 404, not index.html: a script tag given HTML fails in confusing ways.
 * Unknown /api/* paths fall through to the JSON 404 of the shared not-found handler.
 *
 * Files go out precompressed (brotli or gzip, by Accept-Encoding) when the build made such a copy.
 * Vite names assets by content hash, so /assets/* may be cached for good; everything else
 * (index.html above all) is revalidated on each load so a new build is picked up at once.
 */
export default async function spaPlugin(app: FastifyInstance, opts: SpaOptions) {
  const root = resolve(opts.root);
  // serve: false — only reply.sendFile (with @fastify/send's path checks); routing is ours.
  // preCompressed: the build leaves name.br / name.gz beside each text asset (web/scripts/compress.mjs);
  // a browser that accepts one gets it as it is, the others the plain file.
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', cacheControl: false, etag: true, lastModified: true, preCompressed: true });

  const sendIndex = async (reply: FastifyReply) => {
    if (!(await isFile(resolve(root, 'index.html')))) {
      return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };

  // returning `reply` tells Fastify the answer is on its way (callNotFound may finish asynchronously)
  const notFound = (reply: FastifyReply) => {
    reply.callNotFound();
    return reply;
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    schema: { hide: true },
    handler: async (request, reply) => {
      const pathname = request.url.split('?', 1)[0];
      if (pathname === '/api' || pathname.startsWith('/api/')) return notFound(reply);

      let rel: string;
      try {
        rel = decodeURIComponent(pathname).replace(/^\/+/, '');
      } catch {
        return notFound(reply);
      }
      const segments = rel.split('/');
      const plain = !rel.includes('\0') && !rel.includes('\\') && segments.every((s) => s !== '..' && !s.startsWith('.'));
      if (rel !== '' && plain) {
        const abs = resolve(root, rel);
        if (abs.startsWith(root + sep) && (await isFile(abs))) {
          const immutable = rel.startsWith('assets/');
          if (!immutable) reply.header('cache-control', 'no-cache');
          return reply.sendFile(rel, immutable ? { cacheControl: true, maxAge: '365d', immutable: true } : {});
        }
      }

      const last = segments[segments.length - 1];
      const wantsHtml = (request.headers.accept ?? '').includes('text/html');
      if (rel.startsWith('assets/') || (extname(last) !== '' && !wantsHtml)) return notFound(reply);
      return sendIndex(reply);
    },
  });
}
