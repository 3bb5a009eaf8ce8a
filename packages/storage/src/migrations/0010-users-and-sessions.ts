import { sql, type Kysely } from 'kysely';

/**
 * People who sign in. Users are global (one email, one password, any number of workspaces);
 * `workspace_members` gives each a role per workspace and is distributed by workspace like all
 * workspace data. Sessions, invitations, password resets and the setup token are found by the
 * hash of a secret before the workspace is known, like `api_keys`, so they are reference tables
 * on Citus. Secrets are stored only as SHA-256 hashes: they carry 256 random bits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      user_id uuid PRIMARY KEY,
      email text NOT NULL,
      -- NULL until the user sets one (an invitation not yet accepted).
      password_hash text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email ON users (lower(email));

    CREATE TABLE workspace_members (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'ops', 'agent', 'viewer')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, user_id)
    );
    CREATE INDEX workspace_members_user ON workspace_members (user_id);

    CREATE TABLE user_sessions (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      session_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      token_hash bytea NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, session_id)
    );
    CREATE INDEX user_sessions_user ON user_sessions (user_id);

    CREATE TABLE user_invitations (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      invitation_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      role text NOT NULL,
      token_hash bytea NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      PRIMARY KEY (workspace_id, invitation_id)
    );

    CREATE TABLE password_resets (
      token_hash bytea PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );

    -- The one-time link that creates the first owner when no bootstrap variables were given.
    CREATE TABLE setup_tokens (
      token_hash bytea PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Failed sign-ins by bucket ('account:<email>' or 'address:<ip>'): a table, not memory, so
    -- every process serving the database counts the same failures.
    CREATE TABLE login_failures (
      bucket text NOT NULL,
      failed_at timestamptz NOT NULL
    );
    CREATE INDEX login_failures_bucket ON login_failures (bucket, failed_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE login_failures, setup_tokens, password_resets, user_invitations, user_sessions, workspace_members, users;
  `.execute(db);
}
