import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { ManualClock, systemClock, type Clock } from '@gatehouse/contracts';
import type { RateLimit } from '../src';

/** Generous limits, so a test that is not about them does not hit them. */
export const OPEN_RATE: RateLimit = { perSecond: 100_000, burst: 100_000, maxSources: 100 };
export const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/** Real time for sockets; a ManualClock would not move under a real peer. */
export const clock: Clock = systemClock;
export { ManualClock };

/** Runs util-linux `logger` as the syslog client; fails the test on a non-zero exit. */
export const logger = (args: string[], env: Record<string, string> = {}): void => {
  const result = spawnSync('logger', args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.status !== 0)
    throw new Error(`logger ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
};

/** A raw TCP client from a chosen loopback address (127.0.0.2 is a second source on Linux). */
export const rawClient = (port: number, localAddress = '127.0.0.1'): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });

/** Resolves when the server closed the socket (or after `ms`, with false). */
export const closedWithin = (socket: Socket, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
