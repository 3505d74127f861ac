/** Keys of the Perspective-compatible API, known only by their SHA-256 hashes, each bound to one site. */
import { createHash } from 'node:crypto';
import type { SiteConfig } from '../../config';

export interface ApiKey {
  site: string;
  name: string;
  /** First 16 hex digits of the key's hash: names its rate-limit bucket, never reveals the key. */
  keyId: string;
  requestsPerSecond: number;
  burst: number;
}

export class ApiKeyDirectory {
  private readonly byHash = new Map<string, ApiKey>();

  constructor(sites: Iterable<SiteConfig>) {
    for (const site of sites) {
      for (const k of site.perspectiveKeys) {
        this.byHash.set(k.keySha256, { site: site.id, name: k.name, keyId: k.keySha256.slice(0, 16), requestsPerSecond: k.requestsPerSecond, burst: k.burst });
      }
    }
  }

  /** The key's settings, or null. Only the key's hash is compared. */
  authenticate(key: string): ApiKey | null {
    return this.byHash.get(createHash('sha256').update(key, 'utf8').digest('hex')) ?? null;
  }
}
