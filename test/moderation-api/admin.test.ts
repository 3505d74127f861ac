/**
 * The admin API: moderator accounts created, scoped, promoted, rotated and revoked, effective at
 * once (no restart); the senior role alone decides escalated comments; the default admin token is
 * refused in production.
 */
import request from 'supertest';
import { loadConfig } from '../../config';
import { adminRoutes } from '../../src/api/admin';
import { AccountStore } from '../../src/infra/account-store';
import { ModeratorDirectory } from '../../src/security/moderators';
import { submitFlagged } from '../support/comments';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, type TestService } from '../support/service';
import express from 'express';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ name: 'mod-admin' });
});
afterAll(() => service.close());

const admin = (token = 'demo-admin') => ({
  get: (path: string) => request(service.app).get(`/v1/admin${path}`).set('Authorization', `Bearer ${token}`),
  post: (path: string, body?: object) => request(service.app).post(`/v1/admin${path}`).set('Authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body: object) => request(service.app).patch(`/v1/admin${path}`).set('Authorization', `Bearer ${token}`).send(body),
  delete: (path: string) => request(service.app).delete(`/v1/admin${path}`).set('Authorization', `Bearer ${token}`),
});

describe('moderator accounts', () => {
  it('creates an account whose token works at once, scoped to its sites; the hash is never shown', async () => {
    await request(service.app).get('/v1/admin/moderators').expect(401);
    await admin('wrong').get('/moderators').expect(401);
    const created = await admin().post('/moderators', { name: 'Night Desk', sites: ['demo'] }).expect(201);
    expect(created.body).toMatchObject({ name: 'Night Desk', role: 'moderator', sites: ['demo'], token: expect.stringMatching(/^mod_/) });
    expect(created.body.tokenSha256).toBeUndefined();
    const token = created.body.token as string;
    await moderatorApi(service, token).get('/queue').expect(200);
    await moderatorApi(service, token, 'other').get('/queue').expect(403);
    expect((await request(service.app).get('/v1/moderation/me').set('Authorization', `Bearer ${token}`).expect(200)).body).toMatchObject({ name: 'Night Desk', role: 'moderator' });
    expect((await admin().get('/moderators').expect(200)).body.items).toEqual([expect.not.objectContaining({ tokenSha256: expect.anything() })]);
    await admin().post('/moderators', { name: 'Night Desk', sites: ['demo'] }).expect(409);
    await admin().post('/moderators', { name: 'demo-moderator', sites: ['demo'] }).expect(409);
    await admin().post('/moderators', { name: 'x', sites: ['nowhere'] }).expect(422);
  });

  it('rotates a token (the old one stops working) and revokes an account', async () => {
    const { body } = await admin().post('/moderators', { name: 'rotator', sites: ['demo'] }).expect(201);
    const rotated = await admin().post('/moderators/rotator/rotate').expect(200);
    await moderatorApi(service, body.token).get('/queue').expect(401);
    await moderatorApi(service, rotated.body.token).get('/queue').expect(200);
    await admin().delete('/moderators/rotator').expect(204);
    await moderatorApi(service, rotated.body.token).get('/queue').expect(401);
    await admin().post('/moderators/rotator/rotate').expect(409);
    await admin().delete('/moderators/nobody').expect(404);
  });

  it('lets only senior moderators decide escalated comments', async () => {
    const junior = (await admin().post('/moderators', { name: 'junior', sites: ['demo'] }).expect(201)).body.token as string;
    const senior = (await admin().post('/moderators', { name: 'senior', sites: ['demo'], role: 'senior' }).expect(201)).body.token as string;
    await submitFlagged(service, { id: 'esc-1' });
    await moderatorApi(service, junior).post('/queue/esc-1/escalate').expect(200);
    const refused = await moderatorApi(service, junior).post('/queue/esc-1/approve').expect(403);
    expect(refused.body.error.code).toBe('senior_only');
    await moderatorApi(service, senior).post('/queue/esc-1/approve').expect(200);
    await admin().patch('/moderators/junior', { role: 'senior' }).expect(200);
    await submitFlagged(service, { id: 'esc-2' });
    await moderatorApi(service, senior).post('/queue/esc-2/escalate').expect(200);
    await moderatorApi(service, junior).post('/queue/esc-2/reject', { reasonCode: 'INSULT' }).expect(200); // promoted, no restart
  });
});

describe('the default admin token', () => {
  it('is refused in production', async () => {
    const config = loadConfig({ overrides: { env: 'production', logLevel: 'silent', sites: [{ id: 'p', webhookSecrets: ['a-real-secret'] }], moderators: [] } });
    const app = express().use('/v1/admin', adminRoutes({ config, accounts: new AccountStore(service.redis, service.runtime.keys), directory: new ModeratorDirectory([]), sites: new Map(), now: () => new Date() }));
    app.use((err: { status: number; code: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(err.status).json({ code: err.code }));
    expect((await request(app).get('/v1/admin/moderators').set('Authorization', 'Bearer demo-admin').expect(403)).body.code).toBe('admin_disabled');
  });
});
