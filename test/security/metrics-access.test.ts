/** Who may read /metrics: the token holder; without a token, loopback peers, and nobody in production. */
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { opsRoutes } from '../../src/api/routes/ops';

const app = (access: Parameters<typeof opsRoutes>[2]) => express().use(opsRoutes(async () => undefined, new Registry(), access));

describe('/metrics access', () => {
  it('serves nobody in production without a token, while /healthz stays open', async () => {
    const prod = app({ production: true });
    const res = await request(prod).get('/metrics');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/METRICS_TOKEN/);
    expect((await request(prod).get('/healthz')).status).toBe(200);
  });

  it('serves loopback peers when no token is set outside production', async () => {
    expect((await request(app({ production: false })).get('/metrics')).status).toBe(200);
  });

  it('wants the bearer token when one is set, from loopback too', async () => {
    const withToken = app({ production: true, token: 'metrics-token-0123456789' });
    expect((await request(withToken).get('/metrics')).status).toBe(401);
    expect((await request(withToken).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789')).status).toBe(200);
  });
});
