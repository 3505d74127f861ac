/** supertest calls to the moderators' API as a given moderator (bearer token) on a given site. */
import request from 'supertest';
import type { TestService } from './service';
import { TOKENS } from './service';

export function moderatorApi(service: TestService, token: string = TOKENS.demo, site = 'demo') {
  const url = (path: string) => `/v1/sites/${site}/moderation${path}`;
  const auth = `Bearer ${token}`;
  return {
    get: (path: string) => request(service.app).get(url(path)).set('Authorization', auth),
    post: (path: string, body?: object) => {
      const req = request(service.app).post(url(path)).set('Authorization', auth);
      return body === undefined ? req : req.send(body);
    },
    delete: (path: string) => request(service.app).delete(url(path)).set('Authorization', auth),
  };
}
