/** `GET /openapi.json`: the API description, built once per app. */
import { Router } from 'express';
import type { Config } from '../../../config';
import { openApiDocument } from './document';

export function openApiRoute(config: Readonly<Config>): Router {
  const router = Router();
  let body: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    body ??= JSON.stringify(openApiDocument(config));
    res.type('application/json').send(body);
  });
  return router;
}
