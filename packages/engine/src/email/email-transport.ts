import { createTransport, type Transporter } from 'nodemailer';

/** What nodemailer needs to reach the workspace's SMTP server; the password already opened. */
export interface SmtpConnection {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
}

/** A transport with timeouts short enough that a dead server fails a job, not blocks a worker. */
export function smtpTransport(connection: SmtpConnection): Transporter {
  return createTransport({
    host: connection.host,
    port: connection.port,
    secure: connection.secure,
    ...(connection.user !== null ? { auth: { user: connection.user, pass: connection.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

/** Connects and authenticates (nodemailer's `verify`); the server's complaint when it refuses. */
export async function smtpProblem(connection: SmtpConnection): Promise<string | undefined> {
  const transport = smtpTransport(connection);
  try {
    await transport.verify();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    transport.close();
  }
}
