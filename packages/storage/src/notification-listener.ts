import type { Pool, PoolClient } from 'pg';

/** Options for {@link listenForNotifications}. */
export interface NotificationListenerOptions {
  /** Called when the connection is lost and when a reconnection attempt fails. */
  onConnectionLost?: (error: unknown) => void;
  /** First wait before reconnecting; doubles per failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Calls `onNotification` for every NOTIFY on `channel`, on a connection of its own that is made
 * again whenever it is lost (the database restarted or went away). Notifications sent while it
 * was gone are lost, so `onNotification` is also called once after each reconnection: listeners
 * look for what they missed. Resolves once listening; the returned function stops for good.
 */
export async function listenForNotifications(
  pool: Pool,
  channel: string,
  onNotification: () => void,
  options: NotificationListenerOptions = {},
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`channel ${channel} is not a plain identifier`);
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  let stopped = false;
  let client: PoolClient | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let reconnecting: Promise<void> | undefined;
  let detach: () => void = () => undefined;

  const handler = (message: { channel: string }) => {
    if (message.channel === channel) onNotification();
  };

  const connect = async (): Promise<void> => {
    const next = await pool.connect();
    let lost = false;
    const onLost = (error: unknown) => {
      if (lost) return;
      lost = true;
      next.off('notification', handler);
      next.release(true);
      if (client === next) client = undefined;
      if (stopped) return;
      options.onConnectionLost?.(error);
      scheduleReconnect(initialBackoffMs);
    };
    const onEnd = () => onLost(new Error('listening connection ended'));
    next.on('error', onLost);
    next.on('end', onEnd);
    next.on('notification', handler);
    detach = () => {
      lost = true;
      next.off('notification', handler);
      next.off('end', onEnd);
      // Keep an error listener: a connection dying as it is handed back must not end the process.
      next.off('error', onLost);
      next.on('error', () => undefined);
    };
    try {
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      onLost(error);
      throw error;
    }
    if (stopped) {
      // Stopped while reconnecting: give the connection back rather than keep it checked out,
      // which would hold the pool's end() forever.
      detach();
      next.release(true);
      return;
    }
    client = next;
  };

  const scheduleReconnect = (delayMs: number) => {
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (stopped) return;
      reconnecting = connect().then(
        () => {
          if (!stopped) onNotification();
        },
        (error: unknown) => {
          // connect() schedules its own retry when LISTEN failed on a made connection.
          if (client === undefined && retryTimer === undefined && !stopped) {
            options.onConnectionLost?.(error);
            scheduleReconnect(Math.min(delayMs * 2, maxBackoffMs));
          }
        },
      );
    }, delayMs);
    // Waiting to reconnect must not keep the process alive on its own.
    retryTimer.unref();
  };

  try {
    await connect();
  } catch (error) {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    throw error;
  }
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    await reconnecting;
    const current = client;
    client = undefined;
    if (!current) return;
    detach();
    try {
      await current.query(`UNLISTEN ${channel}`);
      current.release();
    } catch {
      current.release(true);
    }
  };
}
