/** The moderators' web page: static files from `public/moderate/`, served at `/moderate`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * `public/moderate` of the project, found by walking up from this file to the folder that holds
 * package.json, so it works from src/ (tsx, ts-jest) and from dist/ (compiled) alike.
 */
export function moderatePageDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'public', 'moderate');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`public/moderate not found above ${from}`);
  }
}

export function moderatePage(dir: string = moderatePageDir()): Router {
  const router = Router();
  const noCache = { headers: { 'Cache-Control': 'no-cache' } };
  // `/moderate` and `/moderate/` both serve the page (its assets use absolute /moderate/ URLs).
  router.get('/', (_req, res) => res.sendFile(path.join(dir, 'index.html'), noCache));
  router.use(
    express.static(dir, {
      index: 'index.html',
      redirect: false,
      // Revalidate on every load (ETag), so a deploy is picked up at once.
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  return router;
}
