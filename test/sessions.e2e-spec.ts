/**
 * Sessions and accounts: sign-out ends a token on the server, administrators disable users and
 * reset passwords (every session ends), a privileged role or a privileged user's new password needs
 * a second administrator, weak secrets stop the process at start, and anonymous /health says only
 * up or down.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiApp } from '../apps/api/src/app';
import { AGENCY_PASSWORD, createUser, orgId } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { Http } from './support/http';

const API = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

describe('sessions and accounts', () => {
  let h: Harness;
  const signIn = (username: string, password: string) => h.http.request('POST', '/api/auth/login', { json: { username, password } });
  const me = (token: string) => h.http.request('GET', '/api/auth/me', { token });

  beforeAll(async () => {
    h = await startHarness({ demoData: true, worker: false });
  });
  afterAll(() => h?.close());

  it('ends a signed-out token on the server, and only that one', async () => {
    const first = (await signIn('agency.demo', 'pelekan-demo')).body.accessToken;
    const second = (await signIn('agency.demo', 'pelekan-demo')).body.accessToken;
    expect((await h.http.request('POST', '/api/auth/logout', { token: first })).status).toBe(200);
    const after = await me(first);
    expect(after.status).toBe(401);
    expect(after.body.message).toContain('session has ended');
    expect((await me(second)).status).toBe(200);
  });

  it('lets an administrator disable a user (every session ends at once) and enable them again', async () => {
    const user = await createUser(h.http, 'agency.leaver2', 'agency', await orgId(h.http, 'demo-agency'));
    const token = (await signIn('agency.leaver2', AGENCY_PASSWORD)).body.accessToken;
    const disabled = await h.http.as('admin').post(`/api/users/${user.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    expect((await me(token)).status).toBe(401);
    expect((await signIn('agency.leaver2', AGENCY_PASSWORD)).status).toBe(401);
    expect((await h.http.as('admin').post(`/api/users/${user.id}/enable`)).status).toBe(200);
    expect((await signIn('agency.leaver2', AGENCY_PASSWORD)).status).toBe(200);
    expect((await me(token)).status).toBe(401); // the old session stays ended
  });

  it("resets an agency user's password at once, ending their sessions", async () => {
    const user = await createUser(h.http, 'agency.forgot', 'agency', await orgId(h.http, 'demo-agency'));
    const token = (await signIn('agency.forgot', AGENCY_PASSWORD)).body.accessToken;
    const reset = await h.http.as('admin').post(`/api/users/${user.id}/password`, { password: 'a-new-password-42' });
    expect(reset.status).toBe(200);
    expect(reset.body.passwordChanged).toBe(true);
    expect((await me(token)).status).toBe(401);
    expect((await signIn('agency.forgot', AGENCY_PASSWORD)).status).toBe(401);
    expect((await signIn('agency.forgot', 'a-new-password-42')).status).toBe(200);
  });

  it('needs a second administrator to grant the PBO role: one administrator cannot make the two officers four eyes needs', async () => {
    const created = await h.http.as('admin').post('/api/users', {
      username: 'pbo.puppet',
      password: 'puppet-password-1',
      role: 'pbo',
      displayName: 'Puppet officer',
    });
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(false);
    expect(created.body.pendingRequests).toEqual([expect.objectContaining({ kind: 'grant_role', role: 'pbo' })]);
    const requestId = created.body.pendingRequests[0].id;
    expect((await signIn('pbo.puppet', 'puppet-password-1')).status).toBe(401);
    expect((await h.http.as('admin').post(`/api/users/${created.body.id}/enable`)).body.code).toBe('confirmation_pending');

    const self = await h.http.as('admin').post(`/api/account-requests/${requestId}/decision`, { action: 'confirm' });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('four_eyes');
    const pending = await h.http.as('admin2').get('/api/account-requests');
    expect(pending.body.map((r: any) => r.id)).toContain(requestId);

    const confirmed = await h.http.as('admin2').post(`/api/account-requests/${requestId}/decision`, { action: 'confirm' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', decidedBy: expect.objectContaining({ username: 'admin2' }) });
    expect((await signIn('pbo.puppet', 'puppet-password-1')).status).toBe(200);
  });

  it("needs a second administrator to reset a PBO officer's password (otherwise one administrator could sign in as them)", async () => {
    const [officer] = await h.db.query(`SELECT id FROM users WHERE username = 'pbo.officer2'`);
    const token = (await signIn('pbo.officer2', 'pelekan-demo')).body.accessToken;
    const asked = await h.http.as('admin').post(`/api/users/${officer.id}/password`, { password: 'taken-over-password' });
    expect(asked.status).toBe(200);
    expect(asked.body.passwordChanged).toBe(false);
    expect((await signIn('pbo.officer2', 'taken-over-password')).status).toBe(401);
    expect((await me(token)).status).toBe(200);

    const rejected = await h.http.as('admin2').post(`/api/account-requests/${asked.body.pendingRequests[0].id}/decision`, {
      action: 'reject',
      reason: 'the officer did not ask for it',
    });
    expect(rejected.body.status).toBe('rejected');
    expect((await signIn('pbo.officer2', 'pelekan-demo')).status).toBe(200);
  });

  it('ends a session on every API instance at once, and when the database changes behind the API', async () => {
    // A second instance on the same database, as a deployment with two would run. Each reads the
    // token's user on every request, so an end made through either (or in plain SQL) holds on the
    // very next request to any of them: no waiting for a notification.
    const second = await createApiApp(h.env);
    await second.listen({ port: 0, host: '127.0.0.1' });
    const other = new Http(await second.getUrl());
    const meOn = async (http: Http, token: string) => (await http.request('GET', '/api/auth/me', { token })).status;
    try {
      const user = await createUser(h.http, 'agency.twice', 'agency', await orgId(h.http, 'demo-agency'));
      const token = (await signIn('agency.twice', AGENCY_PASSWORD)).body.accessToken;
      expect([await meOn(h.http, token), await meOn(other, token), await meOn(other, token)]).toEqual([200, 200, 200]);
      expect((await h.http.request('POST', '/api/auth/logout', { token })).status).toBe(200);
      expect([await meOn(other, token), await meOn(h.http, token)]).toEqual([401, 401]);

      const again = (await signIn('agency.twice', AGENCY_PASSWORD)).body.accessToken;
      expect([await meOn(h.http, again), await meOn(other, again)]).toEqual([200, 200]);
      await h.db.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [user.id]);
      expect([await meOn(other, again), await meOn(h.http, again)]).toEqual([401, 401]);

      const third = (await signIn('agency.twice', AGENCY_PASSWORD)).body.accessToken;
      expect([await meOn(h.http, third), await meOn(other, third)]).toEqual([200, 200]);
      expect((await new Http(await second.getUrl()).as('admin').post(`/api/users/${user.id}/disable`)).status).toBe(200);
      expect([await meOn(h.http, third), await meOn(other, third)]).toEqual([401, 401]);
    } finally {
      await second.close();
    }
  });

  it('says only up or down to anonymous callers of /health; details to administrators', async () => {
    const anonymous = await h.http.request('GET', '/health');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: 'ok', database: { ok: true }, temporal: { ok: true } });
    const agency = await h.http.request('GET', '/health', { token: await h.http.login('agency.demo') });
    expect(agency.body).toEqual(anonymous.body);
    const admin = await h.http.request('GET', '/health', { token: await h.http.login('admin') });
    expect(admin.body).toMatchObject({
      database: { ok: true, latencyMs: expect.any(Number) },
      temporal: { ok: true, latencyMs: expect.any(Number), address: h.env.TEMPORAL_ADDRESS },
    });
  });

  it('refuses to start with the placeholder secret of docker/.env.example, or one too short or not random', async () => {
    if (!existsSync(API)) throw new Error(`${API} is missing: run the build first (npm test does)`);
    const example = readFileSync(join(__dirname, '..', 'docker', '.env.example'), 'utf8');
    const placeholder = /^PELEKAN_JWT_SECRET=(.*)$/m.exec(example)![1];
    for (const [name, value, why] of [
      ['JWT_SECRET', placeholder, 'placeholder'],
      ['JWT_SECRET', 'abc123', 'at least 32'],
      ['AUDIT_KEY', 'ab'.repeat(20), 'does not look random'],
    ]) {
      const run = promisify(execFile)(process.execPath, [API], { env: { ...process.env, ...h.env, PORT: '0', [name]: value }, timeout: 30_000 });
      await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`${name}.*${why}`)) });
    }
  });
});
