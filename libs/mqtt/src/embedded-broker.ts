import { createServer, type Server } from 'node:net';

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

/**
 * A small MQTT broker (aedes) inside the gateway, for a machine that has none:
 * the demo, a site with a handful of sensors. Off whenever an external broker is
 * configured. It keeps sessions in memory only, so messages published while the
 * gateway is down are not kept (an external broker keeps them).
 */
export const startEmbeddedBroker = async (host: string, port: number): Promise<EmbeddedBroker> => {
  // aedes is an ES module; Node 20.19+ loads it here.
  const { Aedes } = (await import('aedes')) as unknown as {
    Aedes: { createBroker(): Promise<{ handle: (socket: unknown) => void; close(cb?: () => void): void }> };
  };
  const broker = await Aedes.createBroker();
  const server: Server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `mqtt://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
      }),
  };
};
