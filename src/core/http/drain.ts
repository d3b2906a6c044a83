import { RequestListener, Server } from 'node:http';

/** A request listener that knows which requests are in flight, so a stop can let them finish. */
export interface DrainableListener {
  listener: RequestListener;
  /**
   * Stops accepting connections, answers the requests in flight (each with `Connection: close`),
   * and after `graceMs` closes whatever is still open. Resolves once the server is closed.
   */
  drain(server: Server, graceMs: number): Promise<void>;
}

export function drainable(handle: RequestListener): DrainableListener {
  let inFlight = 0;
  let draining = false;
  let settled: (() => void) | null = null;
  const listener: RequestListener = (req, res) => {
    inFlight += 1;
    // Keep-alive sockets would otherwise carry new requests into a server that is going away.
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) settled?.();
    });
    handle(req, res);
  };
  const drain = async (server: Server, graceMs: number): Promise<void> => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (settled = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    server.closeAllConnections();
    await closed;
  };
  return { listener, drain };
}
