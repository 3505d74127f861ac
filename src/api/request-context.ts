/** What the middleware attaches to a request on its way to a route. */
import type { SiteConfig } from '../../config';
import type { Moderator } from '../security/moderators';
import type {} from 'pino-http'; // adds req.log

export type Caller = { kind: 'cms'; scheme: 'v1' | 'v2' } | { kind: 'moderator'; moderator: Moderator };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      site?: SiteConfig;
      rawBody?: Buffer;
      caller?: Caller;
    }
  }
}

export {};
