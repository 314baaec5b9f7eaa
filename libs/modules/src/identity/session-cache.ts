import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config';
import type { TokenHolderRow } from './identity.repository';

/** Notifications of ended sessions, sent by the database at commit (migration 1732910000000). */
export const SESSIONS_CHANNEL = 'pelekan_sessions';
/** A safety net only: an entry is read again from the database after this long even if nothing said it changed. */
const ENTRY_TTL_MS = 60_000;
const MAX_ENTRIES = 20_000;
const HEARTBEAT_MS = 10_000;
const RECONNECT_AFTER_MS = 1_000;

interface Entry {
  holder: TokenHolderRow;
  until: number;
}

/**
 * Tokens this API instance checked, so a request need not read its user again. Correct only while
 * the instance hears every change, so it is used only then:
 *
 * - The database notifies `pelekan_sessions` at the commit of any change of a user (sign-out adds to
 *   `revoked_tokens`; disabling and password resets raise `users.token_version`) through triggers, so
 *   no code path (the API, the CLI, plain SQL) can end a session silently. Each instance LISTENs on
 *   its own connection and drops the entries named.
 * - While that connection is not listening (starting, lost, or failing its heartbeat), nothing is
 *   cached or served from the cache: every request reads the database, as without a cache. On
 *   reconnecting the cache starts empty, so a change made while deaf cannot survive.
 * - A fill races a change: the generation counter moves with every drop, and a row read before a
 *   drop is not stored after it.
 * - The instance that ends a session also drops it itself after its commit (`forgetUser`,
 *   `forgetToken`), before it answers, so its own next request sees the end without waiting for the
 *   notification. Other instances see it when the notification arrives (milliseconds after commit).
 */
@Injectable()
export class SessionCache implements OnModuleDestroy {
  private readonly logger = new Logger(SessionCache.name);
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private listener: Client | null = null;
  private listening = false;
  private connecting = false;
  private lastAttempt = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  /** The cached holder of token `jti`, or null (not cached, expired, or the cache cannot be trusted now). */
  get(jti: string): TokenHolderRow | null {
    this.ensureListening();
    if (!this.listening) return null;
    const entry = this.entries.get(jti);
    if (!entry) return null;
    if (entry.until <= Date.now()) {
      this.entries.delete(jti);
      return null;
    }
    return entry.holder;
  }

  /** Taken before reading a holder from the database; null when what is read must not be cached. */
  stamp(): number | null {
    return this.listening ? this.generation : null;
  }

  /** Keeps a holder read after `stamp()`, unless anything was dropped since (then it may be stale). */
  put(stamp: number | null, jti: string, holder: TokenHolderRow, tokenExpiresAt: number): void {
    if (stamp === null || stamp !== this.generation || !this.listening) return;
    if (this.entries.size >= MAX_ENTRIES) this.sweep();
    this.entries.set(jti, { holder, until: Math.min(Date.now() + ENTRY_TTL_MS, tokenExpiresAt) });
  }

  /** Drops every token of the user (its token version, activity, role or organization changed). */
  forgetUser(userId: string): void {
    this.generation++;
    for (const [jti, entry] of this.entries) if (entry.holder.id === userId) this.entries.delete(jti);
  }

  /** Drops one signed-out token. */
  forgetToken(jti: string): void {
    this.generation++;
    this.entries.delete(jti);
  }

  onModuleDestroy(): Promise<void> {
    this.closed = true;
    return this.deafen(this.listener);
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Expired entries go; if the cache is still full, all of it (a cache, never a limit on sessions). */
  private sweep(): void {
    const now = Date.now();
    for (const [jti, entry] of this.entries) if (entry.until <= now) this.entries.delete(jti);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }

  private onNotification(payload: string | undefined): void {
    const [kind, id] = (payload ?? '').split(':');
    if (kind === 'user' && id) this.forgetUser(id);
    else if (kind === 'token' && id) this.forgetToken(id);
    else this.clear();
  }

  /** Starts listening on first use (a worker process never checks a token, so never listens). */
  private ensureListening(): void {
    if (this.listening || this.connecting || this.closed || Date.now() - this.lastAttempt < RECONNECT_AFTER_MS) return;
    this.connecting = true;
    this.lastAttempt = Date.now();
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'pelekan-sessions', keepAlive: true });
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', (error) => void this.lost(client, error));
    client.on('end', () => void this.lost(client));
    client
      .connect()
      .then(() => client.query(`LISTEN ${SESSIONS_CHANNEL}`))
      .then(
        () => {
          this.connecting = false;
          if (this.closed) return void client.end().catch(() => undefined);
          this.clear();
          this.listener = client;
          this.listening = true;
          this.heartbeat = setInterval(() => void this.beat(client), HEARTBEAT_MS).unref();
        },
        (error: Error) => {
          this.connecting = false;
          void this.lost(client, error);
        },
      );
  }

  /** A listener that stopped answering may have missed notifications: treat it as lost. */
  private async beat(client: Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to the heartbeat')), HEARTBEAT_MS / 2).unref();
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (error) {
      await this.lost(client, error as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async lost(client: Client, error?: Error): Promise<void> {
    if (this.listener === client && !this.closed) {
      this.logger.warn(`session notifications lost (${error?.message ?? 'connection ended'}); checking every token in the database until they are back`);
    }
    await this.deafen(client);
  }

  private async deafen(client: Client | null): Promise<void> {
    if (client && client === this.listener) {
      this.listening = false;
      this.listener = null;
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      this.clear();
    }
    await client?.end().catch(() => undefined);
  }
}
