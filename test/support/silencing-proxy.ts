/**
 * A loopback TCP proxy in front of Redis whose open connections can be made to go silent: no byte
 * passes in either direction and neither end learns that the other closed (a half-dead network
 * path). Connections opened afterwards are forwarded as before.
 */
import net from 'node:net';

export interface SilencingProxy {
  port: number;
  /** From now on, the connections open at this moment carry nothing. */
  silence(): void;
  close(): Promise<void>;
}

export async function startSilencingProxy(target: { host: string; port: number }): Promise<SilencingProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    silence() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        // Paused sockets are not read: a FIN from either end is never seen, so nothing closes.
        client.pause();
        upstream.pause();
        client.removeAllListeners('close');
        upstream.removeAllListeners('close');
      }
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
